import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, UseInterceptors } from '@nestjs/common';
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
  ConsentDto,
  ConsentListDto,
  DecideConsentDto,
  ExculpatoryNoticeDto,
  ExculpatoryNoticeListDto,
  FileExculpatoryNoticeDto,
  FurtherUseDto,
  FurtherUseListDto,
  OnwardTransferDto,
  OnwardTransferListDto,
  RecordFurtherUseDto,
  RecordOnwardTransferDto,
  RequestConsentInputDto,
  RequestConsultationDto,
} from './consent.dto';
import { ConsentsService } from './consents.service';
import { ExculpatoryNoticesService } from './exculpatory-notices.service';
import { Idempotent } from '../../idempotency/idempotent.decorator';

const REQUESTING_SIDE =
  'Requesting side: a liaison officer or supervisor of the requesting agency, or a central authority officer of the requesting state.';
const REQUESTED_SIDE =
  'Requested side: a central authority officer or 24/7 operator of the requested agency.';

/**
 * Consent on the use of material received under a request (domain.md §8.2): consent requests and
 * decisions, the onward transfers and further uses they allow, exculpatory-disclosure notices. Each
 * route follows the request's visibility: whoever may not see the request gets 404.
 */
@ApiTags('requests')
@UseInterceptors(AccessDenialInterceptor)
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such request, or not visible to the caller' })
@ApiBadRequestResponse({ type: ErrorResponseDto })
@Controller('v1/requests')
export class ConsentsController {
  constructor(
    private readonly consents: ConsentsService,
    private readonly notices: ExculpatoryNoticesService,
  ) {}

