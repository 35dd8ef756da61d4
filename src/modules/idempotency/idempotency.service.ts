import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { DataSource, type EntityManager, LessThan } from 'typeorm';
import { Clock } from '../../common/clock';
import {
  heldBy,
  type IdempotencyClaim,
  type StoredResponse,
} from '../../common/idempotency/idempotency-context';
import { AppConfig } from '../../config/app-config';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

/** What became of a claim on a key. */
export type ClaimOutcome =
  | { kind: 'claimed'; token: string; expiresAt: Date }
  | { kind: 'replay'; response: StoredResponse }
  /** Completed, but its fingerprint needs the body read first (a multipart upload). */
  | { kind: 'verify'; fingerprint: string | null; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_flight'; retryAfterSeconds: number };

export interface ClaimRequest {
  scope: string;
  key: string;
  method: string;
  path: string;
  /** null: not known before the body is read (multipart). */
  fingerprint: string | null;
}

const CLEANUP_INTERVAL_MS = 5 * 60_000;

/**
 * Claims, renews, completes and releases `Idempotency-Key`s (security.md REL-02). Each step is one
 * statement in its own short transaction, done before or after the use case's transaction, never
 * inside it (PGlite has one session); the completion that matters happens inside the use case's
 * transaction (TransactionRunner).
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger(IdempotencyService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  private get ttlMs(): number {
    return this.config.idempotency.ttlMs;
  }

  get leaseMs(): number {
    return this.config.idempotency.leaseMs;
  }

  async claim(request: ClaimRequest): Promise<ClaimOutcome> {
    const token = randomUUID();
    const now = this.clock.now();
    const fresh = {
      method: request.method,
      path: request.path,
      fingerprint: request.fingerprint,
      state: 'in_flight' as const,
      claimToken: token,
      leaseExpiresAt: this.leaseFrom(now),
      responseStatus: null,
      responseHeaders: null,
      responseBody: null,
      responseSource: null,
      createdAt: now,
      completedAt: null,
      expiresAt: new Date(now.getTime() + this.ttlMs),
    };
    const inserted = await this.withoutCommitFlush((manager) =>
      manager
        .createQueryBuilder()
        .insert()
        .into(IdempotencyKeyEntity)
        .values({ scope: request.scope, key: request.key, ...fresh })
        .orIgnore()
        .returning(['key'])
        .execute(),
    );
    if (insertedRows(inserted.raw) > 0) return { kind: 'claimed', token, expiresAt: fresh.expiresAt };

    const row = await this.dataSource.manager.findOneBy(IdempotencyKeyEntity, {
      scope: request.scope,
      key: request.key,
    });
    // Deleted between the two statements (expired and cleaned up): the next attempt inserts.
    if (!row) return { kind: 'in_flight', retryAfterSeconds: 1 };
    const sameRequest =
      row.method === request.method &&
      row.path === request.path &&
      (request.fingerprint === null || row.fingerprint === null || row.fingerprint === request.fingerprint);
    // Past its time the key is as good as unused: taken over as new, whatever it held. Not while its
    // holder still renews the lease, though (a long upload outlives any TTL): that one still runs.
    const live = row.state === 'in_flight' && row.leaseExpiresAt.getTime() > now.getTime();
    const expired = !live && row.expiresAt.getTime() <= now.getTime();
    if (!expired && !sameRequest) return { kind: 'mismatch' };
    if (!expired && row.state === 'completed') {
      const response = storedResponse(row);
      return request.fingerprint === null
        ? { kind: 'verify', fingerprint: row.fingerprint, response }
        : { kind: 'replay', response };
    }
    if (!expired && row.leaseExpiresAt.getTime() > now.getTime())
      return {
        kind: 'in_flight',
        retryAfterSeconds: Math.max(1, Math.ceil((row.leaseExpiresAt.getTime() - now.getTime()) / 1000)),
      };
    // In flight, and its holder stopped renewing the lease (it died, or stalled): it never
    // committed, since a commit completes the key. Taken over under a new token, so the old holder,
    // should it still be alive, can no longer complete it.
    const taken = await this.dataSource
      .createQueryBuilder()
      .update(IdempotencyKeyEntity)
      .set(fresh)
      .where({ scope: request.scope, key: request.key, claimToken: row.claimToken, state: row.state })
      .execute();
    if (taken.affected) {
      this.logger.warn(
        { key: request.key, path: request.path },
        'idempotency key taken over after its lease ran out',
      );
      return { kind: 'claimed', token, expiresAt: fresh.expiresAt };
    }
    return { kind: 'in_flight', retryAfterSeconds: 1 };
  }

  /** Keeps the claim alive while the request runs (a long upload). False once it was lost. */
  async renew(claim: IdempotencyClaim): Promise<boolean> {
    const renewed = await this.dataSource
      .createQueryBuilder()
      .update(IdempotencyKeyEntity)
      .set({ leaseExpiresAt: this.leaseFrom(this.clock.now()) })
      .where(heldBy(claim, 'in_flight'))
      .execute();
    return Boolean(renewed.affected);
  }

  /**
   * The response as actually sent replaces the one the transaction recorded, when they differ; a
   * request that ran no transaction of its own completes its key here.
   */
  async complete(
    claim: IdempotencyClaim,
    response: StoredResponse,
    fingerprint: string | null,
  ): Promise<void> {
    const values = {
      responseStatus: response.status,
      responseHeaders: response.headers,
      responseBody: response.body,
      responseSource: 'handler',
    };
    if (claim.bound) {
      if (sameResponse(claim.bound, response)) return;
      await this.dataSource
        .createQueryBuilder()
        .update(IdempotencyKeyEntity)
        .set(values)
        .where(heldBy(claim, 'completed'))
        .execute();
      return;
    }
    const now = this.clock.now();
    const completed = await this.dataSource
      .createQueryBuilder()
      .update(IdempotencyKeyEntity)
      .set({
        ...values,
        state: 'completed',
        fingerprint,
        completedAt: now,
        expiresAt: claim.expiresAt,
      })
      .where(heldBy(claim, 'in_flight'))
      .execute();
    if (!completed.affected)
      this.logger.warn({ key: claim.key }, 'idempotency key lost before its response was recorded');
  }

  /** The request failed without an effect: the key is free again, so a retry runs it anew. */
  async release(claim: IdempotencyClaim): Promise<void> {
    await this.withoutCommitFlush((manager) =>
      manager.delete(IdempotencyKeyEntity, heldBy(claim, 'in_flight')),
    );
  }

  /**
   * Runs `work` in a transaction that commits without waiting for its WAL to reach the disk. Safe for
   * a claim or a release, and worth it: that wait doubled the disk flushes of every POST (the
   * create + submit benchmark, docs/benchmarks.md). WAL is flushed in order, so the use case's own
   * (synchronous) commit, which completes the key, makes the claim durable first; a claim lost in a
   * crash before that belongs to a request that had no effect, and a retry claims the key anew. A
   * release lost in a crash leaves a claim whose lease runs out, after which the key is taken over.
   */
  private withoutCommitFlush<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL synchronous_commit = off');
      return work(manager);
    });
  }

  /**
   * Deletes keys past their time. A plain DELETE by age: any number of instances may run it at once
   * (each row goes once; the others find nothing), and a key still in flight keeps its row until its
   * lease has run out too.
   */
  async deleteExpired(): Promise<number> {
    const now = this.clock.now();
    const deleted = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(IdempotencyKeyEntity)
      .where({ expiresAt: LessThan(now) })
      .andWhere(`("state" = 'completed' OR "lease_expires_at" < :now)`, { now })
      .execute();
    return deleted.affected ?? 0;
  }

  @Interval('idempotency-cleanup', CLEANUP_INTERVAL_MS)
  async scheduled(): Promise<void> {
    if (!this.config.idempotency.cleanupJobEnabled) return;
    try {
      const deleted = await this.deleteExpired();
      if (deleted > 0) this.logger.log({ deleted }, 'expired idempotency keys deleted');
    } catch (error) {
      this.logger.warn({ problem: (error as Error).message }, 'idempotency cleanup failed');
    }
  }

  private leaseFrom(now: Date): Date {
    return new Date(now.getTime() + this.leaseMs);
  }
}

function insertedRows(raw: unknown): number {
  if (Array.isArray(raw)) return raw.length;
  const rows = (raw as { rows?: unknown[] } | undefined)?.rows;
  return Array.isArray(rows) ? rows.length : 0;
}

function storedResponse(row: IdempotencyKeyEntity): StoredResponse {
  return { status: row.responseStatus ?? 200, headers: row.responseHeaders ?? {}, body: row.responseBody };
}

function sameResponse(a: StoredResponse, b: StoredResponse): boolean {
  const names = (headers: Record<string, string>) => Object.keys(headers).sort().join('\n');
  return (
    a.status === b.status &&
    a.body === b.body &&
    names(a.headers) === names(b.headers) &&
    Object.entries(a.headers).every(([name, value]) => b.headers[name] === value)
  );
}
