import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { AgencyEntity } from '../directory/agency.entity';
import { CooperationRequestEntity } from '../requests/cooperation-request.entity';
import { UserEntity } from '../users/user.entity';

/** bigint columns as numbers: sizes stay far below 2^53. */
const bigintAsNumber = {
  to: (value: number | null) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/**
 * One stored object: the bytes of one content, by SHA-256, referred to by every evidence item with
 * that content (security.md E11: the same file given twice is stored once). Bytes are removed only
 * when no item that is not disposed of refers to them.
 */
@Entity({ name: 'evidence_blob' })
export class EvidenceBlobEntity {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'pk_evidence_blob' })
  sha256: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  size: number;

  @Column({ name: 'storage_key', type: 'text' })
  storageKey: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'disposed_at', type: 'timestamptz', nullable: true })
  disposedAt: Date | null;
}

/**
 * Results delivered: items sealed under a manifest the portal signs (domain.md §9.2). A request may
 * be answered in several deliveries; the one marked final says nothing more will come.
 */
@Entity({ name: 'evidence_package' })
@Index('ix_evidence_package_request', ['requestId', 'sequence'], { unique: true })
@Check('ck_evidence_package_status', `"status" IN ('sealed', 'acknowledged', 'disputed')`)
@Check(
  'ck_evidence_package_acknowledged',
  `("status" = 'sealed') = ("acknowledged_at" IS NULL) AND ("acknowledged_at" IS NULL) = ("acknowledged_by_id" IS NULL)`,
)
export class EvidencePackageEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_evidence_package' })
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => CooperationRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_evidence_package_request' })
  request?: CooperationRequestEntity;

  /** 1, 2, … per request. */
  @Column({ type: 'integer' })
  sequence: number;

  @Column({ name: 'final', type: 'boolean' })
  final: boolean;

  /** The manifest exactly as signed (canonical JSON). */
  @Column({ type: 'text' })
  manifest: string;

  @Column({ type: 'jsonb' })
  signature: { algorithm: 'Ed25519'; keyId: string; value: string };

  @Column({ name: 'sealed_by_id', type: 'uuid' })
  sealedById: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'sealed_by_id', foreignKeyConstraintName: 'fk_evidence_package_sealed_by' })
  sealedBy?: UserEntity;

  @Column({ name: 'sealed_at', type: 'timestamptz' })
  sealedAt: Date;

  @Column({ type: 'text', default: 'sealed' })
  status: 'sealed' | 'acknowledged' | 'disputed';

  @Column({ name: 'acknowledged_by_id', type: 'uuid', nullable: true })
  acknowledgedById: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'acknowledged_by_id', foreignKeyConstraintName: 'fk_evidence_package_acknowledged_by' })
  acknowledgedBy?: UserEntity;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;

  /** Per item: the hash the receiving side computed, and whether it matched. */
  @Column({ type: 'jsonb', nullable: true })
  acknowledgement: Array<{ id: string; sha256: string; matches: boolean }> | null;
}

/** A legal hold set by one side for proceedings of its own (domain.md §10: retention). */
export interface LegalHold {
  side: 'requesting' | 'requested';
  agencyId: string;
  userId: string;
  reason: string;
  setAt: string;
}

/** What the providing agency declares about how the item was obtained (security.md §5.2). */
export interface EvidenceOrigin {
  acquisitionMethod?: string;
  acquisitionTool?: string;
  acquiredBy?: string;
  acquiredAt?: string;
  sourceDescription?: string;
  legalAuthority?: string;
  /** The hash taken at acquisition, as the providing agency recorded it. */
  acquisitionSha256?: string;
}

/** One evidence item given in execution of a request (architecture.md §5; domain.md §9.2). */
@Entity({ name: 'evidence_item' })
@Index('ix_evidence_item_request', ['requestId', 'uploadedAt'])
@Index('ix_evidence_item_retention', ['retainUntil'])
@Index('ix_evidence_item_package', ['packageId'])
@Check('ck_evidence_item_integrity', `"integrity" IN ('intact', 'failed')`)
@Check(
  'ck_evidence_item_disposed',
  `("disposed_at" IS NULL) = ("disposal_reason" IS NULL) AND ("disposed_by_id" IS NULL OR "disposed_at" IS NOT NULL)`,
)
export class EvidenceItemEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_evidence_item' })
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => CooperationRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_evidence_item_request' })
  request?: CooperationRequestEntity;

  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @ManyToOne(() => EvidenceBlobEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'sha256', foreignKeyConstraintName: 'fk_evidence_item_blob' })
  blob?: EvidenceBlobEntity;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  size: number;

  /** Sanitised; the name the uploader gave is untrusted and never used as a path. */
  @Column({ name: 'file_name', type: 'text' })
  fileName: string;

  /** Detected from the content (magic bytes); what the client claimed is kept beside it. */
  @Column({ name: 'media_type', type: 'text' })
  mediaType: string;

  @Column({ name: 'declared_media_type', type: 'text', nullable: true })
  declaredMediaType: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'jsonb' })
  origin: EvidenceOrigin;

  @Column({ name: 'uploaded_by_id', type: 'uuid' })
  uploadedById: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'uploaded_by_id', foreignKeyConstraintName: 'fk_evidence_item_uploaded_by' })
  uploadedBy?: UserEntity;

  @Column({ name: 'uploaded_by_agency_id', type: 'uuid' })
  uploadedByAgencyId: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'uploaded_by_agency_id', foreignKeyConstraintName: 'fk_evidence_item_agency' })
  uploadedByAgency?: AgencyEntity;

  @Column({ name: 'uploaded_at', type: 'timestamptz' })
  uploadedAt: Date;

  /** The signed receipt exactly as given to the uploader (canonical JSON). */
  @Column({ type: 'text', nullable: true })
  receipt: string | null;

  @Column({ name: 'receipt_signature', type: 'jsonb', nullable: true })
  receiptSignature: { algorithm: 'Ed25519'; keyId: string; value: string } | null;

  @Column({ name: 'package_id', type: 'uuid', nullable: true })
  packageId: string | null;

  @ManyToOne(() => EvidencePackageEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'package_id', foreignKeyConstraintName: 'fk_evidence_item_package' })
  package?: EvidencePackageEntity;

  @Column({ name: 'retain_until', type: 'timestamptz' })
  retainUntil: Date;

  /** At most one hold per side; each side lifts only its own, and any hold keeps the bytes. */
  @Column({ name: 'legal_holds', type: 'jsonb' })
  legalHolds: LegalHold[];

  @Column({ type: 'text', default: 'intact' })
  integrity: 'intact' | 'failed';

  @Column({ name: 'last_verified_at', type: 'timestamptz', nullable: true })
  lastVerifiedAt: Date | null;

  @Column({ name: 'disposed_at', type: 'timestamptz', nullable: true })
  disposedAt: Date | null;

  /** Null when the retention job disposed of it. */
  @Column({ name: 'disposed_by_id', type: 'uuid', nullable: true })
  disposedById: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'disposed_by_id', foreignKeyConstraintName: 'fk_evidence_item_disposed_by' })
  disposedBy?: UserEntity;

  @Column({ name: 'disposal_reason', type: 'text', nullable: true })
  disposalReason: string | null;
}
