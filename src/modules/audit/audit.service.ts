import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { RequestContext } from '../../common/context/request-context';
import { AppConfig } from '../../config/app-config';
import { beforeCommit, TransactionRunner } from '../../database/transaction-runner';
import { AuditEntryEntity, AuditHeadEntity } from './audit-entry.entity';
import { chainHash, GENESIS_CHAIN_HASH, leafHash } from './audit-hash';
import { openBatchCheckers } from './batch-checkers';
import type { AuditBody, AuditEvent } from './audit.types';
import { canonicalJson } from './canonical-json';
import {
  appendLeaf,
  emptyFrontier,
  type Frontier,
  frontierRoot,
  loadFrontier,
  type NodeRow,
} from './merkle/merkle';
import { completedBy, insertNodes, nodeKey, type SqlRunner, SqlNodeReader } from './merkle/node-store';
import type { BatchCheck, CheckedEntry } from './verify-batch';

export interface VerificationResult {
  ok: boolean;
  checked: number;
  headSequence: number;
  headChainHash: string;
  /** The Merkle root of the log at the head, base64, as the stored tree gives it. */
  headRootHash: string;
  firstBadSequence?: number;
  problem?: string;
}

@Injectable()
export class AuditService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly config: AppConfig,
  ) {}

  /**
   * Appends one entry to the caller's transaction. The entry is written when the use case's work is
   * done, just before the commit, in the order appended: the log head is the one lock every
   * transaction shares, so it is always taken last (see TransactionRunner), and held briefly.
   */
  async append(manager: EntityManager, event: AuditEvent): Promise<string> {
    // The request's context (correlation id, address) as it is now, not when the hook runs.
    const context = RequestContext.current();
    // The id is fixed now so the caller can name the entry (a receipt does) before it is written.
    const id = randomUUID();
    const write = () => this.write(manager, event, context, id);
    if (!beforeCommit(manager, write)) await write();
    return id;
  }

  private async write(
    manager: EntityManager,
    event: AuditEvent,
    context: ReturnType<typeof RequestContext.current>,
    id: string,
  ): Promise<void> {
    const rows: Array<{ seq: string; chain_hash: string }> = await manager.query(
      'SELECT "seq", "chain_hash" FROM "audit_head" WHERE "id" = 1 FOR UPDATE',
    );
    const head = rows[0];
    if (!head) throw new Error('audit_head row is missing');
    const seq = Number(head.seq) + 1;
    const ts = new Date();
    const body: AuditBody = {
      v: 1,
      seq,
      id,
      ts: ts.toISOString(),
      type: event.action,
      outcome: event.outcome,
      actor: event.actor
        ? {
            user: event.actor.userId,
            agency: event.actor.agencyId,
            role: event.actor.role,
            auth: event.actor.authMethod,
          }
        : null,
      target: { type: event.target.type, id: event.target.id, request: event.requestId ?? null },
      corr: context?.correlationId ?? null,
      src: { ip: context?.ip ?? null },
      data: event.data ?? {},
    };
    const text = canonicalJson(body);
    const leaf = leafHash(text);
    const chain = chainHash(head.chain_hash, leaf);
    const entry = manager.create(AuditEntryEntity, {
      seq,
      id: body.id,
      ts,
      action: body.type,
      outcome: body.outcome,
      actorUserId: event.actor?.userId ?? null,
      actorAgencyId: event.actor?.agencyId ?? null,
      actorRole: event.actor?.role ?? null,
      targetType: body.target.type,
      targetId: body.target.id,
      requestId: body.target.request,
      correlationId: body.corr,
      body: text,
      leafHash: leaf,
      chainHash: chain,
      redactedAt: null,
    });
    await manager.insert(AuditEntryEntity, entry);
    // Still under the head lock: the frontier read here is the tree every earlier append left.
    const frontier = await loadFrontier(new SqlNodeReader(manager), seq - 1);
    await insertNodes(manager, appendLeaf(frontier, Buffer.from(leaf, 'hex')).rows);
    await manager.update(AuditHeadEntity, { id: 1 }, { seq, chainHash: chain });
  }

  /** For events with no business change of their own (a failed login, a read): a transaction of one entry. */
  async record(event: AuditEvent): Promise<void> {
    // A record on its own (a refusal, a denial) is never the use case an Idempotency-Key stands for.
    await this.transactions.run((manager) => this.append(manager, event), { bindIdempotencyKey: false });
  }

  /**
   * Walks the log in sequence order up to the head as it stood when the walk began, and reports the
   * first entry whose hashes, chain link or indexed columns do not match what was recorded. Entries
   * are immutable, so the walk needs no long transaction: short batches keep the embedded engine's
   * single session free for other requests in between.
   */
  async verify(): Promise<VerificationResult> {
    const db = this.dataSource.manager;
    const head = await db.findOneByOrFail(AuditHeadEntity, { id: 1 });
    // The root the stored tree gives for the head: what a checkpoint of this size would sign.
    const storedRoot = await rootOfStoredTree(db, head.seq);
    const outcome = (checked: number, bad?: { seq: number; problem: string }): VerificationResult => ({
      ok: !bad,
      checked,
      headSequence: head.seq,
      headChainHash: head.chainHash,
      headRootHash: storedRoot?.toString('base64') ?? '',
      ...(bad ? { firstBadSequence: bad.seq, problem: bad.problem } : {}),
    });
    let previous = GENESIS_CHAIN_HASH;
    let frontier: Frontier = emptyFrontier();
    let expected = 1;
    const redactions = new RedactionLedger();
    // Each batch is one query; with a worker thread, every other batch is checked there.
    const size = this.config.audit.verifyBatchSize;
    const batches = Math.ceil(head.seq / size);
    const checkers = openBatchCheckers(this.dataSource, db);
    // Two batches ahead per checker: on PostgreSQL the server reads the next batches while this one
    // is checked, and with a worker thread the two cores check batches side by side.
    const ahead = 2 * checkers.length;
    const results = new Map<number, Promise<BatchCheck>>();
    const schedule = (k: number): void => {
      if (k >= batches || results.has(k)) return;
      const from = k * size + 1;
      const result = checkers[k % checkers.length].check(from, Math.min(from + size - 1, head.seq));
      // Returned from early on a bad entry, the batches read ahead must not become unhandled rejections.
      result.catch(() => undefined);
      results.set(k, result);
    };
    try {
      for (let k = 0; k < batches; k += 1) {
        for (let next = k; next <= k + ahead; next += 1) schedule(next);
        const batch = await results.get(k)!;
        results.delete(k);
        const batchStart = expected;
        let entryBad: { seq: number; problem: string } | undefined;
        const rows: NodeRow[] = [];
        for (const entry of batch.entries) {
          const own = batch.problem?.seq === entry.seq ? batch.problem : undefined;
          if (own?.beforeChain) break;
          if (chainHash(previous, entry.leafHash) !== entry.chainHash) {
            entryBad = { seq: entry.seq, problem: 'broken chain link' };
            break;
          }
          if (own) break;
          redactions.see(entry);
          const appended = appendLeaf(frontier, Buffer.from(entry.leafHash, 'hex'));
          frontier = appended.frontier;
          rows.push(...appended.rows);
          previous = entry.chainHash;
          expected += 1;
        }
        const lastBatch = k === batches - 1;
        // Entries missing at the very end are a truncation: the head check below reports it.
        if (!entryBad && batch.problem && !(batch.problem.tail && lastBatch)) {
          entryBad = { seq: batch.problem.seq, problem: batch.problem.problem };
        }
        // The stored tree must be exactly the tree of the entries walked so far: a node that differs
        // changes some proof, even when every entry is intact. The earlier of the two problems wins.
        const nodeBad = await firstStoredNodeMismatch(db, batchStart - 1, expected - 1, rows);
        if (nodeBad !== undefined && (!entryBad || nodeBad < entryBad.seq))
          return outcome(nodeBad - 1, {
            seq: nodeBad,
            problem: 'a stored Merkle tree node differs from the entries',
          });
        if (entryBad) return outcome(entryBad.seq - 1, entryBad);
        if (batch.problem) break;
      }
    } finally {
      await Promise.all(checkers.map((checker) => checker.close()));
    }
    const checked = expected - 1;
    if (checked !== head.seq || previous !== head.chainHash) {
      // Entries missing at the end, or a head rewound or advanced by hand.
      return outcome(checked, {
        seq: Math.min(checked, head.seq) + 1,
        problem: 'the log head does not match the last entry',
      });
    }
    if (!storedRoot || !frontierRoot(frontier).equals(storedRoot)) {
      return outcome(checked, { seq: head.seq, problem: 'the Merkle root does not match the entries' });
    }
    let unaccounted = redactions.firstUnaccounted();
    if (unaccounted !== undefined) {
      // A retention run may have committed during the walk: its redactions were seen, its purge
      // entry lies beyond the head read at the start. Both commit together, so it is there now.
      const later = await db
        .createQueryBuilder(AuditEntryEntity, 'entry')
        .where('entry.seq > :seq AND entry.action = :action', { seq: head.seq, action: 'audit.redact' })
        .getMany();
      for (const entry of later) redactions.see({ ...entry, redacted: entry.redactedAt !== null });
      unaccounted = redactions.firstUnaccounted();
    }
    if (unaccounted !== undefined) {
      // The tree is intact (the hash stayed), but the body went without the purge that must record it.
      return outcome(checked, {
        seq: unaccounted,
        problem: 'an entry was redacted without an audit.redact entry naming it',
      });
    }
    // An appender moves the head in the same transaction as its entry, so in any one snapshot no
    // entry lies beyond the head; one that does was put there by hand.
    const [beyond]: Array<{ seq: string | null }> = await this.dataSource.query(
      'SELECT min(e."seq") AS "seq" FROM "audit_entry" e, "audit_head" h WHERE h."id" = 1 AND e."seq" > h."seq"',
    );
    if (beyond?.seq) {
      return outcome(checked, { seq: Number(beyond.seq), problem: 'an entry lies beyond the log head' });
    }
    const nodeBeyond = await firstNodeBeyond(db);
    if (nodeBeyond !== undefined) {
      return outcome(checked, { seq: nodeBeyond, problem: 'a Merkle tree node lies beyond the log head' });
    }
    return outcome(checked);
  }
}

