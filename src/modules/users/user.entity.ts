import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import type { Role } from '@mla/contracts';
import { AgencyEntity } from '../directory/agency.entity';

export type UserKind = 'person' | 'service';

/**
 * Stored as the password hash of service accounts. Not a PHC string, so nothing can verify against
 * it; the login path also refuses service accounts before looking at it.
 */
export const UNUSABLE_PASSWORD_HASH = '!service-account';

@Entity({ name: 'user_account' })
@Unique('uq_user_account_username', ['username'])
@Index('ix_user_account_agency', ['agencyId'])
@Check('ck_user_account_username_lower', `"username" = lower("username")`)
@Check('ck_user_account_totp_enrolled', `("totp_secret" IS NULL) = ("totp_enrolled_at" IS NULL)`)
@Check(
  'ck_user_account_role',
  `"role" IN ('liaison_officer', 'supervisor', 'central_authority_officer', 'executing_officer', 'contact_point_operator', 'auditor', 'admin')`,
)
@Check('ck_user_account_kind', `"kind" IN ('person', 'service')`)
// A leaked key must never carry account administration or the audit trail.
@Check(
  'ck_user_account_service_role',
  `"kind" = 'person' OR "role" IN ('liaison_officer', 'executing_officer')`,
)
export class UserEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_user_account' })
  id: string;

  /** Stored lower-case; logins compare lower-case. */
  @Column({ type: 'text' })
  username: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'fk_user_account_agency' })
  agency?: AgencyEntity;

  @Column({ type: 'text' })
  role: Role;

  /** `service`: the account behind API keys; it never logs in with a password. */
  @Column({ type: 'text', default: 'person' })
  kind: UserKind;

  /** argon2id, PHC string format. Never leaves the users and auth modules. */
  @Column({ name: 'password_hash', type: 'text', select: false })
  passwordHash: string;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  /** Times of the latest failed logins (at most 5), for the sliding 15-minute window of CJIS AC-7. */
  @Column({ name: 'recent_failures', type: 'timestamptz', array: true, default: () => "'{}'" })
  recentFailures: Date[];

  /** Set by the fifth failure within 15 minutes; only an administrator clears it. */
  @Column({ name: 'locked_at', type: 'timestamptz', nullable: true })
  lockedAt: Date | null;

  /** The confirmed TOTP secret, sealed with the secrets key (AES-256-GCM, bound to this account). */
  @Column({ name: 'totp_secret', type: 'text', nullable: true, select: false })
  totpSecret: string | null;

  @Column({ name: 'totp_enrolled_at', type: 'timestamptz', nullable: true })
  totpEnrolledAt: Date | null;

  /** The time step of the last accepted code: that code, and every earlier one, is spent (CJIS IA-5(1)(d)). */
  @Column({
    name: 'totp_last_step',
    type: 'bigint',
    nullable: true,
    select: false,
    transformer: {
      to: (value: number | null) => value,
      from: (value: string | null) => (value === null ? null : Number(value)),
    },
  })
  totpLastStep: number | null;

  /** Wrong second-factor codes since the last right one; 10 lock the account, however slowly they came. */
  @Column({ name: 'second_factor_failures', type: 'integer', default: 0 })
  secondFactorFailures: number;

  /** A secret shown at enrolment and not yet confirmed with a code; sealed like the confirmed one. */
  @Column({ name: 'totp_pending_secret', type: 'text', nullable: true, select: false })
  totpPendingSecret: string | null;

  /** Set by an administrator's password reset: the next session may only change the password. */
  @Column({ name: 'must_change_password', type: 'boolean', default: false })
  mustChangePassword: boolean;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
