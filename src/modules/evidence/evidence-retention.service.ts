import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { TransactionRunner } from '../../database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { ActionForbiddenError } from '../requests/requests.errors';
import { EvidenceAccess } from './evidence-access';
import type { EvidenceDto } from './evidence.dto';
import { EvidenceBlobEntity, EvidenceItemEntity } from './evidence.entities';
import { EvidenceDisposedError, LegalHoldError } from './evidence.errors';
import { custodyBy, EvidenceService, lockContent, toEvidenceDto } from './evidence.service';
import { EvidenceVault } from './storage/evidence-vault';

const HOUR_MS = 60 * 60 * 1000;
/** Anything a crash left behind is swept only once it is surely not an upload still in progress. */
const ORPHAN_AGE_MS = 24 * HOUR_MS;
const BATCH = 100;
/** An hourly run spends at most this long re-hashing. */
const FIXITY_BUDGET_MS = 50 * 60 * 1000;

/**
 * Retention and disposal (domain.md §10: retention periods; security.md §5.2): bytes are removed
 * when their period ends, unless a legal hold keeps them, or earlier by a decision with reasons.
 * The item's metadata and hash stay, so what was exchanged can still be proven; only the content
 * goes. Also the scheduled fixity check (EVD-05) and the sweep of what crashes leave behind.
 */
