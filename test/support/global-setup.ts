import { Client } from 'pg';
import { ensureBuilt } from './build';

/** Fails fast, with the reason, when the PostgreSQL run cannot reach its server. */
export default async function globalSetup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  const engine = url ? `PostgreSQL (${new URL(url).host})` : 'the embedded database (PGlite)';
  process.stdout.write(`\ne2e tests run against ${engine}\n`);
  // Some suites run the built portal as a process of its own; built once here, never by two workers.
  ensureBuilt();
  if (!url) return;
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(`TEST_DATABASE_URL is set but PostgreSQL does not answer: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}
