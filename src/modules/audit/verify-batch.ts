import { leafHash } from './audit-hash';
import { redactionMarker } from './audit-redaction';
import type { AuditBody } from './audit.types';
import { isCanonicalJson } from './canonical-json';

/**
 * The per-entry half of a full verification, on one batch of consecutive seqs: everything that
 * needs only the entry itself (its body against its leaf hash, its canonical form, its indexed
 * columns, a redaction marker). It is most of the cost, and batches are independent, so a worker
 * thread can check every other batch (see verify-worker.ts). The sequential half, the chain links
 * and the Merkle tree, stays with AuditService.verify, which takes the batches in order.
 *
 * No Nest or TypeORM here: the worker loads this file on its own.
 */

/** What verification reads of an entry, straight from the driver: no entity hydration per row. */
export interface StoredEntry {
  seq: number;
  id: string;
  ts: Date;
  action: string;
  outcome: string;
  actorUserId: string | null;
  actorAgencyId: string | null;
  actorRole: string | null;
  targetType: string;
  targetId: string | null;
  requestId: string | null;
  correlationId: string | null;
  body: string;
  leafHash: string;
  chainHash: string;
  redactedAt: Date | null;
}

/** What the sequential half needs of each entry; `body` only for a purge record it must read. */
export interface CheckedEntry {
  seq: number;
  leafHash: string;
  chainHash: string;
  redacted: boolean;
  action: string;
  body?: string;
}

export interface BatchProblem {
  seq: number;
  problem: string;
  /**
   * Whether the problem ranks before the entry's chain link: a gap or a body that does not hash to
   * its leaf is reported as such even when the link is broken too; the rest only when it is not.
   */
  beforeChain: boolean;
  /** A gap that runs to the end of the batch: at the end of the log it is a truncation. */
  tail?: boolean;
}

export interface BatchCheck {
  /** The entries in seq order, up to the first problem (included when it ranks after the chain). */
  entries: CheckedEntry[];
  problem?: BatchProblem;
}

export type QueryRows = (sql: string, parameters: unknown[]) => Promise<Array<Record<string, unknown>>>;

const STORED_ENTRY_COLUMNS = [
  '"seq"',
  '"id"',
  '"ts"',
  '"action"',
  '"outcome"',
  '"actor_user_id" AS "actorUserId"',
  '"actor_agency_id" AS "actorAgencyId"',
  '"actor_role" AS "actorRole"',
  '"target_type" AS "targetType"',
  '"target_id" AS "targetId"',
  '"request_id" AS "requestId"',
  '"correlation_id" AS "correlationId"',
  '"body"',
  '"leaf_hash" AS "leafHash"',
  '"chain_hash" AS "chainHash"',
  '"redacted_at" AS "redactedAt"',
].join(', ');

/** The entries with seq in [from, to], in order (both drivers give timestamptz as Date). */
export async function readBatch(query: QueryRows, from: number, to: number): Promise<StoredEntry[]> {
  const rows = (await query(
    `SELECT ${STORED_ENTRY_COLUMNS} FROM "audit_entry" WHERE "seq" BETWEEN $1 AND $2 ORDER BY "seq"`,
    [from, to],
  )) as unknown as Array<StoredEntry & { seq: string | number }>;
  for (const row of rows) row.seq = Number(row.seq);
  return rows;
}

/** Checks the entries read for seqs [from, to]: see the file's comment for what is checked here. */
export function checkBatch(rows: readonly StoredEntry[], from: number, to: number): BatchCheck {
  const entries: CheckedEntry[] = [];
  let expected = from;
  for (const row of rows) {
    if (row.seq !== expected)
      return { entries, problem: { seq: expected, problem: 'sequence gap', beforeChain: true } };
    const checked: CheckedEntry = {
      seq: row.seq,
      leafHash: row.leafHash,
      chainHash: row.chainHash,
      redacted: row.redactedAt !== null,
      action: row.action,
      ...(row.action === 'audit.redact' && row.redactedAt === null ? { body: row.body } : {}),
    };
    if (!row.redactedAt && leafHash(row.body) !== row.leafHash) {
      return {
        entries,
        problem: { seq: row.seq, problem: 'body does not match its leaf hash', beforeChain: true },
      };
    }
    entries.push(checked);
    const problem = readableProblem(row);
    if (problem) return { entries, problem: { seq: row.seq, problem, beforeChain: false } };
    expected += 1;
  }
  if (expected <= to) {
    return { entries, problem: { seq: expected, problem: 'sequence gap', beforeChain: true, tail: true } };
  }
  return { entries };
}

/**
 * The entry's own problem. A column rewritten to something the driver hands back in another shape
 * (a `ts` of 'infinity' comes back as a number) must be reported like any other change, not thrown.
 */
function readableProblem(row: StoredEntry): string | undefined {
  try {
    return row.redactedAt ? redactedEntryProblem(row) : bodyProblem(row);
  } catch {
    return 'indexed columns differ from the hashed body';
  }
}

/** A live entry, whose body is known to hash to its leaf: is it canonical, and do the columns agree? */
function bodyProblem(entry: StoredEntry): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry.body);
  } catch {
    return 'body is not JSON';
  }
  if (!isCanonicalJson(entry.body, parsed)) return 'body is not canonical';
  // A body rewritten together with its hashes may be any JSON at all: it must be reported, not thrown.
  if (typeof parsed !== 'object' || parsed === null) return 'indexed columns differ from the hashed body';
  const body = parsed as Partial<AuditBody>;
  const columnsAgree =
    body.seq === entry.seq &&
    body.id === entry.id &&
    body.ts === entry.ts.toISOString() &&
    body.type === entry.action &&
    body.outcome === entry.outcome &&
    (body.actor?.user ?? null) === entry.actorUserId &&
    (body.actor?.agency ?? null) === entry.actorAgencyId &&
    (body.actor?.role ?? null) === entry.actorRole &&
    body.target?.type === entry.targetType &&
    body.target?.id === entry.targetId &&
    body.target?.request === entry.requestId &&
    body.corr === entry.correlationId;
  return columnsAgree ? undefined : 'indexed columns differ from the hashed body';
}

/**
 * A redacted entry is hash-only: its stored leaf hash goes into the tree as it is (the stored nodes
 * and the root, which checkpoints signed before the redaction still vouch for, catch one that was
 * changed), and its body must be exactly the marker for this entry, naming that hash.
 */
function redactedEntryProblem(entry: StoredEntry): string | undefined {
  if (entry.body !== redactionMarker(entry)) return 'a redacted entry whose body is not its redaction marker';
  if (entry.actorUserId !== null || entry.targetId !== null || entry.correlationId !== null)
    return 'a redacted entry still holds personal columns';
  return undefined;
}
