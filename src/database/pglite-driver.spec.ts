import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgliteDriver, type PglitePool } from './pglite-driver';

function connect(
  pool: PglitePool,
): Promise<{ query: (sql: string) => Promise<{ rows: unknown[] }>; release: () => void }> {
  return new Promise((resolve, reject) =>
    pool.connect((error, client, release) => {
      if (error || !client || !release) return reject(error ?? new Error('no client'));
      resolve({ query: (sql) => client.query(sql) as Promise<{ rows: unknown[] }>, release });
    }),
  );
}

const end = (pool: PglitePool) =>
  new Promise<void>((resolve, reject) => pool.end((error) => (error ? reject(error) : resolve())));

describe('the PGlite driver', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mla-driver-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('should refuse a second opening of the same data directory, and allow it after the first closes', async () => {
    const dataDir = join(root, 'pgdata');
    const first = new (createPgliteDriver(dataDir).Pool)({});
    const session = await connect(first);
    expect((await session.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    session.release();

    const second = new (createPgliteDriver(dataDir).Pool)({});
    await expect(connect(second)).rejects.toThrow(/already open|in use/);

    await end(first);
    const third = new (createPgliteDriver(dataDir).Pool)({});
    const again = await connect(third);
    again.release();
    await end(third);
  });

  it('should take over a lock left by a process that no longer exists', async () => {
    const dataDir = join(root, 'pgdata');
    writeFileSync(join(root, 'pgdata.lock'), '2147483646');
    const pool = new (createPgliteDriver(dataDir).Pool)({});
    const session = await connect(pool);
    session.release();
    await end(pool);
  });

  it('should hand the session to one query runner at a time, in arrival order', async () => {
    const pool = new (createPgliteDriver(join(root, 'pgdata')).Pool)({});
    const order: string[] = [];
    const first = await connect(pool);
    const waiting = connect(pool).then((second) => {
      order.push('second granted');
      second.release();
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    order.push('first releases');
    first.release();
    await waiting;
    expect(order).toEqual(['first releases', 'second granted']);
    await end(pool);
  });
});
