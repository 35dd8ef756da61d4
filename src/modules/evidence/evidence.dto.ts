import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsISO8601,
  IsOptional,
  Matches,
  ValidateNested,
} from 'class-validator';
import { SignatureDto } from '../../common/crypto/signature.dto';
import { IsOmittable, IsText } from '../../common/validation/decorators';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The form fields that may accompany the file in `multipart/form-data` (before or after it). Only
 * `file` is required. What the providing agency declares about the acquisition is recorded as
 * given (security.md §5.2); the portal's own hash is what the receipt certifies.
 */
export class UploadEvidenceFieldsDto {
  @ApiPropertyOptional({
    description: 'SHA-256 of the file (hex) as computed by the sender; a mismatch refuses the upload (422)',
  })
  @IsOmittable()
  @Matches(SHA256_HEX, { message: 'sha256 must be 64 lowercase hexadecimal characters' })
  sha256?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOmittable()
  @IsText(2000)
  description?: string;

  @ApiPropertyOptional({ example: 'provider export', maxLength: 200 })
  @IsOmittable()
  @IsText(200)
  acquisitionMethod?: string;

  @ApiPropertyOptional({ example: 'FTK Imager 4.7.1', maxLength: 200 })
  @IsOmittable()
  @IsText(200)
  acquisitionTool?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOmittable()
  @IsText(200)
  acquiredBy?: string;

  @ApiPropertyOptional({ example: '2026-11-20T09:30:00+01:00' })
  @IsOmittable()
  @IsISO8601({ strict: true }, { message: 'acquiredAt must be an ISO 8601 date and time with its offset' })
  acquiredAt?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOmittable()
  @IsText(500)
  sourceDescription?: string;

  @ApiPropertyOptional({ description: 'The order or warrant under which it was obtained', maxLength: 500 })
  @IsOmittable()
  @IsText(500)
  legalAuthority?: string;

  @ApiPropertyOptional({ description: 'The hash recorded at acquisition (hex SHA-256)' })
  @IsOmittable()
  @Matches(SHA256_HEX, { message: 'acquisitionSha256 must be 64 lowercase hexadecimal characters' })
  acquisitionSha256?: string;
}

/** The OpenAPI shape of the upload body. */
export class UploadEvidenceBodyDto extends UploadEvidenceFieldsDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The file; exactly one' })
  file: unknown;
}

export class EvidenceOriginDto {
  @ApiPropertyOptional() acquisitionMethod?: string;
  @ApiPropertyOptional() acquisitionTool?: string;
  @ApiPropertyOptional() acquiredBy?: string;
  @ApiPropertyOptional() acquiredAt?: string;
  @ApiPropertyOptional() sourceDescription?: string;
  @ApiPropertyOptional() legalAuthority?: string;
  @ApiPropertyOptional() acquisitionSha256?: string;
}

export class LegalHoldViewDto {
  @ApiProperty({ enum: ['requesting', 'requested'] }) side: 'requesting' | 'requested';
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty() reason: string;
  @ApiProperty() setAt: string;
}

export class EvidenceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) requestId: string;
  @ApiProperty({ description: 'Sanitised file name' }) fileName: string;
  @ApiProperty({ description: 'Bytes' }) size: number;
  @ApiProperty({ description: 'SHA-256 of the content, hex, computed by the portal while receiving it' })
  sha256: string;
  @ApiProperty({ description: 'Detected from the content' }) mediaType: string;
  @ApiProperty({ nullable: true, type: String }) declaredMediaType: string | null;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ type: EvidenceOriginDto }) origin: EvidenceOriginDto;
  @ApiProperty({ format: 'uuid' }) uploadedById: string;
  @ApiProperty({ format: 'uuid' }) uploadedByAgencyId: string;
  @ApiProperty() uploadedAt: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Set once delivered in a package',
  })
  packageId: string | null;
  @ApiProperty() retainUntil: string;
  @ApiProperty({ type: [LegalHoldViewDto], description: 'Holds that keep the bytes past their retention' })
  legalHolds: LegalHoldViewDto[];
  @ApiProperty({ enum: ['intact', 'failed'] }) integrity: 'intact' | 'failed';
  @ApiProperty({ nullable: true, type: String }) lastVerifiedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The bytes are gone; metadata and hash remain' })
  disposedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) disposalReason: string | null;
}

export class EvidenceListDto {
  @ApiProperty({ type: [EvidenceDto] }) items: EvidenceDto[];
}

export class SignedReceiptDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The receipt: evidence id, request, file name, size, SHA-256, media type, uploader, time received, and the audit entry that records it, with a signed checkpoint of the audit log that covers the entry and its inclusion proof',
  })
  receipt: Record<string, unknown>;
  @ApiProperty({ type: SignatureDto }) signature: SignatureDto;
}

export class EvidenceUploadResultDto {
  @ApiProperty({ type: EvidenceDto }) evidence: EvidenceDto;
  @ApiProperty({ type: SignedReceiptDto }) receipt: SignedReceiptDto;
}

export class CustodyActorDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty() role: string;
}

