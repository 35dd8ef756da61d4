import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsOmittable } from '../../../common/validation/decorators';

const SESSION_RESTRICTIONS = ['password_change', 'mfa_enrolment'] as const;

/** The second factor, where one is needed: the current code from the authenticator app, or a recovery code. */
export class SecondFactorDto {
  @ApiPropertyOptional({ example: '123456', pattern: '^\\d{6}$', description: 'Current TOTP code' })
  @IsOmittable()
  @IsString()
  @Matches(/^\d{6}$/, { message: 'totp must be the 6 digits shown by the authenticator app' })
  totp?: string;

  @ApiPropertyOptional({
    example: 'abcd-efgh-ijkl-mnop',
    description: 'One of the recovery codes; each works once',
  })
  @IsOmittable()
  @IsString()
  @MaxLength(64)
  recoveryCode?: string;
}

export class LoginDto extends SecondFactorDto {
  @ApiProperty({ example: 'vn.officer', maxLength: 128 })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  username: string;

  /** Passphrases up to 1024 characters are accepted whole: nothing is truncated. */
  @ApiProperty({ example: 'Demo-Password-2026', format: 'password', maxLength: 1024 })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}

export class ChangePasswordDto {
  @ApiProperty({ format: 'password', maxLength: 1024 })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  currentPassword: string;

  /** Checked by the password policy, which says why a password is refused. */
  @ApiProperty({
    format: 'password',
    minLength: 12,
    maxLength: 1024,
    description: 'At least 12 characters; passphrases welcome',
  })
  @IsString()
  @MaxLength(4096)
  newPassword: string;
}

export class StepUpDto extends SecondFactorDto {
  /** Only for accounts without a second factor, where none is required (demo mode). */
  @ApiPropertyOptional({ format: 'password', maxLength: 1024 })
  @IsOmittable()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password?: string;
}

export class StepUpResponseDto {
  @ApiProperty({ format: 'date-time', description: 'Privileged actions are allowed until then' })
  validUntil: string;
}

export class TotpEnrolmentDto {
  @ApiProperty({ description: 'The secret in base32, for typing into an app by hand; shown once' })
  secret: string;

  @ApiProperty({
    example: 'otpauth://totp/MLA%20Portal:vn.officer?secret=...&issuer=MLA%20Portal',
    description: 'For a QR code; shown once',
  })
  otpauthUri: string;
}

export class ConfirmTotpDto {
  @ApiProperty({ example: '123456', pattern: '^\\d{6}$' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits shown by the authenticator app' })
  code: string;
}

export class RecoveryCodesDto {
  @ApiProperty({
    type: [String],
    description: 'Single-use codes for when the phone is lost; shown once, keep them offline',
  })
  recoveryCodes: string[];
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from the last login or refresh; it can be used once' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  refreshToken: string;
}

export class TokenResponseDto {
  @ApiProperty({ description: 'Bearer token for the Authorization header' })
  accessToken: string;

  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  expiresIn: number;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType: 'Bearer';

  @ApiProperty({
    description:
      'Opaque, single use: exchange it at POST /v1/auth/refresh for new tokens. Presenting a spent one ends the session.',
  })
  refreshToken: string;

  @ApiProperty({
    enum: SESSION_RESTRICTIONS,
    nullable: true,
    description:
      'Set when the session may only finish the account set-up first: `password_change` after an administrator reset the password, `mfa_enrolment` when a second factor is required and the account has none',
  })
  restriction: (typeof SESSION_RESTRICTIONS)[number] | null;
}
