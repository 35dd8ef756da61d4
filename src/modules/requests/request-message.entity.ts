import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AgencyEntity } from '../directory/agency.entity';
import { UserEntity } from '../users/user.entity';
import { CooperationRequestEntity } from './cooperation-request.entity';
import type { MessageKind } from '@mla/contracts';

@Entity({ name: 'request_message' })
@Index('ix_request_message_request', ['requestId', 'createdAt', 'id'])
@Check(
  'ck_request_message_kind',
  `"kind" IN ('clarification_request', 'clarification_response', 'status_enquiry', 'status_update', 'note', 'deadline_reminder', 'consent_request', 'consent_decision', 'exculpatory_notice', 'consultation_request', 'consultation', 'emergency_alert')`,
)
@Check(
  'ck_request_message_portal_author',
  `("kind" IN ('deadline_reminder', 'emergency_alert')) = ("author_id" IS NULL) AND ("author_id" IS NULL) = ("author_agency_id" IS NULL)`,
)
export class RequestMessageEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_request_message' })
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => CooperationRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_request_message_request' })
  request?: CooperationRequestEntity;

  @Column({ type: 'text' })
  kind: MessageKind;

  @Column({ type: 'text' })
  body: string;

  /** Null only on reminders the portal writes itself. */
  @Column({ name: 'author_id', type: 'uuid', nullable: true })
  authorId: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'fk_request_message_author' })
  author?: UserEntity;

  @Column({ name: 'author_agency_id', type: 'uuid', nullable: true })
  authorAgencyId: string | null;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_agency_id', foreignKeyConstraintName: 'fk_request_message_author_agency' })
  authorAgency?: AgencyEntity;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
