import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { freePort, startPortal } from '../evidence/portal-process';
import { testEngine } from '../support/database';
import { PrivateCluster } from './private-cluster';
import {
  type Call,
  checkAcknowledged,
  loginAll,
  summary,
  verifyAuditLog,
  WriteLoad,
  agencyIdByCode,
} from './support';

const STARTUP_MS = 120_000;
/** One of the ports this suite may use for its own cluster (5490–5499 on the shared build machine). */
const PORT = Number(process.env.RELIABILITY_PG_PORT ?? 5490);
/** Connect time-out + statement time-out, and some slack for a busy machine. */
const LONGEST_CALL_MS = 15_000;

// F3 / F4 / REL-04: faults of the PostgreSQL server itself, on a cluster of the suite's own (the
// shared server runs the other suites). Nothing of this exists for the embedded engine, which lives
// inside the portal process: its crash is the kill -9 suite.
const onPostgres = testEngine() === 'postgres' ? describe : describe.skip;

onPostgres(
  'PostgreSQL backends killed and the server restarted under load (F3, F4; PostgreSQL only: the embedded engine has no server)',
  () => {
    let cluster: PrivateCluster;
    let dataDir: string;
    let child: ChildProcess | undefined;
    let baseUrl: string;

    beforeAll(async () => {
      cluster = new PrivateCluster(PORT);
      cluster.init();
      cluster.start();
      dataDir = mkdtempSync(join(tmpdir(), 'mla-rel-outage-'));
      const port = await freePort();
      baseUrl = `http://127.0.0.1:${port}`;
      const database = {
        engine: 'postgres' as const,
        env: { DATABASE_URL: cluster.url, DATA_DIR: dataDir },
        drop: () => Promise.resolve(),
      };
      child = await startPortal(
        database,
        port,
        process.env.PORTAL_LOG ? { LOG_LEVEL: 'warn' } : {},
        STARTUP_MS,
      );
    }, 180_000);
    afterAll(() => {
      child?.kill('SIGKILL');
      cluster?.destroy();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('should answer 503 with the envelope during the outage, report not-ready, recover by itself within 10 s and lose no acknowledged write', async () => {
      const tokens = await loginAll(baseUrl);
      const frCentralAuthority = await agencyIdByCode(baseUrl, tokens['vn.officer'], 'FR-CA');
      const load = new WriteLoad([baseUrl], tokens, frCentralAuthority, {
        concurrency: 4,
        maxRequests: 60,
        pauseAfterFailureMs: 100,
      }).start();
      const readiness: Array<{ at: number; status: number }> = [];
      let probing = true;
      const probe = (async () => {
        while (probing) {
          const at = Date.now();
          const status = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(10_000) }).then(
            (response) => response.status,
            () => 0,
          );
          readiness.push({ at, status });
          await sleep(100);
        }
      })();
      const firstSuccessAfter = (at: number): number | undefined =>
        load.calls
          .filter((call) => call.at >= at && call.status >= 200 && call.status < 300)
          .map((call) => call.at + call.ms)
          .sort((a, b) => a - b)[0];
      await load.acknowledged(10);

      // F3: every backend of the portal terminated at once (pg_terminate_backend, 57P01).
      const admin = new Client({ connectionString: cluster.url });
      admin.on('error', () => undefined);
      await admin.connect();
      const terminatedAt = Date.now();
      const terminated = await admin.query<{ pid: number }>(
        // In the select list, so it runs only for the rows the WHERE kept.
        `SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'mla-portal'`,
      );
      await admin.end();
      await load.acknowledged(10);
      const f3RecoveryMs = (firstSuccessAfter(terminatedAt) as number) - terminatedAt;

      // F4: an immediate restart (no checkpoint, crash recovery) while the load runs.
      const restartAt = Date.now();
      await cluster.restartImmediate();
      const backAt = Date.now();
      await load.acknowledged(10, 30_000);
      const f4RecoveryMs = (firstSuccessAfter(backAt) as number) - restartAt;
      await sleep(500);
      probing = false;
      await probe;
      await load.stop();

      expect(terminated.rows.length).toBeGreaterThan(0);
      expect(f3RecoveryMs).toBeLessThan(10_000);
      expect(f4RecoveryMs).toBeLessThan(10_000);
      // Readiness said not-ready while the server was down, with a 503 (never 500), and ready again
      // by itself within 10 s of the server being back.
      const during = readiness.filter((sample) => sample.at >= restartAt && sample.at < backAt);
      const afterBack = readiness.filter((sample) => sample.at >= backAt);
      expect(readiness.every((sample) => sample.status === 200 || sample.status === 503)).toBe(true);
      expect(during.some((sample) => sample.status === 503)).toBe(true);
      const readyAgain = afterBack.find((sample) => sample.status === 200);
      expect(readyAgain).toBeDefined();
      const readyAgainMs = (readyAgain as { at: number }).at - backAt;
      expect(readyAgainMs).toBeLessThan(10_000);

      // Every failure during the faults was a fast, well-formed 503: no 500, no hang.
      const failures = load.calls.filter((call) => call.status >= 300);
      const unexpected = failures.filter((call: Call) => call.status !== 503);
      expect(unexpected).toEqual([]);
      for (const call of failures) {
        expect(call.code).toBe('common.service_unavailable');
        expect(Number(call.retryAfter)).toBeGreaterThan(0);
      }
      expect(load.calls.filter((call) => call.status === 0)).toEqual([]);
      expect(Math.max(...load.calls.map((call) => call.ms))).toBeLessThan(LONGEST_CALL_MS);

      const fresh = await loginAll(baseUrl);
      expect(await checkAcknowledged(baseUrl, fresh, load)).toEqual([]);
      const { online, offline } = await verifyAuditLog(baseUrl, fresh.auditor);
      expect(online).toMatchObject({ ok: true });
      expect({ status: offline.status, output: offline.output }).toMatchObject({ status: 0 });

      process.stdout.write(
        `PostgreSQL faults: F3 ${terminated.rows.length} backends terminated, first success after ${f3RecoveryMs} ms; ` +
          `F4 restart took ${backAt - restartAt} ms, first success ${f4RecoveryMs} ms after the restart began, ` +
          `readiness 503 ×${during.filter((sample) => sample.status === 503).length} during it and 200 again ${readyAgainMs} ms after; ` +
          `${load.acks.length} writes acknowledged (${summary(load.calls)}); ${online.checked} entries verified\n`,
      );
    }, 300_000);
  },
);
