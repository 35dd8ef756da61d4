import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { Role, SERVICE_ACCOUNT_ROLES } from '@mla/contracts';
import { IsOmittable, IsText, IsUuid } from '../../../common/validation/decorators';
import { AgencySummaryDto } from '../../auth/dto/me.dto';

export const MAX_API_KEY_TTL_DAYS = 365;

export class CreateApiKeyDto {
  /** The agency the system acts for; it sees and does what a user of that agency with this role would. */
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  agencyId: string;

  @ApiProperty({ enum: SERVICE_ACCOUNT_ROLES })
  @IsIn(SERVICE_ACCOUNT_ROLES)
  role: Role;

  /** Names the client system; shown as the service account's display name and as author of its work. */
  @ApiProperty({ example: 'C50 case management system', maxLength: 100 })
  @IsText(100)
  name: string;

  /** Absent: API_KEY_DEFAULT_TTL_DAYS (90 unless configured). */
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_API_KEY_TTL_DAYS })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(MAX_API_KEY_TTL_DAYS)
  expiresInDays?: number;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ example: '3f9c2a7b41d0', description: 'Public part of the key: `mla_<prefix>_…`' })
  prefix: string;

  /** The account the key acts as; disabling it (PATCH /v1/users/{id}) stops every key it has. */
  @ApiProperty({ format: 'uuid' })
  serviceAccountId: string;

  @ApiProperty({ type: AgencySummaryDto })
  agency: AgencySummaryDto;

  @ApiProperty({ enum: SERVICE_ACCOUNT_ROLES })
  role: Role;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  expiresAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revokedAt: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Recorded at most once an hour: up to an hour behind the latest use',
  })
  lastUsedAt: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    example: 'mla_3f9c2a7b41d0_Q2hhbmdlIG1lOiB0aGlzIGlzIG5vdCBhIHJlYWwga2V5IQ',
    description: 'Send as the X-API-Key header. Shown this once: only its hash is stored.',
  })
  key: string;
}