  @Get(':id/consents')
  @AuditedRead({
    action: 'request_consent.list',
    target: 'request',
    idParam: 'id',
    requestParam: 'id',
    listed: itemIds,
  })
  @RequirePermission(Permission.RequestRead)
  @ApiOperation({ summary: 'Consent requests on the request and their decisions (both sides)' })
  @ApiOkResponse({ type: ConsentListDto })
  listConsents(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ConsentListDto> {
    return this.consents.list(principal, id);
  }

  @Post(':id/consents')
  @Idempotent({ required: false })
  @RequirePermission(Permission.RequestTransition)
  @ApiOperation({
    summary: 'Ask the requested side’s consent to a further use or an onward transfer',
    description: `${REQUESTING_SIDE} Only once the requested side has accepted the request (409 \`request.not_accepted\` before). Written to the thread as a \`consent_request\` message.`,
  })
  @ApiCreatedResponse({ type: ConsentDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The request was never accepted' })
  requestConsent(
    @Param('id', uuidParam()) id: string,
    @Body() body: RequestConsentInputDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ConsentDto> {
    return this.consents.requestConsent(principal, id, body);
  }

  @Post(':id/consents/:consentId/decision')
  @Idempotent({ required: false })
  @RequirePermission(Permission.RequestTransition)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Grant, refuse or grant on conditions a consent request, once',
    description: `${REQUESTED_SIDE} Conditions are mandatory with a conditional decision, reasons with a refusal. Written to the thread as a \`consent_decision\` message.`,
  })
  @ApiOkResponse({ type: ConsentDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Already decided' })
  decideConsent(
    @Param('id', uuidParam()) id: string,
    @Param('consentId', uuidParam('consentId')) consentId: string,
    @Body() body: DecideConsentDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ConsentDto> {
    return this.consents.decide(principal, id, consentId, body);
  }

  @Get(':id/onward-transfers')
  @AuditedRead({
    action: 'request_onward_transfer.list',
    target: 'request',
    idParam: 'id',
    requestParam: 'id',
    listed: itemIds,
  })
  @RequirePermission(Permission.RequestRead)
  @ApiOperation({ summary: 'Onward transfers of the request’s material to third states (both sides)' })
  @ApiOkResponse({ type: OnwardTransferListDto })
  listOnwardTransfers(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<OnwardTransferListDto> {
    return this.consents.listOnwardTransfers(principal, id);
  }

  @Post(':id/onward-transfers')
  @Idempotent({ required: false })
  @RequirePermission(Permission.RequestTransition)
  @ApiOperation({
    summary: 'Record an onward transfer to a third state, under the consent for exactly that state',
    description: `${REQUESTING_SIDE} Without a granted or conditional onward-transfer consent for the state: 409 \`request.consent_required\`. The transfer carries the consent’s conditions.`,
  })
  @ApiCreatedResponse({ type: OnwardTransferDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'No consent allows it' })
  recordOnwardTransfer(
    @Param('id', uuidParam()) id: string,
    @Body() body: RecordOnwardTransferDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<OnwardTransferDto> {
    return this.consents.recordOnwardTransfer(principal, id, body);
  }

  @Get(':id/further-uses')
  @AuditedRead({
    action: 'request_further_use.list',
    target: 'request',
    idParam: 'id',
    requestParam: 'id',
    listed: itemIds,
  })
  @RequirePermission(Permission.RequestRead)
  @ApiOperation({ summary: 'Uses of the request’s material in other proceedings (both sides)' })
  @ApiOkResponse({ type: FurtherUseListDto })
  listFurtherUses(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<FurtherUseListDto> {
    return this.consents.listFurtherUses(principal, id);
  }

  @Post(':id/further-uses')
  @Idempotent({ required: false })
  @RequirePermission(Permission.RequestTransition)
  @ApiOperation({
    summary: 'Record a use in another proceeding, under the consent naming that proceeding',
    description: `${REQUESTING_SIDE} Without a granted or conditional further-use consent naming the proceeding: 409 \`request.consent_required\`.`,
  })
  @ApiCreatedResponse({ type: FurtherUseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'No consent allows it' })
  recordFurtherUse(
    @Param('id', uuidParam()) id: string,
    @Body() body: RecordFurtherUseDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<FurtherUseDto> {
    return this.consents.recordFurtherUse(principal, id, body);
  }

  @Get(':id/exculpatory-notices')
  @AuditedRead({
    action: 'request_exculpatory_notice.list',
    target: 'request',
    idParam: 'id',
    requestParam: 'id',
    listed: itemIds,
  })
  @RequirePermission(Permission.RequestRead)
  @ApiOperation({ summary: 'Exculpatory-disclosure notices and any consultation asked (both sides)' })
  @ApiOkResponse({ type: ExculpatoryNoticeListDto })
  listExculpatoryNotices(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ExculpatoryNoticeListDto> {
    return this.notices.list(principal, id);
  }

  @Post(':id/exculpatory-notices')
  @Idempotent({ required: false })
  @RequirePermission(Permission.RequestTransition)
  @ApiOperation({
    summary: 'Notify the requested side of an exculpatory disclosure',
    description: `${REQUESTING_SIDE} Without advance notice a justification is mandatory. The notice reaches the requested side at once as an \`exculpatory_notice\` message.`,
  })
  @ApiCreatedResponse({ type: ExculpatoryNoticeDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The request was never accepted' })
  fileExculpatoryNotice(
    @Param('id', uuidParam()) id: string,
    @Body() body: FileExculpatoryNoticeDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ExculpatoryNoticeDto> {
    return this.notices.file(principal, id, body);
  }

  @Post(':id/exculpatory-notices/:noticeId/consultation')
  @Idempotent({ required: false })
  @RequirePermission(Permission.RequestTransition)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Ask to consult on an exculpatory-disclosure notice, once',
    description: `${REQUESTED_SIDE} Written to the thread as a \`consultation_request\` message.`,
  })
  @ApiOkResponse({ type: ExculpatoryNoticeDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Consultation already requested' })
  requestConsultation(
    @Param('id', uuidParam()) id: string,
    @Param('noticeId', uuidParam('noticeId')) noticeId: string,
    @Body() body: RequestConsultationDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ExculpatoryNoticeDto> {
    return this.notices.requestConsultation(principal, id, noticeId, body);
  }
}
