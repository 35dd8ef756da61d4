import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsDateString,
  IsDefined,
  IsIn,
  IsObject,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { DataCategory, IdentifierType, Measure, SubjectRole, UrgencyLevel } from '@mla/contracts';
import { IsIanaTimeZone, IsLocalDateTime, IsOmittable, IsText } from '../../../common/validation/decorators';
import { IsOffenceCatalogueCode } from '../../offences/is-offence-catalogue-code.decorator';

/** A time as the officer typed it: wall-clock time plus its IANA zone. */
export class ZonedTimeInputDto {
  @ApiProperty({ example: '2026-03-01T14:05:00', description: 'Local date and time, without offset' })
  @IsLocalDateTime()
  local: string;

  @ApiProperty({ example: 'Asia/Ho_Chi_Minh', description: 'IANA time zone of `local`' })
  @IsIanaTimeZone()
  timeZone: string;
}

/** The same time as stored: the typed values plus the UTC instant the server derived. */
export class ZonedTimeDto extends ZonedTimeInputDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-01T07:05:00.000Z' })
  utc: string;
}

export class UrgencyDto {
  @ApiProperty({ enum: Object.values(UrgencyLevel) })
  @IsIn(Object.values(UrgencyLevel))
  level: UrgencyLevel;

  @ApiPropertyOptional({ description: 'Required unless the level is normal', maxLength: 2000 })
  @ValidateIf((urgency: UrgencyDto) => urgency.level !== UrgencyLevel.Normal || urgency.reasons !== undefined)
  @IsText(2000)
  reasons?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Date by which the requesting side needs the assistance',
  })
  @IsOmittable()
  @IsDateString({ strict: true })
  requestedBy?: string;
}

export class OffenceRefDto {
  @ApiProperty({ example: 'Penal Code art. 290', description: 'National provision' })
  @IsText(200)
  provision: string;

  @ApiProperty({ example: 'Using computer networks to appropriate property' })
  @IsText(2000)
  description: string;

  @ApiPropertyOptional({ example: '20 years imprisonment' })
  @IsOmittable()
  @IsText(200)
  maxPenalty?: string;

  @ApiPropertyOptional({
    example: 'UNCC-13-ICT-THEFT-FRAUD',
    description:
      'Code in the offence catalogue (GET /v1/offence-catalogue); the dual-criminality assessment reads it',
  })
  @IsOmittable()
  @IsText(64)
  @IsOffenceCatalogueCode()
  catalogueCode?: string;
}

export class AssistanceSoughtDto {
  @ApiProperty({ enum: Object.values(Measure), isArray: true, description: 'At least one for mla_general' })
  @IsArray()
  @ArrayMaxSize(20)
  @IsIn(Object.values(Measure), { each: true })
  measures: Measure[];

  @ApiProperty({ maxLength: 20000 })
  @IsText(20000)
  description: string;
}

export class SubjectDto {
  @ApiProperty({ maxLength: 200 })
  @IsText(200)
  name: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  aliases?: string[];

  @ApiPropertyOptional({ example: '1990-04-30', format: 'date' })
  @IsOmittable()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dateOfBirth must be a date like 1990-04-30' })
  dateOfBirth?: string;

  @ApiPropertyOptional({ example: 'VN', description: 'ISO 3166-1 alpha-2' })
  @IsOmittable()
  @Matches(/^[A-Z]{2}$/, { message: 'nationality must be an ISO 3166-1 alpha-2 code' })
  nationality?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOmittable()
  @IsText(500)
  location?: string;

  @ApiProperty({ enum: Object.values(SubjectRole) })
  @IsIn(Object.values(SubjectRole))
  role: SubjectRole;
}

export class TargetIdentifierInputDto {
  @ApiProperty({ enum: Object.values(IdentifierType) })
  @IsIn(Object.values(IdentifierType))
  type: IdentifierType;

  @ApiProperty({ example: '203.0.113.7', maxLength: 500 })
  @IsText(500)
  value: string;

  @ApiPropertyOptional({ description: 'Free label, e.g. the kind of identifier when type is other' })
  @IsOmittable()
  @IsText(200)
  label?: string;

  @ApiPropertyOptional({ example: 'Example Hosting SAS' })
  @IsOmittable()
  @IsText(200)
  serviceProvider?: string;

  @ApiPropertyOptional({
    type: ZonedTimeInputDto,
    description: 'Required for ip_address: an IP means nothing without its time and zone',
  })
  @ValidateIf(
    (target: TargetIdentifierInputDto) =>
      target.type === IdentifierType.IpAddress || target.timestamp !== undefined,
  )
  @IsDefined({ message: 'timestamp with a time zone is required for an IP address' })
  @IsObject()
  @ValidateNested()
  @Type(() => ZonedTimeInputDto)
  timestamp?: ZonedTimeInputDto;
}

export class TargetIdentifierDto {
  @ApiProperty({ enum: Object.values(IdentifierType) })
  type: IdentifierType;

  @ApiProperty()
  value: string;

  @ApiPropertyOptional()
  label?: string;

  @ApiPropertyOptional()
  serviceProvider?: string;

  @ApiPropertyOptional({ type: ZonedTimeDto })
  timestamp?: ZonedTimeDto;
}

export class TimeRangeInputDto {
  @ApiProperty({ type: ZonedTimeInputDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ZonedTimeInputDto)
  from: ZonedTimeInputDto;

  @ApiProperty({ type: ZonedTimeInputDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ZonedTimeInputDto)
  to: ZonedTimeInputDto;
}

export class TimeRangeDto {
  @ApiProperty({ type: ZonedTimeDto })
  from: ZonedTimeDto;

  @ApiProperty({ type: ZonedTimeDto })
  to: ZonedTimeDto;
}

export class ConfidentialityDto {
  @ApiProperty({
    description: 'Keep the fact and substance of the request confidential (BUD 27(8); UNCAC 46(20))',
  })
  @IsBoolean()
  keepFactConfidential: boolean;

  @ApiProperty({ description: 'The person concerned must not be notified' })
  @IsBoolean()
  doNotNotifyUser: boolean;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOmittable()
  @IsText(2000)
  reasons?: string;
}

export class CustodianDto {
  @ApiPropertyOptional({ example: 'Example Hosting SAS' })
  @IsOmittable()
  @IsText(200)
  provider?: string;

  @ApiPropertyOptional({ example: 'Roubaix data centre' })
  @IsOmittable()
  @IsText(500)
  systemLocation?: string;
}

/** What a preservation request needs besides the envelope (BUD 29(2); UNCC 42). */
export class PreservationDetailsDto {
  @ApiProperty({ enum: Object.values(DataCategory), isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @IsIn(Object.values(DataCategory), { each: true })
  dataCategories: DataCategory[];

  @ApiProperty({ maxLength: 5000 })
  @IsText(5000)
  relationshipToOffence: string;

  @ApiProperty({ description: 'Why the data may be lost or changed', maxLength: 5000 })
  @IsText(5000)
  necessity: string;

  @ApiPropertyOptional({ type: CustodianDto })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => CustodianDto)
  custodian?: CustodianDto;

  @ApiProperty({
    enum: [true],
    description: 'Preservation is granted only pending a request for the data (BUD 29(2)(f))',
  })
  @Equals(true, { message: 'intentToRequestMla must be true: preservation awaits a request for the data' })
  intentToRequestMla: true;

  @ApiProperty({ example: 'production of stored subscriber and traffic data', maxLength: 500 })
  @IsText(500)
  intendedMeasure: string;
}
