import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../../users/user.entity';
import { CooperationRequestEntity } from '../cooperation-request.entity';
import type { RequestContent } from '../request-content';

/**
 * The content of a request as it was sent to the requested side: at transmission, and again each
 * time a clarification answer changed it (domain.md §6.4). Never updated, so a diff between two
 * versions shows exactly what the requested side was given each time.
 */
@Entity({ name: 'request_content_version' })
export class RequestContentVersionEntity {
  @PrimaryColumn({ name: 'request_id', type: 'uuid', primaryKeyConstraintName: 'pk_request_content_version' })
  requestId: string;

  @ManyToOne(() => CooperationRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_request_content_version_request' })
  request?: CooperationRequestEntity;

  @PrimaryColumn({
    name: 'content_version',
    type: 'integer',
    primaryKeyConstraintName: 'pk_request_content_version',
  })
  contentVersion: number;

  @Column({ type: 'jsonb' })
  content: RequestContent;

  @Column({ name: 'sent_by_id', type: 'uuid' })
  sentById: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'sent_by_id', foreignKeyConstraintName: 'fk_request_content_version_sent_by' })
  sentBy?: UserEntity;

  @Column({ name: 'sent_at', type: 'timestamptz' })
  sentAt: Date;
}
