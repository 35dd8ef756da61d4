import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { RequestContext } from '../../common/context/request-context';
import { beforeCommit, TransactionRunner } from '../../database/transaction-runner';
import { AuditEntryEntity, AuditHeadEntity } from './audit-entry.entity';
import { chainHash, GENESIS_CHAIN_HASH, leafHash } from './audit-hash';
import type { AuditBody, AuditEvent } from './audit.types';
import { canonicalJson } from './canonical-json';

export interface VerificationResult {
  ok: boolean;
  checked: number;
  headSequence: number;
  headChainHash: string;
  firstBadSequence?: number;
  problem?: string;
}

const VERIFY_BATCH = 2000;

@Injectable()
export class AuditService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
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
    });
    await manager.insert(AuditEntryEntity, entry);
    await manager.update(AuditHeadEntity, { id: 1 }, { seq, chainHash: chain });
  }

  /** For events with no business change of their own (a failed login, a read): a transaction of one entry. */
  async record(event: AuditEvent): Promise<void> {
    await this.transactions.run((manager) => this.append(manager, event));
  }

  /**
   * Walks the log in sequence order up to the head as it stood when the walk began, and reports the
   * first entry whose hashes, chain link or indexed columns do not match what was recorded. Entries
   * are immutable, so the walk needs no long transaction: short batches keep the embedded engine's
   * single session free for other requests in between.
   */
  async verify(): Promise<VerificationResult> {
    const head = await this.dataSource.manager.findOneByOrFail(AuditHeadEntity, { id: 1 });
    let previous = GENESIS_CHAIN_HASH;
    let expected = 1;
    for (;;) {
      const batch = await this.dataSource.manager
        .createQueryBuilder(AuditEntryEntity, 'entry')
        .where('entry.seq >= :from', { from: expected })
        .orderBy('entry.seq', 'ASC')
        .limit(VERIFY_BATCH)
        .getMany();
      for (const entry of batch) {
        if (entry.seq > head.seq) break;
        const problem = entryProblem(entry, expected, previous);
        const checked = expected - 1;
        if (problem)
          return {
            ok: false,
            checked,
            headSequence: head.seq,
            headChainHash: head.chainHash,
            firstBadSequence: expected,
            problem,
          };
        previous = entry.chainHash;
        expected += 1;
      }
      if (batch.length < VERIFY_BATCH || expected > head.seq) break;
    }
    const checked = expected - 1;
    if (checked !== head.seq || previous !== head.chainHash) {
      // Entries missing at the end, or a head rewound or advanced by hand.
      return {
        ok: false,
        checked,
        headSequence: head.seq,
        headChainHash: head.chainHash,
        firstBadSequence: Math.min(checked, head.seq) + 1,
        problem: 'the log head does not match the last entry',
      };
    }
    // An appender moves the head in the same transaction as its entry, so in any one snapshot no
    // entry lies beyond the head; one that does was put there by hand.
    const [beyond]: Array<{ seq: string | null }> = await this.dataSource.query(
      'SELECT min(e."seq") AS "seq" FROM "audit_entry" e, "audit_head" h WHERE h."id" = 1 AND e."seq" > h."seq"',
    );
    if (beyond?.seq) {
      return {
        ok: false,
        checked,
        headSequence: head.seq,
        headChainHash: head.chainHash,
        firstBadSequence: Number(beyond.seq),
        problem: 'an entry lies beyond the log head',
      };
    }
    return { ok: true, checked, headSequence: head.seq, headChainHash: head.chainHash };
  }
}

function entryProblem(
  entry: AuditEntryEntity,
  expectedSeq: number,
  previousChain: string,
): string | undefined {
  if (entry.seq !== expectedSeq) return 'sequence gap';
  if (leafHash(entry.body) !== entry.leafHash) return 'body does not match its leaf hash';
  if (chainHash(previousChain, entry.leafHash) !== entry.chainHash) return 'broken chain link';
  let body: AuditBody;
  try {
    body = JSON.parse(entry.body) as AuditBody;
  } catch {
    return 'body is not JSON';
  }
  if (canonicalJson(body) !== entry.body) return 'body is not canonical';
  const columnsAgree =
    body.seq === entry.seq &&
    body.id === entry.id &&
    body.ts === entry.ts.toISOString() &&
    body.type === entry.action &&
    body.outcome === entry.outcome &&
    (body.actor?.user ?? null) === entry.actorUserId &&
    (body.actor?.agency ?? null) === entry.actorAgencyId &&
    (body.actor?.role ?? null) === entry.actorRole &&
    body.target.type === entry.targetType &&
    body.target.id === entry.targetId &&
    body.target.request === entry.requestId &&
    body.corr === entry.correlationId;
  return columnsAgree ? undefined : 'indexed columns differ from the hashed body';
}
