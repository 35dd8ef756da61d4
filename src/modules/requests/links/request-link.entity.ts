import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { LinkRelation } from '@mla/contracts';
import { UserEntity } from '../../users/user.entity';
import { CooperationRequestEntity } from '../cooperation-request.entity';

/** `request` relates to `linkedRequest` as `relation` says (a follow-up names the preservation it follows). */
@Entity({ name: 'request_link' })
@Unique('uq_request_link', ['requestId', 'linkedRequestId', 'relation'])
@Index('ix_request_link_linked', ['linkedRequestId'])
@Check(
  'ck_request_link_relation',
  `"relation" IN ('follow_up_of_preservation', 'extension_of', 'supersedes', 'split_from', 'related')`,
)
@Check('ck_request_link_not_self', `"request_id" <> "linked_request_id"`)
export class RequestLinkEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_request_link' })
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => CooperationRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_request_link_request' })
  request?: CooperationRequestEntity;

  @Column({ name: 'linked_request_id', type: 'uuid' })
  linkedRequestId: string;

  @ManyToOne(() => CooperationRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'linked_request_id', foreignKeyConstraintName: 'fk_request_link_linked' })
  linkedRequest?: CooperationRequestEntity;

  @Column({ type: 'text' })
  relation: LinkRelation;

  @Column({ name: 'created_by_id', type: 'uuid' })
  createdById: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by_id', foreignKeyConstraintName: 'fk_request_link_created_by' })
  createdBy?: UserEntity;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
