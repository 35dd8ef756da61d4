import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull, Not } from 'typeorm';
import parseRange from 'range-parser';
import { OFFER_TYPES, RequestStatus } from '@mla/contracts';
import { Clock } from '../../common/clock';
import { PortalSigner } from '../../common/crypto/portal-signer';
import { ActionForbiddenError, RequestNotFoundError } from '../requests/requests.errors';
import { DomainError, ValidationFailedError } from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';
import { beforeCommit, TransactionRunner } from '../../database/transaction-runner';
import { canonicalJson } from '../audit/canonical-json';
import { AuditService } from '../audit/audit.service';
import type { AuditEvent } from '../audit/audit.types';
import { MerkleLogService } from '../audit/merkle-log.service';
import { auditActor, type Principal } from '../auth/principal';
import type { CooperationRequestEntity } from '../requests/cooperation-request.entity';
import { EvidenceAccess, type VisibleItem } from './evidence-access';
import {
  EvidenceBlobEntity,
  EvidenceItemEntity,
  type EvidenceOrigin,
  EvidencePackageEntity,
} from './evidence.entities';
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
import { contentKey, StorageFailure } from './storage/evidence-store';
import { EvidenceVault, type StagedUpload, UploadTooLargeError } from './storage/evidence-vault';
import { detectMediaType, sanitiseFileName } from './upload/content-checks';
import { receiveUpload, UploadIncompleteError } from './upload/multipart-upload';
import { createValidationPipe } from '../../common/validation/validation.pipe';
import { Idempotency, multipartFingerprint } from '../../common/idempotency/idempotency-context';

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
    private readonly merkle: MerkleLogService,
  ) {}

  async upload(
    principal: Principal,
    requestId: string,
    body: IncomingMessage,
  ): Promise<EvidenceUploadResultDto> {
    try {
      return await this.receive(principal, requestId, body);
    } catch (error) {
      // Every refusal is recorded (E1): those with facts of their own were recorded where they arose.
      // An invisible request is recorded as an access denial by the interceptor instead.
      if (
        error instanceof DomainError &&
        !recordedRefusals.has(error) &&
        !(error instanceof RequestNotFoundError)
      )
        await this.audit.record({
          action: 'evidence.upload',
          outcome: error instanceof ActionForbiddenError ? 'denied' : 'failure',
          actor: auditActor(principal),
          target: { type: 'request', id: requestId },
          requestId,
          data: { reason: error.code },
        });
      throw error;
    }
  }

  private async receive(
    principal: Principal,
    requestId: string,
    body: IncomingMessage,
  ): Promise<EvidenceUploadResultDto> {
    // Checked before a byte is read, so a request that may not receive evidence is told at once.
    const { request, side } = await this.access.request(this.dataSource.manager, principal, requestId);
    await this.assertMayUpload(this.dataSource.manager, request, side);
    const limit = this.config.evidence.maxBytes;
    let received;
    try {
      received = await receiveUpload(body, this.vault, limit);
    } catch (error) {
      if (error instanceof UploadTooLargeError) {
        throw await this.refused(principal, request, new EvidenceTooLargeError(limit), 'too_large', {
          limitBytes: limit,
        });
      }
      if (error instanceof StorageFailure) throw await this.storageFailure(principal, request, error);
      if (error instanceof UploadIncompleteError)
        throw await this.refused(
          principal,
          request,
          ValidationFailedError.field('file', 'the upload ended before it was complete'),
          'incomplete',
          {},
        );
      throw error;
    }
    const { staged } = received;
    try {
      const fields = (await this.fieldsPipe.transform(received.fields, {
        type: 'body',
        metatype: UploadEvidenceFieldsDto,
      })) as UploadEvidenceFieldsDto;
      if (fields.sha256 && fields.sha256 !== staged.sha256) {
        throw await this.refused(
          principal,
          request,
          new EvidenceDigestMismatchError(fields.sha256, staged.sha256),
          'digest_mismatch',
          { declaredSha256: fields.sha256, sha256: staged.sha256, size: staged.size },
        );
      }
      // The upload's fingerprint is known only now that the body has been read (REL-02).
      Idempotency.setFingerprint(
        multipartFingerprint(
          body.method ?? 'POST',
          (body as { originalUrl?: string }).originalUrl ?? body.url ?? '',
          {
            fields: received.fields,
            fileName: received.fileName,
            declaredMediaType: received.declaredMediaType,
            sha256: staged.sha256,
          },
        ),
      );
      const mediaType = await detectMediaType(staged.head, received.declaredMediaType);
      if (!this.config.evidence.mediaTypes.includes(mediaType)) {
        throw await this.refused(
          principal,
          request,
          new EvidenceMediaTypeNotAllowedError(mediaType),
          'media_type_not_allowed',
          { detected: mediaType, sha256: staged.sha256 },
        );
      }
      try {
        // Durable before any transaction starts: a row can never exist without its bytes.
        await this.vault.publish(staged);
      } catch (error) {
        if (error instanceof StorageFailure) throw await this.storageFailure(principal, request, error);
        throw error;
      }
      const item = await this.transactions.run(async (manager) => {
        // Again, under a lock that holds off a withdrawal or closure until this commits.
        const current = await this.access.request(manager, principal, requestId, undefined, 'share');
        await this.assertMayUpload(manager, current.request, current.side);
        const deduplicated = await this.recordObject(manager, staged);
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
          legalHolds: [],
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
          ...custodyBy(principal, row, 'evidence.upload', 'success'),
          data: {
            purpose: 'upload',
            sha256: row.sha256,
            size: row.size,
            mediaType,
            fileName: row.fileName,
            deduplicated,
          },
        });
        // The receipt names the audit entry's position in the log, known only once it is written:
        // the log writes at the end of the transaction, and this runs after it, still inside and
        // still under the log head lock. The checkpoint and proof it embeds let the counterpart
        // hold the log to this entry without asking the portal again (issue 6, item 8).
        beforeCommit(manager, async () => {
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
            audit: await this.merkle.receiptWitness(manager, entryId),
          };
          row.receipt = canonicalJson(receipt);
          row.receiptSignature = this.signer.sign(row.receipt);
          await manager.update(
            EvidenceItemEntity,
            { id: row.id },
            { receipt: row.receipt, receiptSignature: row.receiptSignature },
          );
        });
        // Produced after the hooks, so with the receipt: what a retry with the same key gets.
        Idempotency.respondWith(manager, () => ({
          evidence: toEvidenceDto(row),
          receipt: signedReceipt(row),
        }));
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
    // A listing shows every item's metadata: recorded once, on the request, with the items it showed.
    await this.audit.record({
      action: 'evidence.list',
      outcome: 'success',
      actor: auditActor(principal),
      target: { type: 'request', id: requestId },
      requestId,
      data: { items: rows.map((row) => row.id) },
    });
    return { items: rows.map(toEvidenceDto) };
  }

  /** The item's metadata; looking at it is a custody event (security.md §5.2: viewed). */
  async get(principal: Principal, id: string, purpose?: string): Promise<EvidenceDto> {
    return this.transactions.run(async (manager) => {
      const { item } = await this.access.item(manager, principal, id);
      await this.audit.append(manager, {
        ...custodyBy(principal, item, 'evidence.view', 'success'),
        data: { purpose: purpose ?? 'view metadata', sha256: item.sha256 },
      });
      return toEvidenceDto(item);
    });
  }

  async receipt(principal: Principal, id: string): Promise<SignedReceiptDto> {
    const { item } = await this.access.item(this.dataSource.manager, principal, id);
    // A read of the item's papers, not a handling of the item: recorded beside its custody trail.
    await this.audit.record({
      action: 'evidence_receipt.view',
      outcome: 'success',
      actor: auditActor(principal),
      target: { type: 'evidence_receipt', id: item.id },
      requestId: item.requestId,
    });
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
    // Recorded outside the trail it reads (another target type): each reading would otherwise
    // lengthen the trail, and no two readers would ever see the same one.
    await this.audit.record({
      action: 'evidence_custody.view',
      outcome: 'success',
      actor: auditActor(principal),
      target: { type: 'evidence_custody', id: item.id },
      requestId: item.requestId,
      data: { returned: entries.length },
    });
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
  async verify(principal: Principal, id: string, purpose?: string): Promise<VerificationResultDto> {
    const { item } = await this.access.item(this.dataSource.manager, principal, id);
    if (item.disposedAt) throw new EvidenceDisposedError(item.disposedAt);
    const result = await this.check(principal, item, purpose);
    if (!result) throw new EvidenceDisposedError(this.clock.now());
    return result;
  }

  /** The scheduled fixity check of one item; undefined when it was disposed of meanwhile. */
  async checkFixity(id: string): Promise<VerificationResultDto | undefined> {
    const item = await this.dataSource.manager.findOneBy(EvidenceItemEntity, { id });
    return item && !item.disposedAt ? this.check(null, item) : undefined;
  }

  private async check(
    principal: Principal | null,
    item: EvidenceItemEntity,
    purpose?: string,
  ): Promise<VerificationResultDto | undefined> {
    const blob = await this.dataSource.manager.findOneByOrFail(EvidenceBlobEntity, { sha256: item.sha256 });
    const result = await this.vault.verify(blob.storageKey, item.sha256, item.size);
    const verifiedAt = this.clock.now();
    const recorded = await this.transactions.run(async (manager) => {
      // A disposal that ran meanwhile removed the bytes on purpose: that is not a failure.
      const updated = await manager
        .createQueryBuilder()
        .update(EvidenceItemEntity)
        .set({ lastVerifiedAt: verifiedAt, ...(result.intact ? {} : { integrity: 'failed' as const }) })
        .where('id = :id AND disposed_at IS NULL', { id: item.id })
        .execute();
      if (updated.affected === 0) return false;
      await this.audit.append(manager, {
        ...custodyBy(principal, item, 'evidence.verify', result.intact ? 'success' : 'failure'),
        data: {
          purpose: purpose ?? (principal ? 'verification on demand' : 'scheduled fixity check'),
          sha256: item.sha256,
          intact: result.intact,
          ...(result.problem ? { problem: result.problem } : {}),
        },
      });
      if (!result.intact)
        await this.audit.append(manager, {
          ...custodyBy(principal, item, 'evidence.integrity_failure', 'failure'),
          data: { purpose: 'verification', sha256: item.sha256, problem: result.problem ?? 'unknown' },
        });
      return true;
    });
    if (!recorded) return undefined;
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
    const range = rangeHeader ? normaliseRange(rangeHeader, item.size) : undefined;
    if (range && item.size > 0) {
      const ranges = parseRange(item.size, range, { combine: true });
      if (ranges === -1) throw new RangeNotSatisfiableError(item.size);
      // A malformed header, or several ranges, is answered with the whole file (RFC 9110 §14.2 allows it).
      if (Array.isArray(ranges) && ranges.type === 'bytes' && ranges.length === 1) {
        start = ranges[0].start;
        end = ranges[0].end;
        status = 206;
      }
    }
    // A range is served from segments that are each authenticated; only whole files are pre-read.
    if (status === 200 && item.size <= this.config.evidence.preverifyMaxBytes) {
      const result = await this.vault.verify(blob.storageKey, item.sha256, item.size);
      if (!result.intact) {
        await this.recordIntegrityFailure(principal, visible, result.problem ?? 'unknown', true);
        throw new EvidenceIntegrityError();
      }
    }
    await this.transactions.run((manager) =>
      this.audit.append(manager, {
        ...custodyBy(principal, item, 'evidence.download', 'success'),
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
        ...custodyBy(principal, item, 'evidence.integrity_failure', 'failure'),
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
   * Records the stored object for this content and makes sure it is sound; returns whether an
   * existing object was reused. Under a lock on the content (shared with the sweep of unreferenced
   * objects) and on its row (shared with disposal): an object swept or disposed of meanwhile is
   * published again from this upload's staging file; one that is damaged (an item with this content
   * failed a check, or its header or length is wrong) is replaced under a new key, never overwritten.
   */
  private async recordObject(manager: EntityManager, staged: StagedUpload): Promise<boolean> {
    await lockContent(manager, staged.sha256);
    const blob = await manager.findOne(EvidenceBlobEntity, {
      where: { sha256: staged.sha256 },
      lock: { mode: 'pessimistic_write' },
    });
    let key = blob?.storageKey ?? contentKey(staged.sha256);
    const failedBefore = await manager.existsBy(EvidenceItemEntity, {
      sha256: staged.sha256,
      integrity: 'failed',
    });
    const state = failedBefore ? 'damaged' : await this.vault.objectState(key, staged.sha256, staged.size);
    try {
      if (state === 'missing') await this.vault.publish(staged, key);
      if (state === 'damaged') {
        key = `${contentKey(staged.sha256)}v${randomBytes(8).toString('hex')}`;
        await this.vault.publish(staged, key);
      }
    } catch (error) {
      if (error instanceof StorageFailure) throw new EvidenceStorageFailureError();
      throw error;
    }
    await manager.query(
      `INSERT INTO "evidence_blob" ("sha256", "size", "storage_key", "created_at")
       VALUES ($1, $2, $3, $4)
       ON CONFLICT ("sha256") DO UPDATE SET "storage_key" = EXCLUDED."storage_key", "disposed_at" = NULL`,
      [staged.sha256, staged.size, key, this.clock.now()],
    );
    return blob !== null && state === 'sound';
  }

  private retentionDays(request: CooperationRequestEntity): number {
    const days = this.config.evidence.retentionDays;
    return days[request.type] ?? days.default;
  }

  /** A refused upload is recorded with its facts (E1); returns the error to throw. */
  private async refused<E extends DomainError>(
    principal: Principal,
    request: CooperationRequestEntity,
    error: E,
    reason: string,
    data: Record<string, unknown>,
  ): Promise<E> {
    await this.audit.record({
      action: 'evidence.upload',
      outcome: 'failure',
      actor: auditActor(principal),
      target: { type: 'request', id: request.id },
      requestId: request.id,
      data: { reason, ...data },
    });
    recordedRefusals.add(error);
    return error;
  }

  /** Uploads and deliveries: the requested side, while accepted or in execution, before a final delivery. */
  private async assertMayUpload(
    manager: EntityManager,
    request: CooperationRequestEntity,
    side: 'requesting' | 'requested',
  ): Promise<void> {
    if (side !== 'requested' || OFFER_TYPES.includes(request.type))
      throw new ActionForbiddenError('upload_evidence', 'role_or_side');
    if (!UPLOAD_STATUSES.includes(request.status)) throw new EvidenceUploadNotAllowedError(request.status);
    if (await manager.existsBy(EvidencePackageEntity, { requestId: request.id, final: true }))
      throw new EvidenceUploadNotAllowedError('finally delivered');
  }

  private async storageFailure(
    principal: Principal,
    request: CooperationRequestEntity,
    error: StorageFailure,
  ): Promise<EvidenceStorageFailureError> {
    this.logger.error({ requestId: request.id, problem: error.message }, 'evidence storage failure');
    return this.refused(principal, request, new EvidenceStorageFailureError(), 'storage_failure', {});
  }
}

/**
 * Two readings of RFC 9110 §14.1.2 that range-parser does not make: a suffix longer than the file
 * means the whole file, and a range whose last byte comes before its first is invalid, so ignored.
 */
function normaliseRange(header: string, size: number): string | undefined {
  const suffix = /^bytes=-(\d+)$/.exec(header.trim());
  if (suffix && Number(suffix[1]) > 0 && Number(suffix[1]) >= size) return `bytes=0-${size - 1}`;
  const explicit = /^bytes=(\d+)-(\d+)$/.exec(header.trim());
  if (explicit && Number(explicit[2]) < Number(explicit[1])) return undefined;
  return header;
}

/** Refusals already recorded with their facts, so the catch-all does not record them twice. */
const recordedRefusals = new WeakSet<DomainError>();

/**
 * Serialises everything that decides whether a stored object is referenced (an upload's commit, the
 * sweep of unreferenced objects) per content, across every instance of the portal.
 */
export async function lockContent(manager: EntityManager, sha256: string): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`evidence:${sha256}`]);
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

/**
 * An audit entry about one item: its custody trail is the log's entries with it as their target.
 * A null principal is the portal itself (the retention and fixity jobs).
 */
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
    legalHolds: item.legalHolds.map(({ side, agencyId, reason, setAt }) => ({
      side,
      agencyId,
      reason,
      setAt,
    })),
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
