import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { AgencyKind, LegalSystemFamily } from '@mla/contracts';
import { IsOmittable } from '../../../common/validation/decorators';

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
}
