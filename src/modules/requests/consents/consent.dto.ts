import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsObject,
  Matches,
  ValidateNested,
} from 'class-validator';
import { CONSENT_DECISIONS, CONSENT_KINDS, type ConsentDecision, type ConsentKind } from '@mla/contracts';
import { IsOmittable, IsText } from '../../../common/validation/decorators';
import { UseConditionDto } from '../dto/request-details.dto';
import { PersonRefDto } from '../dto/request.dto';

const STATE_CODE = /^[A-Z]{2}$/;

export class RequestConsentInputDto {
  @ApiProperty({ enum: CONSENT_KINDS })
  @IsIn(CONSENT_KINDS)
  kind: ConsentKind;

  @ApiProperty({ maxLength: 5000, description: 'What the material would be used for' })
  @IsText(5000)
  purpose: string;

  @ApiProperty({ maxLength: 2000, description: 'The legal basis of the further use or transfer' })
  @IsText(2000)
  legalBasis: string;

  @ApiPropertyOptional({
    maxLength: 500,
    description: 'Further use only, and mandatory there: the proceeding the material would be used in',
  })
  @IsOmittable()
  @IsText(500)
  newProceeding?: string;

  @ApiPropertyOptional({
    example: 'DE',
    description:
      'Onward transfer only, and mandatory there: the third state (neither the requesting nor the requested one)',
  })
  @IsOmittable()
  @Matches(STATE_CODE, { message: 'recipientStateCode must be an ISO 3166-1 alpha-2 code such as DE' })
  recipientStateCode?: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'Onward transfer only: who in that state' })
  @IsOmittable()
  @IsText(500)
  recipientDescription?: string;
}

export class ConsentDocumentDto {
  @ApiProperty({ maxLength: 300, example: 'Authorisation of onward transfer to State C' })
  @IsText(300)
  title: string;

  @ApiProperty({ maxLength: 200, example: 'FR-CA/2026/0815' })
  @IsText(200)
  reference: string;
}

export class DecideConsentDto {
  @ApiProperty({ enum: CONSENT_DECISIONS })
  @IsIn(CONSENT_DECISIONS)
  decision: ConsentDecision;

  @ApiPropertyOptional({
    type: [UseConditionDto],
    maxItems: 20,
    description: 'Mandatory (at least one) when conditional; not allowed otherwise',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => UseConditionDto)
  conditions?: UseConditionDto[];

  @ApiPropertyOptional({ maxLength: 5000, description: 'Mandatory when refused' })
  @IsOmittable()
  @IsText(5000)
  reasons?: string;

  @ApiPropertyOptional({
    type: ConsentDocumentDto,
    description: 'The consent document or authorisation record',
  })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => ConsentDocumentDto)
  document?: ConsentDocumentDto;
}

export class ConsentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  requestId: string;

  @ApiProperty({ enum: CONSENT_KINDS })
  kind: ConsentKind;

  @ApiProperty()
  purpose: string;

  @ApiProperty()
  legalBasis: string;

  @ApiProperty({ type: String, nullable: true })
  newProceeding: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'DE' })
  recipientStateCode: string | null;

  @ApiProperty({ type: String, nullable: true })
  recipientDescription: string | null;

  @ApiProperty({ type: PersonRefDto })
  requestedBy: PersonRefDto;

  @ApiProperty({ format: 'date-time' })
  requestedAt: string;

  @ApiProperty({ enum: CONSENT_DECISIONS, nullable: true, description: 'null while undecided' })
  decision: ConsentDecision | null;

  @ApiProperty({ type: [UseConditionDto] })
  conditions: UseConditionDto[];

  @ApiProperty({ type: String, nullable: true })
  reasons: string | null;

  @ApiProperty({ type: ConsentDocumentDto, nullable: true })
  document: ConsentDocumentDto | null;

  @ApiProperty({ type: PersonRefDto, nullable: true })
  decidedBy: PersonRefDto | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  decidedAt: string | null;
}

export class ConsentListDto {
  @ApiProperty({ type: [ConsentDto] })
  items: ConsentDto[];
}

