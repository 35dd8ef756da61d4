import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { UseCondition } from '@mla/contracts';
import { StateEntity } from '../../directory/state.entity';
import { UserEntity } from '../../users/user.entity';
import { CooperationRequestEntity } from '../cooperation-request.entity';
import { RequestConsentEntity } from './request-consent.entity';

/**
 * Material of the request passed on to a third state (scenario 16), under the consent that allowed
 * it. The conditions it carried are kept as they were at the moment of transfer.
 */
@Entity({ name: 'request_onward_transfer' })
@Index('ix_request_onward_transfer_request', ['requestId', 'recordedAt'])
@Index('ix_request_onward_transfer_consent', ['consentId'])
export class RequestOnwardTransferEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_request_onward_transfer' })
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => CooperationRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_request_onward_transfer_request' })
  request?: CooperationRequestEntity;

  @Column({ name: 'consent_id', type: 'uuid' })
  consentId: string;

  @ManyToOne(() => RequestConsentEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'consent_id', foreignKeyConstraintName: 'fk_request_onward_transfer_consent' })
  consent?: RequestConsentEntity;

  @Column({ name: 'recipient_state_code', type: 'varchar', length: 2 })
  recipientStateCode: string;

  @ManyToOne(() => StateEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'recipient_state_code',
    foreignKeyConstraintName: 'fk_request_onward_transfer_recipient_state',
  })
  recipientState?: StateEntity;

  @Column({ name: 'recipient_description', type: 'text' })
  recipientDescription: string;

  @Column({ type: 'text' })
  purpose: string;

  /** The conditions that travelled with the material. */
  @Column({ type: 'jsonb' })
  conditions: UseCondition[];

  @Column({ name: 'recorded_by_id', type: 'uuid' })
  recordedById: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'recorded_by_id', foreignKeyConstraintName: 'fk_request_onward_transfer_recorded_by' })
  recordedBy?: UserEntity;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;
}
