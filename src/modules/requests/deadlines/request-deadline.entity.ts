import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { CooperationRequestEntity } from '../cooperation-request.entity';

/** `held`: a follow-up arrived, so the period no longer runs out (data kept until a decision on it). */
export type DeadlineStatus = 'open' | 'met' | 'expired' | 'cancelled' | 'held';

/**
 * One deadline of one request, computed from its profile when the starting event happened and
 * stored as a UTC instant (domain.md §6.3): recomputed only by an extension or a pause, never by a
 * profile correction published later.
 */
@Entity({ name: 'request_deadline' })
@Unique('uq_request_deadline_name', ['requestId', 'name'])
@Index('ix_request_deadline_due', ['dueAt'], { where: `"status" = 'open'` })
@Index('ix_request_deadline_warning', ['nextWarningAt'], { where: `"status" = 'open'` })
@Check('ck_request_deadline_status', `"status" IN ('open', 'met', 'expired', 'cancelled', 'held')`)
@Check('ck_request_deadline_order', `"due_at" >= "starts_at"`)
export class RequestDeadlineEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_request_deadline' })
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => CooperationRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_request_deadline_request' })
  request?: CooperationRequestEntity;

  /** The profile's name for it, e.g. `preservation_minimum`. */
  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  /** What happens when it passes: e.g. `lapse_unless_extended_or_followed_up`, `remind_requested_side`. */
  @Column({ name: 'on_expiry', type: 'text' })
  onExpiry: string;

  @Column({ name: 'warn_before_days', type: 'integer', array: true, default: () => "'{}'" })
  warnBeforeDays: number[];

  @Column({ name: 'next_warning_at', type: 'timestamptz', nullable: true })
  nextWarningAt: Date | null;

  @Column({ type: 'text' })
  status: DeadlineStatus;

  @Column({ name: 'settled_at', type: 'timestamptz', nullable: true })
  settledAt: Date | null;
}
