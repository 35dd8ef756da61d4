import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { freePort, startPortal } from '../evidence/portal-process';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { DEMO_PASSWORD } from '../support/test-app';
import {
  api,
  checkAcknowledged,
  loginAll,
  summary,
  verifyAuditLog,
  WriteLoad,
  agencyIdByCode,
} from './support';

/** Debian's `faketime` package; .ci/run installs it when it is missing. */
const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const STARTUP_MS = 120_000;
const HOUR_MS = 3600_000;

interface AuditPage {
  items: Array<{ seq: number; ts: string }>;
  nextCursor: string | null;
}

/**
 * F13: the portal's clock jumps back an hour while it serves a load of writes (libfaketime under a
 * real portal process; the database server keeps the true time). The log stays ordered by `seq`
 * and verifies, checkpoints only grow and the job signs the next one without waiting out the hour,
 * sessions and logins go on, and nothing answers 5xx. The TOTP side of F13 (a code after the jump
 * is fresh, not a replay) is in test/auth/second-factor.e2e-spec.ts, on the in-process clock.
 */
describe(`The portal's clock jumping back an hour under load, F13 (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'embedded'})`, () => {
  let database: TestDatabase;
  let child: ChildProcess | undefined;
  let clockDir: string;

  beforeAll(async () => {
    if (!existsSync(LIBFAKETIME))
      throw new Error(`${LIBFAKETIME} is missing: apt-get install faketime (.ci/run does it)`);
    database = await createTestDatabase();
    clockDir = mkdtempSync(join(tmpdir(), 'mla-faketime-'));
  }, 180_000);
  afterAll(async () => {
    child?.kill('SIGKILL');
    await database?.drop();
    if (clockDir) rmSync(clockDir, { recursive: true, force: true });
  });

  /** The portal's own clock, as its HTTP `Date` header gives it (second precision). */
  async function portalNow(baseUrl: string): Promise<number> {
    const response = await fetch(`${baseUrl}/health/live`);
    await response.arrayBuffer();
    return Date.parse(response.headers.get('date') as string);
  }

  /** The stored checkpoints by size (PostgreSQL only: the embedded database is the portal's own). */
  async function storedCheckpoints(): Promise<Array<{ size: number; at: number }> | undefined> {
    if (database.engine !== 'postgres') return undefined;
    const client = new Client({ connectionString: database.env.DATABASE_URL });
    await client.connect();
    try {
      const rows = await client.query<{ tree_size: string; created_at: Date }>(
        'SELECT "tree_size", "created_at" FROM "audit_checkpoint" ORDER BY "tree_size"',
      );
      return rows.rows.map((row) => ({ size: Number(row.tree_size), at: row.created_at.getTime() }));
    } finally {
      await client.end();
    }
  }

  it('should keep order, proofs, checkpoints and sessions (by refresh) working, with no 5xx', async () => {
    const clockFile = join(clockDir, 'offset');
    writeFileSync(clockFile, '+0');
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    child = await startPortal(
      database,
      port,
      {
        LD_PRELOAD: LIBFAKETIME,
        FAKETIME_TIMESTAMP_FILE: clockFile,
        // Re-read the offset at most once a second; timers run on the monotonic clock, left alone.
        FAKETIME_CACHE_DURATION: '1',
        FAKETIME_DONT_FAKE_MONOTONIC: '1',
        AUDIT_CHECKPOINT_JOB: 'true',
        AUDIT_CHECKPOINT_INTERVAL_SECONDS: '2',
        AUDIT_CHECKPOINT_EVERY_ENTRIES: '1000000',
      },
      STARTUP_MS,
    );
    expect(Math.abs((await portalNow(baseUrl)) - Date.now())).toBeLessThan(5_000);
    const tokens = await loginAll(baseUrl);
    const frCentralAuthority = await agencyIdByCode(baseUrl, tokens['vn.officer'], 'FR-CA');
    // A session whose refresh token is kept, to come back after the jump as a client would.
    const kept = await fetch(`${baseUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'vn.officer', password: DEMO_PASSWORD }),
    }).then((response) => response.json() as Promise<{ accessToken: string; refreshToken: string }>);

    const beforeJump = new WriteLoad([baseUrl], tokens, frCentralAuthority, { concurrency: 3 }).start();
    await beforeJump.acknowledged(15).finally(() => beforeJump.stop());
    const before = await api<{ treeSize: number }>(
      baseUrl,
      tokens.auditor,
      'GET',
      '/v1/audit/checkpoints/latest',
    );
    expect(before.status).toBe(200);

    writeFileSync(clockFile, '-1h');
    let jumpedBy = 0;
    for (let attempt = 0; attempt < 50 && jumpedBy < HOUR_MS - 10_000; attempt += 1) {
      await sleep(100);
      jumpedBy = Date.now() - (await portalNow(baseUrl));
    }
    expect(jumpedBy).toBeGreaterThan(HOUR_MS - 10_000);

    // An access token issued "in the future" of the server's clock is refused with the envelope
    // (jwt.strategy.ts); the session itself lives on: its refresh token gives a new one.
    const stale = await api<{ code: string }>(baseUrl, kept.accessToken, 'GET', '/v1/auth/me');
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe('auth.unauthenticated');
    const refreshed = await fetch(`${baseUrl}/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refreshToken: kept.refreshToken }),
    });
    expect(refreshed.status).toBe(200);
    const { accessToken } = (await refreshed.json()) as { accessToken: string };
    expect((await api(baseUrl, accessToken, 'GET', '/v1/auth/me')).status).toBe(200);

    // Logins after the jump grow the log without signing anything (a transmission's receipt would
    // sign one on demand): the job must sign the growth at its next tick (10 s), although "now" is
    // an hour before the last checkpoint, instead of waiting out the hour.
    const afterTokens = await loginAll(baseUrl);
    if (database.engine === 'postgres') {
      let stored = await storedCheckpoints();
      for (
        let attempt = 0;
        attempt < 50 && stored?.[stored.length - 1].size === before.body.treeSize;
        attempt += 1
      ) {
        await sleep(500);
        stored = await storedCheckpoints();
      }
      const signedBefore = stored?.find((checkpoint) => checkpoint.size === before.body.treeSize);
      const next = stored?.[stored.length - 1];
      expect(next?.size).toBeGreaterThan(before.body.treeSize);
      // Signed on the jumped clock: dated before the checkpoint it follows.
      expect(next?.at).toBeLessThan((signedBefore?.at ?? 0) - HOUR_MS / 2);
    }
    const afterJump = new WriteLoad([baseUrl], afterTokens, frCentralAuthority, { concurrency: 3 }).start();
    await afterJump.acknowledged(15).finally(() => afterJump.stop());
    const after = await api<{ treeSize: number }>(
      baseUrl,
      afterTokens.auditor,
      'GET',
      '/v1/audit/checkpoints/latest',
    );
    expect(after.status).toBe(200);
    expect(after.body.treeSize).toBeGreaterThan(before.body.treeSize);

    for (const load of [beforeJump, afterJump]) {
      expect(`${summary(load.calls)}`).not.toMatch(/\b(5\d\d|no answer|401)×/);
      expect(await checkAcknowledged(baseUrl, afterTokens, load)).toEqual([]);
    }
    const tokensAfter = afterTokens;

    // The log, walked with its cursor: every seq once, in order, though timestamps go back an hour.
    const entries: AuditPage['items'] = [];
    let cursor: string | null = null;
    do {
      const query: string = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) }).toString();
      const page = await api<AuditPage>(baseUrl, tokensAfter.auditor, 'GET', `/v1/audit/events?${query}`);
      expect(page.status).toBe(200);
      entries.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const seqs = entries.map((entry) => entry.seq);
    expect(seqs[seqs.length - 1]).toBe(1);
    expect(seqs.every((seq, i) => i === 0 || seq === seqs[i - 1] - 1)).toBe(true);
    const ascending = [...entries].reverse();
    const wentBack = ascending.some(
      (entry, i) => i > 0 && Date.parse(entry.ts) < Date.parse(ascending[i - 1].ts) - HOUR_MS / 2,
    );
    expect(wentBack).toBe(true);

    const verified = await verifyAuditLog(baseUrl, tokensAfter.auditor);
    expect(verified.online).toMatchObject({ ok: true });
    expect(verified.offline.status).toBe(0);
  }, 240_000);
});
