import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { ErrorCode } from '@mla/contracts';
import { DataSource, IsNull } from 'typeorm';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';
import { TransactionRunner } from '../../database/transaction-runner';
import { auditActor, type Principal } from '../auth/principal';
import { RequestNotFoundError } from '../requests/requests.errors';
import { AuditLegalHoldEntity } from './audit-entry.entity';
import { AuditService } from './audit.service';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Entries per transaction: one `audit.redact` entry each, and row locks held for one batch only. */
const REDACT_BATCH = 1000;

export class AuditLegalHoldNotFoundError extends DomainError {
  readonly code = ErrorCode.NotFound;
  constructor() {
    super('No active audit legal hold with this id');
  }
}

export interface RedactionRun {
  /** Entries older than this (by `ts`) were due. */
  cutoff: Date;
  redacted: number;
  /** One `audit.redact` entry was written per batch. */
  batches: number;
}

/**
 * A request's entries are held while an auditor's hold on it is active, or while any of its evidence
 * items is under a legal hold (the proceedings that keep the bytes need the trail that goes with
 * them). Entries that name no request (logins, administration) are redacted by age alone.
 * `audit.redact` entries are never redacted: they hold no personal data, and they are what accounts
 * for every other redaction (AuditService.verify checks that each redacted entry is named by one).
 */
const NOT_HELD = `e."action" <> 'audit.redact' AND (e."request_id" IS NULL OR (
    NOT EXISTS (SELECT 1 FROM "audit_legal_hold" h WHERE h."request_id" = e."request_id" AND h."lifted_at" IS NULL)
    AND NOT EXISTS (SELECT 1 FROM "evidence_item" i WHERE i."request_id" = e."request_id" AND i."legal_holds" <> '[]'::jsonb)))`;

/**
 * Retention of the audit log (issue 6, item 7; security.md §4.3 "Retention (AU-11)", AUD-07).
 * After AUDIT_RETENTION_DAYS an entry with no hold has its body replaced by its redaction marker
 * (audit-redaction.ts) and its personal projection columns emptied; its leaf and chain hashes stay,
 * so every proof and checkpoint still verifies. Each batch is one transaction that also writes an
 * `audit.redact` entry naming what it redacted: the purge is itself in the log.
 */
