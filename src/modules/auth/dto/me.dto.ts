import { ApiProperty } from '@nestjs/swagger';
import { AgencyKind, Permission, Role } from '@mla/contracts';

export class AgencySummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'VN-C50' })
  code: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: Object.values(AgencyKind) })
  kind: AgencyKind;

  @ApiProperty({ example: 'VN', description: 'ISO 3166-1 alpha-2' })
  stateCode: string;
}

export class SecondFactorStatusDto {
  @ApiProperty({ description: 'Whether this account has a confirmed TOTP authenticator' })
  enrolled: boolean;

  @ApiProperty({ description: 'Whether the portal requires a second factor for every account' })
  required: boolean;

  @ApiProperty({ description: 'Recovery codes not yet used' })
  recoveryCodesLeft: number;

  @ApiProperty({ enum: ['password_change', 'mfa_enrolment'], nullable: true, type: String })
  sessionRestriction: 'password_change' | 'mfa_enrolment' | null;
}

export class MeDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  username: string;

  @ApiProperty()
  displayName: string;

  @ApiProperty({ enum: Object.values(Role) })
  role: Role;

  @ApiProperty({ enum: Object.values(Permission), isArray: true })
  permissions: Permission[];

  @ApiProperty({ type: AgencySummaryDto })
  agency: AgencySummaryDto;

  @ApiProperty({ type: SecondFactorStatusDto })
  secondFactor: SecondFactorStatusDto;
}
