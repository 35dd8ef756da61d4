// Create + submit throughput benchmark (issue 7, item 1; architecture.md §9): a liaison officer
// creates a request (POST /v1/requests) and submits it (POST /v1/requests/{id}/transitions
// {action: "submit"}) at 16 and 64 concurrent connections on PostgreSQL, against a baseline in the
// same run: a bare Node `http` + `pg` server (below, started as a process of its own from this file)
// that does the same database work with none of the framework.
//
// What the baseline does for each call, statement for statement what the portal issues inside its
// transactions (captured with log_statement='all', docs/benchmarks.md):
//   both    one session look-up (user_session joined to its user and agency: the portal's guard);
//   create  BEGIN; the requested agency (active); the current instrument profile of the legal basis;
//           INSERT the request row (the same 40 columns, the same JSON contents); the author; INSERT
//           the author's assignment (request_assignment); two audit entries (request.create,
//           request.assigned), each under the head lock exactly as AuditService writes them:
//           SELECT … FOR UPDATE of audit_head, canonical body, leaf and chain hash, INSERT
//           audit_entry, the Merkle frontier read from audit_node, INSERT of the new node rows,
//           UPDATE audit_head; COMMIT; then the request row and its two agencies for the answer;
//   submit  BEGIN; the request row; UPDATE status/submitted_at/version where id and version match;
//           one audit entry (request.submit) as above; COMMIT; the request row for the answer.
// Both servers append to the same audit log in the same database, so the log stays one valid chain
// and tree. The audit append (bench/audit-append.mjs) uses the portal's own compiled hashing and tree
// code (dist/), as bench/audit-verify.mjs does: it is the same work, not framework.
//
// The load: C client workers over keep-alive connections (one socket each), each looping create
// then submit with a fresh Idempotency-Key on every POST. Throughput is counted in create+submit
// pairs per second (each pair is two HTTP calls); latency is per call, both kinds together.
// Runs are interleaved (baseline, portal) at each concurrency so a shared machine's noise falls on
// both alike.
//
//   npm run build && node bench/create-submit.mjs [--pairs 600] [--runs 3] [--connections N] [--port 3450]
// Needs PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); a
// database of its own is created beside it and dropped at the end (BENCH_KEEP_DATABASE=true keeps it).
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { median, option, startPortal, stopPortal } from './support.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');

/** The portal's pool (src/database/data-source-options.ts): the baseline gets the same. */
const POOL_SIZE = 10;

// ---------------------------------------------------------------------------------------------
// The baseline server (`node bench/create-submit.mjs --serve-baseline`, env BASELINE_DB, BASELINE_PORT)
// ---------------------------------------------------------------------------------------------

