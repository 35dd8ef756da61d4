import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PGlite as PGliteClass, Results } from '@electric-sql/pglite';

/** The part of PGlite the driver uses (the CJS and ESM typings of the class differ in private members). */
type PGlite = Pick<PGliteClass, 'query' | 'exec' | 'close' | 'closed'>;

/**
 * A `pg`-shaped driver over one PGlite instance, handed to TypeORM (`type: 'postgres'`, `driver`).
 *
 * PGlite is a single PostgreSQL session. If two TypeORM query runners shared it, their transactions
 * would interleave on that one session and a failing statement would abort both (the typeorm-pglite
 * 0.3.4 driver loses data this way). So `connect()` grants the session to one query runner at a time,
 * first come first served, until it is released: transactions are serialised, never interleaved.
 * Code that holds a transaction must therefore never open a second connection (it would wait forever);
 * the acquire timeout turns such a bug into an error instead of a hang.
 */

type PgResult = { rows: unknown[]; rowCount: number; command: string; fields: Results['fields'] };
type ConnectCallback = (
  error: Error | undefined,
  client?: PgliteClient,
  release?: (error?: unknown) => void,
) => void;

const INT8_OID = 20;
const ACQUIRE_TIMEOUT_MS = 30_000;

class SessionLock {
  private held = false;
  private readonly waiters: Array<() => void> = [];

  acquire(timeoutMs: number): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        clearTimeout(timer);
        this.held = true;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.handOver();
        });
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(grant);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new Error(`Embedded database busy: no session within ${timeoutMs} ms`));
      }, timeoutMs);
      if (this.held) this.waiters.push(grant);
      else grant();
    });
  }

  private handOver(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}

type QueryCallback = (error: Error | null, result?: PgResult) => void;

export class PgliteClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  /** Promise style, and the callback style TypeORM's driver uses for its start-up queries. */
  query(
    text: string | { text: string; values?: unknown[] },
    values?: unknown[] | QueryCallback,
    callback?: QueryCallback,
  ): Promise<PgResult> | undefined {
    const done = typeof values === 'function' ? values : callback;
    const sql = typeof text === 'string' ? text : text.text;
    const params =
      typeof text === 'string' ? (typeof values === 'function' ? undefined : values) : text.values;
    const result = this.run(sql, params);
    if (!done) return result;
    result.then(
      (value) => done(null, value),
      (error: Error) => done(error),
    );
    return undefined;
  }

  /** Ends whatever transaction a failed query runner left open; errors here change nothing. */
  async rollbackQuietly(): Promise<void> {
    await this.db.exec('ROLLBACK').catch(() => undefined);
  }

  private async run(sql: string, params: unknown[] | undefined): Promise<PgResult> {
    if (params && params.length > 0) return toPgResult(sql, await this.db.query(sql, params));
    // Without parameters the text may hold several statements (migrations): use the simple protocol.
    const results = await this.db.exec(sql);
    return toPgResult(sql, results[results.length - 1] ?? { rows: [], fields: [], affectedRows: 0 });
  }
}

function toPgResult(sql: string, result: Results): PgResult {
  const command = (
    (result as Results & { command?: string }).command ||
    (/^\s*([a-z]+)/i.exec(sql)?.[1] ?? '')
  ).toUpperCase();
  return {
    rows: result.rows,
    rowCount: command === 'SELECT' ? result.rows.length : (result.affectedRows ?? 0),
    command,
    fields: result.fields,
  };
}

/** What TypeORM needs of `pg.Pool`. */
export class PglitePool extends EventEmitter {
  private readonly lock = new SessionLock();

  constructor(
    private readonly ready: () => Promise<{ db: PGlite; client: PgliteClient }>,
    private readonly closed: () => Promise<void>,
  ) {
    super();
  }

  connect(callback: ConnectCallback): void {
    this.ready()
      .then(async ({ client }) => {
        const release = await this.lock.acquire(ACQUIRE_TIMEOUT_MS);
        callback(undefined, client, (error?: unknown) => {
          // pg discards a client released with an error; here the session lives on, so make sure
          // no half-finished transaction is handed to the next query runner.
          if (!error) return release();
          void client.rollbackQuietly().finally(release);
        });
      })
      .catch((error: Error) => callback(error));
  }

  end(callback?: (error?: Error) => void): void {
    this.ready()
      .then(async ({ db }) => {
        // Let an in-flight transaction finish; at shutdown, close anyway after the time-out.
        const release = await this.lock.acquire(ACQUIRE_TIMEOUT_MS).catch(() => () => undefined);
        try {
          if (!db.closed) await db.close();
        } finally {
          release();
          await this.closed();
        }
      })
      .then(
        () => callback?.(),
        (error: Error) => callback?.(error),
      );
  }
}

export interface PgliteDriverModule {
  Pool: new (options: unknown) => PglitePool;
}

/**
 * PGlite's data directory belongs to one process (PostgreSQL's own postmaster.pid guard does not
 * exist in PGlite): two processes on one directory would each write their own audit chain. A lock
 * file with the owner's pid makes the second one fail at start-up instead; a lock left by a
 * process that no longer exists is taken over.
 */
const openInThisProcess = new Set<string>();

function acquireDirectoryLock(dataDir: string): () => void {
  const file = join(dataDir, '..', `${basename(dataDir)}.lock`);
  if (openInThisProcess.has(file))
    throw new Error(`The embedded database in ${dataDir} is already open in this process`);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      openInThisProcess.add(file);
      return () => {
        openInThisProcess.delete(file);
        rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new Error(`The embedded database in ${dataDir} is in use by process ${owner}; stop it first`, {
          cause: error,
        });
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock the embedded database in ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Builds the driver module for one data directory; one PGlite instance per process and directory. */
export function createPgliteDriver(dataDir: string): PgliteDriverModule {
  let opening: Promise<{ db: PGlite; client: PgliteClient }> | undefined;
  let unlock: (() => void) | undefined;
  const open = async (): Promise<{ db: PGlite; client: PgliteClient }> => {
    mkdirSync(dataDir, { recursive: true });
    unlock = acquireDirectoryLock(dataDir);
    try {
      // The CJS build of PGlite loads its WebAssembly through import(); load the package lazily as well.
      const { PGlite } = await import('@electric-sql/pglite');
      const db = await PGlite.create({
        dataDir,
        // Match node-postgres: int8 comes back as a string, so no value silently loses precision.
        parsers: { [INT8_OID]: (value: string) => value },
      });
      return { db, client: new PgliteClient(db) };
    } catch (error) {
      unlock();
      unlock = undefined;
      throw error;
    }
  };
  const ready = (): Promise<{ db: PGlite; client: PgliteClient }> => {
    opening ??= open().catch((error: unknown) => {
      // Let a retry (TypeORM retries the connection) open afresh instead of replaying the failure.
      opening = undefined;
      throw error;
    });
    return opening;
  };
  const closed = (): Promise<void> => {
    unlock?.();
    unlock = undefined;
    opening = undefined;
    return Promise.resolve();
  };
  return {
    Pool: class extends PglitePool {
      constructor() {
        super(ready, closed);
      }
    },
  };
}
