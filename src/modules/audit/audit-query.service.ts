import { Injectable } from '@nestjs/common';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { decodeCursor, keysetPage } from '../../common/http/pagination';
import { AuditEntryEntity } from './audit-entry.entity';
import type { AuditBody } from './audit.types';
import type { AuditEventDto, AuditEventPageDto, AuditEventQueryDto } from './dto/audit-event.dto';

/** Reads of the audit log, newest first, keyset-paged on `seq`. */
@Injectable()
export class AuditQueryService {
  constructor(private readonly dataSource: DataSource) {}

  async list(
    query: AuditEventQueryDto,
    narrow?: (builder: SelectQueryBuilder<AuditEntryEntity>) => void,
  ): Promise<AuditEventPageDto> {
    const builder = this.dataSource.getRepository(AuditEntryEntity).createQueryBuilder('entry');
    if (query.requestId) builder.andWhere('entry.requestId = :requestId', { requestId: query.requestId });
    if (query.actorUserId)
      builder.andWhere('entry.actorUserId = :actorUserId', { actorUserId: query.actorUserId });
    if (query.action) builder.andWhere('entry.action = :action', { action: query.action });
    if (query.from) builder.andWhere('entry.ts >= :from', { from: new Date(query.from) });
    if (query.to) builder.andWhere('entry.ts < :to', { to: new Date(query.to) });
    if (query.cursor) {
      const { seq } = decodeCursor(query.cursor, { seq: 'position' });
      builder.andWhere('entry.seq < :seq', { seq });
    }
    narrow?.(builder);
    const { rows, nextCursor } = await keysetPage(
      builder.orderBy('entry.seq', 'DESC'),
      query.limit,
      (last) => ({
        seq: last.seq,
      }),
    );
    return { items: rows.map(toAuditEventDto), nextCursor };
  }
}

export function toAuditEventDto(entry: AuditEntryEntity): AuditEventDto {
  // A redacted entry's body is its redaction marker, which has no data.
  const body = JSON.parse(entry.body) as Partial<AuditBody>;
  return {
    seq: entry.seq,
    id: entry.id,
    ts: entry.ts.toISOString(),
    action: entry.action,
    outcome: entry.outcome,
    actor:
      entry.actorUserId && entry.actorAgencyId && entry.actorRole
        ? { userId: entry.actorUserId, agencyId: entry.actorAgencyId, role: entry.actorRole }
        : null,
    target: { type: entry.targetType, id: entry.targetId },
    requestId: entry.requestId,
    correlationId: entry.correlationId,
    data: entry.redactedAt ? {} : (body.data ?? {}),
    leafHash: entry.leafHash,
    chainHash: entry.chainHash,
    redacted: entry.redactedAt !== null,
  };
}
