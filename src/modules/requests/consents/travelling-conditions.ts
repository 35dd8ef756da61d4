import type { EntityManager } from 'typeorm';
import type { UseCondition } from '@mla/contracts';
import type { RequestConsentEntity } from './request-consent.entity';

/**
 * HOOK for the conditions proposed during consultation (issue 4 item 7, lifecycle part): the
 * conditions the requesting side accepted on this request, which bind every use of its material.
 * Until that `request_condition` table exists the request carries none here; replace the body with
 * the query on accepted conditions and every onward transfer and further use picks them up.
 */
export function acceptedRequestConditions(
  _manager: EntityManager,
  _requestId: string,
): Promise<UseCondition[]> {
  return Promise.resolve([]);
}

/**
 * The conditions that travel with a use the consent allows (domain.md §8.1: they attach to the
 * material and follow every derived copy): the request's accepted conditions, then the consent's
 * own. The same condition named twice is kept once.
 */
export async function travellingConditions(
  manager: EntityManager,
  consent: Pick<RequestConsentEntity, 'requestId' | 'conditions'>,
): Promise<UseCondition[]> {
  return mergeConditions(await acceptedRequestConditions(manager, consent.requestId), consent.conditions);
}

export function mergeConditions(...lists: readonly (readonly UseCondition[])[]): UseCondition[] {
  const seen = new Set<string>();
  const merged: UseCondition[] = [];
  for (const condition of lists.flat()) {
    const key = `${condition.type}\u0000${condition.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push({ type: condition.type, text: condition.text });
  }
  return merged;
}
