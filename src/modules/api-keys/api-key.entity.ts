import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { UserEntity } from '../users/user.entity';

/**
 * A credential of a service account. Only the SHA-256 of the whole key is kept: the key is shown
 * once, at creation, and cannot be retrieved again.
 */
@Entity({ name: 'api_key' })
@Unique('uq_api_key_prefix', ['prefix'])
@Unique('uq_api_key_secret_hash', ['secretHash'])
@Index('ix_api_key_user', ['userId'])
@Check(
  'ck_api_key_lifetime',
  `"expires_at" > "created_at" AND "expires_at" <= "created_at" + interval '366 days'`,
)
@Check('ck_api_key_revocation', `("revoked_at" IS NULL) = ("revoked_by_id" IS NULL)`)
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_api_key' })
  id: string;

  /** The service account the key acts as. */
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_api_key_user' })
  user?: UserEntity;

  @Column({ type: 'text' })
  name: string;

  /** The public part of the key, shown in lists so holders can tell their keys apart; never used to look one up. */
  @Column({ type: 'text' })
  prefix: string;

  @Column({ name: 'secret_hash', type: 'varchar', length: 64, select: false })
  secretHash: string;

  @Column({ name: 'created_by_id', type: 'uuid' })
  createdById: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by_id', foreignKeyConstraintName: 'fk_api_key_created_by' })
  createdBy?: UserEntity;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_by_id', type: 'uuid', nullable: true })
  revokedById: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'revoked_by_id', foreignKeyConstraintName: 'fk_api_key_revoked_by' })
  revokedBy?: UserEntity;

  /** Written at most once an hour per key, with the `auth.api_key_used` audit entry. */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;
}
