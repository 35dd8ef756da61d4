import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { LegalBasis, RequestStatus, RequestType } from '@mla/contracts';
import type {
  AssistanceSought,
  Confidentiality,
  OffenceRef,
  PreservationDetails,
  RefusalRecord,
  Subject,
  TargetIdentifier,
  TimeRange,
  Urgency,
} from './request.types';

/**
 * One cooperation request. `version` is bumped by every write through a conditional UPDATE
 * (RequestsRepository), never by TypeORM's @VersionColumn, which lets stale writes through.
 */
@Entity({ name: 'cooperation_request' })
@Index('ix_request_requesting_agency_keyset', ['requestingAgencyId', 'createdAt', 'id'])
@Index('ix_request_requested_agency_keyset', ['requestedAgencyId', 'createdAt', 'id'])
@Index('ix_request_requesting_state_keyset', ['requestingStateCode', 'createdAt', 'id'])
export class CooperationRequestEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  reference: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  type: RequestType;

  @Column({ name: 'legal_basis', type: 'text' })
  legalBasis: LegalBasis;

  @Column({ type: 'text' })
  status: RequestStatus;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'requesting_agency_id', type: 'uuid' })
  requestingAgencyId: string;

  @Column({ name: 'requesting_state_code', type: 'varchar', length: 2 })
  requestingStateCode: string;

  @Column({ name: 'requested_agency_id', type: 'uuid' })
  requestedAgencyId: string;

  @Column({ name: 'requested_state_code', type: 'varchar', length: 2 })
  requestedStateCode: string;

  @Column({ name: 'created_by_id', type: 'uuid' })
  createdById: string;

  /** Everyone who changed the draft's content after its creation: none of them may approve it. */
  @Column({ name: 'editor_ids', type: 'uuid', array: true, default: () => "'{}'" })
  editorIds: string[];

  @Column({ type: 'jsonb' })
  urgency: Urgency;

  @Column({ type: 'jsonb' })
  offences: OffenceRef[];

  @Column({ name: 'facts_summary', type: 'text' })
  factsSummary: string;

  @Column({ name: 'assistance_sought', type: 'jsonb' })
  assistanceSought: AssistanceSought;

  @Column({ type: 'text' })
  purpose: string;

  @Column({ type: 'jsonb' })
  subjects: Subject[];

  @Column({ type: 'jsonb' })
  targets: TargetIdentifier[];

  @Column({ name: 'time_range', type: 'jsonb', nullable: true })
  timeRange: TimeRange | null;

  @Column({ type: 'jsonb' })
  confidentiality: Confidentiality;

  @Column({ type: 'jsonb', nullable: true })
  preservation: PreservationDetails | null;

  @Column({ type: 'jsonb', nullable: true })
  refusal: RefusalRecord | null;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ name: 'approved_at', type: 'timestamptz', nullable: true })
  approvedAt: Date | null;

  @Column({ name: 'approved_by_id', type: 'uuid', nullable: true })
  approvedById: string | null;

  @Column({ name: 'transmitted_at', type: 'timestamptz', nullable: true })
  transmittedAt: Date | null;

  /** Set by the application to the millisecond, so keyset cursors round-trip exactly. */
  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
