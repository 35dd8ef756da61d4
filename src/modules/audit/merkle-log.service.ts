import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { PortalSigner } from '../../common/crypto/portal-signer';
import { ValidationFailedError } from '../../common/errors/domain-error';
import { AuditEntryEntity, AuditHeadEntity } from './audit-entry.entity';
import { AuditCheckpointEntity } from './merkle/audit-merkle.entity';
import { formatCheckpoint, portalNoteSigner, signNote } from './merkle/checkpoint';
import { consistencyProof, inclusionProof, rootAt } from './merkle/merkle';
import { SqlNodeReader } from './merkle/node-store';
import type {
  AuditCheckpointDto,
  ConsistencyProofDto,
  InclusionProofDto,
  SignedAuditCheckpointDto,
} from './dto/merkle-log.dto';

/**
 * The audit log as a verifiable log for auditors: signed checkpoints and RFC 9162 proofs, read
 * from the stored tree with one query per proof. Sizes are taken from the log head as committed;
 * rows under it never change, so no read needs a transaction or the head lock.
 */
@Injectable()
export class MerkleLogService implements OnModuleInit {
  private readonly reader: SqlNodeReader;

  constructor(
    private readonly dataSource: DataSource,
    private readonly signer: PortalSigner,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.reader = new SqlNodeReader(dataSource);
  }

  /**
   * The log's name in every checkpoint: AUDIT_LOG_ORIGIN, by default `<SIGNING_KEY_NAME>/audit`.
   * It does not follow the key: a rotation changes who signs, not which log is signed.
   */
  get origin(): string {
    return this.config.audit.logOrigin;
  }

  /**
   * A log has one origin for life: checkpoints under another name would read as another log, and
   * every auditor's consistency check would break. Renaming the key without pinning the origin is
   * refused before anything is signed.
   */
  async onModuleInit(): Promise<void> {
    const [last]: Array<{ note: string }> = await this.dataSource.query(
      'SELECT "note" FROM "audit_checkpoint" ORDER BY "tree_size" DESC LIMIT 1',
    );
    const signed = last?.note.slice(0, last.note.indexOf('\n'));
    if (signed !== undefined && signed !== this.origin) {
      throw new Error(
        `The audit log's checkpoints name it ${signed}, but this instance would sign them as ${this.origin}: ` +
          `set AUDIT_LOG_ORIGIN=${signed} (after a change of SIGNING_KEY_NAME, list the old key in ` +
          'SIGNING_RETIRED_PUBLIC_KEYS as <old name>:<hex>)',
      );
    }
  }

  async treeSize(): Promise<number> {
    return (await this.dataSource.manager.findOneByOrFail(AuditHeadEntity, { id: 1 })).seq;
  }

  /**
   * The checkpoint of the current tree size, signed now if none exists at that size yet. Two
   * callers racing sign the same body with the same deterministic key; the first row stays.
   */
  async latestCheckpoint(): Promise<AuditCheckpointDto> {
    return toCheckpointDto(await this.checkpointAt(this.dataSource.manager, await this.treeSize()));
  }

  /**
   * The same checkpoint with the time it was signed, for the auditor's screen. Exports and reports
   * keep the form without it: their layout is what offline verifiers read.
   */
  async latestSignedCheckpoint(): Promise<SignedAuditCheckpointDto> {
    const checkpoint = await this.checkpointAt(this.dataSource.manager, await this.treeSize());
    return { ...toCheckpointDto(checkpoint), signedAt: checkpoint.createdAt.toISOString() };
  }

  /** The stored checkpoint of the largest tree size, whoever signed it, or undefined if none. */
  async lastCheckpoint(): Promise<{ treeSize: number; createdAt: Date } | undefined> {
    const [last] = await this.dataSource.getRepository(AuditCheckpointEntity).find({
      select: { treeSize: true, createdAt: true },
      order: { treeSize: 'DESC' },
      take: 1,
    });
    return last;
  }

  /**
   * A checkpoint of the tree as `manager`'s transaction sees it, with the inclusion proof of entry
   * `seq` in it, all through that transaction: a receipt written under the log head lock gets a
   * checkpoint that covers its own, not yet committed, entry. Should the transaction roll back,
   * the checkpoint goes with it, so no checkpoint ever names a tree that was not committed.
   */
  async witnessWithin(
    manager: EntityManager,
    seq: number,
  ): Promise<{ checkpoint: AuditCheckpointDto; proof: string[] }> {
    const treeSize = (await manager.findOneByOrFail(AuditHeadEntity, { id: 1 })).seq;
    if (seq < 1 || seq > treeSize) throw new Error(`entry ${seq} is not in the tree of size ${treeSize}`);
    const checkpoint = toCheckpointDto(await this.checkpointAt(manager, treeSize));
    const proof = await inclusionProof(new SqlNodeReader(manager), seq - 1, treeSize);
    return { checkpoint, proof: proof.map((hash) => hash.toString('base64')) };
  }

