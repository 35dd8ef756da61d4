import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Each e2e file gets a database of its own: a fresh PostgreSQL database when TEST_DATABASE_URL is
 * set, otherwise a fresh embedded data directory. Tests never share state, and any order passes.
 */
export interface TestDatabase {
  engine: 'postgres' | 'embedded';
  env: Record<string, string>;
  drop(): Promise<void>;
}

export function testEngine(): 'postgres' | 'embedded' {
  return process.env.TEST_DATABASE_URL ? 'postgres' : 'embedded';
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), 'mla-e2e-'));
    return {
      engine: 'embedded',
      env: { DATA_DIR: dataDir },
      drop: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })),
    };
  }
  const name = `mla_e2e_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // The portal still keeps its local files (the generated JWT key) in DATA_DIR.
  const dataDir = mkdtempSync(join(tmpdir(), 'mla-e2e-pg-'));
  return {
    engine: 'postgres',
    env: { DATABASE_URL: url.toString(), DATA_DIR: dataDir },
    drop: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * For the heaviest suites (real portal processes under load and kill -9, SIGTERM drains, fuzzing):
 * they run on PostgreSQL in CI, and on the embedded engine when EMBEDDED_HEAVY=true. The embedded
 * engine runs every statement inside the process one at a time, so on a 2-core build machine these
 * suites take several minutes there, and CI runs everything twice; run them on the embedded engine
 * by hand before a release (docs/operations.md, "Reliability").
 */
export const describeHeavy: jest.Describe =
  testEngine() === 'postgres' || process.env.EMBEDDED_HEAVY === 'true' ? describe : describe.skip;
