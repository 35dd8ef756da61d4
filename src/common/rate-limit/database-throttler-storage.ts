import { Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { Clock } from '../clock';

const SWEEP_EVERY_MS = 60_000;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * Fixed-window counters in the `rate_limit` table (UNLOGGED on PostgreSQL), so that every instance
 * counts against the same budget (architecture.md §10); the library's default storage is a Map in
 * one process. One upsert per budget per request, atomic under concurrency. A budget over its limit
 * stays blocked until its window ends: `blockDuration` is the rest of the window.
 */
@Injectable()
export class DatabaseThrottlerStorage implements ThrottlerStorage {
  private lastSweep = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const now = this.clock.now();
    await this.sweep(now);
    const rows = await this.dataSource.query<Array<{ hits: number; window_ends_at: Date }>>(
      `INSERT INTO "rate_limit" ("key", "window_ends_at", "hits") VALUES ($1, $2, 1)
       ON CONFLICT ("key") DO UPDATE SET
         "hits" = CASE WHEN "rate_limit"."window_ends_at" <= $3 THEN 1 ELSE "rate_limit"."hits" + 1 END,
         "window_ends_at" = CASE WHEN "rate_limit"."window_ends_at" <= $3 THEN $2 ELSE "rate_limit"."window_ends_at" END
       RETURNING "hits", "window_ends_at"`,
      [key, new Date(now.getTime() + ttl), now],
    );
    const row = rows[0];
    const hits = Number(row?.hits ?? 1);
    const remainingMs = row ? new Date(row.window_ends_at).getTime() - now.getTime() : ttl;
    const timeToExpire = Math.max(1, Math.ceil(remainingMs / 1000));
    const isBlocked = hits > limit;
    return { totalHits: hits, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
  }

  /** Expired windows are dead rows; each instance clears them at most once a minute. */
  private async sweep(now: Date): Promise<void> {
    if (now.getTime() - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now.getTime();
    await this.dataSource.query('DELETE FROM "rate_limit" WHERE "window_ends_at" <= $1', [now]);
  }
}
