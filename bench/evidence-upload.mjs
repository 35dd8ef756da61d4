// Evidence upload benchmark (architecture.md §9: a 1 GiB upload at least 0.7 of `sha256sum` on the
// same file, server memory growth under 64 MiB). The portal runs from dist on the embedded default
// (or PostgreSQL with BENCH_DATABASE_URL); the client is the portal's own streaming client library.
// The baseline, `sha256sum` of the same file from the page cache, runs in the same run, interleaved
// with the uploads, so the ratio survives a shared, noisy machine.
//
//   npm run build && node bench/evidence-upload.mjs [--size-mib 1024] [--runs 3] [--port 3391]
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, option, rssMb, startPortal, stopPortal } from './support.mjs';

const require = createRequire(import.meta.url);
const { uploadEvidence } = require('../dist/libs/api-client/src/transfer.js');

const SIZE = option('size-mib', 1024) * 1024 * 1024;
const RUNS = option('runs', 3);
const PORT = option('port', 3391);
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = 'Bench-Password-2026';
const MiB = 1024 * 1024;

const work = mkdtempSync(join(tmpdir(), 'mla-bench-evidence-'));
const file = join(work, 'image.dd');

async function writeRandomFile() {
  const out = createWriteStream(file);
  const hash = createHash('sha256');
  for (let written = 0; written < SIZE; written += MiB) {
    const chunk = randomBytes(Math.min(MiB, SIZE - written));
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  return hash.digest('hex');
}

async function call(token, method, path, body) {
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      // Creating a request and every transition require one (security.md REL-02).
      ...(method === 'POST' ? { 'Idempotency-Key': randomUUID() } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

const token = async (username) =>
  (await call(undefined, 'POST', '/v1/auth/login', { username, password: PASSWORD })).accessToken;

/** A request from VN-C50 to FR-CA, carried to `accepted`, as the demo accounts would. */
async function acceptedRequest() {
  const officer = await token('vn.officer');
  const agencies = await call(officer, 'GET', '/v1/agencies');
  const frCa = agencies.find((agency) => agency.code === 'FR-CA').id;
  // The body the e2e factories use (test/support/factories.ts, mlaRequestBody).
  const created = await call(officer, 'POST', '/v1/requests', {
    type: 'mla_general',
    requestedAgencyId: frCa,
    title: 'Benchmark: forensic image',
    reference: 'BENCH-1',
    legalBasis: 'uncc',
    urgency: { level: 'urgent', reasons: 'Benchmark' },
    offences: [{ provision: 'Penal Code art. 290', description: 'Computer fraud', maxPenalty: '20 years' }],
    factsSummary: 'A benchmark request whose only purpose is to receive one large evidence file.',
    assistanceSought: { measures: ['access_stored_data'], description: 'A forensic image.' },
    purpose: 'To measure the evidence upload path.',
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
    confidentiality: { keepFactConfidential: false, doNotNotifyUser: false },
  });
  const fire = async (user, action) =>
    call(await token(user), 'POST', `/v1/requests/${created.id}/transitions`, { action });
  await fire('vn.officer', 'submit');
  await fire('vn.supervisor', 'approve');
  await fire('vn.central', 'transmit');
  await fire('fr.central', 'acknowledge');
  await fire('fr.central', 'accept');
  return created.id;
}

function sha256sum() {
  const started = performance.now();
  const run = spawnSync('sha256sum', [file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return { ms: performance.now() - started, sha: run.stdout.split(' ')[0] };
}

let portal;
try {
  process.stderr.write(`writing ${SIZE / MiB} MiB of random data…\n`);
  const expected = await writeRandomFile();
  sha256sum(); // warms the page cache for both sides
  portal = await startPortal(PORT, {
    DATA_DIR: join(work, 'data'),
    DEMO_MODE: 'true',
    DEMO_REQUESTS: 'false',
    DEMO_PASSWORD: PASSWORD,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
  });
  const requestId = await acceptedRequest();
  const executing = await token('fr.executing');
  const rows = [];
  for (let run = 0; run < RUNS; run += 1) {
    const baseline = sha256sum();
    if (baseline.sha !== expected) throw new Error('sha256sum disagrees with the generator');
    const before = rssMb(portal.pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(portal.pid))), 20);
    const started = performance.now();
    const result = await uploadEvidence({ baseUrl: BASE, token: executing, requestId, file });
    const ms = performance.now() - started;
    clearInterval(sampler);
    if (!result.ok) throw new Error(`upload failed: ${JSON.stringify(result.error)}`);
    if (result.data.evidence.sha256 !== expected) throw new Error('the portal computed another SHA-256');
    rows.push({ baselineMs: baseline.ms, uploadMs: ms, growthMb: peak - before });
    process.stderr.write(
      `run ${run + 1}: sha256sum ${baseline.ms.toFixed(0)} ms, upload ${ms.toFixed(0)} ms, ` +
        `ratio ${(baseline.ms / ms).toFixed(2)}, server RSS growth ${(peak - before).toFixed(1)} MiB\n`,
    );
  }
  const baselineMs = median(rows.map((row) => row.baselineMs));
  const uploadMs = median(rows.map((row) => row.uploadMs));
  console.log(
    JSON.stringify(
      {
        sizeMiB: SIZE / MiB,
        runs: RUNS,
        database: process.env.BENCH_DATABASE_URL ? 'postgres' : 'embedded',
        sha256sum: { medianMs: Math.round(baselineMs), MiBps: Math.round(SIZE / MiB / (baselineMs / 1000)) },
        upload: { medianMs: Math.round(uploadMs), MiBps: Math.round(SIZE / MiB / (uploadMs / 1000)) },
        ratio: Number((baselineMs / uploadMs).toFixed(2)),
        budgetRatio: 0.7,
        serverRssGrowthMiB: {
          max: Number(Math.max(...rows.map((row) => row.growthMb)).toFixed(1)),
          budget: 64,
        },
      },
      null,
      2,
    ),
  );
} finally {
  await stopPortal(portal).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
}
