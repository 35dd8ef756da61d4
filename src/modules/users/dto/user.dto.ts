import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsBoolean } from 'class-validator';
import { Role } from '@mla/contracts';
import { IsOmittable } from '../../../common/validation/decorators';
import { AgencySummaryDto } from '../../auth/dto/me.dto';
import type { UserKind } from '../user.entity';

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  username: string;

  @ApiProperty()
  displayName: string;

  @ApiProperty({ enum: Object.values(Role) })
  role: Role;

  @ApiProperty({ enum: ['person', 'service'], description: '`service`: the account behind API keys' })
  kind: UserKind;

  @ApiProperty({ type: AgencySummaryDto })
  agency: AgencySummaryDto;

  @ApiProperty({ description: 'Disabled accounts cannot log in; their sessions have ended' })
  disabled: boolean;

  @ApiProperty({
    description: 'Locked after 5 failed logins in 15 minutes, until an administrator unlocks it',
  })
  locked: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastLoginAt: string | null;
}

/** What an administrator may change on an account today (role and agency changes come with step-up MFA). */
export class UpdateUserDto {
  @ApiPropertyOptional({ enum: [false], description: 'false unlocks a locked account' })
  @IsOmittable()
  @Equals(false, { message: 'locked can only be set to false (accounts lock themselves)' })
  locked?: false;

  @ApiPropertyOptional({ description: 'true disables the account and ends its sessions; false enables it' })
  @IsOmittable()
  @IsBoolean()
  disabled?: boolean;
}
