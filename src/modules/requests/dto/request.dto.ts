import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LegalBasis, RequestAction, RequestStatus, RequestType, UrgencyLevel } from '@mla/contracts';
import { AgencyDto } from '../../directory/dto/directory.dto';
import {
  AssistanceSoughtDto,
  ConfidentialityDto,
  OffenceRefDto,
  PreservationDetailsDto,
  SubjectDto,
  TargetIdentifierDto,
  TimeRangeDto,
  UrgencyDto,
} from './request-fields.dto';
import {
  ClarificationDto,
  ConditionDto,
  ConsultationDto,
  ConsultationOutcomeDto,
  ItemOutcomeDto,
  PostponementDto,
} from '../lifecycle/lifecycle.dto';
import { DETAILS_VIEW_MODELS, detailsSchema } from './request-details.dto';
import type { TypeDetails } from '../request.types';

export class PersonRefDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  displayName: string;
}

export class RefusalDto {
  @ApiProperty({ type: [String], example: ['REF_ESSENTIAL_INTERESTS'] })
  grounds: string[];

  @ApiProperty()
  reason: string;

  @ApiPropertyOptional({
    type: ConsultationOutcomeDto,
    description:
      'Whether a consultation preceded the refusal (absent on refusals recorded before this was kept)',
  })
  consultation?: ConsultationOutcomeDto;
}

export class LocalTimeDto {
  @ApiProperty({ example: '2027-01-29T16:30:00' })
  local: string;

  @ApiProperty({ example: 'Europe/Paris' })
  timeZone: string;
}

export class DeadlineDto {
  @ApiProperty({ example: 'preservation_minimum', description: 'The profile’s name for the deadline' })
  name: string;

  @ApiProperty({ enum: ['open', 'met', 'expired', 'cancelled', 'held'] })
  status: 'open' | 'met' | 'expired' | 'cancelled' | 'held';

  @ApiProperty({ format: 'date-time' })
  startsAt: string;

  @ApiProperty({ format: 'date-time', description: 'The instant it falls due (UTC)' })
  dueAt: string;

  @ApiProperty({ type: LocalTimeDto, description: 'The same instant on the requesting agency’s clock' })
  dueAtRequestingSide: LocalTimeDto;

  @ApiProperty({ type: LocalTimeDto, description: 'The same instant on the requested agency’s clock' })
  dueAtRequestedSide: LocalTimeDto;

  @ApiProperty({ description: 'Open and past due' })
  overdue: boolean;

  @ApiProperty({ example: 'lapse_unless_extended_or_followed_up' })
  onExpiry: string;
}

/** Fields shared by the list and the full view. */
export class RequestSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  reference: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ enum: Object.values(RequestType) })
  type: RequestType;

  @ApiProperty({ enum: Object.values(LegalBasis) })
  legalBasis: LegalBasis;

  @ApiProperty({
    example: 1,
    description:
      'The version of the legal basis’s instrument profile the request was made under (GET /v1/profiles/{legalBasis}?version=)',
  })
  profileVersion: number;

  @ApiProperty({ enum: Object.values(RequestStatus) })
  status: RequestStatus;

  @ApiProperty({ description: 'Send it back as If-Match: "<version>" to change the request' })
  version: number;

  @ApiProperty({ enum: Object.values(UrgencyLevel) })
  urgencyLevel: UrgencyLevel;

  @ApiProperty({ description: 'Visible inside each party agency only to assigned officers and supervisors' })
  confidential: boolean;

  @ApiProperty({ example: 'en', description: 'The language the request is written in (BCP 47)' })
  language: string;

  @ApiProperty({
    example: 1,
    description: 'Moves when the content is edited; translations name the one they were made from',
  })
  contentVersion: number;

  @ApiProperty({ type: AgencyDto })
  requestingAgency: AgencyDto;

  @ApiProperty({ type: AgencyDto })
  requestedAgency: AgencyDto;

  @ApiProperty({
    enum: Object.values(RequestAction),
    isArray: true,
    description: 'What the caller may do now',
  })
  allowedActions: RequestAction[];

  @ApiProperty({
    type: DeadlineDto,
    nullable: true,
    description:
      'The open deadline that falls due first (overdue if it has passed), so that a list can show and sort by it; null when none is open',
  })
  nextDeadline: DeadlineDto | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class OralContactDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  counterpart: string;

  @ApiProperty({ format: 'date-time' })
  contactedAt: string;

  @ApiProperty()
  summary: string;

  @ApiProperty({ type: PersonRefDto })
  recordedBy: PersonRefDto;

  @ApiProperty({ format: 'date-time' })
  recordedAt: string;
}