export class CustodyEventDto {
  @ApiProperty({ description: 'Sequence number of the audit entry that records it' }) seq: number;
  @ApiProperty() at: string;
  @ApiProperty({
    example: 'evidence.download',
    description:
      'evidence.upload, evidence.view, evidence.download, evidence.verify, evidence.seal, evidence.receipt_acknowledged, ' +
      'evidence.legal_hold_set, evidence.legal_hold_lifted, evidence.dispose, evidence.integrity_failure. Two kinds of entry are in the audit log ' +
      "(GET /v1/audit/events) but not in an item's trail: evidence.list, one entry about the request naming " +
      'the items listed, and evidence.access_denied, which names a probed id without confirming it exists.',
  })
  event: string;
  @ApiProperty({ enum: ['success', 'failure', 'denied'] }) outcome: string;
  @ApiProperty({ type: CustodyActorDto, nullable: true, description: 'Null when the portal itself acted' })
  actor: CustodyActorDto | null;
  @ApiProperty({ nullable: true, type: String }) purpose: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The hash handled or found' }) sha256:
    string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details: Record<string, unknown>;
}

export class CustodyTrailDto {
  @ApiProperty({ format: 'uuid' }) evidenceId: string;
  @ApiProperty({ type: [CustodyEventDto] }) events: CustodyEventDto[];
}

export class VerificationResultDto {
  @ApiProperty({ format: 'uuid' }) evidenceId: string;
  @ApiProperty() intact: boolean;
  @ApiProperty() sha256: string;
  @ApiProperty() verifiedAt: string;
}

export class SealPackageDto {
  @ApiPropertyOptional({ description: 'Nothing more will be delivered for this request (default false)' })
  @IsOptional()
  @IsBoolean()
  final?: boolean;

  @ApiPropertyOptional({ maxLength: 2000, description: 'A note that travels in the manifest' })
  @IsOmittable()
  @IsText(2000)
  note?: string;
}

export class PackageItemHashDto {
  @ApiProperty({ format: 'uuid' })
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
    message: 'id must be a UUID',
  })
  id: string;

  @ApiProperty({ description: 'SHA-256 the receiving side computed over the file it downloaded' })
  @Matches(SHA256_HEX, { message: 'sha256 must be 64 lowercase hexadecimal characters' })
  sha256: string;
}

export class AcknowledgePackageDto {
  @ApiProperty({ type: [PackageItemHashDto], description: 'Every item of the package, once' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10000)
  @ValidateNested({ each: true })
  @Type(() => PackageItemHashDto)
  items: PackageItemHashDto[];
}

export class PackageAcknowledgementItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() sha256: string;
  @ApiProperty() matches: boolean;
}

export class EvidencePackageDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) requestId: string;
  @ApiProperty() sequence: number;
  @ApiProperty() final: boolean;
  @ApiProperty({ enum: ['sealed', 'acknowledged', 'disputed'] }) status: string;
  @ApiProperty() sealedAt: string;
  @ApiProperty({ format: 'uuid' }) sealedById: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The manifest: items with names, sizes and hashes, conditions on use, request and sender',
  })
  manifest: Record<string, unknown>;
  @ApiProperty({ type: SignatureDto }) signature: SignatureDto;
  @ApiProperty({ nullable: true, type: String }) acknowledgedAt: string | null;
  @ApiProperty({ type: [PackageAcknowledgementItemDto], nullable: true })
  acknowledgement: PackageAcknowledgementItemDto[] | null;
}

export class EvidencePackageListDto {
  @ApiProperty({ type: [EvidencePackageDto] }) items: EvidencePackageDto[];
}

export class DisposeEvidenceDto {
  @ApiProperty({ maxLength: 2000, description: 'Why the bytes are disposed of (and on what authority)' })
  @IsText(2000)
  reason: string;
}

export class LegalHoldDto {
  @ApiProperty() @IsBoolean() hold: boolean;

  @ApiProperty({ maxLength: 2000 })
  @IsText(2000)
  reason: string;
}

export class PublishedKeyDto {
  @ApiProperty() keyId: string;
  @ApiProperty({ enum: ['Ed25519'] }) algorithm: string;
  @ApiProperty({ description: 'Raw 32-byte public key, base64' }) publicKey: string;
  @ApiProperty() publicKeyPem: string;
  @ApiProperty({ description: 'C2SP signed-note verifier key' }) noteVerifierKey: string;
  @ApiProperty({ enum: ['active', 'retired'] }) status: string;
}

export class PublishedKeysDto {
  @ApiProperty({ description: 'The name the portal signs under' }) name: string;
  @ApiProperty({
    description:
      'The origin (first line) of every audit log checkpoint: the log’s name, which stays the same across key rotations',
    example: 'mla-portal.example/audit',
  })
  auditLogOrigin: string;
  @ApiProperty({ type: [PublishedKeyDto] }) keys: PublishedKeyDto[];
}

export class PurposeQueryDto {
  @ApiPropertyOptional({
    maxLength: 200,
    description: 'Why the item is handled; recorded in its custody trail',
  })
  @IsOmittable()
  @IsText(200)
  purpose?: string;
}
