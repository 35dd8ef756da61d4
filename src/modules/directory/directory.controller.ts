import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Permission } from '@mla/contracts';
import { ErrorResponseDto } from '../../common/http/error-envelope.dto';
import { uuidParam } from '../../common/http/if-match';
import {
  CurrentPrincipal,
  RefuseApiKeys,
  RequirePermission,
  RequireStepUp,
} from '../auth/decorators/access.decorators';
import type { Principal } from '../auth/principal';
import { AgencyAdminService } from './agency-admin.service';
import { DirectoryService } from './directory.service';
import { AgencyDto, AgencyQueryDto, CreateAgencyDto, StateDto, UpdateAgencyDto } from './dto/directory.dto';
import { Idempotent } from '../idempotency/idempotent.decorator';

// Reads are not recorded in the audit log: states and agencies are public reference data, not case
// data (docs/audit.md, What is recorded).
@ApiTags('directory')
@Controller('v1')
export class DirectoryController {
  constructor(
    private readonly directory: DirectoryService,
    private readonly admin: AgencyAdminService,
  ) {}

  @Get('states')
  @RequirePermission(Permission.DirectoryRead)
  @ApiOperation({ summary: 'States in the directory' })
  @ApiOkResponse({ type: [StateDto] })
  states(): Promise<StateDto[]> {
    return this.directory.listStates();
  }

  @Get('agencies')
  @RequirePermission(Permission.DirectoryRead)
  @ApiOperation({ summary: 'Agencies, optionally filtered by state and kind; active ones unless asked' })
  @ApiOkResponse({ type: [AgencyDto] })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  agencies(@Query() query: AgencyQueryDto): Promise<AgencyDto[]> {
    return this.directory.listAgencies(query);
  }

  @Post('agencies')
  @Idempotent({ required: false })
  @RequirePermission(Permission.DirectoryManage)
  @RequireStepUp()
  @RefuseApiKeys()
  @ApiOperation({ summary: 'Add an agency to the directory (audited, needs step-up)' })
  @ApiCreatedResponse({ type: AgencyDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'Invalid input, or a state not in the directory',
  })
  @ApiConflictResponse({ type: ErrorResponseDto, description: '`agency.conflict`: the code is taken' })
  createAgency(@Body() dto: CreateAgencyDto, @CurrentPrincipal() principal: Principal): Promise<AgencyDto> {
    return this.admin.create(principal, dto);
  }

  @Patch('agencies/:id')
  @RequirePermission(Permission.DirectoryManage)
  @RequireStepUp()
  @RefuseApiKeys()
  @ApiOperation({
    summary: 'Rename, change time zone or kind, deactivate or reactivate an agency (audited, needs step-up)',
    description:
      'Deactivation ends every session of the agency’s accounts at once; they cannot sign in (API keys ' +
      'included) and the agency receives no new requests, while requests already exchanged stay readable.',
  })
  @ApiOkResponse({ type: AgencyDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'Deactivating your own agency, or changing the kind of an agency with accounts or requests',
  })
  updateAgency(
    @Param('id', uuidParam()) id: string,
    @Body() dto: UpdateAgencyDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AgencyDto> {
    return this.admin.update(principal, id, dto);
  }
}
