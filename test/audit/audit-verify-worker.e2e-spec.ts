import type { ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import { type ApiClient, login } from '@mla/api-client';
import { freePort, startPortal } from '../evidence/portal-process';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/database';
import { ok } from '../support/factories';
import { DEMO_PASSWORD } from '../support/test-app';

// Batches of 40 entries: the log this suite writes spans several, and every other one is checked by
// the worker thread (batch-checkers.ts), which only the built portal has.
const BATCH = 40;

// The worker reads over a PostgreSQL connection of its own; the embedded engine is one session in
// the portal's process and is always verified in that thread (the other audit suites cover it).
const onPostgres = testEngine() === 'postgres' ? describe : describe.skip;

onPostgres(
  'Full verification split over a worker thread (PostgreSQL only; skipped on the embedded engine)',
  () => {
    let database: TestDatabase;
    let child: ChildProcess;
    let auditor: ApiClient;
    let db: Client;

    beforeAll(async () => {
      database = await createTestDatabase();
      const port = await freePort();
      child = await startPortal(database, port, { AUDIT_VERIFY_BATCH_SIZE: String(BATCH) });
      auditor = await login(`http://127.0.0.1:${port}`, 'auditor', DEMO_PASSWORD);
      // Every read of the audit log is itself an entry: about five batches' worth.
      for (let i = 0; i < 5 * BATCH; i += 1)
        ok(await auditor.GET('/v1/audit/events', { params: { query: { limit: 1 } } }));
      db = new Client({ connectionString: database.env.DATABASE_URL });
      await db.connect();
    });

    afterAll(async () => {
      await db?.end();
      child?.kill('SIGKILL');
      await database?.drop();
    });

    const verify = async () => ok(await auditor.GET('/v1/audit/verify'));

    /** As the owner with the append-only triggers off, as an operator with full control could. */
    async function asOperator(sql: string, parameters: unknown[] = []): Promise<void> {
      await db.query('BEGIN');
      await db.query('ALTER TABLE "audit_entry" DISABLE TRIGGER USER');
      await db.query(sql, parameters);
      await db.query('ALTER TABLE "audit_entry" ENABLE TRIGGER USER');
      await db.query('COMMIT');
    }

    async function body(seq: number): Promise<string> {
      const { rows } = await db.query<{ body: string }>('SELECT "body" FROM "audit_entry" WHERE "seq" = $1', [
        seq,
      ]);
      return rows[0].body;
    }

    it('should verify a log of several batches, and find a change in a batch of either thread', async () => {
      const clean = await verify();
      expect(clean.ok).toBe(true);
      expect(clean.checked).toBeGreaterThan(4 * BATCH);
      expect(clean.checked).toBe(clean.headSequence);

      // Seq 1.5·BATCH lies in the second batch (the worker's), 2.5·BATCH in the third (this thread's).
      for (const seq of [1.5 * BATCH, 2.5 * BATCH, 3.5 * BATCH]) {
        const original = await body(seq);
        await asOperator('UPDATE "audit_entry" SET "body" = $2 WHERE "seq" = $1', [
          seq,
          original.replace('"v":1', '"v":2'),
        ]);
        expect(await verify()).toMatchObject({
          ok: false,
          firstBadSequence: seq,
          checked: seq - 1,
          problem: 'body does not match its leaf hash',
        });
        await asOperator('UPDATE "audit_entry" SET "outcome" = \'failure\' WHERE "seq" = $1', [seq]);
        await asOperator('UPDATE "audit_entry" SET "body" = $2 WHERE "seq" = $1', [seq, original]);
        expect(await verify()).toMatchObject({
          ok: false,
          firstBadSequence: seq,
          problem: 'indexed columns differ from the hashed body',
        });
        await asOperator('UPDATE "audit_entry" SET "outcome" = \'success\' WHERE "seq" = $1', [seq]);
        expect((await verify()).ok).toBe(true);
      }
    });

    it('should report a column rewritten to a value of another shape, in either thread, rather than fail', async () => {
      for (const seq of [BATCH + 5, 2 * BATCH + 5]) {
        const { rows } = await db.query<{ ts: string }>(
          'SELECT "ts"::text AS "ts" FROM "audit_entry" WHERE "seq" = $1',
          [seq],
        );
        // The driver hands 'infinity' back as a number, not a Date.
        await asOperator('UPDATE "audit_entry" SET "ts" = \'infinity\' WHERE "seq" = $1', [seq]);
        expect(await verify()).toMatchObject({ ok: false, firstBadSequence: seq });
        await asOperator('UPDATE "audit_entry" SET "ts" = $2::timestamptz WHERE "seq" = $1', [
          seq,
          rows[0].ts,
        ]);
      }
      expect((await verify()).ok).toBe(true);
    });

    it('should report the earliest of changes in batches checked side by side', async () => {
      const early = BATCH + 3; // the worker's batch
      const late = 2 * BATCH + 7; // this thread's, checked at the same time
      await asOperator('UPDATE "audit_entry" SET "outcome" = \'failure\' WHERE "seq" IN ($1, $2)', [
        early,
        late,
      ]);
      expect(await verify()).toMatchObject({ ok: false, firstBadSequence: early });
      await asOperator('UPDATE "audit_entry" SET "outcome" = \'success\' WHERE "seq" IN ($1, $2)', [
        early,
        late,
      ]);
    });

    it('should find an entry removed from a batch, and on either side of the boundary between two batches', async () => {
      for (const seq of [BATCH + 10, 2 * BATCH, 2 * BATCH + 1]) {
        const { rows } = await db.query<Record<string, unknown>>(
          'SELECT * FROM "audit_entry" WHERE "seq" = $1',
          [seq],
        );
        await asOperator('DELETE FROM "audit_entry" WHERE "seq" = $1', [seq]);
        expect(await verify()).toMatchObject({ ok: false, firstBadSequence: seq, problem: 'sequence gap' });
        const columns = Object.keys(rows[0]);
        await asOperator(
          `INSERT INTO "audit_entry" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
          columns.map((c) => rows[0][c]),
        );
      }
      expect((await verify()).ok).toBe(true);
    });
  },
);
