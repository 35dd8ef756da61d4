import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Permission } from '@mla/contracts';
import { ErrorResponseDto } from '../../common/http/error-envelope.dto';
import { etagOf, IfMatchVersion, uuidParam } from '../../common/http/if-match';
import { PageQueryDto } from '../../common/http/pagination';
import { AuditedRead, itemIds } from '../audit/audited-read';
import { AuditEventPageDto } from '../audit/dto/audit-event.dto';
import { CurrentPrincipal, RequirePermission } from '../auth/decorators/access.decorators';
import type { Principal } from '../auth/principal';
import { AssignmentDto, AssignmentListDto, CreateAssignmentDto } from './dto/assignment.dto';
import { CreateRequestDto, UpdateRequestDto } from './dto/create-request.dto';
import { CreateMessageDto, MessageDto, MessagePageDto } from './dto/message.dto';
import { RequestDto, RequestPageDto } from './dto/request.dto';
import { RequestQueryDto } from './dto/request-query.dto';
import { TransitionDto } from './dto/transition.dto';
import { AccessDenialInterceptor } from './access-denial.interceptor';
import { RecordOralContactDto } from './oral-contacts/oral-contact.dto';
import { RecordEmergencyReviewDto } from './emergency/emergency-review.dto';
import { DETAILS_INPUT_MODELS, DETAILS_VIEW_MODELS } from './dto/request-details.dto';
import { MessagesService } from './messages.service';
import { RequestAssignmentsService } from './request-assignments.service';
import { RequestHistoryService } from './request-history.service';
import { RequestsService } from './requests.service';
import { Idempotent } from '../idempotency/idempotent.decorator';

const IF_MATCH = {
  name: 'If-Match',
  description: 'The version being changed, as sent in ETag: "3"',
};

/** The headers create (with Location) and a transition answer with, from the view they return. */
function requestHeaders(created: boolean): (request: RequestDto) => Record<string, string> {
  return (request) => ({
    ETag: etagOf(request.version),
    ...(created ? { Location: `/v1/requests/${request.id}` } : {}),
  });
}

@ApiTags('requests')
@UseInterceptors(AccessDenialInterceptor)
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such request, or not visible to the caller' })
@ApiBadRequestResponse({ type: ErrorResponseDto })
// The per-type `details` classes, referenced by oneOf from the request bodies and views.
@ApiExtraModels(...new Set([...DETAILS_INPUT_MODELS, ...DETAILS_VIEW_MODELS]))
@Controller('v1/requests')
export class RequestsController {
  constructor(
    private readonly requests: RequestsService,
    private readonly messages: MessagesService,
    private readonly history: RequestHistoryService,
    private readonly assignments: RequestAssignmentsService,
  ) {}

