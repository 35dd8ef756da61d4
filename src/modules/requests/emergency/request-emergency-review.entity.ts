import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { UserEntity } from '../../users/user.entity';
import { CooperationRequestEntity } from '../cooperation-request.entity';

/**
 * The requesting side's review after an emergency request was executed (domain.md §6.6): was the
 * emergency justified, and were the limits on using the data respected. One per request.
 */
@Entity({ name: 'request_emergency_review' })
@Unique('uq_request_emergency_review_request', ['requestId'])
export class RequestEmergencyReviewEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_request_emergency_review' })
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => CooperationRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_request_emergency_review_request' })
  request?: CooperationRequestEntity;

  @Column({ type: 'boolean' })
  justified: boolean;

  @Column({ name: 'use_limits_respected', type: 'boolean' })
  useLimitsRespected: boolean;

  @Column({ type: 'text' })
  notes: string;

  @Column({ name: 'reviewed_by_id', type: 'uuid' })
  reviewedById: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'reviewed_by_id', foreignKeyConstraintName: 'fk_request_emergency_review_reviewed_by' })
  reviewedBy?: UserEntity;

  @Column({ name: 'reviewed_at', type: 'timestamptz' })
  reviewedAt: Date;
}
