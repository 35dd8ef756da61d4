import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RequestSide } from '@mla/contracts';
import type { Principal } from '../auth/principal';
import type { CooperationRequestEntity } from '../requests/cooperation-request.entity';
import { sideOfCaller } from '../requests/request.policy';
import { RequestNotFoundError } from '../requests/requests.errors';
import { RequestsService } from '../requests/requests.service';
import { EvidenceItemEntity, EvidencePackageEntity } from './evidence.entities';
import { EvidenceNotFoundError, EvidencePackageNotFoundError } from './evidence.errors';

export interface VisibleItem {
  item: EvidenceItemEntity;
  request: CooperationRequestEntity;
  side: RequestSide;
}

/**
 * Who may see an evidence item (SEC-13, B2): whoever may see its request, with one restriction. The
 * requesting side sees an item only once it is delivered in a package; until then the executing
 * side is still assembling its answer. Anything else answers 404, exactly as for an absent item.
 */
@Injectable()
export class EvidenceAccess {
  constructor(private readonly requests: RequestsService) {}

  async item(
    manager: EntityManager,
    principal: Principal,
    id: string,
    lock?: 'update',
  ): Promise<VisibleItem> {
    const item = await manager.findOne(EvidenceItemEntity, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!item) throw new EvidenceNotFoundError();
    const { request, side } = await this.request(
      manager,
      principal,
      item.requestId,
      () => new EvidenceNotFoundError(),
    );
    if (side === 'requesting' && item.packageId === null) throw new EvidenceNotFoundError();
    return { item, request, side };
  }

  async package(
    manager: EntityManager,
    principal: Principal,
    id: string,
    lock?: 'update',
  ): Promise<{ pkg: EvidencePackageEntity; request: CooperationRequestEntity; side: RequestSide }> {
    const pkg = await manager.findOne(EvidencePackageEntity, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!pkg) throw new EvidencePackageNotFoundError();
    const { request, side } = await this.request(
      manager,
      principal,
      pkg.requestId,
      () => new EvidencePackageNotFoundError(),
    );
    return { pkg, request, side };
  }

  /** The request, if visible, and the caller's side of it; otherwise `notFound()`. */
  async request(
    manager: EntityManager,
    principal: Principal,
    requestId: string,
    notFound: () => Error = () => new RequestNotFoundError(),
    lock?: 'share',
  ): Promise<{ request: CooperationRequestEntity; side: RequestSide }> {
    try {
      const { request, standing } = await this.requests.loadVisible(manager, principal, requestId, lock);
      const side = sideOfCaller(standing.relations);
      if (!side) throw notFound();
      return { request, side };
    } catch (error) {
      if (error instanceof RequestNotFoundError) throw notFound();
      throw error;
    }
  }
}
