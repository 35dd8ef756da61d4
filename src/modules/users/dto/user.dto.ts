import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsBoolean, IsEnum, IsString, Matches } from 'class-validator';
import { Role } from '@mla/contracts';
import { IsOmittable, IsText, IsUuid } from '../../../common/validation/decorators';
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

export class CreateUserDto {
  @ApiProperty({ example: 'vn.analyst', pattern: '^[a-z0-9][a-z0-9._-]{2,63}$' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{2,63}$/, {
    message: 'username must be 3 to 64 lower-case letters, digits, dots, dashes or underscores',
  })
  username: string;

  @ApiProperty({ example: 'Nguyen Van An', maxLength: 200 })
  @IsText(200)
  displayName: string;

  @ApiProperty({ enum: Object.values(Role) })
  @IsEnum(Role)
  role: Role;

  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  agencyId: string;
}

export class TemporaryPasswordDto {
  @ApiProperty({ type: UserDto })
  user: UserDto;

  @ApiProperty({
    description:
      'Shown once. Hand it to the user out of band: the first login with it (and the second factor, where enrolled) may only choose a new password',
  })
  temporaryPassword: string;
}

/**
 * What an administrator may change on an account. Every change is audited; role and agency changes
 * end the account's sessions (the next login takes the new role), and all of it needs a recent step-up.
 */
export class UpdateUserDto {
  @ApiPropertyOptional({ enum: Object.values(Role) })
  @IsOmittable()
  @IsEnum(Role)
  role?: Role;

  @ApiPropertyOptional({ format: 'uuid', description: 'Moves the account to another agency' })
  @IsOmittable()
  @IsUuid()
  agencyId?: string;

  @ApiPropertyOptional({
    enum: [true],
    description: 'true removes the second factor (a lost phone); the user enrols again at the next login',
  })
  @IsOmittable()
  @Equals(true, { message: 'resetSecondFactor can only be true' })
  resetSecondFactor?: true;

  @ApiPropertyOptional({ enum: [false], description: 'false unlocks a locked account' })
  @IsOmittable()
  @Equals(false, { message: 'locked can only be set to false (accounts lock themselves)' })
  locked?: false;

  @ApiPropertyOptional({ description: 'true disables the account and ends its sessions; false enables it' })
  @IsOmittable()
  @IsBoolean()
  disabled?: boolean;
}