export class RequestLinkDto {
  @ApiProperty({ format: 'uuid' })
  requestId: string;

  @ApiProperty({ example: 'follow_up_of_preservation' })
  relation: string;

  @ApiProperty({ enum: ['outgoing', 'incoming'], description: 'outgoing: this request names the other' })
  direction: 'outgoing' | 'incoming';

  @ApiProperty()
  title: string;

  @ApiProperty({ example: 'accepted' })
  status: string;
}

export class RequestDto extends RequestSummaryDto {
  @ApiProperty({ type: PersonRefDto })
  createdBy: PersonRefDto;

  @ApiProperty({ type: UrgencyDto })
  urgency: UrgencyDto;

  @ApiProperty({ type: [OffenceRefDto] })
  offences: OffenceRefDto[];

  @ApiProperty()
  factsSummary: string;

  @ApiProperty({ type: AssistanceSoughtDto })
  assistanceSought: AssistanceSoughtDto;

  @ApiProperty()
  purpose: string;

  @ApiProperty({ type: [SubjectDto] })
  subjects: SubjectDto[];

  @ApiProperty({ type: [TargetIdentifierDto] })
  targets: TargetIdentifierDto[];

  @ApiProperty({ type: TimeRangeDto, nullable: true })
  timeRange: TimeRangeDto | null;

  @ApiProperty({ type: ConfidentialityDto })
  confidentiality: ConfidentialityDto;

  @ApiProperty({ type: PreservationDetailsDto, nullable: true })
  preservation: PreservationDetailsDto | null;

  @ApiProperty(detailsSchema(DETAILS_VIEW_MODELS, true))
  details: TypeDetails | null;

  @ApiProperty({ type: RefusalDto, nullable: true })
  refusal: RefusalDto | null;

  @ApiProperty({
    type: AgencyDto,
    nullable: true,
    description: 'The agency of the requested state its central authority routed the request to',
  })
  executingAgency: AgencyDto | null;

  @ApiProperty({ type: ClarificationDto, nullable: true })
  clarification: ClarificationDto | null;

  @ApiProperty({ type: ConsultationDto, nullable: true })
  consultation: ConsultationDto | null;

  @ApiProperty({
    type: [ConditionDto],
    description: 'Conditions on use offered in consultation; accepted ones bind the requesting side',
  })
  conditions: ConditionDto[];

  @ApiProperty({ type: PostponementDto, nullable: true })
  postponement: PostponementDto | null;

  @ApiProperty({
    type: [String],
    example: ['measure:access_stored_data', 'data:subscriber', 'data:content'],
    description: 'The items execution gives one outcome each: every measure and category of data sought',
  })
  requestedItems: string[];

  @ApiProperty({
    type: [ItemOutcomeDto],
    nullable: true,
    description: 'One per requested item, once executed',
  })
  itemOutcomes: ItemOutcomeDto[] | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  submittedAt: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  approvedAt: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  transmittedAt: string | null;

  @ApiProperty({ type: [DeadlineDto], description: 'From the request’s profile, earliest first' })
  deadlines: DeadlineDto[];

  @ApiProperty({ type: [RequestLinkDto], description: 'Linked requests the caller may see' })
  links: RequestLinkDto[];

  @ApiProperty({
    type: [OralContactDto],
    description: 'Telephone or oral requests recorded for it (requesting side)',
  })
  oralContacts: OralContactDto[];

  @ApiProperty({
    type: () => EmergencyReviewDto,
    nullable: true,
    description:
      'The post-event review of an executed emergency request (requesting side only; null until recorded)',
  })
  emergencyReview: EmergencyReviewDto | null;
}

/** The post-event review of an emergency request, as recorded (domain.md §6.6). */
export class EmergencyReviewDto {
  @ApiProperty()
  justified: boolean;

  @ApiProperty()
  useLimitsRespected: boolean;

  @ApiProperty()
  notes: string;

  @ApiProperty({ type: PersonRefDto })
  reviewedBy: PersonRefDto;

  @ApiProperty({ format: 'date-time' })
  reviewedAt: string;
}

export class RequestPageDto {
  @ApiProperty({ type: [RequestSummaryDto] })
  items: RequestSummaryDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor: string | null;
}
