import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { UserEntity } from '../users/user.entity';

export type SessionRevocation =
  | 'logout'
  | 'refresh_reuse'
  | 'idle_timeout'
  | 'expired'
  | 'account_disabled'
  | 'account_locked'
  | 'password_changed'
  | 'agency_deactivated'
  | 'admin';

/** One login. Access tokens name it (`sid`); its refresh tokens rotate within it. */
@Entity({ name: 'user_session' })
@Index('ix_user_session_user', ['userId'])
@Check(
  'ck_user_session_revoked_reason',
  `"revoked_reason" IN ('logout', 'refresh_reuse', 'idle_timeout', 'expired', 'account_disabled', 'account_locked', 'password_changed', 'agency_deactivated', 'admin')`,
)
export class SessionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_user_session' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_user_session_user' })
  user?: UserEntity;

  /** How the session was opened: `password`, `password+totp` or `password+recovery_code`. */
  @Column({ name: 'auth_method', type: 'text' })
  authMethod: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /**
   * The latest full authentication in this session: the login, or a later step-up. Privileged actions
   * need it to be recent (SEC-10); refreshing tokens never moves it.
   */
  @Column({ name: 'authenticated_at', type: 'timestamptz' })
  authenticatedAt: Date;

  /** Last authenticated call; the idle timeout runs from here. */
  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt: Date;

  /** Absolute end, however active the session is. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_reason', type: 'text', nullable: true })
  revokedReason: SessionRevocation | null;
}

/** A refresh token, stored as the SHA-256 of its value (it carries 256 bits of randomness). */
@Entity({ name: 'refresh_token' })
@Unique('uq_refresh_token_hash', ['tokenHash'])
@Index('ix_refresh_token_session', ['sessionId'])
export class RefreshTokenEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_refresh_token' })
  id: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'fk_refresh_token_session' })
  session?: SessionEntity;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Set when the token is exchanged; presenting it again is reuse, and revokes the session. */
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