async function serveBaseline() {
  const { appendAudit: append } = await import('./audit-append.mjs');
  const pool = new pg.Pool({ connectionString: process.env.BASELINE_DB, max: POOL_SIZE });

  const appendAudit = (client, principal, correlationId, ip, action, requestId, data) =>
    append(
      client,
      {
        v: 1,
        type: action,
        outcome: 'success',
        actor: { user: principal.userId, agency: principal.agencyId, role: principal.role, auth: 'token' },
        target: { type: 'request', id: requestId, request: requestId },
        corr: correlationId,
        src: { ip },
        data,
      },
      { actorUserId: principal.userId, actorAgencyId: principal.agencyId, actorRole: principal.role },
    );

  async function principalOf(req) {
    const sessionId = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!sessionId) return undefined;
    const [row] = (
      await pool.query(
        `SELECT u."id" AS "userId", u."agency_id" AS "agencyId", u."role", a."state_code" AS "stateCode"
           FROM "user_session" s JOIN "user_account" u ON u."id" = s."user_id" JOIN "agency" a ON a."id" = u."agency_id"
          WHERE s."id" = $1 AND s."revoked_at" IS NULL AND s."expires_at" > now() AND u."disabled_at" IS NULL`,
        [sessionId],
      )
    ).rows;
    return row;
  }

  async function transaction(work) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  const readRequest = async (id) =>
    (
      await pool.query(
        `SELECT r.*, row_to_json(ra) AS "requesting_agency", row_to_json(rd) AS "requested_agency"
           FROM "cooperation_request" r JOIN "agency" ra ON ra."id" = r."requesting_agency_id"
           JOIN "agency" rd ON rd."id" = r."requested_agency_id" WHERE r."id" = $1`,
        [id],
      )
    ).rows[0];

  async function create(principal, input, correlationId, ip) {
    const id = await transaction(async (client) => {
      const [requested] = (
        await client.query('SELECT * FROM "agency" WHERE "id" = $1 AND "deactivated_at" IS NULL', [
          input.requestedAgencyId,
        ])
      ).rows;
      if (!requested) throw Object.assign(new Error('no such agency'), { status: 400 });
      const [profile] = (
        await client.query(
          'SELECT * FROM "instrument_profile" WHERE "legal_basis" = $1 ORDER BY "version" DESC LIMIT 1',
          [input.legalBasis],
        )
      ).rows;
      const id = randomUUID();
      const now = new Date();
      const json = (value) => (value === undefined || value === null ? null : JSON.stringify(value));
      await client.query(
        `INSERT INTO "cooperation_request"("id", "reference", "title", "type", "legal_basis", "language",
           "content_version", "profile_version", "status", "version", "requesting_agency_id",
           "requesting_state_code", "requested_agency_id", "requested_state_code", "executing_agency_id",
           "created_by_id", "editor_ids", "urgency", "offences", "facts_summary", "assistance_sought", "purpose",
           "subjects", "targets", "time_range", "confidentiality", "confidential", "preservation", "details",
           "refusal", "clarification", "consultation", "postponement", "item_outcomes", "submitted_at",
           "approved_at", "approved_by_id", "transmitted_at", "created_at", "updated_at")
         VALUES ($1, $2, $3, $4, $5, $6, DEFAULT, $7, $8, $9, $10, $11, $12, $13, DEFAULT, $14, $15, $16, $17,
           $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, DEFAULT, DEFAULT, DEFAULT, DEFAULT, $29, $30,
           $31, $32, $33, $34)
         RETURNING "id", "language", "content_version", "profile_version", "editor_ids", "confidential"`,
        [
          id,
          input.reference,
          input.title,
          input.type,
          input.legalBasis,
          input.language ?? 'en',
          profile.version,
          'draft',
          1,
          principal.agencyId,
          principal.stateCode,
          requested.id,
          requested.state_code,
          principal.userId,
          [],
          json(input.urgency),
          json(input.offences),
          input.factsSummary,
          json(input.assistanceSought),
          input.purpose,
          json(input.subjects),
          json(input.targets),
          json(input.timeRange),
          json(input.confidentiality),
          false,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          now,
          now,
        ],
      );
      await client.query('SELECT * FROM "user_account" WHERE "id" = $1', [principal.userId]);
      await client.query(
        `INSERT INTO "request_assignment" ("id", "request_id", "user_id", "agency_id", "assigned_by_id", "assigned_at")
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [randomUUID(), id, principal.userId, principal.agencyId, principal.userId, new Date()],
      );
      // The portal writes its audit entries just before commit (AuditService.append's beforeCommit hook).
      await appendAudit(client, principal, correlationId, ip, 'request.create', id, {
        type: input.type,
        legalBasis: input.legalBasis,
        profileVersion: profile.version,
        requestedAgencyId: requested.id,
        status: 'draft',
        confidential: false,
      });
      await appendAudit(client, principal, correlationId, ip, 'request.assigned', id, {
        agencyId: principal.agencyId,
        userId: principal.userId,
      });
      return id;
    });
    return readRequest(id);
  }

  async function submit(principal, id, correlationId, ip) {
    await transaction(async (client) => {
      const [request] = (await client.query('SELECT * FROM "cooperation_request" WHERE "id" = $1', [id]))
        .rows;
      if (!request || request.requesting_agency_id !== principal.agencyId)
        throw Object.assign(new Error('not found'), { status: 404 });
      if (request.status !== 'draft') throw Object.assign(new Error('not a draft'), { status: 409 });
      const now = new Date();
      const updated = await client.query(
        `UPDATE "cooperation_request" SET "status" = $1, "submitted_at" = $2, "version" = "version" + 1,
           "updated_at" = $3 WHERE "id" = $4 AND "version" = $5`,
        ['pending_approval', now, now, id, request.version],
      );
      if (updated.rowCount !== 1) throw Object.assign(new Error('stale'), { status: 409 });
      await appendAudit(client, principal, correlationId, ip, 'request.submit', id, {
        from: 'draft',
        to: 'pending_approval',
        version: request.version + 1,
      });
    });
    return readRequest(id);
  }

  const server = http.createServer(async (req, res) => {
    const send = (status, body) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    try {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const input = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      const principal = await principalOf(req);
      if (!principal) return send(401, { statusCode: 401 });
      const correlationId = randomUUID();
      const ip = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? null;
      if (req.method === 'POST' && req.url === '/v1/requests')
        return send(201, await create(principal, input, correlationId, ip));
      const transition = /^\/v1\/requests\/([0-9a-f-]{36})\/transitions$/.exec(req.url ?? '');
      if (req.method === 'POST' && transition && input.action === 'submit')
        return send(200, await submit(principal, transition[1], correlationId, ip));
      return send(404, { statusCode: 404 });
    } catch (error) {
      send(error.status ?? 500, { statusCode: error.status ?? 500, message: String(error.message) });
    }
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(process.env.BASELINE_PORT), '127.0.0.1', () => process.send?.('ready'));
  // A keep-alive socket left open must not keep the benchmark waiting for this process to exit.
  process.on('SIGTERM', () => {
    server.close(() => pool.end().then(() => process.exit(0)));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  });
}

// ---------------------------------------------------------------------------------------------
// The benchmark
// ---------------------------------------------------------------------------------------------

function startBaseline(port, databaseUrl) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve-baseline'], {
    env: { ...process.env, BASELINE_DB: databaseUrl, BASELINE_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`baseline exited with ${code}`)));
  });
}

/** One HTTP call over `agent`; resolves with the status, the parsed body and the latency in ms. */
function post(agent, port, path, token, body) {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(payload),
          Authorization: `Bearer ${token}`,
          // Required on create and transition POSTs once idempotency keys land; harmless before.
          'Idempotency-Key': randomUUID(),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const ms = performance.now() - started;
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode, body: text ? JSON.parse(text) : undefined, ms });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** `pairs` create+submit pairs spread over `connections` workers; latencies of every call. */
async function load({ port, token, requestBody, connections, pairs }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  let next = 0;
  let failure;
  const worker = async () => {
    while (next < pairs && !failure) {
      next += 1;
      const created = await post(agent, port, '/v1/requests', token, requestBody);
      if (created.status !== 201) {
        failure = `create answered ${created.status}: ${JSON.stringify(created.body)}`;
        return;
      }
      const submitted = await post(agent, port, `/v1/requests/${created.body.id}/transitions`, token, {
        action: 'submit',
      });
      if (submitted.status >= 300 || submitted.body.status !== 'pending_approval') {
        failure = `submit answered ${submitted.status}: ${JSON.stringify(submitted.body)}`;
        return;
      }
      latencies.push(created.ms, submitted.ms);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  if (failure) throw new Error(failure);
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { pairsPerSecond: pairs / seconds, p50: at(0.5), p99: at(0.99), calls: latencies.length };
}

async function main() {
  const PAIRS = option('pairs', 600);
  const RUNS = option('runs', 3);
  const PORT = option('port', 3450);
  const BASELINE_PORT = PORT + 1;
  // `--connections 16` alone for the smoke run; both ends of the budget's 16-64 range otherwise.
  const CONNECTIONS = process.argv.includes('--connections') ? [option('connections', 16)] : [16, 64];
  const PASSWORD = 'Bench-Password-2026';
  const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const DB_NAME = `mla_bench_create_${process.pid}`;
  const dbUrl = (() => {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${DB_NAME}`;
    return url.toString();
  })();
  const work = mkdtempSync(join(tmpdir(), 'mla-bench-create-'));
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  let portal;
  let baseline;
  let db;
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${DB_NAME}"`);
    portal = await startPortal(PORT, {
      DATA_DIR: join(work, 'data'),
      DATABASE_URL: dbUrl,
      DEMO_MODE: 'true',
      DEMO_REQUESTS: 'false',
      DEMO_PASSWORD: PASSWORD,
      AUDIT_CHECKPOINT_JOB: 'false',
      AUDIT_RETENTION_JOB: 'false',
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      // Load from one address and one user is the point here, not the API's rate limits.
      API_RATE_LIMIT_PER_IP: '10000000',
      API_RATE_LIMIT_PER_USER: '10000000',
      SIGNING_KEY: randomBytes(32).toString('hex'),
      JWT_SECRET: randomBytes(32).toString('hex'),
    });
    baseline = await startBaseline(BASELINE_PORT, dbUrl);
    const base = `http://127.0.0.1:${PORT}`;
    const login = await fetch(`${base}/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'vn.officer', password: PASSWORD }),
    });
    if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
    const { accessToken } = await login.json();
    const agencies = await (
      await fetch(`${base}/v1/agencies`, { headers: { Authorization: `Bearer ${accessToken}` } })
    ).json();
    const requestedAgencyId = agencies.find((agency) => agency.code === 'FR-CA').id;
    db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    // The baseline's bearer token is the session the portal's login opened.
    const [{ id: sessionId }] = (
      await db.query(
        `SELECT s."id" FROM "user_session" s JOIN "user_account" u ON u."id" = s."user_id"
          WHERE u."username" = 'vn.officer' ORDER BY s."created_at" DESC LIMIT 1`,
      )
    ).rows;
    const requestBody = {
      type: 'mla_general',
      requestedAgencyId,
      title: 'Phishing campaign against customers of a Vietnamese bank',
      reference: 'C50-2026-0142',
      legalBasis: 'uncc',
      urgency: { level: 'urgent', reasons: 'Funds are being moved abroad daily' },
      offences: [
        {
          provision: 'Penal Code art. 290',
          description: 'Using computer networks to appropriate property',
          maxPenalty: '20 years',
        },
      ],
      factsSummary:
        'Between January and March 2026 a phishing site hosted in France collected bank credentials.',
      assistanceSought: {
        measures: ['access_stored_data', 'take_evidence_statement'],
        description: 'Subscriber and log data of the hosting account; statement of the hosting provider.',
      },
      purpose: 'To identify the operators of the phishing site and prosecute them in Viet Nam.',
      subjects: [{ name: 'Unknown operator', role: 'suspect' }],
      targets: [
        {
          type: 'ip_address',
          value: '203.0.113.7',
          serviceProvider: 'Example Hosting SAS',
          timestamp: { local: '2026-03-01T14:05:00', timeZone: 'Asia/Ho_Chi_Minh' },
        },
      ],
      timeRange: {
        from: { local: '2026-01-01T00:00:00', timeZone: 'Asia/Ho_Chi_Minh' },
        to: { local: '2026-03-31T23:59:59', timeZone: 'Asia/Ho_Chi_Minh' },
      },
      confidentiality: {
        keepFactConfidential: true,
        doNotNotifyUser: true,
        reasons: 'Ongoing covert investigation',
      },
    };
    const servers = {
      baseline: { port: BASELINE_PORT, token: sessionId },
      portal: { port: PORT, token: accessToken },
    };
    // Warm both (JIT, pools, prepared plans) before anything is measured.
    for (const server of Object.values(servers))
      await load({ ...server, requestBody, connections: 16, pairs: Math.max(20, Math.floor(PAIRS / 10)) });

    const results = [];
    for (let run = 0; run < RUNS; run += 1) {
      for (const connections of CONNECTIONS) {
        const row = { run: run + 1, connections };
        for (const [name, server] of Object.entries(servers)) {
          row[name] = await load({ ...server, requestBody, connections, pairs: PAIRS });
          await sleep(200);
        }
        results.push(row);
        process.stderr.write(
          `run ${row.run}, ${connections} connections: baseline ${row.baseline.pairsPerSecond.toFixed(1)} pairs/s ` +
            `(p50 ${row.baseline.p50.toFixed(1)} ms, p99 ${row.baseline.p99.toFixed(1)} ms); portal ` +
            `${row.portal.pairsPerSecond.toFixed(1)} pairs/s (p50 ${row.portal.p50.toFixed(1)} ms, p99 ` +
            `${row.portal.p99.toFixed(1)} ms); ratio ${(row.portal.pairsPerSecond / row.baseline.pairsPerSecond).toFixed(2)}\n`,
        );
      }
    }
    const [{ count }] = (
      await db.query(
        `SELECT count(*)::int AS count FROM "cooperation_request" WHERE "status" = 'pending_approval'`,
      )
    ).rows;
    const summary = {};
    for (const connections of CONNECTIONS) {
      const rows = results.filter((row) => row.connections === connections);
      const m = (server, key) => Number(median(rows.map((row) => row[server][key])).toFixed(1));
      summary[connections] = {
        baseline: {
          pairsPerSecond: m('baseline', 'pairsPerSecond'),
          p50Ms: m('baseline', 'p50'),
          p99Ms: m('baseline', 'p99'),
        },
        portal: {
          pairsPerSecond: m('portal', 'pairsPerSecond'),
          p50Ms: m('portal', 'p50'),
          p99Ms: m('portal', 'p99'),
        },
        ratio: Number(
          median(rows.map((row) => row.portal.pairsPerSecond / row.baseline.pairsPerSecond)).toFixed(2),
        ),
      };
      summary[connections].budgetMet =
        summary[connections].ratio >= 0.5 && summary[connections].portal.p99Ms < 50;
    }
    console.log(
      JSON.stringify(
        { pairsPerRun: PAIRS, runs: RUNS, poolSize: POOL_SIZE, submitted: count, summary },
        null,
        2,
      ),
    );
  } finally {
    await stopPortal(portal).catch(() => undefined);
    await stopPortal(baseline).catch(() => undefined);
    await db?.end().catch(() => undefined);
    if (process.env.BENCH_KEEP_DATABASE === 'true') process.stderr.write(`kept database ${DB_NAME}\n`);
    else await admin.query(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv.includes('--serve-baseline')) await serveBaseline();
else await main();
