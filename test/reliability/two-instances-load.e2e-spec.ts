import type { ChildProcess } from 'node:child_process';
import { freePort, startPortal } from '../evidence/portal-process';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/database';
import { checkAcknowledged, loginAll, summary, verifyAuditLog, WriteLoad, agencyIdByCode } from './support';

const STARTUP_MS = 120_000;
const WORKERS = 8;
const REQUESTS = 24;

// test/audit/audit-two-processes.e2e-spec.ts appends logins and creations from two processes and
// checks the stored tree; this one drives whole request lives (create, submit, approve, transmit,
// a note) through both at once, one request's steps alternating between them, and checks every
// acknowledged write and both verifiers. PostgreSQL only: the embedded engine belongs to one process.
const onPostgres = testEngine() === 'postgres' ? describe : describe.skip;

onPostgres(
  'Two API instances on one PostgreSQL under a load of mixed writes (PostgreSQL only; the embedded engine is single-process by design)',
  () => {
    let database: TestDatabase;
    const children: ChildProcess[] = [];
    const baseUrls: string[] = [];

    beforeAll(async () => {
      database = await createTestDatabase();
      // One after the other: the first applies the migrations and seeds the demo directory.
      for (let i = 0; i < 2; i += 1) {
        const port = await freePort();
        children.push(await startPortal(database, port, {}, STARTUP_MS));
        baseUrls.push(`http://127.0.0.1:${port}`);
      }
    }, 300_000);
    afterAll(async () => {
      for (const child of children) child.kill('SIGKILL');
      await database?.drop();
    });

    it('should keep every acknowledged write with its audit entry and one gapless log that both verifiers accept', async () => {
      const tokens = await loginAll(baseUrls[0]);
      const frCentralAuthority = await agencyIdByCode(baseUrls[0], tokens['vn.officer'], 'FR-CA');
      const started = performance.now();
      const load = new WriteLoad(baseUrls, tokens, frCentralAuthority, {
        concurrency: WORKERS,
        maxRequests: REQUESTS,
      }).start();
      // Every request through all five steps: 5 writes each.
      await load.acknowledged(REQUESTS * 5, 180_000);
      await load.stop();
      const seconds = (performance.now() - started) / 1000;

      // Nothing but successes: the instances share one log head and never conflict visibly.
      expect(load.calls.filter((call) => call.status < 200 || call.status >= 300)).toEqual([]);
      expect(await checkAcknowledged(baseUrls[1], tokens, load)).toEqual([]);
      for (const baseUrl of baseUrls) {
        const { online, offline } = await verifyAuditLog(baseUrl, tokens.auditor);
        expect(online).toMatchObject({ ok: true });
        expect({ status: offline.status, output: offline.output }).toMatchObject({ status: 0 });
      }
      process.stdout.write(
        `two instances: ${load.acks.length} writes over ${load.requestIds.size} requests in ${seconds.toFixed(1)} s ` +
          `(${(load.acks.length / seconds).toFixed(1)}/s; ${summary(load.calls)}), both verifiers passed\n`,
      );
    }, 300_000);
  },
);
