import type { IncomingMessage } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull, Not } from 'typeorm';
import parseRange from 'range-parser';
import { OFFER_TYPES, RequestStatus } from '@mla/contracts';
import { Clock } from '../../common/clock';
import { PortalSigner } from '../../common/crypto/portal-signer';
import { ActionForbiddenError } from '../requests/requests.errors';
import { AppConfig } from '../../config/app-config';
import { beforeCommit, TransactionRunner } from '../../database/transaction-runner';
import { canonicalJson } from '../audit/canonical-json';
import { AuditService } from '../audit/audit.service';
import type { AuditEvent } from '../audit/audit.types';
import { auditActor, type Principal } from '../auth/principal';
import type { CooperationRequestEntity } from '../requests/cooperation-request.entity';
import { EvidenceAccess, type VisibleItem } from './evidence-access';
import { EvidenceBlobEntity, EvidenceItemEntity, type EvidenceOrigin } from './evidence.entities';
import {
  EvidenceDigestMismatchError,
  EvidenceDisposedError,
  EvidenceIntegrityError,
  EvidenceMediaTypeNotAllowedError,
  EvidenceStorageFailureError,
  EvidenceTooLargeError,
  EvidenceUploadNotAllowedError,
  RangeNotSatisfiableError,
} from './evidence.errors';
import {
  type CustodyTrailDto,
  type EvidenceDto,
  type EvidenceListDto,
  type EvidenceUploadResultDto,
  type SignedReceiptDto,
  UploadEvidenceFieldsDto,
  type VerificationResultDto,
} from './evidence.dto';
import { StorageFailure } from './storage/evidence-store';
import { EvidenceVault, UploadTooLargeError } from './storage/evidence-vault';
import { detectMediaType, sanitiseFileName } from './upload/content-checks';
import { receiveUpload } from './upload/multipart-upload';
import { createValidationPipe } from '../../common/validation/validation.pipe';

/** "Only while the request is accepted or in execution" (issue 5): before, nothing is owed; after, nothing more. */
const UPLOAD_STATUSES: readonly RequestStatus[] = [RequestStatus.Accepted, RequestStatus.InExecution];

const DAY_MS = 24 * 60 * 60 * 1000;

/** An opened download: what to announce in the headers, and the bytes. */
export interface EvidenceDownload {
  item: EvidenceItemEntity;
  /** Inclusive byte range served; the whole file when the status is 200. */
  start: number;
  end: number;
  status: 200 | 206;
  body: AsyncGenerator<Buffer>;
  /** To call when the stream fails its integrity check after the headers have gone. */
  onIntegrityFailure(problem: string): Promise<void>;
}

/**
 * Evidence items: receiving them (hashed, checked and sealed while they stream in), serving them
 * back (authenticated before each byte leaves), and their custody trail. Every handling is an
 * audit entry whose target is the item; the custody trail is read from the log itself, so it
 * carries the log's tamper evidence.
 */
