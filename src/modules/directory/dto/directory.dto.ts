import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { AgencyKind, LegalSystemFamily } from '@mla/contracts';
import { IsIanaTimeZone, IsOmittable, IsText } from '../../../common/validation/decorators';

/**
 * The state's ISO code, a dash, then upper-case letters and digits in dash-separated parts
 * (`VN-C50`, `DE-BKA-CC`): unique across the portal and readable in the audit trail.
 */
export const AGENCY_CODE_PATTERN = /^[A-Z]{2}(-[A-Z0-9]+)+$/;
const AGENCY_CODE_MAX_LENGTH = 32;

export class StateDto {
  @ApiProperty({ example: 'VN', description: 'ISO 3166-1 alpha-2' })
  code: string;

  @ApiProperty({ example: 'Viet Nam' })
  name: string;

  @ApiProperty({ enum: Object.values(LegalSystemFamily) })
  legalSystem: LegalSystemFamily;

  @ApiProperty({ type: [String], example: ['vi', 'en'], description: 'BCP 47 tags of accepted languages' })
  languages: string[];
}

export class AgencyQueryDto {
  @ApiPropertyOptional({ example: 'FR' })
  @IsOmittable()
  @Matches(/^[A-Z]{2}$/, { message: 'stateCode must be an ISO 3166-1 alpha-2 code such as FR' })
  stateCode?: string;

  @ApiPropertyOptional({ enum: Object.values(AgencyKind) })
  @IsOmittable()
  @IsIn(Object.values(AgencyKind))
  kind?: AgencyKind;

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'Also list deactivated agencies, which requests already exchanged still name',
  })
  @IsOmittable()
  // Query strings carry text: only the two literal spellings are booleans, anything else is refused.
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'includeInactive must be true or false' })
  includeInactive?: boolean;
}

export class AgencyDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'FR-BEPI' })
  code: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ example: 'FR' })
  stateCode: string;

  @ApiProperty({ enum: Object.values(AgencyKind) })
  kind: AgencyKind;

  @ApiProperty({ example: 'Europe/Paris' })
  timeZone: string;

  @ApiProperty({
    description: 'False once deactivated: its people cannot sign in and it receives no new requests',
  })
  active: boolean;
}

export class CreateAgencyDto {
  @ApiProperty({ example: 'VN-C50', pattern: AGENCY_CODE_PATTERN.source, maxLength: AGENCY_CODE_MAX_LENGTH })
  @IsString()
  @Matches(AGENCY_CODE_PATTERN, {
    message: 'code must be the state code, a dash, then upper-case letters, digits and dashes, as in VN-C50',
  })
  @MaxLength(AGENCY_CODE_MAX_LENGTH)
  code: string;

  @ApiProperty({ example: 'Department of Cybersecurity and High-Tech Crime Prevention', maxLength: 200 })
  @IsText(200)
  name: string;

  @ApiProperty({ example: 'VN', description: 'ISO 3166-1 alpha-2 of a state in the directory' })
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'stateCode must be an ISO 3166-1 alpha-2 code such as FR' })
  stateCode: string;

  @ApiProperty({ enum: Object.values(AgencyKind) })
  @IsIn(Object.values(AgencyKind))
  kind: AgencyKind;

  @ApiProperty({ example: 'Asia/Ho_Chi_Minh' })
  @IsIanaTimeZone()
  timeZone: string;
}

/** Code and state are the agency's identity and never change; a different one is a new agency. */
export class UpdateAgencyDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOmittable()
  @IsText(200)
  name?: string;

  @ApiPropertyOptional({ example: 'Europe/Paris' })
  @IsOmittable()
  @IsIanaTimeZone()
  timeZone?: string;

  @ApiPropertyOptional({
    enum: Object.values(AgencyKind),
    description: 'Only while the agency has no accounts and no requests (409 otherwise)',
  })
  @IsOmittable()
  @IsIn(Object.values(AgencyKind))
  kind?: AgencyKind;

  @ApiPropertyOptional({
    description:
      'false deactivates: every session of its accounts ends, they cannot sign in, API keys included, and it ' +
      'receives no new requests; true restores sign-in',
  })
  @IsOmittable()
  @IsBoolean()
  active?: boolean;
}
