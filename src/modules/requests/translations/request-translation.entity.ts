import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { UserEntity } from '../../users/user.entity';
import { CooperationRequestEntity } from '../cooperation-request.entity';

/**
 * A translation of a request's content, made against one content version: when the source is
 * edited again it is stale, and no longer opens the language gate.
 */
@Entity({ name: 'request_translation' })
@Unique('uq_request_translation_language', ['requestId', 'language'])
export class RequestTranslationEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_request_translation' })
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => CooperationRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_request_translation_request' })
  request?: CooperationRequestEntity;

  @Column({ type: 'text' })
  language: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ name: 'source_content_version', type: 'integer' })
  sourceContentVersion: number;

  @Column({ name: 'attached_by_id', type: 'uuid' })
  attachedById: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'attached_by_id', foreignKeyConstraintName: 'fk_request_translation_attached_by' })
  attachedBy?: UserEntity;

  @Column({ name: 'attached_at', type: 'timestamptz' })
  attachedAt: Date;
}
