import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AgencyEntity } from '../directory/agency.entity';
import { StateEntity } from '../directory/state.entity';
import { UserEntity } from '../users/user.entity';
import type { LegalBasis, RequestStatus, RequestType } from '@mla/contracts';
import type {
  AssistanceSought,
  Confidentiality,
  OffenceRef,
  PreservationDetails,
  RefusalRecord,
  ClarificationState,
  ConsultationRecord,
  PostponementRecord,
  ItemOutcome,
  Subject,
  TargetIdentifier,
  TimeRange,
  TypeDetails,
  Urgency,
} from './request.types';

/**
 * One cooperation request. `version` is bumped by every write through a conditional UPDATE
 * (RequestsRepository), never by TypeORM's @VersionColumn, which lets stale writes through.
 */
@Entity({ name: 'cooperation_request' })
@Index('ix_request_requesting_agency_keyset', ['requestingAgencyId', 'createdAt', 'id'])
@Index('ix_request_requested_agency_keyset', ['requestedAgencyId', 'createdAt', 'id'])
@Index('ix_request_executing_agency_keyset', ['executingAgencyId', 'createdAt', 'id'])
@Index('ix_request_requesting_state_keyset', ['requestingStateCode', 'createdAt', 'id'])
@Check(
  'ck_request_type',
  `"type" IN ('mla_general', 'preservation', 'traffic_disclosure', 'stored_data_access', 'realtime_traffic', 'interception', 'search_seizure', 'emergency_disclosure', 'subscriber_direct', 'video_hearing', 'joint_investigation', 'spontaneous_information')`,
)
@Check(
  'ck_request_legal_basis',
  `"legal_basis" IN ('uncc', 'budapest', 'budapest_p2', 'bilateral', 'reciprocity')`,
)
@Check(
  'ck_request_status',
  `"status" IN ('draft', 'pending_approval', 'ready', 'transmitted', 'received', 'clarification_requested', 'accepted', 'in_execution', 'executed', 'refused', 'withdrawn', 'lapsed', 'closed', 'pending_translation', 'under_assessment', 'answer_pending_approval', 'in_consultation', 'conditions_proposed', 'postponed', 'partially_executed', 'recipient_cannot_comply')`,
)
@Check('ck_request_version', `"version" > 0`)
@Check('ck_request_profile_version', `"profile_version" > 0`)
@Check('ck_request_content_version', `"content_version" > 0`)
@Check('ck_request_cross_border', `"requesting_state_code" <> "requested_state_code"`)
export class CooperationRequestEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_cooperation_request' })
  id: string;

  @Column({ type: 'text' })
  reference: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  type: RequestType;

  @Column({ name: 'legal_basis', type: 'text' })
  legalBasis: LegalBasis;

  /** BCP 47 tag of the language the request is written in (domain.md §11). */
  @Column({ type: 'text', default: 'en' })
  language: string;

  /** Moves only when the content is edited (not on status changes): translations are made against it. */
  @Column({ name: 'content_version', type: 'integer', default: 1 })
  contentVersion: number;

  /** The version of its legal basis's instrument profile the request was made under; kept for life. */
  @Column({ name: 'profile_version', type: 'integer', default: 1 })
  profileVersion: number;

  @Column({ type: 'text' })
  status: RequestStatus;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'requesting_agency_id', type: 'uuid' })
  requestingAgencyId: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'requesting_agency_id', foreignKeyConstraintName: 'fk_request_requesting_agency' })
  requestingAgency?: AgencyEntity;

  @Column({ name: 'requesting_state_code', type: 'varchar', length: 2 })
  requestingStateCode: string;

  @ManyToOne(() => StateEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'requesting_state_code', foreignKeyConstraintName: 'fk_request_requesting_state' })
  requestingState?: StateEntity;

  @Column({ name: 'requested_agency_id', type: 'uuid' })
  requestedAgencyId: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'requested_agency_id', foreignKeyConstraintName: 'fk_request_requested_agency' })
  requestedAgency?: AgencyEntity;

  @Column({ name: 'requested_state_code', type: 'varchar', length: 2 })
  requestedStateCode: string;

  @ManyToOne(() => StateEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'requested_state_code', foreignKeyConstraintName: 'fk_request_requested_state' })
  requestedState?: StateEntity;

  /** The agency of the requested state that the central authority routed the request to (T7). */
  @Column({ name: 'executing_agency_id', type: 'uuid', nullable: true })
  executingAgencyId: string | null;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'executing_agency_id', foreignKeyConstraintName: 'fk_request_executing_agency' })
  executingAgency?: AgencyEntity | null;

  @Column({ name: 'created_by_id', type: 'uuid' })
  createdById: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by_id', foreignKeyConstraintName: 'fk_request_created_by' })
  createdBy?: UserEntity;

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

  /**
   * Need-to-know inside each party agency: only assigned officers (and those who may assign) see it.
   * Unlike `confidentiality`, which asks the other state to keep the request secret.
   */
  @Column({ type: 'boolean', default: false })
  confidential: boolean;

  @Column({ type: 'jsonb', nullable: true })
  preservation: PreservationDetails | null;

  /** The own fields of the types other than MLA and preservation (domain.md §5.3-§5.14). */
  @Column({ type: 'jsonb', nullable: true })
  details: TypeDetails | null;

  @Column({ type: 'jsonb', nullable: true })
  refusal: RefusalRecord | null;

  @Column({ type: 'jsonb', nullable: true })
  clarification: ClarificationState | null;

  @Column({ type: 'jsonb', nullable: true })
  consultation: ConsultationRecord | null;

  @Column({ type: 'jsonb', nullable: true })
  postponement: PostponementRecord | null;

  @Column({ name: 'item_outcomes', type: 'jsonb', nullable: true })
  itemOutcomes: ItemOutcome[] | null;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ name: 'approved_at', type: 'timestamptz', nullable: true })
  approvedAt: Date | null;

  @Column({ name: 'approved_by_id', type: 'uuid', nullable: true })
  approvedById: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'approved_by_id', foreignKeyConstraintName: 'fk_request_approved_by' })
  approvedBy?: UserEntity | null;

  @Column({ name: 'transmitted_at', type: 'timestamptz', nullable: true })
  transmittedAt: Date | null;

  /** Set by the application to the millisecond, so keyset cursors round-trip exactly. */
  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
