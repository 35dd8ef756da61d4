import { randomUUID } from 'node:crypto';
import { In, type EntityManager } from 'typeorm';
import {
  ACCEPTANCE_ACTIONS,
  ACCEPTANCE_IN_HISTORY_STATUSES,
  OFFER_TYPES,
  ACCEPTED_STATUSES,
  isActor,
  type ActorStanding,
  type MessageKind,
  type TransitionActor,
} from '@mla/contracts';
import { AuditEntryEntity } from '../../audit/audit-entry.entity';
import type { Principal } from '../../auth/principal';
import type { CooperationRequestEntity } from '../cooperation-request.entity';
import { RequestMessageEntity } from '../request-message.entity';
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

/** Writes a message of the portal thread, visible to both sides, and returns its id. */
export async function writeMessage(
  manager: EntityManager,
  principal: Principal,
  requestId: string,
  kind: MessageKind,
  body: string,
  now: Date,
): Promise<string> {
  const id = randomUUID();
  await manager.insert(RequestMessageEntity, {
    id,
    requestId,
    kind,
    body,
    authorId: principal.userId,
    authorAgencyId: principal.agencyId,
    createdAt: now,
  });
  return id;
}