@Injectable()
export class AuditRetentionService {
  private readonly logger = new Logger(AuditRetentionService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  @Interval('audit-retention', HOUR_MS)
  async scheduled(): Promise<void> {
    if (!this.config.audit.retentionJobEnabled) return;
    try {
      const run = await this.redactExpired();
      if (run.redacted > 0)
        this.logger.log(
          { redacted: run.redacted, batches: run.batches, cutoff: run.cutoff.toISOString() },
          'audit entries redacted',
        );
    } catch (error) {
      this.logger.warn({ problem: (error as Error).message }, 'audit retention job failed');
    }
  }

  /**
   * Redacts every entry older than the retention period at `now` that no hold keeps, in batches of
   * `batchSize`, oldest first. Several instances may run it at once: a row another one redacted
   * first no longer matches the UPDATE (its `redacted_at` is set), so it is neither redacted twice
   * nor named in two `audit.redact` entries.
   */
  async redactExpired(options: { now?: Date; batchSize?: number } = {}): Promise<RedactionRun> {
    const now = options.now ?? this.clock.now();
    const retentionDays = this.config.audit.retentionDays;
    const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
    const batchSize = options.batchSize ?? REDACT_BATCH;
    const run: RedactionRun = { cutoff, redacted: 0, batches: 0 };
    // The log as it stands when the run begins: the run's own audit.redact entries are not its work,
    // even when a cutoff in the future (a test's, a misset clock's) would make them due.
    const [head]: Array<{ seq: string | number }> = await this.dataSource.query(
      'SELECT "seq" FROM "audit_head" WHERE "id" = 1',
    );
    const last = Number(head?.seq ?? 0);
    // Keyset on seq: held entries are passed over once, not read again by every batch.
    for (let after = 0; ;) {
      const seqs = await this.transactions.run(async (manager) => {
        const rows: Array<{ seq: string | number }> = await manager.query(
          `WITH "due" AS (
             SELECT e."seq" FROM "audit_entry" e
             WHERE e."seq" > $1 AND e."seq" <= $5 AND e."redacted_at" IS NULL AND e."ts" < $2 AND ${NOT_HELD}
             ORDER BY e."seq" LIMIT $3
           ), "done" AS (
             UPDATE "audit_entry" a
             SET "body" = audit_redaction_marker(a."seq", a."id", a."ts", a."action", a."leaf_hash"),
                 "actor_user_id" = NULL, "target_id" = NULL, "correlation_id" = NULL, "redacted_at" = $4
             FROM "due" WHERE a."seq" = "due"."seq" AND a."redacted_at" IS NULL
             RETURNING a."seq"
           )
           SELECT "seq" FROM "done" ORDER BY "seq"`,
          [after, cutoff, batchSize, now, last],
        );
        const redacted = rows.map((row) => Number(row.seq));
        if (redacted.length > 0)
          await this.audit.append(manager, {
            action: 'audit.redact',
            outcome: 'success',
            actor: null,
            target: { type: 'audit_log', id: null },
            data: {
              cutoff: cutoff.toISOString(),
              retentionDays,
              count: redacted.length,
              ranges: ranges(redacted),
            },
          });
        return redacted;
      });
      if (seqs.length === 0) break;
      run.redacted += seqs.length;
      run.batches += 1;
      after = seqs[seqs.length - 1];
    }
    return run;
  }

  async setHold(principal: Principal, requestId: string, reason: string): Promise<AuditLegalHoldEntity> {
    return this.transactions.run(async (manager) => {
      const [request]: Array<{ id: string }> = await manager.query(
        'SELECT "id" FROM "cooperation_request" WHERE "id" = $1',
        [requestId],
      );
      if (!request) throw new RequestNotFoundError();
      const hold = manager.create(AuditLegalHoldEntity, {
        id: randomUUID(),
        requestId,
        reason,
        setById: principal.userId,
        setAt: this.clock.now(),
        liftedById: null,
        liftedAt: null,
        liftReason: null,
      });
      await manager.insert(AuditLegalHoldEntity, hold);
      await this.audit.append(manager, {
        action: 'audit.legal_hold_set',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'audit_legal_hold', id: hold.id },
        requestId,
        data: { reason },
      });
      return hold;
    });
  }

  async liftHold(principal: Principal, id: string, reason: string): Promise<AuditLegalHoldEntity> {
    return this.transactions.run(async (manager) => {
      const hold = await manager.findOne(AuditLegalHoldEntity, {
        where: { id, liftedAt: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      if (!hold) throw new AuditLegalHoldNotFoundError();
      hold.liftedAt = this.clock.now();
      hold.liftedById = principal.userId;
      hold.liftReason = reason;
      await manager.update(
        AuditLegalHoldEntity,
        { id },
        { liftedAt: hold.liftedAt, liftedById: hold.liftedById, liftReason: reason },
      );
      await this.audit.append(manager, {
        action: 'audit.legal_hold_lifted',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'audit_legal_hold', id },
        requestId: hold.requestId,
        data: { reason },
      });
      return hold;
    });
  }

  /** Holds, newest first: the active ones only unless `all`, optionally for one request. */
  async listHolds(query: { requestId?: string; all?: boolean }): Promise<AuditLegalHoldEntity[]> {
    return this.dataSource.getRepository(AuditLegalHoldEntity).find({
      where: {
        ...(query.requestId ? { requestId: query.requestId } : {}),
        ...(query.all ? {} : { liftedAt: IsNull() }),
      },
      order: { setAt: 'DESC', id: 'ASC' },
      take: 500,
    });
  }
}

/** Ascending seqs as inclusive [first, last] runs: what a batch redacted, compactly. */
export function ranges(seqs: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const seq of seqs) {
    const last = out[out.length - 1];
    if (last && seq === last[1] + 1) last[1] = seq;
    else out.push([seq, seq]);
  }
  return out;
}
