import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
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
}
