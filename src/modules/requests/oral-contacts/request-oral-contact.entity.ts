import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../../users/user.entity';
import { CooperationRequestEntity } from '../cooperation-request.entity';

/** A telephone or oral request recorded by the officer who made it (domain.md §6.6 `ORAL_CONTACT`). */
@Entity({ name: 'request_oral_contact' })
@Index('ix_request_oral_contact_request', ['requestId'])
export class RequestOralContactEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_request_oral_contact' })
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => CooperationRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_request_oral_contact_request' })
  request?: CooperationRequestEntity;

  /** Who was called, as the officer knows them (name, service, number). */
  @Column({ type: 'text' })
  counterpart: string;

  @Column({ name: 'contacted_at', type: 'timestamptz' })
  contactedAt: Date;

  @Column({ type: 'text' })
  summary: string;

  @Column({ name: 'recorded_by_id', type: 'uuid' })
  recordedById: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'recorded_by_id', foreignKeyConstraintName: 'fk_request_oral_contact_recorded_by' })
  recordedBy?: UserEntity;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;
}
