import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type IdempotencyState = 'in_flight' | 'completed';

/** One `Idempotency-Key` a caller used, with the response a retry gets (see the migration). */
@Entity({ name: 'idempotency_key' })
@Check('ck_idempotency_key_state', `"state" IN ('in_flight', 'completed')`)
@Index('ix_idempotency_key_expires', ['expiresAt'])
export class IdempotencyKeyEntity {
  /** Whose key: `user:<id>`. A service account's API keys share their account's scope. */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_idempotency_key' })
  scope: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_idempotency_key' })
  key: string;

  @Column({ type: 'text' })
  method: string;

  @Column({ type: 'text' })
  path: string;

  /** SHA-256 of method, path and canonical body; NULL while a multipart upload is still being read. */
  @Column({ type: 'text', nullable: true })
  fingerprint: string | null;

  @Column({ type: 'text' })
  state: IdempotencyState;

  /** Which attempt holds the key: only its transaction may complete it. */
  @Column({ name: 'claim_token', type: 'uuid' })
  claimToken: string;

  @Column({ name: 'lease_expires_at', type: 'timestamptz' })
  leaseExpiresAt: Date;

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus: number | null;

  @Column({ name: 'response_headers', type: 'jsonb', nullable: true })
  responseHeaders: Record<string, string> | null;

  /** The body exactly as sent (JSON text); NULL for a response without one. */
  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody: string | null;

  /** `transaction`: built inside the use case's transaction; `handler`: the response as sent. */
  @Column({ name: 'response_source', type: 'text', nullable: true })
  responseSource: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
