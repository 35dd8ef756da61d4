import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DataSource } from 'typeorm';
import type { SqlRunner } from './merkle/node-store';
import { type BatchCheck, checkBatch, readBatch } from './verify-batch';
import type { VerifyWorkerData, VerifyWorkerRequest, VerifyWorkerResponse } from './verify-worker';

/** Reads and checks one batch of consecutive seqs (verify-batch.ts), here or in a worker thread. */
export interface BatchChecker {
  check(from: number, to: number): Promise<BatchCheck>;
  close(): Promise<void>;
}

/** In this thread, through the portal's own connection (the only one the embedded engine has). */
class LocalChecker implements BatchChecker {
  constructor(private readonly db: SqlRunner) {}

  async check(from: number, to: number): Promise<BatchCheck> {
    const rows = await readBatch(
      (sql, parameters) => this.db.query(sql, parameters) as Promise<Array<Record<string, unknown>>>,
      from,
      to,
    );
    return checkBatch(rows, from, to);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** In a worker thread with a PostgreSQL connection of its own. */
class WorkerChecker implements BatchChecker {
  private readonly pending = new Map<
    number,
    { resolve(check: BatchCheck): void; reject(error: Error): void }
  >();
  private nextId = 0;
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(file: string, data: VerifyWorkerData) {
    const worker = new Worker(file, { workerData: data });
    this.worker = worker;
    worker.on('message', (message: VerifyWorkerResponse) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.kind === 'checked') waiter.resolve(message.result);
      else waiter.reject(new Error(`audit verification worker: ${message.message}`));
    });
    this.exited = new Promise((resolve) => {
      const failAll = (error: Error): void => {
        for (const waiter of this.pending.values()) waiter.reject(error);
        this.pending.clear();
      };
      worker.on('error', failAll);
      worker.on('exit', (code) => {
        failAll(new Error(`audit verification worker exited (${code})`));
        resolve();
      });
    });
  }

  check(from: number, to: number): Promise<BatchCheck> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ kind: 'check', id, from, to } satisfies VerifyWorkerRequest);
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage({ kind: 'close' } satisfies VerifyWorkerRequest);
    // The worker ends its connection and stops; one that hangs is stopped.
    const timer = setTimeout(() => void this.worker.terminate(), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * The checkers a verification spreads its batches over: this thread, plus a worker thread where
 * there is a second core and a PostgreSQL server to give it a connection. The embedded engine is
 * one session in this process, so it is checked here alone. The worker is compiled JavaScript: run
 * from TypeScript sources (jest), there is none, and the same checks run here.
 */
export function openBatchCheckers(dataSource: DataSource, db: SqlRunner): BatchChecker[] {
  const local = new LocalChecker(db);
  const options = dataSource.options as { type: string; url?: string; driver?: unknown };
  const file = join(__dirname, 'verify-worker.js');
  if (options.type !== 'postgres' || options.driver || !options.url) return [local];
  if (availableParallelism() < 2 || !existsSync(file)) return [local];
  return [local, new WorkerChecker(file, { url: options.url })];
}
