import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  Matches,
  ValidateNested,
} from 'class-validator';
import { LegalBasis, LinkRelation, RequestType } from '@mla/contracts';
import { IsOmittable, IsText, IsUuid } from '../../../common/validation/decorators';
import {
  AssistanceSoughtDto,
  ConfidentialityDto,
  OffenceRefDto,
  PreservationDetailsDto,
  SubjectDto,
  TargetIdentifierInputDto,
  TimeRangeInputDto,
  UrgencyDto,
} from './request-fields.dto';
import { DETAILS_INPUT_MODELS, detailsSchema, type TypeDetailsInput } from './request-details.dto';

/** A request this one relates to (domain.md §4 `linkedRequests`). */
export class RequestLinkInputDto {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  requestId: string;

  @ApiProperty({ enum: Object.values(LinkRelation) })
  @IsIn(Object.values(LinkRelation))
  relation: LinkRelation;
}

export class CreateRequestDto {
  @ApiProperty({ enum: Object.values(RequestType) })
  @IsIn(Object.values(RequestType))
  type: RequestType;

  @ApiProperty({ format: 'uuid', description: 'The agency of another state that is asked for assistance' })
  @IsUuid()
  requestedAgencyId: string;

  @ApiProperty({ maxLength: 200, example: 'Phishing campaign against Vietnamese bank customers' })
  @IsText(200)
  title: string;

  @ApiProperty({
    maxLength: 100,
    example: 'C50-2026-0142',
    description: "The requesting agency's own file number",
  })
  @IsText(100)
  reference: string;

  @ApiProperty({ enum: Object.values(LegalBasis) })
  @IsIn(Object.values(LegalBasis))
  legalBasis: LegalBasis;

  @ApiProperty({ type: UrgencyDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => UrgencyDto)
  urgency: UrgencyDto;

  @ApiProperty({ type: [OffenceRefDto], minItems: 1 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => OffenceRefDto)
  offences: OffenceRefDto[];

  @ApiProperty({ maxLength: 20000 })
  @IsText(20000)
  factsSummary: string;

  @ApiProperty({ type: AssistanceSoughtDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => AssistanceSoughtDto)
  assistanceSought: AssistanceSoughtDto;

  @ApiProperty({
    maxLength: 5000,
    description: 'Why the evidence is needed: the anchor of the speciality rule',
  })
  @IsText(5000)
  purpose: string;

  @ApiPropertyOptional({ type: [SubjectDto] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => SubjectDto)
  subjects?: SubjectDto[];

  @ApiPropertyOptional({
    type: [TargetIdentifierInputDto],
    description: 'Required (at least one) for preservation',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => TargetIdentifierInputDto)
  targets?: TargetIdentifierInputDto[];

  @ApiPropertyOptional({ type: TimeRangeInputDto, description: 'Required for preservation' })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => TimeRangeInputDto)
  timeRange?: TimeRangeInputDto;

  @ApiProperty({ type: ConfidentialityDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ConfidentialityDto)
  confidentiality: ConfidentialityDto;

  /**
   * Need-to-know: inside each party agency only the assigned officers, supervisors and central
   * authority officers see the request. The author is assigned on creation. Absent means false.
   */
  @ApiPropertyOptional()
  @IsOmittable()
  @IsBoolean()
  confidential?: boolean;

  /** Requests this one relates to, e.g. the preservation it follows up; fixed at creation. */
  @ApiPropertyOptional({ type: [RequestLinkInputDto], maxItems: 10 })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => RequestLinkInputDto)
  links?: RequestLinkInputDto[];

  /** The language the request is written in; the requested state's profile says which it accepts. */
  @ApiPropertyOptional({ example: 'en', description: 'BCP 47 tag; absent: en' })
  @IsOmittable()
  @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'language must be a BCP 47 tag such as en or vi' })
  language?: string;

  @ApiPropertyOptional({
    type: PreservationDetailsDto,
    description: 'Required for, and only for, preservation',
  })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => PreservationDetailsDto)
  preservation?: PreservationDetailsDto;

  /**
   * The type's own fields (domain.md §5.3-§5.14), checked against the class of the request's type
   * by the service (a PATCH carries no type), with problems named like `details.formOfProduction`.
   */
  @ApiPropertyOptional({
    ...detailsSchema(DETAILS_INPUT_MODELS, false),
    description:
      'Required for, and only for, the types other than mla_general and preservation: the class named after the type (e.g. StoredDataAccessDetailsDto for stored_data_access). Replaced wholesale by a PATCH.',
  })
  @IsOmittable()
  @IsObject()
  details?: TypeDetailsInput;
}

/**
 * PATCH replaces the top-level fields it names, wholesale; every field but the type may be replaced
 * while the request is a draft. `null` is refused (a mandatory value cannot be erased) except for
 * `timeRange`, the one optional field that can be taken away; send `[]` to empty a list.
 */
export class UpdateRequestDto extends PartialType(
  OmitType(CreateRequestDto, ['type', 'timeRange', 'links'] as const),
  {
    skipNullProperties: false,
  },
) {
  @ApiPropertyOptional({
    type: TimeRangeInputDto,
    nullable: true,
    description: 'null removes the time range',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TimeRangeInputDto)
  timeRange?: TimeRangeInputDto | null;
}
