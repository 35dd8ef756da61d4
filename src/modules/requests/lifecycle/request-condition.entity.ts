import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ConditionStatus, ConditionType } from '@mla/contracts';
import { UserEntity } from '../../users/user.entity';
import { CooperationRequestEntity } from '../cooperation-request.entity';

/**
 * A condition on use the requested side offered during consultation (domain.md §8.1): proposed, then
 * accepted (binding on the requesting side) or rejected, once.
 */
@Entity({ name: 'request_condition' })
@Index('ix_request_condition_request', ['requestId', 'proposedAt', 'ordinal'])
@Check('ck_request_condition_status', `"status" IN ('proposed', 'accepted', 'rejected')`)
@Check('ck_request_condition_decided', `("status" = 'proposed') = ("decided_at" IS NULL)`)
export class RequestConditionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_request_condition' })
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => CooperationRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_request_condition_request' })
  request?: CooperationRequestEntity;

  @Column({ type: 'text' })
  type: ConditionType;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'text' })
  status: ConditionStatus;

  @Column({ name: 'proposed_by_id', type: 'uuid' })
  proposedById: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'proposed_by_id', foreignKeyConstraintName: 'fk_request_condition_proposed_by' })
  proposedBy?: UserEntity;

  @Column({ name: 'proposed_at', type: 'timestamptz' })
  proposedAt: Date;

  /** Its place among the conditions offered together, so they read in the order they were written. */
  @Column({ type: 'integer' })
  ordinal: number;

  @Column({ name: 'decided_by_id', type: 'uuid', nullable: true })
  decidedById: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'decided_by_id', foreignKeyConstraintName: 'fk_request_condition_decided_by' })
  decidedBy?: UserEntity | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;
}
