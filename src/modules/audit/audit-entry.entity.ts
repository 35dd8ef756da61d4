import { Check, Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

const bigintAsNumber = {
  to: (value: number): number => value,
  from: (value: string | number): number => Number(value),
};

/**
 * One entry of the append-only audit log. `body` is the canonical JSON that was hashed; the other
 * columns are a projection of it for filtering, and verification checks they still agree with it.
 * On both engines a trigger refuses UPDATE, DELETE and TRUNCATE.
 */
@Entity({ name: 'audit_entry' })
@Index('ix_audit_entry_request', ['requestId', 'seq'])
@Index('ix_audit_entry_actor', ['actorUserId', 'seq'])
@Index('ix_audit_entry_action', ['action', 'seq'])
@Index('ix_audit_entry_ts', ['ts'])
// The custody trail of one evidence item is the log's entries about it (security.md EVD-03).
@Index('ix_audit_entry_target', ['targetType', 'targetId', 'seq'])
@Unique('uq_audit_entry_id', ['id'])
@Check('ck_audit_entry_seq', `"seq" > 0`)
@Check('ck_audit_entry_outcome', `"outcome" IN ('success', 'failure', 'denied')`)
@Check('ck_audit_entry_leaf_hash', `"leaf_hash" ~ '^[0-9a-f]{64}$'`)
@Check('ck_audit_entry_chain_hash', `"chain_hash" ~ '^[0-9a-f]{64}$'`)
export class AuditEntryEntity {
  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber, primaryKeyConstraintName: 'pk_audit_entry' })
  seq: number;

  @Column({ type: 'uuid' })
  id: string;

  @Column({ type: 'timestamptz' })
  ts: Date;

  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'text' })
  outcome: string;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Column({ name: 'actor_agency_id', type: 'uuid', nullable: true })
  actorAgencyId: string | null;

  @Column({ name: 'actor_role', type: 'text', nullable: true })
  actorRole: string | null;

  @Column({ name: 'target_type', type: 'text' })
  targetType: string;

  @Column({ name: 'target_id', type: 'text', nullable: true })
  targetId: string | null;

  @Column({ name: 'request_id', type: 'uuid', nullable: true })
  requestId: string | null;

  @Column({ name: 'correlation_id', type: 'text', nullable: true })
  correlationId: string | null;

  @Column({ type: 'text' })
  body: string;

  /** RFC 9162 leaf hash, SHA-256(0x00 || body), hex: the Merkle log of a later issue builds on it. */
  @Column({ name: 'leaf_hash', type: 'varchar', length: 64 })
  leafHash: string;

  /** SHA-256(previous chain hash || leaf hash), hex; the first entry chains from 64 zeros. */
  @Column({ name: 'chain_hash', type: 'varchar', length: 64 })
  chainHash: string;
}

@Entity({ name: 'audit_head' })
@Check('ck_audit_head_single_row', `"id" = 1`)
@Check('ck_audit_head_seq', `"seq" >= 0`)
@Check('ck_audit_head_chain_hash', `"chain_hash" ~ '^[0-9a-f]{64}$'`)
export class AuditHeadEntity {
  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'pk_audit_head' })
  id: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  seq: number;

  @Column({ name: 'chain_hash', type: 'varchar', length: 64 })
  chainHash: string;
}
