import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsString, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../common/http/pagination';
import { IsOmittable, IsUuid } from '../../../common/validation/decorators';

export class AuditEventQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOmittable()
  @IsUuid()
  requestId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOmittable()
  @IsUuid()
  actorUserId?: string;

  @ApiPropertyOptional({ example: 'request.transmit' })
  @IsOmittable()
  @IsString()
  @MaxLength(64)
  @Matches(/^[a-z_]+(\.[a-z_]+)*$/, { message: 'action must look like request.transmit' })
  action?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Entries at or after this instant' })
  @IsOmittable()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Entries before this instant' })
  @IsOmittable()
  @IsDateString({ strict: true })
  to?: string;
}

export class AuditActorDto {
  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty({ format: 'uuid' })
  agencyId: string;

  @ApiProperty()
  role: string;
}

export class AuditTargetDto {
  @ApiProperty({ example: 'request' })
  type: string;

  @ApiProperty({ type: String, nullable: true })
  id: string | null;
}

export class AuditEventDto {
  @ApiProperty({ description: 'Position in the log, from 1, without gaps' })
  seq: number;

  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  ts: string;

  @ApiProperty({ example: 'request.transmit' })
  action: string;

  @ApiProperty({ enum: ['success', 'failure', 'denied'] })
  outcome: string;

  @ApiProperty({ type: AuditActorDto, nullable: true })
  actor: AuditActorDto | null;

  @ApiProperty({ type: AuditTargetDto })
  target: AuditTargetDto;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  requestId: string | null;

  @ApiProperty({ type: String, nullable: true })
  correlationId: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true })
  data: Record<string, unknown>;

  @ApiProperty({ description: 'SHA-256(0x00 || canonical body), hex' })
  leafHash: string;

  @ApiProperty({ description: 'SHA-256(previous chainHash || leafHash), hex' })
  chainHash: string;

  @ApiProperty({
    description:
      'True once retention replaced the body by a redaction marker: `data` is then empty, the actor ' +
      'user, target id and correlation id are gone, and the hashes are those of the original body',
  })
  redacted: boolean;
}

export class AuditEventPageDto {
  @ApiProperty({ type: [AuditEventDto] })
  items: AuditEventDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class AuditVerificationDto {
  @ApiProperty({ description: 'True when every entry and the head agree with the hashes' })
  ok: boolean;

  @ApiProperty({ description: 'Entries checked before the first problem (all of them when ok)' })
  checked: number;

  @ApiProperty({ description: 'Sequence number the log head records' })
  headSequence: number;

  @ApiProperty({
    description: 'Chain hash the log head records: keep it outside the portal to detect a later rewrite',
  })
  headChainHash: string;

  @ApiProperty({
    description:
      'Merkle root of the log at the head, base64, from the stored tree: a checkpoint of this size signs it',
  })
  headRootHash: string;

  @ApiPropertyOptional({ description: 'The first entry that does not verify' })
  firstBadSequence?: number;

  @ApiPropertyOptional({ example: 'body does not match its leaf hash' })
  problem?: string;
}
