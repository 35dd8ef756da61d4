import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { canonicalJson } from '../../modules/audit/canonical-json';
import { IdempotencyKeyEntity } from '../../modules/idempotency/idempotency-key.entity';
import { RequestContext } from '../context/request-context';
import { IdempotencyLeaseLostError } from './idempotency.errors';

/** A response as stored for replay: status, the headers that matter, the body as sent (JSON text). */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

/**
 * This request's hold on an `Idempotency-Key` (security.md REL-02), kept in the request context so
 * TransactionRunner can complete the key in the same transaction as the use case's effect.
 */
export interface IdempotencyClaim {
  scope: string;
  key: string;
  /** Only the attempt holding this token may complete the key. */
  token: string;
  /** Known at the claim for JSON bodies; for a multipart upload, once the body has been read. */
  fingerprint: string | null;
  /** The status the route answers on success. */
  status: number;
  /** The headers the route sets, computed from the body (ETag, Location). */
  headers: (body: unknown) => Record<string, string>;
  /** Until when the key and its response are kept. */
  expiresAt: Date;
  /** What the transaction recorded; set once that transaction committed. */
  bound?: StoredResponse;
}

/** Response headers a replay repeats; the others are per-response (date, correlation id, length). */
export const REPLAYED_HEADERS = ['location', 'etag', 'content-location'] as const;

const producers = new WeakMap<EntityManager, () => unknown>();

export const Idempotency = {
  /** The claim of the current request that no transaction has completed yet. */
  pendingClaim(): IdempotencyClaim | undefined {
    const claim = RequestContext.current()?.idempotency;
    return claim && !claim.bound ? claim : undefined;
  },

  /**
   * Names the response the use case will answer, built inside its transaction after everything else
   * in it (hooks included) has run. Without it, the transaction's result is recorded; the
   * interceptor replaces that by the response actually sent, so this matters only when the process
   * dies between the commit and the response (F1).
   */
  respondWith(manager: EntityManager, produce: () => unknown): void {
    producers.set(manager, produce);
  },

  producerOf(manager: EntityManager): (() => unknown) | undefined {
    return producers.get(manager);
  },

  /** For a body the interceptor could not fingerprint (multipart): set once it has been read. */
  setFingerprint(fingerprint: string): void {
    const claim = RequestContext.current()?.idempotency;
    if (claim) claim.fingerprint = fingerprint;
  },
};

export function serializeBody(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Method, concrete path (ids included) and canonical JSON body: the same request, whatever its key order. */
export function jsonFingerprint(method: string, path: string, body: unknown): string {
  return sha256Hex(canonicalJson({ method, path, body: body ?? null }));
}

/** An upload: its form fields, given name and type, and the SHA-256 of the file's bytes. */
export function multipartFingerprint(
  method: string,
  path: string,
  upload: {
    fields: Record<string, string>;
    fileName: string;
    declaredMediaType: string | null;
    sha256: string;
  },
): string {
  return sha256Hex(
    canonicalJson({
      method,
      path,
      fields: upload.fields,
      fileName: upload.fileName,
      declaredMediaType: upload.declaredMediaType,
      sha256: upload.sha256,
    }),
  );
}

/** Read once at start-up; never honoured in production. */
const FAULT_HOOK = process.env.NODE_ENV === 'production' ? undefined : process.env.FAULT_HOOK;

/**
 * A test-only fault point (security.md F1/F2): with FAULT_HOOK set to its name, outside production,
 * the process kills itself there with SIGKILL, as a crash would, so a test hits the moment just
 * before or just after the commit of a use case holding an `Idempotency-Key` deterministically.
 */
export function faultPoint(name: 'exit-before-commit' | 'exit-after-commit'): void {
  if (FAULT_HOOK === name) process.kill(process.pid, 'SIGKILL');
}

/** The key's row, by its primary key, while this attempt still holds it. */
export function heldBy(claim: IdempotencyClaim, state: 'in_flight' | 'completed') {
  return { scope: claim.scope, key: claim.key, claimToken: claim.token, state };
}

/**
 * Completes the claim inside the use case's transaction, just before it commits: the effect and the
 * response a retry will get commit together or not at all. No row (another attempt took the key
 * over after this one's lease ran out) aborts the transaction, so only one attempt ever has an effect.
 */
export async function bindClaim(
  manager: EntityManager,
  claim: IdempotencyClaim,
  result: unknown,
): Promise<StoredResponse> {
  const produce = Idempotency.producerOf(manager);
  const body = serializeBody(produce ? await produce() : result);
  const response: StoredResponse = {
    status: claim.status,
    headers: body === null ? {} : lowerCaseKeys(claim.headers(JSON.parse(body))),
    body,
  };
  const now = new Date();
  const updated = await manager
    .createQueryBuilder()
    .update(IdempotencyKeyEntity)
    .set({
      state: 'completed',
      fingerprint: claim.fingerprint,
      responseStatus: response.status,
      responseHeaders: response.headers,
      responseBody: response.body,
      responseSource: 'transaction',
      completedAt: now,
      expiresAt: claim.expiresAt,
    })
    .where(heldBy(claim, 'in_flight'))
    .execute();
  if (!updated.affected) throw new IdempotencyLeaseLostError();
  return response;
}

export function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
