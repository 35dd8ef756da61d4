import { parentPort, workerData } from 'node:worker_threads';
import { Client } from 'pg';
import { type BatchCheck, checkBatch, readBatch } from './verify-batch';

/**
 * A worker thread of a full audit verification on PostgreSQL: it reads the batches it is given
 * over a connection of its own and checks them (verify-batch.ts), so that the second core does half
 * the per-entry work. It only reads; it never writes or decides: AuditService.verify puts the
 * batches back in order and checks what links them.
 */
export interface VerifyWorkerData {
  url: string;
}

export type VerifyWorkerRequest = { kind: 'check'; id: number; from: number; to: number } | { kind: 'close' };

export type VerifyWorkerResponse =
  { kind: 'checked'; id: number; result: BatchCheck } | { kind: 'failed'; id: number; message: string };

const port = parentPort;
if (port) {
  const { url } = workerData as VerifyWorkerData;
  const client = new Client({ connectionString: url, application_name: 'mla-portal-audit-verify' });
  const connected = client.connect();
  // A refused connection is reported with the first batch it fails, not as an unhandled rejection.
  connected.catch(() => undefined);
  const query = async (sql: string, parameters: unknown[]) =>
    (await client.query<Record<string, unknown>>(sql, parameters)).rows;
  port.on('message', (message: VerifyWorkerRequest) => {
    if (message.kind === 'close') {
      void client.end().finally(() => port.close());
      return;
    }
    const { id, from, to } = message;
    connected
      .then(() => readBatch(query, from, to))
      // A throw while checking must reach the catch below, not die as an unhandled rejection.
      .then((rows) =>
        port.postMessage({
          kind: 'checked',
          id,
          result: checkBatch(rows, from, to),
        } satisfies VerifyWorkerResponse),
      )
      .catch((error: unknown) =>
        port.postMessage({
          kind: 'failed',
          id,
          message: error instanceof Error ? error.message : String(error),
        } satisfies VerifyWorkerResponse),
      );
  });
}
