import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
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

  constructor(private readonly ready: Promise<{ db: PGlite; client: PgliteClient }>) {
    super();
  }

  connect(callback: ConnectCallback): void {
    this.ready
      .then(async ({ client }) => {
        const release = await this.lock.acquire(ACQUIRE_TIMEOUT_MS);
        callback(undefined, client, () => release());
      })
      .catch((error: Error) => callback(error));
  }

  end(callback?: (error?: Error) => void): void {
    this.ready
      .then(async ({ db }) => {
        // Wait for the session to be free so an in-flight transaction is not cut off.
        const release = await this.lock.acquire(ACQUIRE_TIMEOUT_MS);
        try {
          if (!db.closed) await db.close();
        } finally {
          release();
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

/** Builds the driver module for one data directory; one PGlite instance per process and directory. */
export function createPgliteDriver(dataDir: string): PgliteDriverModule {
  let ready: Promise<{ db: PGlite; client: PgliteClient }> | undefined;
  const open = async (): Promise<{ db: PGlite; client: PgliteClient }> => {
    mkdirSync(dataDir, { recursive: true });
    // The CJS build of PGlite loads its WebAssembly through import(); load the package lazily as well.
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create({
      dataDir,
      // Match node-postgres: int8 comes back as a string, so no value silently loses precision.
      parsers: { [INT8_OID]: (value: string) => value },
    });
    return { db, client: new PgliteClient(db) };
  };
  return {
    Pool: class extends PglitePool {
      constructor() {
        ready ??= open();
        super(ready);
      }
    },
  };
}
