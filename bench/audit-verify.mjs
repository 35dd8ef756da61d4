// Audit log verification benchmark (issue 6; issue 7, item 3; security.md §4.1): full verification
// of a log of 1M entries held in PostgreSQL, against reading and hashing the same bytes.
//
// The log is seeded in bulk (not through the API: 1M appends would take a quarter of an hour), as
// the portal writes it: canonical bodies, leaf and chain hashes, and the Merkle node rows, built
// with the portal's own compiled code on top of whatever the portal wrote at its first start. Then,
// interleaved in each run so a shared machine's noise falls on all of them alike:
//   baseline  SELECT every body from PostgreSQL in keyset batches and SHA-256 each one: the least any
//             full verification from PostgreSQL must do;
//   server    GET /v1/audit/verify: the portal walks the log and the stored tree;
//   export    GET /v1/audit/export streamed to a file;
//   offline   scripts/verify-audit.mjs on that file, as an auditor runs it (a separate Node process).
//
//   npm run build && node bench/audit-verify.mjs [--entries 1000000] [--runs 3] [--port 3392]
// BENCH_NODE_ARGS adds Node options to the portal (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
// Needs PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); a
// database of its own is created beside it and dropped at the end.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { median, option, rssMb, startPortal, stopPortal } from './support.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { canonicalJson } = require('../dist/src/modules/audit/canonical-json.js');
const { leafHash, chainHash } = require('../dist/src/modules/audit/audit-hash.js');
const { appendLeaf, loadFrontier } = require('../dist/src/modules/audit/merkle/merkle.js');
const { SqlNodeReader } = require('../dist/src/modules/audit/merkle/node-store.js');

const ENTRIES = option('entries', 1_000_000);
const RUNS = option('runs', 3);
const PORT = option('port', 3392);
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = 'Bench-Password-2026';
const SEED_BATCH = 10_000;
const READ_BATCH = 2000;
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = `mla_bench_audit_${process.pid}`;
const dbUrl = (() => {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DB_NAME}`;
  return url.toString();
})();

const work = mkdtempSync(join(tmpdir(), 'mla-bench-audit-'));
const signingKey = randomBytes(32).toString('hex');

const portalEnv = () => ({
  DATA_DIR: join(work, 'data'),
  DATABASE_URL: dbUrl,
  DEMO_MODE: 'true',
  DEMO_REQUESTS: 'false',
  DEMO_PASSWORD: PASSWORD,
  AUDIT_CHECKPOINT_JOB: 'false',
  SIGNING_KEY: signingKey,
  JWT_SECRET: randomBytes(32).toString('hex'),
});

async function call(token, path, init = {}) {
  const response = await fetch(`${BASE}${path}`, {
    ...init,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response;
}

const login = async (username) =>
  (
    await (
      await call(undefined, '/v1/auth/login', {
        method: 'POST',
        body: JSON.stringify({ username, password: PASSWORD }),
      })
    ).json()
  ).accessToken;

/**
 * Appends `count` entries after the head the portal left, in transactions of SEED_BATCH under the
 * head lock, exactly as AuditService.write would have: same body shape, hashes and node rows.
 */
async function seed(db, count) {
  const actors = Array.from({ length: 50 }, () => ({ user: randomUUID(), agency: randomUUID() }));
  const requests = Array.from({ length: 5000 }, () => randomUUID());
  const actions = ['request.view', 'request.transmit', 'evidence.download', 'message.view', 'request.update'];
  const runner = { query: async (sql, parameters) => (await db.query(sql, parameters)).rows };
  const started = performance.now();
  for (let done = 0; done < count;) {
    const n = Math.min(SEED_BATCH, count - done);
    await db.query('BEGIN');
    const [head] = (await db.query('SELECT "seq", "chain_hash" FROM "audit_head" WHERE "id" = 1 FOR UPDATE'))
      .rows;
    let seq = Number(head.seq);
    let chain = head.chain_hash;
    let frontier = await loadFrontier(new SqlNodeReader(runner), seq);
    const columns = Array.from({ length: 15 }, () => []);
    const nodes = [[], [], []];
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    for (let i = 0; i < n; i += 1) {
      seq += 1;
      const actor = actors[seq % actors.length];
      const request = requests[seq % requests.length];
      const ts = new Date(base + seq * 1000);
      const body = {
        v: 1,
        seq,
        id: randomUUID(),
        ts: ts.toISOString(),
        type: actions[seq % actions.length],
        outcome: 'success',
        actor: { user: actor.user, agency: actor.agency, role: 'liaison_officer', auth: 'password+totp' },
        target: { type: 'request', id: request, request },
        corr: randomUUID(),
        src: { ip: '10.20.30.40' },
        data: { from: 'accepted', to: 'in_execution', purpose: 'benchmark entry of ordinary size' },
      };
      const text = canonicalJson(body);
      const leaf = leafHash(text);
      chain = chainHash(chain, leaf);
      const row = [
        seq,
        body.id,
        ts,
        body.type,
        body.outcome,
        actor.user,
        actor.agency,
        'liaison_officer',
        'request',
        request,
        request,
        body.corr,
        text,
        leaf,
        chain,
      ];
      row.forEach((value, column) => columns[column].push(value));
      const appended = appendLeaf(frontier, Buffer.from(leaf, 'hex'));
      frontier = appended.frontier;
      for (const node of appended.rows) {
        nodes[0].push(node.level);
        nodes[1].push(node.index);
        nodes[2].push(node.hash.toString('hex'));
      }
    }
    await db.query(
      `INSERT INTO "audit_entry" ("seq", "id", "ts", "action", "outcome", "actor_user_id", "actor_agency_id",
         "actor_role", "target_type", "target_id", "request_id", "correlation_id", "body", "leaf_hash", "chain_hash")
       SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::uuid[],
         $7::uuid[], $8::text[], $9::text[], $10::text[], $11::uuid[], $12::text[], $13::text[], $14::text[], $15::text[])`,
      columns,
    );
    await db.query(
      'INSERT INTO "audit_node" ("level", "idx", "hash") SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::text[])',
      nodes,
    );
    await db.query('UPDATE "audit_head" SET "seq" = $1, "chain_hash" = $2 WHERE "id" = 1', [seq, chain]);
    await db.query('COMMIT');
    done += n;
    if (done % 100_000 === 0 || done === count)
      process.stderr.write(
        `seeded ${done} entries (${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
      );
  }
  await db.query('ANALYZE "audit_entry"; ANALYZE "audit_node"');
}

