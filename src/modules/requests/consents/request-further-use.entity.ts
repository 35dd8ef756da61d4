import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { UseCondition } from '@mla/contracts';
import { UserEntity } from '../../users/user.entity';
import { CooperationRequestEntity } from '../cooperation-request.entity';
import { RequestConsentEntity } from './request-consent.entity';

/**
 * Material of the request used in another proceeding (speciality, domain.md §8.2), under the
 * consent that allowed it, with the conditions that bound that use.
 */
@Entity({ name: 'request_further_use' })
@Index('ix_request_further_use_request', ['requestId', 'recordedAt'])
@Index('ix_request_further_use_consent', ['consentId'])
export class RequestFurtherUseEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_request_further_use' })
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => CooperationRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_request_further_use_request' })
  request?: CooperationRequestEntity;

  @Column({ name: 'consent_id', type: 'uuid' })
  consentId: string;

  @ManyToOne(() => RequestConsentEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'consent_id', foreignKeyConstraintName: 'fk_request_further_use_consent' })
  consent?: RequestConsentEntity;

  @Column({ type: 'text' })
  proceeding: string;

  @Column({ type: 'text' })
  purpose: string;

  @Column({ type: 'jsonb' })
  conditions: UseCondition[];

  @Column({ name: 'recorded_by_id', type: 'uuid' })
  recordedById: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'recorded_by_id', foreignKeyConstraintName: 'fk_request_further_use_recorded_by' })
  recordedBy?: UserEntity;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;
}
