import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { UseCondition } from '@mla/contracts';
import { StateEntity } from '../../directory/state.entity';
import { UserEntity } from '../../users/user.entity';
import { CooperationRequestEntity } from '../cooperation-request.entity';

/** Traffic data the requested side disclosed while preserving (domain.md §5.3): never changed. */
@Entity({ name: 'request_traffic_disclosure' })
@Index('ix_request_traffic_disclosure_request', ['requestId', 'disclosedAt'])
export class RequestTrafficDisclosureEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_request_traffic_disclosure' })
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => CooperationRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_request_traffic_disclosure_request' })
  request?: CooperationRequestEntity;

  @Column({ name: 'provider_name', type: 'text' })
  providerName: string;

  @Column({ name: 'provider_state_code', type: 'varchar', length: 2 })
  providerStateCode: string;

  @ManyToOne(() => StateEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'provider_state_code',
    foreignKeyConstraintName: 'fk_request_traffic_disclosure_state',
  })
  providerState?: StateEntity;

  @Column({ name: 'path_description', type: 'text' })
  pathDescription: string;

  @Column({ name: 'sufficiency_note', type: 'text', nullable: true })
  sufficiencyNote: string | null;

  /** The conditions on use it carries: the preservation's accepted ones, then its own. */
  @Column({ type: 'jsonb' })
  conditions: UseCondition[];

  @Column({ name: 'disclosed_by_id', type: 'uuid' })
  disclosedById: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'disclosed_by_id', foreignKeyConstraintName: 'fk_request_traffic_disclosure_by' })
  disclosedBy?: UserEntity;

  @Column({ name: 'disclosed_at', type: 'timestamptz' })
  disclosedAt: Date;
}