/** The root at `size` from the stored frontier, or undefined when a frontier node is missing. */
async function rootOfStoredTree(db: SqlRunner, size: number): Promise<Buffer | undefined> {
  try {
    return frontierRoot(await loadFrontier(new SqlNodeReader(db), size));
  } catch {
    return undefined;
  }
}

/**
 * Compares the stored nodes completed by the leaves [from, to) (0-based) with `expected`, the rows
 * recomputed from the entries, and returns the seq of the first entry whose append should have
 * written a node that is missing or different. One query: per level, one index range.
 */
async function firstStoredNodeMismatch(
  db: SqlRunner,
  from: number,
  to: number,
  expected: readonly NodeRow[],
): Promise<number | undefined> {
  if (to <= from) return undefined;
  const clauses: string[] = [];
  const parameters: number[] = [];
  for (let level = 0; 2 ** level <= to; level += 1) {
    // Node (level, i) is completed by leaf (i + 1)·2^level − 1.
    const low = Math.ceil((from + 1) / 2 ** level) - 1;
    const high = Math.floor(to / 2 ** level) - 1;
    if (high < low) continue;
    parameters.push(level, low, high);
    const n = parameters.length;
    clauses.push(`("level" = $${n - 2}::smallint AND "idx" BETWEEN $${n - 1}::bigint AND $${n}::bigint)`);
  }
  const stored = new Map<string, string>();
  if (clauses.length > 0) {
    const rows = (await db.query(
      `SELECT "level", "idx", "hash" FROM "audit_node" WHERE ${clauses.join(' OR ')}`,
      parameters,
    )) as Array<{ level: number; idx: string; hash: string }>;
    for (const row of rows)
      stored.set(nodeKey({ level: Number(row.level), index: Number(row.idx) }), row.hash);
  }
  let first: number | undefined;
  for (const row of expected) {
    if (stored.get(nodeKey(row)) !== row.hash.toString('hex')) {
      const seq = completedBy(row);
      if (first === undefined || seq < first) first = seq;
    }
  }
  return first;
}

