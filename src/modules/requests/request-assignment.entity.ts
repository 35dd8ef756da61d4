import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AgencyEntity } from '../directory/agency.entity';
import { UserEntity } from '../users/user.entity';
import { CooperationRequestEntity } from './cooperation-request.entity';

/**
 * An officer's need-to-know on a request, for one party agency. Closed (`unassigned_at`), never
 * deleted, so the record of who could see the request survives the reassignment.
 */
@Entity({ name: 'request_assignment' })
@Index('uq_request_assignment_current', ['requestId', 'userId'], {
  unique: true,
  where: '"unassigned_at" IS NULL',
})
@Check('ck_request_assignment_unassigned', `("unassigned_at" IS NULL) = ("unassigned_by_id" IS NULL)`)
export class RequestAssignmentEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_request_assignment' })
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => CooperationRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_request_assignment_request' })
  request?: CooperationRequestEntity;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_request_assignment_user' })
  user?: UserEntity;

  /** The assignee's agency when assigned: the grant does not follow a user who moves agency. */
  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'fk_request_assignment_agency' })
  agency?: AgencyEntity;

  @Column({ name: 'assigned_by_id', type: 'uuid' })
  assignedById: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'assigned_by_id', foreignKeyConstraintName: 'fk_request_assignment_assigned_by' })
  assignedBy?: UserEntity;

  @Column({ name: 'assigned_at', type: 'timestamptz' })
  assignedAt: Date;

  @Column({ name: 'unassigned_at', type: 'timestamptz', nullable: true })
  unassignedAt: Date | null;

  @Column({ name: 'unassigned_by_id', type: 'uuid', nullable: true })
  unassignedById: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unassigned_by_id', foreignKeyConstraintName: 'fk_request_assignment_unassigned_by' })
  unassignedBy?: UserEntity | null;
}
