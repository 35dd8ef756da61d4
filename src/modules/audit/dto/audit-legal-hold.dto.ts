import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';
import { IsOmittable, IsText, IsUuid } from '../../../common/validation/decorators';
import type { AuditLegalHoldEntity } from '../audit-entry.entity';

export class CreateAuditLegalHoldDto {
  @ApiProperty({ format: 'uuid', description: 'The request whose audit trail is to be kept' })
  @IsUuid()
  requestId: string;

  @ApiProperty({ maxLength: 2000, description: 'Why: the proceedings or inquiry that need the trail' })
  @IsText(2000)
  reason: string;
}

export class LiftAuditLegalHoldDto {
  @ApiProperty({ maxLength: 2000 })
  @IsText(2000)
  reason: string;
}

export class AuditLegalHoldQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOmittable()
  @IsUuid()
  requestId?: string;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Also list holds already lifted' })
  @IsOmittable()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'all must be true or false' })
  all?: boolean;
}

export class AuditLegalHoldDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) requestId: string;
  @ApiProperty() reason: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) setById: string | null;
  @ApiProperty({ format: 'date-time' }) setAt: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) liftedById: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) liftedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) liftReason: string | null;
  @ApiProperty({ description: 'True while the hold keeps the request’s entries from redaction' })
  active: boolean;
}

export function toAuditLegalHoldDto(hold: AuditLegalHoldEntity): AuditLegalHoldDto {
  return {
    id: hold.id,
    requestId: hold.requestId,
    reason: hold.reason,
    setById: hold.setById,
    setAt: hold.setAt.toISOString(),
    liftedById: hold.liftedById,
    liftedAt: hold.liftedAt?.toISOString() ?? null,
    liftReason: hold.liftReason,
    active: hold.liftedAt === null,
  };
}
