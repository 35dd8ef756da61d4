import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestDatabase } from '../support/database';
import { DEMO_PASSWORD } from '../support/test-app';

/**
 * The portal as a separate process, as `npm start` runs it: for tests that kill it, or that measure
 * the server's own memory apart from the test's client.
 */
const ROOT = resolve(__dirname, '../..');
const MAIN = join(ROOT, 'dist/src/main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * A real portal process, as `npm start` would run it, on the test's database and data directory;
 * `env` adds or overrides settings (the reliability suites turn jobs on or set time-outs).
 */
export async function startPortal(
  database: TestDatabase,
  port: number,
  env: Record<string, string> = {},
  readyTimeoutMs = 30_000,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    // PORTAL_LOG=<file> keeps the process's output (with LOG_LEVEL in `env`) to debug a failing suite.
    stdio: process.env.PORTAL_LOG ? ['ignore', openSync(process.env.PORTAL_LOG, 'a'), 'inherit'] : 'ignore',
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET: 'crash-test-secret-that-is-long-enough-0123456789',
      DEMO_MODE: 'true',
      DEMO_PASSWORD,
      DEMO_REQUESTS: 'false',
      LOG_LEVEL: 'silent',
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      // Load from one address and one user is the point here, not the API's rate limits.
      API_RATE_LIMIT_PER_IP: '10000000',
      API_RATE_LIMIT_PER_USER: '10000000',
      DEADLINE_JOB: 'false',
      EVIDENCE_JOBS: 'false',
      AUDIT_CHECKPOINT_JOB: 'false',
      ...database.env,
      ...env,
    },
  });
  for (let attempt = 0; attempt < readyTimeoutMs / 100; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`the portal exited with ${child.exitCode}`);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return child;
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`the portal did not become ready in ${readyTimeoutMs / 1000} s`);
}

/** Resident memory of a process, in bytes (Linux). */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}