@Injectable()
export class EvidenceRetentionService implements OnApplicationBootstrap {
  private readonly logger = new Logger(EvidenceRetentionService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly access: EvidenceAccess,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly vault: EvidenceVault,
    private readonly evidence: EvidenceService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.evidence.jobsEnabled) return;
    // Not awaited: start-up does not wait on a disk walk.
    this.sweepOrphans().catch((error: unknown) =>
      this.logger.warn({ problem: (error as Error).message }, 'evidence sweep failed'),
    );
  }

  @Interval('evidence-retention', HOUR_MS)
  async scheduled(): Promise<void> {
    if (!this.config.evidence.jobsEnabled) return;
    const disposed = await this.disposeExpired();
    const verified = await this.checkFixity();
    const swept = await this.sweepOrphans().catch((error: unknown) => {
      this.logger.warn({ problem: (error as Error).message }, 'evidence sweep failed');
      return 0;
    });
    if (disposed + verified.checked + swept > 0)
      this.logger.log({ disposed, ...verified, swept }, 'evidence maintenance');
  }

  /** Disposal on request (the uploading side's central authority or supervisor), with reasons. */
  async dispose(principal: Principal, id: string, reason: string): Promise<EvidenceDto> {
    const item = await this.transactions.run(async (manager) => {
      const { item, side } = await this.access.item(manager, principal, id, 'update');
      if (side !== 'requested') throw new ActionForbiddenError('dispose_evidence', 'role_or_side');
      if (item.disposedAt) throw new EvidenceDisposedError(item.disposedAt);
      if (item.legalHolds.length > 0) throw new LegalHoldError();
      await this.disposeItem(manager, item, principal, reason);
      return item;
    });
    return toEvidenceDto(item);
  }

  /**
   * Either side may hold the bytes for proceedings of its own, with reasons. Each side sets and
   * lifts only its own hold; any hold keeps the bytes past their retention and refuses disposal.
   */
  async setLegalHold(principal: Principal, id: string, hold: boolean, reason: string): Promise<EvidenceDto> {
    const item = await this.transactions.run(async (manager) => {
      const { item, side } = await this.access.item(manager, principal, id, 'update');
      if (item.disposedAt) throw new EvidenceDisposedError(item.disposedAt);
      const others = item.legalHolds.filter((entry) => entry.side !== side);
      item.legalHolds = hold
        ? [
            ...others,
            {
              side,
              agencyId: principal.agencyId,
              userId: principal.userId,
              reason,
              setAt: this.clock.now().toISOString(),
            },
          ]
        : others;
      await manager.update(EvidenceItemEntity, { id: item.id }, { legalHolds: item.legalHolds });
      await this.audit.append(manager, {
        ...custodyBy(
          principal,
          item,
          hold ? 'evidence.legal_hold_set' : 'evidence.legal_hold_lifted',
          'success',
        ),
        data: { purpose: reason, sha256: item.sha256, side },
      });
      return item;
    });
    return toEvidenceDto(item);
  }

  /** Disposes of every item whose retention has ended and that no hold keeps; one per transaction. */
  async disposeExpired(): Promise<number> {
    let disposed = 0;
    for (let index = 0; index < BATCH; index += 1) {
      const done = await this.transactions.run(async (manager) => {
        const [item] = await manager
          .createQueryBuilder(EvidenceItemEntity, 'item')
          .where(
            "item.disposed_at IS NULL AND item.legal_holds = '[]'::jsonb AND item.retain_until <= :now",
            {
              now: this.clock.now(),
            },
          )
          .orderBy('item.retain_until', 'ASC')
          .limit(1)
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .getMany();
        if (!item) return false;
        await this.disposeItem(manager, item, null, 'retention period ended');
        return true;
      });
      if (!done) break;
      disposed += 1;
    }
    return disposed;
  }

  /** Re-hashes the items not checked within the configured interval (EVD-05). */
  async checkFixity(): Promise<{ checked: number; failed: number }> {
    const cutoff = new Date(this.clock.now().getTime() - this.config.evidence.fixityIntervalHours * HOUR_MS);
    let checked = 0;
    let failed = 0;
    // Everything due is checked, within a time budget, so the cycle keeps up however many items there are.
    const started = Date.now();
    while (Date.now() - started < FIXITY_BUDGET_MS) {
      // Claimed by moving its check time first, so another instance running the job skips it.
      const id = await this.transactions.run(async (manager) => {
        const [item] = await manager
          .createQueryBuilder(EvidenceItemEntity, 'item')
          .where(
            `item.disposed_at IS NULL AND item.integrity = 'intact' AND (item.last_verified_at IS NULL OR item.last_verified_at <= :cutoff)`,
            { cutoff },
          )
          .orderBy('item.last_verified_at', 'ASC', 'NULLS FIRST')
          .limit(1)
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .getMany();
        if (!item) return undefined;
        await manager.update(EvidenceItemEntity, { id: item.id }, { lastVerifiedAt: this.clock.now() });
        return item.id;
      });
      if (!id) break;
      try {
        const result = await this.evidence.checkFixity(id);
        checked += 1;
        if (result && !result.intact) failed += 1;
      } catch (error) {
        // One item's trouble (its store unreachable) must not stop the checks of the others.
        this.logger.warn({ evidenceId: id, problem: (error as Error).message }, 'fixity check failed to run');
      }
    }
    return { checked, failed };
  }

  /**
   * Removes staging files and stored objects that no row refers to, once they are a day old: what
   * a process killed mid-upload, or between publishing and committing, leaves behind.
   */
  async sweepOrphans(olderThanMs = ORPHAN_AGE_MS): Promise<number> {
    const now = this.clock.now().getTime();
    let removed = await this.vault.sweepStaging(olderThanMs, now);
    for await (const object of this.vault.store.keys()) {
      if (now - object.modifiedAt.getTime() < olderThanMs) continue;
      const sha256 = /([0-9a-f]{64})[^/]*$/.exec(object.key)?.[1];
      if (!sha256) continue;
      // Under the content's lock, which an upload about to rely on this object also takes.
      const gone = await this.transactions.run(async (manager) => {
        await lockContent(manager, sha256);
        const referenced = await manager.existsBy(EvidenceBlobEntity, {
          storageKey: object.key,
          disposedAt: IsNull(),
        });
        if (referenced) return false;
        await this.vault.store.remove(object.key);
        return true;
      });
      if (gone) removed += 1;
    }
    return removed;
  }

  /**
   * Marks the item disposed of and, when no other live item has the same content, removes the
   * bytes. The removal happens inside the transaction, under the lock on the stored object's row,
   * so an upload of the same content waiting on that lock finds the bytes gone and stores them
   * again. (Should the commit itself then fail, the item stays recorded without bytes; the fixity
   * check reports it.)
   */
  private async disposeItem(
    manager: EntityManager,
    item: EvidenceItemEntity,
    principal: Principal | null,
    reason: string,
  ): Promise<void> {
    const now = this.clock.now();
    item.disposedAt = now;
    item.disposedById = principal?.userId ?? null;
    item.disposalReason = reason;
    await manager.update(
      EvidenceItemEntity,
      { id: item.id },
      { disposedAt: now, disposedById: item.disposedById, disposalReason: reason },
    );
    const blob = await manager.findOne(EvidenceBlobEntity, {
      where: { sha256: item.sha256 },
      lock: { mode: 'pessimistic_write' },
    });
    const [{ live }]: Array<{ live: string }> = await manager.query(
      'SELECT count(*) AS "live" FROM "evidence_item" WHERE "sha256" = $1 AND "disposed_at" IS NULL',
      [item.sha256],
    );
    const bytesRemoved = Number(live) === 0 && blob !== null && blob.disposedAt === null;
    await this.audit.append(manager, {
      ...custodyBy(principal, item, 'evidence.dispose', 'success'),
      data: {
        purpose: reason,
        sha256: item.sha256,
        retainUntil: item.retainUntil.toISOString(),
        bytesRemoved,
      },
    });
    if (bytesRemoved && blob) {
      await manager.update(EvidenceBlobEntity, { sha256: blob.sha256 }, { disposedAt: now });
      await this.vault.store.remove(blob.storageKey);
    }
  }
}
