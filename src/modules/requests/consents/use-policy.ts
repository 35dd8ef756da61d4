import { In, type EntityManager } from 'typeorm';
import {
  ACCEPTANCE_ACTIONS,
  ACCEPTANCE_IN_HISTORY_STATUSES,
  OFFER_TYPES,
  ACCEPTED_STATUSES,
  isActor,
  type ActorStanding,
  type TransitionActor,
} from '@mla/contracts';
import { AuditEntryEntity } from '../../audit/audit-entry.entity';
import type { CooperationRequestEntity } from '../cooperation-request.entity';
import {
  ConsentNotApplicableError,
  RequestNotAcceptedError,
  UseActionForbiddenError,
  type UseAction,
} from './consents.errors';

/** 403 unless the caller's role and side are among `actors` (the request is already known visible). */
export function requireActor(
  actors: readonly TransitionActor[],
  standing: ActorStanding,
  action: UseAction,
): void {
  if (!isActor(actors, standing)) throw new UseActionForbiddenError(action);
}

/**
 * 409 unless the requested side has accepted the request at some point: only then can material have
 * reached the requesting side. Most statuses tell by themselves; a withdrawn or closed request may
 * have been accepted before, and its history (the audit trail of its transitions) says whether.
 */
export async function requireAcceptedOnce(
  manager: EntityManager,
  request: CooperationRequestEntity,
): Promise<void> {
  // Offered information binds its receiver, not the side that offered it: these routes, where the
  // requesting side asks the requested side, do not fit it (domain.md §5.12).
  if (OFFER_TYPES.includes(request.type)) throw new ConsentNotApplicableError(request.type);
  if (ACCEPTED_STATUSES.includes(request.status)) return;
  if (
    ACCEPTANCE_IN_HISTORY_STATUSES.includes(request.status) &&
    (await manager.existsBy(AuditEntryEntity, { requestId: request.id, action: In([...ACCEPTANCE_ACTIONS]) }))
  ) {
    return;
  }
  throw new RequestNotAcceptedError(request.status);
}
