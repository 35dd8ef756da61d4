import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  Channel,
  DeadlineUnit,
  DualCriminality,
  LegalBasis,
  PROFILE_FIELD_PATHS,
  RequestType,
  type InstrumentProfile,
  type ProfileFieldPath,
} from '@mla/contracts';
import { IsOmittable, IsText } from '../../../common/validation/decorators';

const VERIFICATION = ['V', 'P', 'U'] as const;

export class ProfileDeadlineDto {
  @ApiProperty({ example: 'preservation_minimum' })
  @Matches(/^[a-z][a-z0-9_]{0,63}$/)
  name: string;

  @ApiProperty({ example: 'preservation_confirmed', description: 'The event the clock starts at' })
  @Matches(/^[a-z][a-z0-9_]{0,63}$/)
  start: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 60,
    description: 'null with the unit `as_requested`',
  })
  @ValidateIf(
    (deadline: ProfileDeadlineDto) => deadline.unit !== DeadlineUnit.AsRequested || deadline.amount !== null,
  )
  @IsInt()
  @Min(1)
  @Max(3650)
  amount: number | null;

  @ApiProperty({ enum: Object.values(DeadlineUnit) })
  @IsIn(Object.values(DeadlineUnit))
  unit: DeadlineUnit;

  @ApiProperty({ example: 'lapse_unless_extended_or_followed_up' })
  @Matches(/^[a-z][a-z0-9_]{0,63}$/)
  onExpiry: string;

  @ApiPropertyOptional({ type: [Number], example: [10, 3] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(10)
  @IsInt({ each: true })
  @Min(1, { each: true })
  warnBeforeDays?: number[];

  @ApiProperty({ enum: VERIFICATION })
  @IsIn(VERIFICATION)
  verification: 'V' | 'P' | 'U';
}

export class PreservationRulesDto {
  @ApiProperty({ example: 60 })
  @IsInt()
  @Min(1)
  @Max(3650)
  minimumDays: number;

  @ApiProperty()
  @IsBoolean()
  extensionAllowed: boolean;

  @ApiProperty()
  @IsBoolean()
  holdUntilDecisionOnFollowUp: boolean;
}

export class RequestTypeRulesDto {
  @ApiProperty({ type: [String], example: ['29'] })
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(20, { each: true })
  articles: string[];

  @ApiProperty({ enum: VERIFICATION, description: 'How well these values are verified (domain.md §0)' })
  @IsIn(VERIFICATION)
  verification: 'V' | 'P' | 'U';

  @ApiProperty({ enum: PROFILE_FIELD_PATHS, isArray: true })
  @IsArray()
  @ArrayUnique()
  @IsIn(PROFILE_FIELD_PATHS, { each: true })
  mandatoryFields: ProfileFieldPath[];

  @ApiProperty({ enum: Object.values(Channel), isArray: true })
  @IsArray()
  @ArrayUnique()
  @IsIn(Object.values(Channel), { each: true })
  channels: Channel[];

  @ApiProperty({ type: [String], example: ['REF_PRES_POLITICAL'] })
  @IsArray()
  @ArrayUnique()
  @Matches(/^REF_[A-Z0-9_]{1,60}$/, { each: true })
  refusalGrounds: string[];

  @ApiProperty({ type: [String], example: ['POST_ONGOING_INVESTIGATION'] })
  @IsArray()
  @ArrayUnique()
  @Matches(/^POST_[A-Z0-9_]{1,60}$/, { each: true })
  postponementGrounds: string[];

  @ApiProperty({ enum: Object.values(DualCriminality) })
  @IsIn(Object.values(DualCriminality))
  dualCriminality: DualCriminality;

  @ApiProperty({ type: [ProfileDeadlineDto] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ProfileDeadlineDto)
  deadlines: ProfileDeadlineDto[];

  @ApiPropertyOptional({ type: PreservationRulesDto })
  @IsOmittable()
  @ValidateNested()
  @Type(() => PreservationRulesDto)
  preservation?: PreservationRulesDto;

  @ApiPropertyOptional()
  @IsOmittable()
  @IsText(2000)
  note?: string;
}

/** The rules of one request type, where the legal basis provides for it. */
function TypeRules(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: RequestTypeRulesDto }),
    IsOmittable(),
    ValidateNested(),
    Type(() => RequestTypeRulesDto),
  );
}

export class RequestTypesRulesDto implements Partial<Record<RequestType, RequestTypeRulesDto>> {
  @TypeRules()
  [RequestType.MlaGeneral]?: RequestTypeRulesDto;

  @TypeRules()
  [RequestType.Preservation]?: RequestTypeRulesDto;

  @TypeRules()
  [RequestType.TrafficDisclosure]?: RequestTypeRulesDto;

  @TypeRules()
  [RequestType.StoredDataAccess]?: RequestTypeRulesDto;

  @TypeRules()
  [RequestType.RealtimeTraffic]?: RequestTypeRulesDto;

  @TypeRules()
  [RequestType.Interception]?: RequestTypeRulesDto;

  @TypeRules()
  [RequestType.SearchSeizure]?: RequestTypeRulesDto;

  @TypeRules()
  [RequestType.EmergencyDisclosure]?: RequestTypeRulesDto;

  @TypeRules()
  [RequestType.SubscriberDirect]?: RequestTypeRulesDto;

  @TypeRules()
  [RequestType.VideoHearing]?: RequestTypeRulesDto;

  @TypeRules()
  [RequestType.JointInvestigation]?: RequestTypeRulesDto;

  @TypeRules()
  [RequestType.SpontaneousInformation]?: RequestTypeRulesDto;
}

/** The rules of one legal basis, as published: every value a lawyer may correct without a release. */
export class ProfileRulesDto {
  @ApiProperty({ example: 'Council of Europe Convention on Cybercrime (ETS 185, Budapest)' })
  @IsText(300)
  title: string;

  @ApiProperty({ description: 'Where the values come from, with their verification marks' })
  @IsText(2000)
  source: string;

  @ApiProperty({ type: RequestTypesRulesDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RequestTypesRulesDto)
  requestTypes: RequestTypesRulesDto;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    example: { '*': ['en'], FR: ['fr', 'en'] },
    description: 'Languages accepted by each requested state (ISO 3166 code), `*` for any other',
  })
  @IsObject()
  languages: Record<string, string[]>;
}

export class InstrumentProfileDto extends ProfileRulesDto implements InstrumentProfile {
  @ApiProperty({ enum: Object.values(LegalBasis) })
  legalBasis: LegalBasis;

  @ApiProperty({ example: 1 })
  version: number;

  @ApiProperty({ enum: ['shipped', 'published'] })
  origin: 'shipped' | 'published';

  @ApiProperty({ format: 'date-time' })
  publishedAt: string;

  @ApiProperty({ description: 'SHA-256 of the canonical JSON of the profile' })
  sha256: string;
}

export class ProfileSummaryDto {
  @ApiProperty({ enum: Object.values(LegalBasis) })
  legalBasis: LegalBasis;

  @ApiProperty()
  version: number;

  @ApiProperty()
  title: string;

  @ApiProperty({ enum: Object.values(RequestType), isArray: true })
  requestTypes: RequestType[];

  @ApiProperty({ format: 'date-time' })
  publishedAt: string;
}

export class ProfileVersionQueryDto {
  @ApiPropertyOptional({ description: 'A version number; absent: the current one' })
  @IsOmittable()
  @Matches(/^[1-9]\d{0,5}$/, { message: 'version must be a positive whole number' })
  version?: string;
}
