import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../../users/user.entity';
import { CooperationRequestEntity } from '../cooperation-request.entity';

/**
 * An exculpatory-disclosure notice (domain.md §8.2; UNCAC 46(19)): the requesting side discloses
 * exculpatory material in its proceedings despite speciality or confidentiality. It notifies first;
 * when that was impossible it says why and notifies at once. The requested side may ask to consult.
 */
@Entity({ name: 'request_exculpatory_notice' })
@Index('ix_request_exculpatory_notice_request', ['requestId', 'notifiedAt'])
@Check('ck_request_exculpatory_notice_justified', `"advance_notice" OR "justification" IS NOT NULL`)
@Check('ck_request_exculpatory_notice_hearing_date', `"hearing_date" ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`)
@Check(
  'ck_request_exculpatory_notice_consultation',
  `("consultation_requested_at" IS NULL) = ("consultation_requested_by_id" IS NULL) AND ("consultation_requested_at" IS NULL) = ("consultation_message" IS NULL)`,
)
export class RequestExculpatoryNoticeEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_request_exculpatory_notice' })
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => CooperationRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_request_exculpatory_notice_request' })
  request?: CooperationRequestEntity;

  /** Whether the requested side is told before the disclosure (the rule) or only after it. */
  @Column({ name: 'advance_notice', type: 'boolean' })
  advanceNotice: boolean;

  /** The calendar date of the hearing, as the court set it (`YYYY-MM-DD`). */
  @Column({ name: 'hearing_date', type: 'text', nullable: true })
  hearingDate: string | null;

  @Column({ type: 'text' })
  description: string;

  /** Why advance notice was impossible; mandatory then. */
  @Column({ type: 'text', nullable: true })
  justification: string | null;

  @Column({ name: 'notified_by_id', type: 'uuid' })
  notifiedById: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'notified_by_id',
    foreignKeyConstraintName: 'fk_request_exculpatory_notice_notified_by',
  })
  notifiedBy?: UserEntity;

  @Column({ name: 'notified_at', type: 'timestamptz' })
  notifiedAt: Date;

  @Column({ name: 'consultation_requested_by_id', type: 'uuid', nullable: true })
  consultationRequestedById: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'consultation_requested_by_id',
    foreignKeyConstraintName: 'fk_request_exculpatory_notice_consultation_by',
  })
  consultationRequestedBy?: UserEntity;

  @Column({ name: 'consultation_requested_at', type: 'timestamptz', nullable: true })
  consultationRequestedAt: Date | null;

  @Column({ name: 'consultation_message', type: 'text', nullable: true })
  consultationMessage: string | null;
}
