import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from './audit.service';
import type { AuditActor } from './audit.types';
import type { AuditCheckpointDto } from './dto/merkle-log.dto';
import { AuditCheckpointEntity } from './merkle/audit-merkle.entity';
import { MerkleLogService } from './merkle-log.service';

/** Rows per query: large enough that the round trips do not dominate, small enough to stay in bounds. */
const EXPORT_BATCH = 1000;

export interface AuditExport {
  checkpoint: AuditCheckpointDto;
  /** NDJSON, one chunk per batch; read lazily, so a consumer that stops reading stops the queries. */
  lines: AsyncGenerator<string>;
}

/**
 * The whole log for an auditor to verify offline with scripts/verify-audit.mjs: the checkpoint the
 * export is taken against, every earlier stored checkpoint, then entries 1..treeSize in seq order.
 */
@Injectable()
export class AuditExportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly merkle: MerkleLogService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Fixes the export's checkpoint and records the export before a byte is sent, so every export
   * handed out is in the log. The record comes after the checkpoint, so it is not part of what it
   * exports (an export that included itself could never be checked against its own checkpoint).
   */
  async open(actor: AuditActor | null): Promise<AuditExport> {
    const checkpoint = await this.merkle.latestCheckpoint();
    await this.audit.record({
      action: 'audit.export',
      outcome: 'success',
      actor,
      target: { type: 'audit_log', id: null },
      data: { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash },
    });
    return { checkpoint, lines: this.lines(checkpoint) };
  }

  /**
   * Each batch is its own short query (keyset on the primary key, never OFFSET): entries and
   * checkpoints up to the checkpoint's size are committed and never change, so no snapshot has to be
   * held, and the embedded engine's single session is free for other requests between batches.
   */
  private async *lines(checkpoint: AuditCheckpointDto): AsyncGenerator<string> {
    yield checkpointLine(checkpoint);
    const checkpoints = this.dataSource.getRepository(AuditCheckpointEntity);
    for (let after = -1; ;) {
      const rows = await checkpoints
        .createQueryBuilder('c')
        .where('c.treeSize > :after AND c.treeSize < :size', { after, size: checkpoint.treeSize })
        .orderBy('c.treeSize', 'ASC')
        .limit(EXPORT_BATCH)
        .getMany();
      if (rows.length === 0) break;
      yield rows
        .map((row) =>
          checkpointLine({
            treeSize: row.treeSize,
            rootHash: Buffer.from(row.rootHash, 'hex').toString('base64'),
            note: row.note,
            keyId: row.keyId,
          }),
        )
        .join('');
      after = rows[rows.length - 1].treeSize;
    }
    for (let after = 0; after < checkpoint.treeSize;) {
      const rows = await this.dataSource.query<
        Array<{ seq: string | number; body: string; leaf_hash: string; redacted: boolean }>
      >(
        'SELECT "seq", "body", "leaf_hash", "redacted_at" IS NOT NULL AS "redacted" FROM "audit_entry" WHERE "seq" > $1 AND "seq" <= $2 ORDER BY "seq" LIMIT $3',
        [after, checkpoint.treeSize, EXPORT_BATCH],
      );
      // Exported as stored: a gap in the table shows in the export, where the verifier reports it.
      if (rows.length === 0) break;
      yield rows
        .map(
          (row) =>
            `${JSON.stringify({
              type: 'entry',
              seq: Number(row.seq),
              body: row.body,
              // The hash as stored, which the verifier never trusts but compares: a body edited in
              // place then shows at its own seq rather than only as a wrong root further on.
              leafHash: Buffer.from(row.leaf_hash, 'hex').toString('base64'),
              // Past retention the body is the redaction marker: the verifier takes the leaf hash
              // as given for this entry, and the signed roots vouch for it.
              ...(row.redacted ? { redacted: true } : {}),
            })}\n`,
        )
        .join('');
      after = Number(rows[rows.length - 1].seq);
    }
  }
}

function checkpointLine(checkpoint: AuditCheckpointDto): string {
  const { treeSize, rootHash, note, keyId } = checkpoint;
  return `${JSON.stringify({ type: 'checkpoint', treeSize, rootHash, note, keyId })}\n`;
}
