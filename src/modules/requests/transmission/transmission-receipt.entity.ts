import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CooperationRequestEntity } from '../cooperation-request.entity';

/**
 * The signed receipt of one transmission of a request (domain.md §6.2 T5): which content was sent,
 * when, by whom, and where its audit entry sits in the log. Append-only: a trigger refuses UPDATE
 * and DELETE, so what either side was given stays what the portal holds.
 */
@Entity({ name: 'request_transmission_receipt' })
@Index('ix_request_transmission_receipt_request', ['requestId', 'transmittedAt'])
export class RequestTransmissionReceiptEntity {
  /** The transmission's audit entry id: one receipt per transmission, named by its entry. */
  @PrimaryColumn({
    name: 'audit_entry_id',
    type: 'uuid',
    primaryKeyConstraintName: 'pk_request_transmission_receipt',
  })
  auditEntryId: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => CooperationRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_request_transmission_receipt_request' })
  request?: CooperationRequestEntity;

  @Column({ name: 'content_version', type: 'integer' })
  contentVersion: number;

  @Column({ name: 'transmitted_at', type: 'timestamptz' })
  transmittedAt: Date;

  /** The receipt exactly as signed (canonical JSON). */
  @Column({ type: 'text' })
  receipt: string;

  @Column({ name: 'receipt_signature', type: 'jsonb' })
  receiptSignature: { algorithm: 'Ed25519'; keyId: string; value: string };
}