  @Post()
  @Idempotent({ required: true, headers: requestHeaders(true) })
  @RequirePermission(Permission.RequestCreate)
  @ApiOperation({ summary: 'Create a draft request from the caller’s agency to an agency of another state' })
  @ApiCreatedResponse({ type: RequestDto })
  async create(
    @Body() dto: CreateRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RequestDto> {
    const request = await this.requests.create(principal, dto);
    response.set(requestHeaders(true)(request));
    return request;
  }

  @Get()
  @RequirePermission(Permission.RequestRead)
  @AuditedRead({
    action: 'request.list',
    target: 'request',
    listed: itemIds,
    // The filters are enumerations and a cursor, no free text.
    data: (_page, query) => ({ filter: query }),
  })
  @ApiOperation({ summary: 'Requests visible to the caller, newest first (keyset-paged)' })
  @ApiOkResponse({ type: RequestPageDto })
  list(@Query() query: RequestQueryDto, @CurrentPrincipal() principal: Principal): Promise<RequestPageDto> {
    return this.requests.list(principal, query);
  }

  @Get(':id')
  @RequirePermission(Permission.RequestRead)
  @AuditedRead({
    action: 'request.view',
    target: 'request',
    idParam: 'id',
    requestParam: 'id',
    data: (request: RequestDto) => ({ version: request.version }),
  })
  @ApiOperation({
    summary: 'One request, with its version (also as ETag) and the actions the caller may take',
  })
  @ApiOkResponse({ type: RequestDto })
  async get(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RequestDto> {
    const request = await this.requests.get(principal, id);
    response.setHeader('ETag', etagOf(request.version));
    return request;
  }

  @Patch(':id')
  @RequirePermission(Permission.RequestUpdate)
  @ApiOperation({ summary: 'Replace fields of a draft; If-Match with the current version is required' })
  @ApiHeader({ ...IF_MATCH, required: true })
  @ApiOkResponse({ type: RequestDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Not a draft, or changed concurrently' })
  @ApiPreconditionFailedResponse({ type: ErrorResponseDto, description: 'If-Match names an old version' })
  async update(
    @Param('id', uuidParam()) id: string,
    @Body() dto: UpdateRequestDto,
    @IfMatchVersion() ifMatch: number | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RequestDto> {
    const request = await this.requests.update(principal, id, dto, ifMatch);
    response.setHeader('ETag', etagOf(request.version));
    return request;
  }

  @Post(':id/transitions')
  @Idempotent({ required: true, headers: requestHeaders(false) })
  @RequirePermission(Permission.RequestTransition)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Move the request through its lifecycle (see allowedActions)' })
  @ApiHeader({ ...IF_MATCH, required: false })
  @ApiOkResponse({ type: RequestDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'The action is not allowed in the current status',
  })
  @ApiPreconditionFailedResponse({ type: ErrorResponseDto, description: 'If-Match names an old version' })
  async transition(
    @Param('id', uuidParam()) id: string,
    @Body() dto: TransitionDto,
    @IfMatchVersion() ifMatch: number | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RequestDto> {
    const request = await this.requests.transition(principal, id, dto, ifMatch);
    response.set(requestHeaders(false)(request));
    return request;
  }

  @Get(':id/messages')
  @RequirePermission(Permission.MessageRead)
  @AuditedRead({
    action: 'message.list',
    target: 'request',
    idParam: 'id',
    requestParam: 'id',
    listed: itemIds,
  })
  @ApiOperation({ summary: 'Clarifications, status enquiries and notes, oldest first' })
  @ApiOkResponse({ type: MessagePageDto })
  listMessages(
    @Param('id', uuidParam()) id: string,
    @Query() page: PageQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<MessagePageDto> {
    return this.messages.list(principal, id, page);
  }

  @Post(':id/oral-contacts')
  @Idempotent({ required: false })
  @RequirePermission(Permission.RequestUpdate)
  @ApiOperation({
    summary:
      'Record a telephone or oral request made before the written one (requesting agency, before transmission)',
    description:
      'Its written confirmation falls due by the profile’s deadline (24 hours by default); transmission meets it.',
  })
  @ApiCreatedResponse({ type: RequestDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Already transmitted' })
  recordOralContact(
    @Param('id', uuidParam()) id: string,
    @Body() body: RecordOralContactDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RequestDto> {
    return this.requests.recordOralContact(principal, id, body);
  }

  @Post(':id/emergency-review')
  @Idempotent({ required: false })
  @RequirePermission(Permission.RequestTransition)
  @ApiOperation({
    summary: 'Record the post-event review of an executed emergency request (requesting supervisor, audited)',
    description:
      'Was the emergency justified, and were the limits on using the data respected (domain.md §6.6)? Meets the emergency_review deadline that execution started.',
  })
  @ApiCreatedResponse({ type: RequestDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'Not the requesting side’s supervisor' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'Not an emergency, not executed yet, or reviewed already',
  })
  recordEmergencyReview(
    @Param('id', uuidParam()) id: string,
    @Body() body: RecordEmergencyReviewDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RequestDto> {
    return this.requests.recordEmergencyReview(principal, id, body);
  }

  @Post(':id/preservation/extension')
  @Idempotent({ required: false })
  @RequirePermission(Permission.RequestTransition)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Record an extension of the preservation period by the profile’s period (requested side)',
    description:
      'The requesting side asks for it (a message); the requested side records it here. Both are told.',
  })
  @ApiOkResponse({ type: RequestDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'Not a running preservation period, or no extension under the profile',
  })
  extendPreservation(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RequestDto> {
    return this.requests.extendPreservation(principal, id);
  }

  @Post(':id/messages')
  @Idempotent({ required: false })
  @RequirePermission(Permission.MessageCreate)
  @ApiOperation({ summary: 'Post a status enquiry, status update or note; changes no state' })
  @ApiCreatedResponse({ type: MessageDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Not transmitted yet, or closed' })
  postMessage(
    @Param('id', uuidParam()) id: string,
    @Body() dto: CreateMessageDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<MessageDto> {
    return this.messages.post(principal, id, dto);
  }

  @Get(':id/history')
  @RequirePermission(Permission.RequestRead)
  @AuditedRead({
    action: 'request_history.list',
    target: 'request',
    idParam: 'id',
    requestParam: 'id',
    listed: (page: AuditEventPageDto) => page.items.map((entry) => entry.seq),
  })
  @ApiOperation({ summary: 'The audit entries of this request that the caller’s side may see, newest first' })
  @ApiOkResponse({ type: AuditEventPageDto })
  historyOf(
    @Param('id', uuidParam()) id: string,
    @Query() page: PageQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AuditEventPageDto> {
    return this.history.list(principal, id, page);
  }

  @Get(':id/assignments')
  @RequirePermission(Permission.RequestRead)
  @AuditedRead({
    action: 'request_assignment.list',
    target: 'request',
    idParam: 'id',
    requestParam: 'id',
    listed: (list: AssignmentListDto) => list.items.map((assignment) => assignment.user.id),
  })
  @ApiOperation({ summary: 'Officers currently assigned to the request on the caller’s side' })
  @ApiOkResponse({ type: AssignmentListDto })
  listAssignments(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AssignmentListDto> {
    return this.assignments.list(principal, id);
  }

  @Post(':id/assignments')
  @Idempotent({ required: false })
  @RequirePermission(Permission.RequestAssign)
  @ApiOperation({ summary: 'Give an officer of the caller’s agency need-to-know on the request (audited)' })
  @ApiCreatedResponse({ type: AssignmentDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Already assigned' })
  @ApiUnprocessableEntityResponse({
    type: ErrorResponseDto,
    description: 'Not an active case officer of the caller’s agency',
  })
  assign(
    @Param('id', uuidParam()) id: string,
    @Body() dto: CreateAssignmentDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AssignmentDto> {
    return this.assignments.assign(principal, id, dto.userId);
  }

  @Delete(':id/assignments/:userId')
  @RequirePermission(Permission.RequestAssign)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Take an officer of the caller’s agency off the request; their next access is a 404 (audited)',
  })
  @ApiNoContentResponse()
  unassign(
    @Param('id', uuidParam()) id: string,
    @Param('userId', uuidParam('userId')) userId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    return this.assignments.unassign(principal, id, userId);
  }
}
