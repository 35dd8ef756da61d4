import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

const bigintAsNumber = {
  to: (value: number): number => value,
  from: (value: string | number): number => Number(value),
};

/**
 * One perfect subtree of the audit log's RFC 9162 Merkle tree (see merkle.ts): level 0 index i is
 * the leaf hash of the entry with seq i + 1. Written with the entry that completes it, in the same
 * transaction, and never changed; hashes are hex like `audit_entry.leaf_hash`.
 */
@Entity({ name: 'audit_node' })
@Check('ck_audit_node_position', `"level" >= 0 AND "level" <= 62 AND "idx" >= 0`)
@Check('ck_audit_node_hash', `"hash" ~ '^[0-9a-f]{64}$'`)
export class AuditNodeEntity {
  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'pk_audit_node' })
  level: number;

  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber, primaryKeyConstraintName: 'pk_audit_node' })
  idx: number;

  @Column({ type: 'varchar', length: 64 })
  hash: string;
}

/**
 * A signed checkpoint of the log: the C2SP tlog-checkpoint of one tree size, as the signed note
 * that was handed out. One per size: Ed25519 is deterministic, so re-signing the same body with the
 * same key gives the same note, and keeping the first one is enough.
 */
@Entity({ name: 'audit_checkpoint' })
@Check('ck_audit_checkpoint_tree_size', `"tree_size" >= 0`)
@Check('ck_audit_checkpoint_root_hash', `"root_hash" ~ '^[0-9a-f]{64}$'`)
export class AuditCheckpointEntity {
  @PrimaryColumn({
    name: 'tree_size',
    type: 'bigint',
    transformer: bigintAsNumber,
    primaryKeyConstraintName: 'pk_audit_checkpoint',
  })
  treeSize: number;

  @Column({ name: 'root_hash', type: 'varchar', length: 64 })
  rootHash: string;

  /** The signed note exactly as served: checkpoint body, blank line, signature lines. */
  @Column({ type: 'text' })
  note: string;

  /** PortalSigner's key id of the signing key, as /.well-known/mla-portal/keys lists it. */
  @Column({ name: 'key_id', type: 'text' })
  keyId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
