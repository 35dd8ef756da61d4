import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { CooperationRequestEntity } from '../requests/cooperation-request.entity';

const bigintAsNumber = {
  to: (value: number): number => value,
  from: (value: string | number): number => Number(value),
};

/**
 * One entry of the append-only audit log. `body` is the canonical JSON that was hashed; the other
 * columns are a projection of it for filtering, and verification checks they still agree with it.
 * On both engines triggers refuse DELETE, TRUNCATE and every UPDATE but one: the redaction of an
 * entry past retention (migration 1795902100000-AddAuditRedaction), which keeps its hashes.
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

  /**
   * Set when retention replaced `body` by the redaction marker (audit-redaction.ts); the hashes stay
   * those of the original body, which is gone.
   */
  @Column({ name: 'redacted_at', type: 'timestamptz', nullable: true })
  redactedAt: Date | null;
}

/**
 * An auditor's hold on one request's audit trail: while it is active (not lifted), retention leaves
 * the request's entries as they are. Lifting keeps the row, so the hold's history stays readable.
 */
@Entity({ name: 'audit_legal_hold' })
@Index('ix_audit_legal_hold_request', ['requestId', 'liftedAt'])
@Check('ck_audit_legal_hold_lifted', `("lifted_at" IS NULL) = ("lift_reason" IS NULL)`)
export class AuditLegalHoldEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_audit_legal_hold' })
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => CooperationRequestEntity)
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_audit_legal_hold_request' })
  request?: CooperationRequestEntity;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'set_by_id', type: 'uuid', nullable: true })
  setById: string | null;

  @Column({ name: 'set_at', type: 'timestamptz' })
  setAt: Date;

  @Column({ name: 'lifted_by_id', type: 'uuid', nullable: true })
  liftedById: string | null;

  @Column({ name: 'lifted_at', type: 'timestamptz', nullable: true })
  liftedAt: Date | null;

  @Column({ name: 'lift_reason', type: 'text', nullable: true })
  liftReason: string | null;
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
