import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { MessageKind } from '@mla/contracts';

@Entity({ name: 'request_message' })
@Index('ix_request_message_request', ['requestId', 'createdAt', 'id'])
export class RequestMessageEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @Column({ type: 'text' })
  kind: MessageKind;

  @Column({ type: 'text' })
  body: string;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId: string;

  @Column({ name: 'author_agency_id', type: 'uuid' })
  authorAgencyId: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