/** The baseline: every body read from PostgreSQL in keyset batches and hashed, nothing else. */
async function readAndHash(db) {
  const started = performance.now();
  let bytes = 0;
  let rows = 0;
  for (let after = 0; ;) {
    const batch = (
      await db.query('SELECT "seq", "body" FROM "audit_entry" WHERE "seq" > $1 ORDER BY "seq" LIMIT $2', [
        after,
        READ_BATCH,
      ])
    ).rows;
    for (const row of batch) {
      createHash('sha256').update(row.body, 'utf8').digest();
      bytes += Buffer.byteLength(row.body);
    }
    rows += batch.length;
    if (batch.length < READ_BATCH) break;
    after = Number(batch[batch.length - 1].seq);
  }
  return { ms: performance.now() - started, rows, bytes };
}

const admin = new Client({ connectionString: ADMIN_URL });
let portal;
let db;
try {
  await admin.connect();
  await admin.query(`CREATE DATABASE "${DB_NAME}"`);
  portal = await startPortal(PORT, portalEnv()); // migrations and the demo accounts
  await stopPortal(portal);
  db = new Client({ connectionString: dbUrl });
  await db.connect();
  await seed(db, ENTRIES);
  const [{ seq: total }] = (await db.query('SELECT "seq" FROM "audit_head"')).rows;
  portal = await startPortal(PORT, portalEnv());
  const token = await login('auditor');
  const keysFile = join(work, 'keys.json');
  writeFileSync(keysFile, await (await call(undefined, '/.well-known/mla-portal/keys')).text());

  const rows = [];
  for (let run = 0; run < RUNS; run += 1) {
    const baseline = await readAndHash(db);

    let before = rssMb(portal.pid);
    let peak = before;
    let sampler = setInterval(() => (peak = Math.max(peak, rssMb(portal.pid))), 50);
    let started = performance.now();
    const verdict = await (await call(token, '/v1/audit/verify')).json();
    const serverMs = performance.now() - started;
    clearInterval(sampler);
    const verifyGrowth = peak - before;
    if (!verdict.ok) throw new Error(`the portal's verification failed: ${JSON.stringify(verdict)}`);

    const file = join(work, `export-${run}.ndjson`);
    before = rssMb(portal.pid);
    peak = before;
    sampler = setInterval(() => (peak = Math.max(peak, rssMb(portal.pid))), 50);
    started = performance.now();
    const response = await call(token, '/v1/audit/export');
    await pipeline(Readable.fromWeb(response.body), createWriteStream(file));
    const exportMs = performance.now() - started;
    clearInterval(sampler);
    const exportGrowth = peak - before;

    started = performance.now();
    const offline = spawnSync(
      process.execPath,
      ['scripts/verify-audit.mjs', file, '--keys', keysFile, '--json'],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    );
    const offlineMs = performance.now() - started;
    const result = JSON.parse(offline.stdout);
    if (offline.status !== 0 || !result.ok) throw new Error(`offline verification failed: ${offline.stdout}`);

    started = performance.now();
    const fileHash = createHash('sha256');
    await pipeline(createReadStream(file), fileHash);
    const fileHashMs = performance.now() - started;

    rows.push({
      baselineMs: baseline.ms,
      bodyBytes: baseline.bytes,
      serverMs,
      checked: verdict.checked,
      verifyGrowth,
      exportMs,
      exportGrowth,
      exportBytes: statSync(file).size,
      offlineMs,
      offlineEntries: result.entries,
      fileHashMs,
    });
    rmSync(file);
    process.stderr.write(
      `run ${run + 1}: read+hash ${baseline.ms.toFixed(0)} ms; /v1/audit/verify ${serverMs.toFixed(0)} ms ` +
        `(${(serverMs / baseline.ms).toFixed(2)}x); export ${exportMs.toFixed(0)} ms; offline verify ` +
        `${offlineMs.toFixed(0)} ms (${((exportMs + offlineMs) / baseline.ms).toFixed(2)}x with the export); ` +
        `hash of the export file ${fileHashMs.toFixed(0)} ms\n`,
    );
  }
  const m = (key) => median(rows.map((row) => row[key]));
  const ratio = (value) => Number((value / m('baselineMs')).toFixed(2));
  console.log(
    JSON.stringify(
      {
        entries: Number(total),
        runs: RUNS,
        bodyMiB: Number((rows[0].bodyBytes / 2 ** 20).toFixed(1)),
        exportMiB: Number((rows[0].exportBytes / 2 ** 20).toFixed(1)),
        baselineReadAndHashMs: Math.round(m('baselineMs')),
        serverVerify: {
          medianMs: Math.round(m('serverMs')),
          ratio: ratio(m('serverMs')),
          rssGrowthMiB: Math.round(Math.max(...rows.map((r) => r.verifyGrowth))),
        },
        export: {
          medianMs: Math.round(m('exportMs')),
          ratio: ratio(m('exportMs')),
          rssGrowthMiB: Math.round(Math.max(...rows.map((r) => r.exportGrowth))),
        },
        offlineVerify: { medianMs: Math.round(m('offlineMs')), ratio: ratio(m('offlineMs')) },
        exportPlusOffline: { ratio: ratio(m('exportMs') + m('offlineMs')) },
        exportFileSha256Ms: Math.round(m('fileHashMs')),
      },
      null,
      2,
    ),
  );
} finally {
  await stopPortal(portal).catch(() => undefined);
  await db?.end().catch(() => undefined);
  // BENCH_KEEP_DATABASE=true keeps it for EXPLAIN and profiling; drop it by hand afterwards.
  if (process.env.BENCH_KEEP_DATABASE === 'true') process.stderr.write(`kept database ${DB_NAME}\n`);
  else await admin.query(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`).catch(() => undefined);
  await admin.end().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
}