@Injectable()
export class EvidenceService {
  private readonly logger = new Logger(EvidenceService.name);
  private readonly fieldsPipe = createValidationPipe();

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly access: EvidenceAccess,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly vault: EvidenceVault,
    private readonly signer: PortalSigner,
  ) {}

  async upload(
    principal: Principal,
    requestId: string,
    body: IncomingMessage,
  ): Promise<EvidenceUploadResultDto> {
    // Checked before a byte is read, so a request that may not receive evidence costs no transfer.
    const { request, side } = await this.access.request(this.dataSource.manager, principal, requestId);
    assertMayUpload(request, side);
    const limit = this.config.evidence.maxBytes;
    let received;
    try {
      received = await receiveUpload(body, this.vault, limit);
    } catch (error) {
      if (error instanceof UploadTooLargeError) {
        await this.refused(principal, request, 'too_large', { limitBytes: limit });
        throw new EvidenceTooLargeError(limit);
      }
      if (error instanceof StorageFailure) throw await this.storageFailure(principal, request, error);
      throw error;
    }
    const { staged } = received;
    try {
      const fields = (await this.fieldsPipe.transform(received.fields, {
        type: 'body',
        metatype: UploadEvidenceFieldsDto,
      })) as UploadEvidenceFieldsDto;
      if (fields.sha256 && fields.sha256 !== staged.sha256) {
        await this.refused(principal, request, 'digest_mismatch', {
          declaredSha256: fields.sha256,
          sha256: staged.sha256,
          size: staged.size,
        });
        throw new EvidenceDigestMismatchError(fields.sha256, staged.sha256);
      }
      const mediaType = await detectMediaType(staged.head, received.declaredMediaType);
      if (!this.config.evidence.mediaTypes.includes(mediaType)) {
        await this.refused(principal, request, 'media_type_not_allowed', {
          detected: mediaType,
          sha256: staged.sha256,
        });
        throw new EvidenceMediaTypeNotAllowedError(mediaType);
      }
      let key: string;
      try {
        key = await this.vault.publish(staged);
      } catch (error) {
        if (error instanceof StorageFailure) throw await this.storageFailure(principal, request, error);
        throw error;
      }
      const item = await this.transactions.run(async (manager) => {
        // Again, under a lock that holds off a withdrawal or closure until this commits.
        const current = await this.access.request(manager, principal, requestId, undefined, 'share');
        assertMayUpload(current.request, current.side);
        await this.ensureBlob(manager, staged, key);
        const now = this.clock.now();
        const row = manager.create(EvidenceItemEntity, {
          requestId,
          sha256: staged.sha256,
          size: staged.size,
          fileName: sanitiseFileName(received.fileName),
          mediaType,
          declaredMediaType: received.declaredMediaType?.slice(0, 200) ?? null,
          description: fields.description ?? null,
          origin: originOf(fields),
          uploadedById: principal.userId,
          uploadedByAgencyId: principal.agencyId,
          uploadedAt: now,
          packageId: null,
          retainUntil: new Date(now.getTime() + this.retentionDays(current.request) * DAY_MS),
          legalHold: false,
          legalHoldReason: null,
          integrity: 'intact',
          lastVerifiedAt: now,
          receipt: null,
          receiptSignature: null,
          disposedAt: null,
          disposedById: null,
          disposalReason: null,
        });
        await manager.insert(EvidenceItemEntity, row);
        const entryId = await this.audit.append(manager, {
          ...custody(principal, row, 'evidence.upload', 'success'),
          data: {
            purpose: 'upload',
            sha256: row.sha256,
            size: row.size,
            mediaType,
            fileName: row.fileName,
            deduplicated: false,
          },
        });
        // The receipt names the audit entry's position in the log, known only once it is written:
        // the log writes at the end of the transaction, and this runs after it, still inside.
        beforeCommit(manager, async () => {
          const [entry]: Array<{ seq: string; leaf_hash: string }> = await manager.query(
            'SELECT "seq", "leaf_hash" FROM "audit_entry" WHERE "id" = $1',
            [entryId],
          );
          const receipt = {
            type: 'mla-portal/evidence-receipt',
            version: 1,
            issuer: this.signer.name,
            evidence: {
              id: row.id,
              fileName: row.fileName,
              size: row.size,
              sha256: row.sha256,
              hashAlgorithm: 'SHA-256',
              mediaType: row.mediaType,
              receivedAt: row.uploadedAt.toISOString(),
            },
            request: { id: current.request.id, reference: current.request.reference },
            uploader: {
              userId: principal.userId,
              username: principal.username,
              agencyId: principal.agencyId,
              agencyCode: principal.agencyCode,
              role: principal.role,
            },
            audit: { seq: Number(entry.seq), entryId, leafHash: entry.leaf_hash },
          };
          row.receipt = canonicalJson(receipt);
          row.receiptSignature = this.signer.sign(row.receipt);
          await manager.update(
            EvidenceItemEntity,
            { id: row.id },
            { receipt: row.receipt, receiptSignature: row.receiptSignature },
          );
        });
        return row;
      });
      return { evidence: toEvidenceDto(item), receipt: signedReceipt(item) };
    } finally {
      // Published (linked) or refused, the staging file has served its purpose.
      await this.vault.discard(staged);
    }
  }

  async list(principal: Principal, requestId: string): Promise<EvidenceListDto> {
    const manager = this.dataSource.manager;
    const { side } = await this.access.request(manager, principal, requestId);
    const rows = await manager.find(EvidenceItemEntity, {
      where: { requestId, ...(side === 'requesting' ? { packageId: Not(IsNull()) } : {}) },
      order: { uploadedAt: 'ASC', id: 'ASC' },
    });
    return { items: rows.map(toEvidenceDto) };
  }

  /** The item's metadata; looking at it is a custody event (security.md §5.2: viewed). */
  async get(principal: Principal, id: string, purpose?: string): Promise<EvidenceDto> {
    return this.transactions.run(async (manager) => {
      const { item } = await this.access.item(manager, principal, id);
      await this.audit.append(manager, {
        ...custody(principal, item, 'evidence.view', 'success'),
        data: { purpose: purpose ?? 'view metadata', sha256: item.sha256 },
      });
      return toEvidenceDto(item);
    });
  }

  async receipt(principal: Principal, id: string): Promise<SignedReceiptDto> {
    const { item } = await this.access.item(this.dataSource.manager, principal, id);
    return signedReceipt(item);
  }

  /** Every handling of the item, from the audit log, in order. */
  async custody(principal: Principal, id: string): Promise<CustodyTrailDto> {
    const manager = this.dataSource.manager;
    const { item } = await this.access.item(manager, principal, id);
    const entries: Array<{ seq: string; body: string }> = await manager.query(
      `SELECT "seq", "body" FROM "audit_entry" WHERE "target_type" = 'evidence' AND "target_id" = $1 ORDER BY "seq"`,
      [item.id],
    );
    return {
      evidenceId: item.id,
      events: entries.map((entry) => {
        const body = JSON.parse(entry.body) as {
          ts: string;
          type: string;
          outcome: string;
          actor: { user: string; agency: string; role: string } | null;
          data: Record<string, unknown>;
        };
        const { purpose, sha256, ...details } = body.data;
        return {
          seq: Number(entry.seq),
          at: body.ts,
          event: body.type,
          outcome: body.outcome,
          actor: body.actor
            ? { userId: body.actor.user, agencyId: body.actor.agency, role: body.actor.role }
            : null,
          purpose: typeof purpose === 'string' ? purpose : null,
          sha256: typeof sha256 === 'string' ? sha256 : null,
          details,
        };
      }),
    };
  }

  /** Re-hashes the stored bytes now (EVD-05) and records the result in the custody trail. */
  async verify(principal: Principal | null, id: string, purpose?: string): Promise<VerificationResultDto> {
    const item = principal
      ? (await this.access.item(this.dataSource.manager, principal, id)).item
      : await this.dataSource.manager.findOneByOrFail(EvidenceItemEntity, { id });
    if (item.disposedAt) throw new EvidenceDisposedError(item.disposedAt);
    const blob = await this.dataSource.manager.findOneByOrFail(EvidenceBlobEntity, { sha256: item.sha256 });
    const result = await this.vault.verify(blob.storageKey, item.sha256, item.size);
    const verifiedAt = this.clock.now();
    await this.transactions.run(async (manager) => {
      await manager.update(
        EvidenceItemEntity,
        { id: item.id },
        { lastVerifiedAt: verifiedAt, ...(result.intact ? {} : { integrity: 'failed' as const }) },
      );
      await this.audit.append(manager, {
        ...custodyBy(principal, item, 'evidence.verify', result.intact ? 'success' : 'failure'),
        data: {
          purpose: purpose ?? (principal ? 'verification on demand' : 'scheduled fixity check'),
          sha256: item.sha256,
          intact: result.intact,
          ...(result.problem ? { problem: result.problem } : {}),
        },
      });
    });
    if (!result.intact) this.alert(item, result.problem ?? 'unknown');
    return {
      evidenceId: item.id,
      intact: result.intact,
      sha256: item.sha256,
      verifiedAt: verifiedAt.toISOString(),
    };
  }

  /**
   * Opens the item's bytes for download, after the checks: visible, not disposed of, not known to be
   * corrupt, and (up to the configured size) verified whole before the first byte is sent, so that a
   * corrupt item is answered with a clean error. Larger items are authenticated segment by segment
   * as they stream; a failure then cuts the connection before the bad segment leaves.
   */
  async openDownload(
    principal: Principal,
    id: string,
    rangeHeader: string | undefined,
    purpose: string | undefined,
  ): Promise<EvidenceDownload> {
    const visible = await this.access.item(this.dataSource.manager, principal, id);
    const { item } = visible;
    if (item.disposedAt) throw new EvidenceDisposedError(item.disposedAt);
    if (item.integrity === 'failed') {
      await this.recordIntegrityFailure(
        principal,
        visible,
        'refused: the item failed an earlier check',
        false,
      );
      throw new EvidenceIntegrityError();
    }
    const blob = await this.dataSource.manager.findOneByOrFail(EvidenceBlobEntity, { sha256: item.sha256 });
    let start = 0;
    let end = item.size - 1;
    let status: 200 | 206 = 200;
    if (rangeHeader && item.size > 0) {
      const ranges = parseRange(item.size, rangeHeader, { combine: true });
      if (ranges === -1) throw new RangeNotSatisfiableError(item.size);
      // A malformed header, or several ranges, is answered with the whole file (RFC 9110 §14.2 allows it).
      if (Array.isArray(ranges) && ranges.type === 'bytes' && ranges.length === 1) {
        start = ranges[0].start;
        end = ranges[0].end;
        status = 206;
      }
    }
    if (item.size <= this.config.evidence.preverifyMaxBytes) {
      const result = await this.vault.verify(blob.storageKey, item.sha256, item.size);
      if (!result.intact) {
        await this.recordIntegrityFailure(principal, visible, result.problem ?? 'unknown', true);
        throw new EvidenceIntegrityError();
      }
    }
    await this.transactions.run((manager) =>
      this.audit.append(manager, {
        ...custody(principal, item, 'evidence.download', 'success'),
        data: {
          purpose: purpose ?? 'download',
          sha256: item.sha256,
          ...(status === 206 ? { range: `${start}-${end}` } : {}),
        },
      }),
    );
    return {
      item,
      start,
      end,
      status,
      body: this.vault.plaintext(blob.storageKey, item.sha256, item.size, start, end),
      onIntegrityFailure: (problem) => this.recordIntegrityFailure(principal, visible, problem, true),
    };
  }

  /** Marks the item corrupt (never served again), records it in its trail, and raises the alert. */
  private async recordIntegrityFailure(
    principal: Principal,
    { item }: VisibleItem,
    problem: string,
    mark: boolean,
  ): Promise<void> {
    await this.transactions.run(async (manager) => {
      if (mark) await manager.update(EvidenceItemEntity, { id: item.id }, { integrity: 'failed' });
      await this.audit.append(manager, {
        ...custody(principal, item, 'evidence.integrity_failure', 'failure'),
        data: { purpose: 'download', sha256: item.sha256, problem },
      });
    });
    if (mark) this.alert(item, problem);
  }

  private alert(item: EvidenceItemEntity, problem: string): void {
    // An operator alert (CJIS AU-9b): log shippers raise it on this message.
    this.logger.error(
      { evidenceId: item.id, requestId: item.requestId, problem },
      'evidence integrity failure',
    );
  }

  /**
   * Records the stored object for this content, or finds the existing one. Locking its row orders
   * this upload after a disposal of the same content in progress; if the bytes were removed by one,
   * they are published again from this upload's staging file.
   */
  private async ensureBlob(
    manager: EntityManager,
    staged: { file: string; sha256: string; size: number },
    key: string,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO "evidence_blob" ("sha256", "size", "storage_key", "created_at")
       VALUES ($1, $2, $3, $4)
       ON CONFLICT ("sha256") DO UPDATE SET "disposed_at" = NULL`,
      [staged.sha256, staged.size, key, this.clock.now()],
    );
    if ((await this.vault.store.size(key)) === undefined) {
      await this.vault.publish(staged as Parameters<EvidenceVault['publish']>[0]);
    }
  }

  private retentionDays(request: CooperationRequestEntity): number {
    const days = this.config.evidence.retentionDays;
    return days[request.type] ?? days.default;
  }

  /** A refused upload is recorded too (E1): who tried, on which request, and why. */
  private refused(
    principal: Principal,
    request: CooperationRequestEntity,
    reason: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record({
      action: 'evidence.upload',
      outcome: 'failure',
      actor: auditActor(principal),
      target: { type: 'request', id: request.id },
      requestId: request.id,
      data: { reason, ...data },
    });
  }

  private async storageFailure(
    principal: Principal,
    request: CooperationRequestEntity,
    error: StorageFailure,
  ): Promise<EvidenceStorageFailureError> {
    this.logger.error({ requestId: request.id, problem: error.message }, 'evidence storage failure');
    await this.refused(principal, request, 'storage_failure', {});
    return new EvidenceStorageFailureError();
  }
}

function assertMayUpload(request: CooperationRequestEntity, side: 'requesting' | 'requested'): void {
  if (side !== 'requested' || OFFER_TYPES.includes(request.type))
    throw new ActionForbiddenError('upload_evidence', 'role_or_side');
  if (!UPLOAD_STATUSES.includes(request.status)) throw new EvidenceUploadNotAllowedError(request.status);
}

function originOf(fields: UploadEvidenceFieldsDto): EvidenceOrigin {
  const origin: EvidenceOrigin = {
    acquisitionMethod: fields.acquisitionMethod,
    acquisitionTool: fields.acquisitionTool,
    acquiredBy: fields.acquiredBy,
    acquiredAt: fields.acquiredAt,
    sourceDescription: fields.sourceDescription,
    legalAuthority: fields.legalAuthority,
    acquisitionSha256: fields.acquisitionSha256,
  };
  return Object.fromEntries(Object.entries(origin).filter(([, value]) => value !== undefined));
}

/** An audit entry about one item: its custody trail is the log's entries with it as their target. */
export function custody(
  principal: Principal,
  item: Pick<EvidenceItemEntity, 'id' | 'requestId'>,
  action: string,
  outcome: AuditEvent['outcome'],
): AuditEvent {
  return custodyBy(principal, item, action, outcome);
}

export function custodyBy(
  principal: Principal | null,
  item: Pick<EvidenceItemEntity, 'id' | 'requestId'>,
  action: string,
  outcome: AuditEvent['outcome'],
): AuditEvent {
  return {
    action,
    outcome,
    actor: principal ? auditActor(principal) : null,
    target: { type: 'evidence', id: item.id },
    requestId: item.requestId,
  };
}

export function toEvidenceDto(item: EvidenceItemEntity): EvidenceDto {
  return {
    id: item.id,
    requestId: item.requestId,
    fileName: item.fileName,
    size: item.size,
    sha256: item.sha256,
    mediaType: item.mediaType,
    declaredMediaType: item.declaredMediaType,
    description: item.description,
    origin: item.origin,
    uploadedById: item.uploadedById,
    uploadedByAgencyId: item.uploadedByAgencyId,
    uploadedAt: item.uploadedAt.toISOString(),
    packageId: item.packageId,
    retainUntil: item.retainUntil.toISOString(),
    legalHold: item.legalHold,
    integrity: item.integrity,
    lastVerifiedAt: item.lastVerifiedAt?.toISOString() ?? null,
    disposedAt: item.disposedAt?.toISOString() ?? null,
    disposalReason: item.disposalReason,
  };
}

function signedReceipt(item: EvidenceItemEntity): SignedReceiptDto {
  if (!item.receipt || !item.receiptSignature) throw new Error(`evidence ${item.id} has no receipt`);
  return { receipt: JSON.parse(item.receipt) as Record<string, unknown>, signature: item.receiptSignature };
}
