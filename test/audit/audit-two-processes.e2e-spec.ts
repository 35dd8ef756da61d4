import type { ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import { type ApiClient, login } from '@mla/api-client';
import { parseCheckpoint, parseVerifierKey, verifyNote } from '../../src/modules/audit/merkle/checkpoint';
import {
  appendLeaf,
  emptyFrontier,
  frontierRoot,
  type Frontier,
} from '../../src/modules/audit/merkle/merkle';
import { freePort, startPortal } from '../evidence/portal-process';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/database';
import { agencyId, mlaRequestBody, ok } from '../support/factories';
import { DEMO_PASSWORD } from '../support/test-app';

const LOGINS_PER_PROCESS = 80;
const REQUESTS_PER_PROCESS = 80;
const CONCURRENCY_PER_PROCESS = 8;

interface Checkpoint {
  treeSize: number;
  rootHash: string;
  note: string;
}

/** Runs `tasks` with at most `limit` in flight, as a busy client would. */
async function pool(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

// Issue 6: "two API processes appending concurrently to one PostgreSQL with the log verifying
// afterwards". The embedded engine is one process's own database by design, so there is nothing
// to share: this suite runs only with TEST_DATABASE_URL.
const onPostgres = testEngine() === 'postgres' ? describe : describe.skip;

onPostgres(
  'Two API processes appending to one audit log (PostgreSQL only; skipped on the embedded engine, which is single-process by design)',
  () => {
    let database: TestDatabase;
    const portals: Array<{ child: ChildProcess; baseUrl: string }> = [];
    let db: Client;

    beforeAll(async () => {
      database = await createTestDatabase();
      // One after the other: the first applies the migrations and seeds the demo directory.
      for (let i = 0; i < 2; i += 1) {
        const port = await freePort();
        portals.push({ child: await startPortal(database, port), baseUrl: `http://127.0.0.1:${port}` });
      }
      db = new Client({ connectionString: database.env.DATABASE_URL });
      await db.connect();
    }, 180_000);
    afterAll(async () => {
      for (const portal of portals) portal.child.kill('SIGKILL');
      await db?.end();
      await database?.drop();
    });

    async function rawLogin(baseUrl: string, username: string): Promise<string> {
      const response = await fetch(`${baseUrl}/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username, password: DEMO_PASSWORD }),
      });
      if (response.status !== 200 && response.status !== 201)
        throw new Error(`login answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { accessToken: string }).accessToken;
    }

    it('should keep one verifiable tree while both append at once, and each checkpoint should verify', async () => {
      const [a, b] = portals;
      const officers: ApiClient[] = await Promise.all(
        portals.map((portal) => login(portal.baseUrl, 'vn.officer', DEMO_PASSWORD)),
      );
      const frCentralAuthority = await agencyId(officers[0], 'FR-CA');
      const auditors: ApiClient[] = await Promise.all(
        portals.map((portal) => login(portal.baseUrl, 'auditor', DEMO_PASSWORD)),
      );
      const checkpoints: Checkpoint[] = [];

      // Logins (each an auth entry and a session) and request creations (a request and its entry),
      // interleaved, against both processes at once; now and then a checkpoint from either.
      const tasksFor = (index: number): Array<() => Promise<void>> => {
        const { baseUrl } = portals[index];
        const tasks: Array<() => Promise<void>> = [];
        for (let i = 0; i < Math.max(LOGINS_PER_PROCESS, REQUESTS_PER_PROCESS); i += 1) {
          if (i < LOGINS_PER_PROCESS)
            tasks.push(async () => {
              await rawLogin(baseUrl, i % 2 === 0 ? 'fr.central' : 'vn.supervisor');
            });
          if (i < REQUESTS_PER_PROCESS)
            tasks.push(async () => {
              ok(await officers[index].POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }));
            });
          if (i % 20 === 19)
            tasks.push(async () => {
              checkpoints.push(ok(await auditors[index].GET('/v1/audit/checkpoints/latest')));
            });
        }
        return tasks;
      };
      const started = performance.now();
      await Promise.all([
        pool(tasksFor(0), CONCURRENCY_PER_PROCESS),
        pool(tasksFor(1), CONCURRENCY_PER_PROCESS),
      ]);
      const seconds = (performance.now() - started) / 1000;
      for (const auditor of auditors) checkpoints.push(ok(await auditor.GET('/v1/audit/checkpoints/latest')));

      // The portal's own replay, asked of each process.
      for (const auditor of auditors) {
        const verdict = ok(await auditor.GET('/v1/audit/verify'));
        expect(verdict).toMatchObject({ ok: true });
      }

      // The stored tree, row for row, is the tree recomputed from every entry in seq order.
      const entries = (
        await db.query<{ seq: string; leaf_hash: string }>(
          'SELECT "seq", "leaf_hash" FROM "audit_entry" ORDER BY "seq"',
        )
      ).rows;
      expect(entries.map((entry) => Number(entry.seq))).toEqual(entries.map((_, i) => i + 1));
      const writes = 2 * (LOGINS_PER_PROCESS + REQUESTS_PER_PROCESS);
      const byAction = (
        await db.query<{ action: string; count: string }>(
          `SELECT "action", count(*) AS "count" FROM "audit_entry" WHERE "action" IN ('auth.login', 'request.create') GROUP BY "action"`,
        )
      ).rows;
      expect(byAction.reduce((sum, row) => sum + Number(row.count), 0)).toBeGreaterThanOrEqual(writes);
      let frontier: Frontier = emptyFrontier();
      const expected: string[] = [];
      const rootAtSize = new Map<number, Buffer>();
      for (const entry of entries) {
        const appended = appendLeaf(frontier, Buffer.from(entry.leaf_hash, 'hex'));
        frontier = appended.frontier;
        expected.push(...appended.rows.map((row) => `${row.level}:${row.index}:${row.hash.toString('hex')}`));
        rootAtSize.set(Number(entry.seq), frontierRoot(frontier));
      }
      const stored = (
        await db.query<{ level: number; idx: string; hash: string }>(
          'SELECT "level", "idx", "hash" FROM "audit_node" ORDER BY "level", "idx"',
        )
      ).rows.map((row) => `${row.level}:${row.idx}:${row.hash}`);
      expect(stored).toEqual([...expected].sort(byLevelThenIndex));

      // Every checkpoint either process handed out opens with the published key and signs the root
      // the entries give at its size; and so does every one stored.
      const published = (await (await fetch(`${a.baseUrl}/.well-known/mla-portal/keys`)).json()) as {
        keys: Array<{ noteVerifierKey: string }>;
      };
      expect(await (await fetch(`${b.baseUrl}/.well-known/mla-portal/keys`)).json()).toEqual(published);
      const verifiers = published.keys.flatMap((key) => {
        const parsed = parseVerifierKey(key.noteVerifierKey);
        return parsed.ok ? [parsed.value] : [];
      });
      const storedCheckpoints = (
        await db.query<{ tree_size: string; note: string }>(
          'SELECT "tree_size", "note" FROM "audit_checkpoint"',
        )
      ).rows.map((row) => ({ treeSize: Number(row.tree_size), note: row.note }));
      expect(checkpoints.length).toBeGreaterThanOrEqual(2 + 2 * Math.floor(LOGINS_PER_PROCESS / 20));
      for (const checkpoint of [...checkpoints, ...storedCheckpoints]) {
        const opened = verifyNote(checkpoint.note, verifiers);
        if (!opened.ok) throw new Error(opened.detail);
        const parsed = parseCheckpoint(opened.text);
        if (!parsed.ok) throw new Error(parsed.reason);
        expect(parsed.value.treeSize).toBe(checkpoint.treeSize);
        expect(parsed.value.rootHash).toEqual(rootAtSize.get(checkpoint.treeSize));
      }
      // The figures for the report.
      process.stdout.write(
        `two processes: ${writes} writes in ${seconds.toFixed(1)} s, ${entries.length} entries, ${stored.length} nodes, ` +
          `${checkpoints.length} checkpoints handed out, ${storedCheckpoints.length} stored, all verified\n`,
      );
    }, 300_000);
  },
);

function byLevelThenIndex(left: string, right: string): number {
  const [l1, i1] = left.split(':').map(Number);
  const [l2, i2] = right.split(':').map(Number);
  return l1 - l2 || i1 - i2;
}