  /**
   * The `audit` block every receipt carries: the entry's place in the log, a checkpoint covering it
   * and the entry's inclusion proof, read within the receipt's own transaction after the entry was
   * written (from a `beforeCommit` hook registered after the append), so the counterpart holds an
   * independent witness of the log without asking the portal again (issue 6, item 8).
   */
  async receiptWitness(manager: EntityManager, entryId: string): Promise<ReceiptWitness> {
    const [entry]: Array<{ seq: string; leaf_hash: string }> = await manager.query(
      'SELECT "seq", "leaf_hash" FROM "audit_entry" WHERE "id" = $1',
      [entryId],
    );
    if (!entry) throw new Error(`audit entry ${entryId} was not written`);
    const seq = Number(entry.seq);
    const witness = await this.witnessWithin(manager, seq);
    return {
      seq,
      entryId,
      leafHash: entry.leaf_hash,
      checkpoint: {
        treeSize: witness.checkpoint.treeSize,
        rootHash: witness.checkpoint.rootHash,
        note: witness.checkpoint.note,
      },
      inclusionProof: witness.proof,
    };
  }

  /** Signs and stores the checkpoint of `treeSize` unless one exists; the stored one is returned. */
  private async checkpointAt(manager: EntityManager, treeSize: number): Promise<AuditCheckpointEntity> {
    const repository = manager.getRepository(AuditCheckpointEntity);
    let checkpoint = await repository.findOneBy({ treeSize });
    if (!checkpoint) {
      const root = await rootAt(new SqlNodeReader(manager), treeSize);
      const body = formatCheckpoint({ origin: this.origin, treeSize, rootHash: root, extensions: [] });
      await repository
        .createQueryBuilder()
        .insert()
        .values({
          treeSize,
          rootHash: root.toString('hex'),
          note: signNote(body, [portalNoteSigner(this.signer)]),
          keyId: this.signer.keyId,
          // The portal's clock, not the database's: the checkpoint job measures its interval by it.
          createdAt: this.clock.now(),
        })
        .orIgnore()
        .execute();
      checkpoint = await repository.findOneByOrFail({ treeSize });
    }
    return checkpoint;
  }

  async inclusion(seq: number, treeSize: number): Promise<InclusionProofDto> {
    const current = await this.treeSize();
    if (treeSize > current) throw beyondTree('treeSize', current);
    if (seq > treeSize)
      throw ValidationFailedError.field('seq', `seq must be at most treeSize (${treeSize})`);
    const entry = await this.dataSource.manager.findOneByOrFail(AuditEntryEntity, { seq });
    const leafIndex = seq - 1;
    const [proof, root] = await Promise.all([
      inclusionProof(this.reader, leafIndex, treeSize),
      rootAt(this.reader, treeSize),
    ]);
    return {
      seq,
      leafIndex,
      treeSize,
      leafHash: Buffer.from(entry.leafHash, 'hex').toString('base64'),
      body: entry.body,
      ...(entry.redactedAt ? { redacted: true as const } : {}),
      proof: proof.map((hash) => hash.toString('base64')),
      rootHash: root.toString('base64'),
    };
  }

  async consistency(from: number, to: number): Promise<ConsistencyProofDto> {
    const current = await this.treeSize();
    if (to > current) throw beyondTree('to', current);
    if (from > to) throw ValidationFailedError.field('from', `from must be at most to (${to})`);
    const [proof, fromRoot, toRoot] = await Promise.all([
      consistencyProof(this.reader, from, to),
      rootAt(this.reader, from),
      rootAt(this.reader, to),
    ]);
    return {
      from,
      to,
      proof: proof.map((hash) => hash.toString('base64')),
      fromRoot: fromRoot.toString('base64'),
      toRoot: toRoot.toString('base64'),
    };
  }
}

function toCheckpointDto(checkpoint: AuditCheckpointEntity): AuditCheckpointDto {
  return {
    treeSize: checkpoint.treeSize,
    rootHash: Buffer.from(checkpoint.rootHash, 'hex').toString('base64'),
    note: checkpoint.note,
    keyId: checkpoint.keyId,
  };
}

/** What a receipt says of its audit entry; the hex leaf hash is the one `/v1/audit/events` shows. */
export interface ReceiptWitness {
  seq: number;
  entryId: string;
  leafHash: string;
  checkpoint: { treeSize: number; rootHash: string; note: string };
  inclusionProof: string[];
}

function beyondTree(field: string, current: number): ValidationFailedError {
  return ValidationFailedError.field(field, `${field} must be at most the current tree size (${current})`);
}