/**
 * The seq of the first append that a stored node claims beyond the head, read in one snapshot with
 * the head (appends go on meanwhile): node (level, i) lies beyond it when (i + 1)·2^level > seq,
 * that is i >= floor(seq / 2^level), one index range per level.
 */
async function firstNodeBeyond(db: SqlRunner): Promise<number | undefined> {
  const clauses: string[] = [];
  for (let level = 0; level <= 62; level += 1) {
    clauses.push(`(n."level" = ${level} AND n."idx" >= h."seq" / ${2n ** BigInt(level)})`);
  }
  const rows = (await db.query(
    `SELECT n."level", n."idx" FROM "audit_node" n, "audit_head" h WHERE h."id" = 1 AND (${clauses.join(' OR ')})`,
  )) as Array<{ level: number; idx: string }>;
  const seqs = rows.map((row) => completedBy({ level: Number(row.level), index: Number(row.idx) }));
  return seqs.length > 0 ? Math.min(...seqs) : undefined;
}

/**
 * Which entries are redacted, and which seqs the `audit.redact` entries say they redacted, both as
 * ascending runs: every redaction must be accounted for by a purge entry (the retention job writes
 * one per batch, in the same transaction). Runs, not seqs, so a long redacted stretch costs little.
 */
class RedactionLedger {
  private readonly redacted: Array<[number, number]> = [];
  private readonly named: Array<[number, number]> = [];

  see(entry: Pick<CheckedEntry, 'seq' | 'action' | 'body' | 'redacted'>): void {
    if (entry.redacted) {
      const last = this.redacted[this.redacted.length - 1];
      if (last && last[1] === entry.seq - 1) last[1] = entry.seq;
      else this.redacted.push([entry.seq, entry.seq]);
    } else if (entry.action === 'audit.redact') {
      // Rows found beyond the head are not checked like the rest, and a rewritten body may lack
      // `data`: a purge record that is not one names nothing, and the check goes on to report it.
      let ranges: unknown;
      try {
        ranges = (JSON.parse(entry.body ?? 'null') as Partial<AuditBody> | null)?.data?.ranges;
      } catch {
        return;
      }
      if (!Array.isArray(ranges)) return;
      for (const range of ranges as unknown[]) {
        if (Array.isArray(range) && Number.isSafeInteger(range[0]) && Number.isSafeInteger(range[1]))
          this.named.push([range[0] as number, range[1] as number]);
      }
    }
  }

  /** The first redacted seq no `audit.redact` entry names, if any. */
  firstUnaccounted(): number | undefined {
    const named = [...this.named].sort((a, b) => a[0] - b[0]);
    let i = 0;
    for (const [from, to] of this.redacted) {
      for (let seq = from; seq <= to;) {
        while (i < named.length && named[i][1] < seq) i += 1;
        if (i >= named.length || named[i][0] > seq) return seq;
        seq = named[i][1] + 1;
      }
    }
    return undefined;
  }
}
