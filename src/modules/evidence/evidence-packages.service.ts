import { createHash, randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { RequestAction, RequestStatus } from '@mla/contracts';
import { Clock } from '../../common/clock';
import { PortalSigner } from '../../common/crypto/portal-signer';
import { ValidationFailedError } from '../../common/errors/domain-error';
import { TransactionRunner } from '../../database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import { canonicalJson } from '../audit/canonical-json';
import { auditActor, type Principal } from '../auth/principal';
import { acceptedRequestConditions } from '../requests/consents/travelling-conditions';
import type { CooperationRequestEntity } from '../requests/cooperation-request.entity';
import { ActionForbiddenError } from '../requests/requests.errors';
import { TransitionListeners } from '../requests/transition-listeners';
import { EvidenceAccess } from './evidence-access';
import type {
  AcknowledgePackageDto,
  EvidencePackageDto,
  EvidencePackageListDto,
  SealPackageDto,
} from './evidence.dto';
import { EvidenceItemEntity, EvidencePackageEntity } from './evidence.entities';
import {
  EvidenceIntegrityError,
  EvidenceUploadNotAllowedError,
  NothingToSealError,
  PackageAlreadyAcknowledgedError,
} from './evidence.errors';
import { custodyBy } from './evidence.service';

/** Results may be delivered once the request is accepted, and still after it is marked executed. */
const DELIVERY_STATUSES: readonly RequestStatus[] = [
  RequestStatus.Accepted,
  RequestStatus.InExecution,
  RequestStatus.PartiallyExecuted,
  RequestStatus.Executed,
];

/**
 * Delivery of results (domain.md §9.2): the executing side seals the items not yet delivered into a
 * package whose manifest (items, sizes, hashes, the conditions on their use) the portal signs; the
 * requesting side downloads them, re-hashes them on its side and acknowledges receipt, or records a
 * mismatch, which blocks nothing silently: the package is marked disputed for both sides to see.
 */
@Injectable()
export class EvidencePackagesService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly access: EvidenceAccess,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly signer: PortalSigner,
    private readonly listeners: TransitionListeners,
  ) {}

  async seal(principal: Principal, requestId: string, dto: SealPackageDto): Promise<EvidencePackageDto> {
    const pkg = await this.transactions.run(async (manager) => {
      const { request, side } = await this.access.request(manager, principal, requestId, undefined, 'share');
      if (side !== 'requested') throw new ActionForbiddenError('deliver_evidence', 'role_or_side');
      if (!DELIVERY_STATUSES.includes(request.status))
        throw new EvidenceUploadNotAllowedError(request.status);
      if (await manager.existsBy(EvidencePackageEntity, { requestId, final: true }))
        throw new EvidenceUploadNotAllowedError('finally delivered');
      const sealed = await this.sealWithin(manager, principal, request, dto);
      if (!sealed) throw new NothingToSealError();
      return sealed;
    });
    return toPackageDto(pkg);
  }

  /**
   * Marking a request executed (in full or in part) delivers its results: whatever the executing
   * side uploaded and has not delivered yet is sealed, in the same transaction, as the final package.
   */
  onModuleInit(): void {
    this.listeners.register(async (manager, event) => {
      if (event.action !== RequestAction.MarkExecuted && event.action !== RequestAction.MarkPartiallyExecuted)
        return;
      await this.sealWithin(
        manager,
        event.principal,
        event.request,
        {
          final: true,
          note: `Sealed when the request was marked ${event.to.replace('_', ' ')}`,
        },
        true,
      );
    });
  }

  /** Seals the request's undelivered items into a signed package; undefined when there are none. */
  private async sealWithin(
    manager: EntityManager,
    principal: Principal,
    request: CooperationRequestEntity,
    dto: SealPackageDto,
    skipFailed = false,
  ): Promise<EvidencePackageEntity | undefined> {
    const requestId = request.id;
    // Locked, so two deliveries at once cannot take the same items.
    const candidates = await manager
      .createQueryBuilder(EvidenceItemEntity, 'item')
      .where('item.request_id = :requestId AND item.package_id IS NULL AND item.disposed_at IS NULL', {
        requestId,
      })
      .orderBy('item.uploaded_at', 'ASC')
      .addOrderBy('item.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
    // A corrupt item is never certified to the other side: asked to deliver, the executing side is
    // told (it must upload the item again); when the request is marked executed, it stays behind.
    const failed = candidates.filter((item) => item.integrity === 'failed').map((item) => item.id);
    if (!skipFailed && failed.length > 0) throw new EvidenceIntegrityError(failed);
    const items = candidates.filter((item) => item.integrity === 'intact');
    if (items.length === 0) return undefined;
    const [{ next }]: Array<{ next: number }> = await manager.query(
      'SELECT COALESCE(MAX("sequence"), 0) + 1 AS "next" FROM "evidence_package" WHERE "request_id" = $1',
      [requestId],
    );
    const id = randomUUID();
    const sealedAt = this.clock.now();
    const manifest = {
      type: 'mla-portal/evidence-manifest',
      version: 1,
      issuer: this.signer.name,
      package: {
        id,
        sequence: Number(next),
        final: dto.final ?? false,
        sealedAt: sealedAt.toISOString(),
        ...(dto.note ? { note: dto.note } : {}),
      },
      request: {
        id: request.id,
        reference: request.reference,
        type: request.type,
        requestingStateCode: request.requestingStateCode,
        requestedStateCode: request.requestedStateCode,
      },
      sender: {
        userId: principal.userId,
        username: principal.username,
        agencyId: principal.agencyId,
        agencyCode: principal.agencyCode,
        role: principal.role,
      },
      hashAlgorithm: 'SHA-256',
      items: items.map((item) => ({
        id: item.id,
        fileName: item.fileName,
        size: item.size,
        sha256: item.sha256,
        mediaType: item.mediaType,
        receivedAt: item.uploadedAt.toISOString(),
        ...(item.description ? { description: item.description } : {}),
        origin: item.origin,
      })),
      totalSha256: totalHash(items.map((item) => item.sha256)),
      // Conditions attach to the material and travel with it (domain.md §8.1).
      conditions: await acceptedRequestConditions(manager, requestId),
    };
    const text = canonicalJson(manifest);
    const row = manager.create(EvidencePackageEntity, {
      id,
      requestId,
      sequence: Number(next),
      final: dto.final ?? false,
      manifest: text,
      signature: this.signer.sign(text),
      sealedById: principal.userId,
      sealedAt,
      status: 'sealed',
      acknowledgedById: null,
      acknowledgedAt: null,
      acknowledgement: null,
    });
    await manager.insert(EvidencePackageEntity, row);
    await manager.update(EvidenceItemEntity, { id: In(items.map((item) => item.id)) }, { packageId: id });
    await this.audit.append(manager, {
      action: 'evidence_package.seal',
      outcome: 'success',
      actor: auditActor(principal),
      target: { type: 'evidence_package', id },
      requestId,
      data: {
        sequence: row.sequence,
        final: row.final,
        items: items.length,
        totalSha256: manifest.totalSha256,
      },
    });
    for (const item of items) {
      await this.audit.append(manager, {
        ...custodyBy(principal, item, 'evidence.seal', 'success'),
        data: { purpose: 'delivery to the requesting side', sha256: item.sha256, packageId: id },
      });
    }
    return row;
  }

  async list(principal: Principal, requestId: string): Promise<EvidencePackageListDto> {
    const manager = this.dataSource.manager;
    await this.access.request(manager, principal, requestId);
    const rows = await manager.find(EvidencePackageEntity, {
      where: { requestId },
      order: { sequence: 'ASC' },
    });
    return { items: rows.map(toPackageDto) };
  }

  async get(principal: Principal, id: string): Promise<EvidencePackageDto> {
    const { pkg } = await this.access.package(this.dataSource.manager, principal, id);
    return toPackageDto(pkg);
  }

  /**
   * The requesting side confirms what it received: the hash it computed for every item. All equal
   * to the manifest: acknowledged. Any different: disputed, recorded per item, and alerted by the
   * failure entries in each item's custody trail.
   */
  async acknowledge(
    principal: Principal,
    id: string,
    dto: AcknowledgePackageDto,
  ): Promise<EvidencePackageDto> {
    const pkg = await this.transactions.run(async (manager) => {
      const { pkg, side } = await this.access.package(manager, principal, id, 'update');
      if (side !== 'requesting') throw new ActionForbiddenError('acknowledge_evidence', 'role_or_side');
      if (pkg.status !== 'sealed') throw new PackageAlreadyAcknowledgedError(pkg.status);
      const items = await packageItems(manager, pkg.id);
      const reported = new Map(dto.items.map((entry) => [entry.id.toLowerCase(), entry.sha256]));
      const expected = new Set(items.map((item) => item.id));
      const unknown = [...reported.keys()].filter((key) => !expected.has(key));
      const missing = [...expected].filter((key) => !reported.has(key));
      if (reported.size !== dto.items.length || unknown.length > 0 || missing.length > 0) {
        throw ValidationFailedError.field(
          'items',
          'list every item of the package exactly once',
          ...(missing.length > 0 ? [`missing: ${missing.join(', ')}`] : []),
          ...(unknown.length > 0 ? [`not in this package: ${unknown.join(', ')}`] : []),
        );
      }
      const acknowledgement = items.map((item) => {
        const sha256 = reported.get(item.id) as string;
        return { id: item.id, sha256, matches: sha256 === item.sha256 };
      });
      const allMatch = acknowledgement.every((entry) => entry.matches);
      pkg.status = allMatch ? 'acknowledged' : 'disputed';
      pkg.acknowledgedById = principal.userId;
      pkg.acknowledgedAt = this.clock.now();
      pkg.acknowledgement = acknowledgement;
      await manager.update(
        EvidencePackageEntity,
        { id: pkg.id },
        {
          status: pkg.status,
          acknowledgedById: pkg.acknowledgedById,
          acknowledgedAt: pkg.acknowledgedAt,
          acknowledgement,
        },
      );
      await this.audit.append(manager, {
        action: 'evidence_package.acknowledge',
        outcome: allMatch ? 'success' : 'failure',
        actor: auditActor(principal),
        target: { type: 'evidence_package', id: pkg.id },
        requestId: pkg.requestId,
        data: { status: pkg.status, mismatched: acknowledgement.filter((entry) => !entry.matches).length },
      });
      for (const [index, item] of items.entries()) {
        const entry = acknowledgement[index];
        await this.audit.append(manager, {
          ...custodyBy(
            principal,
            item,
            'evidence.receipt_acknowledged',
            entry.matches ? 'success' : 'failure',
          ),
          data: {
            purpose: 'receipt by the requesting side',
            sha256: entry.sha256,
            expectedSha256: item.sha256,
            matches: entry.matches,
            packageId: pkg.id,
          },
        });
      }
      return pkg;
    });
    return toPackageDto(pkg);
  }
}

/**
 * The package's total hash: SHA-256 over the items' hex SHA-256 values in manifest order, each
 * followed by a newline. Anyone can recompute it with `sha256sum` output and a pipe.
 */
export function totalHash(hashes: readonly string[]): string {
  return createHash('sha256')
    .update(hashes.map((hash) => `${hash}\n`).join(''))
    .digest('hex');
}

async function packageItems(manager: EntityManager, packageId: string): Promise<EvidenceItemEntity[]> {
  return manager.find(EvidenceItemEntity, { where: { packageId }, order: { uploadedAt: 'ASC', id: 'ASC' } });
}

export function toPackageDto(pkg: EvidencePackageEntity): EvidencePackageDto {
  return {
    id: pkg.id,
    requestId: pkg.requestId,
    sequence: pkg.sequence,
    final: pkg.final,
    status: pkg.status,
    sealedAt: pkg.sealedAt.toISOString(),
    sealedById: pkg.sealedById,
    manifest: JSON.parse(pkg.manifest) as Record<string, unknown>,
    signature: pkg.signature,
    acknowledgedAt: pkg.acknowledgedAt?.toISOString() ?? null,
    acknowledgement: pkg.acknowledgement,
  };
}