export class RecordOnwardTransferDto {
  @ApiProperty({ example: 'DE' })
  @Matches(STATE_CODE, { message: 'recipientStateCode must be an ISO 3166-1 alpha-2 code such as DE' })
  recipientStateCode: string;

  @ApiProperty({ maxLength: 500, example: 'Public prosecutor’s office, Cologne' })
  @IsText(500)
  recipientDescription: string;

  @ApiProperty({ maxLength: 5000 })
  @IsText(5000)
  purpose: string;
}

export class OnwardTransferDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid', description: 'The consent that allowed it' })
  consentId: string;

  @ApiProperty({ example: 'DE' })
  recipientStateCode: string;

  @ApiProperty()
  recipientDescription: string;

  @ApiProperty()
  purpose: string;

  @ApiProperty({ type: [UseConditionDto], description: 'The conditions that travel with the material' })
  conditions: UseConditionDto[];

  @ApiProperty({ type: PersonRefDto })
  recordedBy: PersonRefDto;

  @ApiProperty({ format: 'date-time' })
  recordedAt: string;
}

export class OnwardTransferListDto {
  @ApiProperty({ type: [OnwardTransferDto] })
  items: OnwardTransferDto[];
}

export class RecordFurtherUseDto {
  @ApiProperty({ maxLength: 500, description: 'The proceeding, exactly as the consent names it' })
  @IsText(500)
  proceeding: string;

  @ApiProperty({ maxLength: 5000 })
  @IsText(5000)
  purpose: string;
}

export class FurtherUseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid', description: 'The consent that allowed it' })
  consentId: string;

  @ApiProperty()
  proceeding: string;

  @ApiProperty()
  purpose: string;

  @ApiProperty({ type: [UseConditionDto], description: 'The conditions that bind the use' })
  conditions: UseConditionDto[];

  @ApiProperty({ type: PersonRefDto })
  recordedBy: PersonRefDto;

  @ApiProperty({ format: 'date-time' })
  recordedAt: string;
}

export class FurtherUseListDto {
  @ApiProperty({ type: [FurtherUseDto] })
  items: FurtherUseDto[];
}

export class FileExculpatoryNoticeDto {
  @ApiProperty({ description: 'Whether the requested side is told before the disclosure' })
  @IsBoolean()
  advanceNotice: boolean;

  @ApiPropertyOptional({ example: '2026-06-15', description: 'The date of the hearing (YYYY-MM-DD)' })
  @IsOmittable()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'hearingDate must be a date such as 2026-06-15' })
  @IsISO8601({ strict: true }, { message: 'hearingDate must be a date such as 2026-06-15' })
  hearingDate?: string;

  @ApiProperty({ maxLength: 5000, description: 'What is disclosed, and in which proceedings' })
  @IsText(5000)
  description: string;

  @ApiPropertyOptional({
    maxLength: 5000,
    description: 'Mandatory when advance notice was impossible: why',
  })
  @IsOmittable()
  @IsText(5000)
  justification?: string;
}

export class NoticeConsultationDto {
  @ApiProperty()
  message: string;

  @ApiProperty({ type: PersonRefDto })
  requestedBy: PersonRefDto;

  @ApiProperty({ format: 'date-time' })
  requestedAt: string;
}

export class ExculpatoryNoticeDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  advanceNotice: boolean;

  @ApiProperty({ type: String, nullable: true, example: '2026-06-15' })
  hearingDate: string | null;

  @ApiProperty()
  description: string;

  @ApiProperty({ type: String, nullable: true })
  justification: string | null;

  @ApiProperty({ type: PersonRefDto })
  notifiedBy: PersonRefDto;

  @ApiProperty({ format: 'date-time' })
  notifiedAt: string;

  @ApiProperty({
    type: NoticeConsultationDto,
    nullable: true,
    description: 'The requested side asked to consult',
  })
  consultation: NoticeConsultationDto | null;
}

export class ExculpatoryNoticeListDto {
  @ApiProperty({ type: [ExculpatoryNoticeDto] })
  items: ExculpatoryNoticeDto[];
}

export class RequestConsultationDto {
  @ApiProperty({ maxLength: 5000, description: 'What the requested side wants to consult on' })
  @IsText(5000)
  message: string;
}
