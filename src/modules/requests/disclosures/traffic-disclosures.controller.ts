import { Body, Controller, Get, Param, Post, UseInterceptors } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Permission } from '@mla/contracts';
import { AuditedRead, itemIds } from '../../audit/audited-read';
import { ErrorResponseDto } from '../../../common/http/error-envelope.dto';
import { uuidParam } from '../../../common/http/if-match';
import { CurrentPrincipal, RequirePermission } from '../../auth/decorators/access.decorators';
import type { Principal } from '../../auth/principal';
import { AccessDenialInterceptor } from '../access-denial.interceptor';
import {
  DiscloseTrafficDto,
  PreservationDraftDto,
  TrafficDisclosureDto,
  TrafficDisclosureListDto,
} from './traffic-disclosure.dto';
import { TrafficDisclosuresService } from './traffic-disclosures.service';
import { Idempotent } from '../../idempotency/idempotent.decorator';

/** Traffic data disclosed while preserving (domain.md §5.3), and the preservation it leads to. */
@ApiTags('requests')
@UseInterceptors(AccessDenialInterceptor)
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such request, or not visible to the caller' })
@Controller('v1/requests')
export class TrafficDisclosuresController {
  constructor(private readonly disclosures: TrafficDisclosuresService) {}

  @Get(':id/traffic-disclosures')
  @AuditedRead({
    action: 'traffic_disclosure.list',
    target: 'request',
    idParam: 'id',
    requestParam: 'id',
    listed: itemIds,
  })
  @RequirePermission(Permission.RequestRead)
  @ApiOperation({ summary: 'Traffic data disclosed on a preservation (both sides)' })
  @ApiOkResponse({ type: TrafficDisclosureListDto })
  list(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TrafficDisclosureListDto> {
    return this.disclosures.list(principal, id);
  }

  @Post(':id/traffic-disclosures')
  @Idempotent({ required: false })
  @RequirePermission(Permission.RequestTransition)
  @ApiOperation({
    summary: 'Disclose the provider in a third state and the path found while preserving (requested side)',
    description:
      'BUD 30; UNCC 43. Only on a preservation being carried out (accepted or in execution); it carries the conditions the preservation was accepted under.',
  })
  @ApiCreatedResponse({ type: TrafficDisclosureDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Not a preservation being carried out' })
  disclose(
    @Param('id', uuidParam()) id: string,
    @Body() body: DiscloseTrafficDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TrafficDisclosureDto> {
    return this.disclosures.disclose(principal, id, body);
  }

  @Get(':id/traffic-disclosures/:disclosureId/preservation-draft')
  @AuditedRead({
    action: 'preservation_draft.view',
    target: 'traffic_disclosure',
    idParam: 'disclosureId',
    requestParam: 'id',
  })
  @RequirePermission(Permission.RequestCreate)
  @ApiOperation({
    summary:
      "A preservation request to the provider's state, filled in from the disclosure (requesting side)",
    description: 'Review it, then send `body` to POST /v1/requests: nothing is created until then.',
  })
  @ApiOkResponse({ type: PreservationDraftDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto })
  draft(
    @Param('id', uuidParam()) id: string,
    @Param('disclosureId', uuidParam()) disclosureId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PreservationDraftDto> {
    return this.disclosures.preservationDraft(principal, id, disclosureId);
  }
}
