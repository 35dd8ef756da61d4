import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ConsentDecision, ConsentKind, UseCondition } from '@mla/contracts';
import { StateEntity } from '../../directory/state.entity';
import { UserEntity } from '../../users/user.entity';
import { CooperationRequestEntity } from '../cooperation-request.entity';

/**
 * A consent request (domain.md §8.2) and, once given, the requested side's decision on it. A
 * further use names the new proceeding; an onward transfer names the third state. The decision is
 * taken once; conditions accompany a conditional consent only, reasons a refusal always.
 */
@Entity({ name: 'request_consent' })
@Index('ix_request_consent_request', ['requestId', 'requestedAt'])
@Check('ck_request_consent_kind', `"kind" IN ('further_use', 'onward_transfer')`)
@Check(
  'ck_request_consent_subject',
  `("kind" = 'further_use' AND "new_proceeding" IS NOT NULL AND "recipient_state_code" IS NULL AND "recipient_description" IS NULL) OR ("kind" = 'onward_transfer' AND "recipient_state_code" IS NOT NULL AND "new_proceeding" IS NULL)`,
)
@Check('ck_request_consent_decision', `"decision" IN ('granted', 'refused', 'conditional')`)
@Check(
  'ck_request_consent_decided',
  `("decision" IS NULL) = ("decided_at" IS NULL) AND ("decided_at" IS NULL) = ("decided_by_id" IS NULL)`,
)
@Check('ck_request_consent_reasons', `"decision" <> 'refused' OR "reasons" IS NOT NULL`)
@Check(
  'ck_request_consent_conditions',
  `("decision" = 'conditional') = (jsonb_array_length("conditions") > 0)`,
)
@Check('ck_request_consent_document', `("document_title" IS NULL) = ("document_reference" IS NULL)`)
export class RequestConsentEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_request_consent' })
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => CooperationRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_request_consent_request' })
  request?: CooperationRequestEntity;

  @Column({ type: 'text' })
  kind: ConsentKind;

  @Column({ type: 'text' })
  purpose: string;

  @Column({ name: 'legal_basis', type: 'text' })
  legalBasis: string;

  /** Further use: the proceeding the material would be used in. */
  @Column({ name: 'new_proceeding', type: 'text', nullable: true })
  newProceeding: string | null;

  /** Onward transfer: the third state. */
  @Column({ name: 'recipient_state_code', type: 'varchar', length: 2, nullable: true })
  recipientStateCode: string | null;

  @ManyToOne(() => StateEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'recipient_state_code',
    foreignKeyConstraintName: 'fk_request_consent_recipient_state',
  })
  recipientState?: StateEntity;

  /** Onward transfer: who in that state (e.g. the prosecutor's office). */
  @Column({ name: 'recipient_description', type: 'text', nullable: true })
  recipientDescription: string | null;

  @Column({ name: 'requested_by_id', type: 'uuid' })
  requestedById: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'requested_by_id', foreignKeyConstraintName: 'fk_request_consent_requested_by' })
  requestedBy?: UserEntity;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt: Date;

  @Column({ type: 'text', nullable: true })
  decision: ConsentDecision | null;

  /** The conditions of a conditional consent; empty otherwise. */
  @Column({ type: 'jsonb' })
  conditions: UseCondition[];

  @Column({ type: 'text', nullable: true })
  reasons: string | null;

  /** The consent document or authorisation record (written form where the instrument asks for it). */
  @Column({ name: 'document_title', type: 'text', nullable: true })
  documentTitle: string | null;

  @Column({ name: 'document_reference', type: 'text', nullable: true })
  documentReference: string | null;

  @Column({ name: 'decided_by_id', type: 'uuid', nullable: true })
  decidedById: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'decided_by_id', foreignKeyConstraintName: 'fk_request_consent_decided_by' })
  decidedBy?: UserEntity;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;
}
