import type { EntityManager } from 'typeorm';
import { ConditionStatus, type UseCondition } from '@mla/contracts';
import { RequestConditionEntity } from '../lifecycle/request-condition.entity';
import type { RequestConsentEntity } from './request-consent.entity';

/**
 * The conditions the requesting side accepted on this request in consultation (domain.md §6.2
 * T12), which bind every use of its material: they travel with every onward transfer and further
 * use, before the consent's own.
 */
export async function acceptedRequestConditions(
  manager: EntityManager,
  requestId: string,
): Promise<UseCondition[]> {
  const rows = await manager.find(RequestConditionEntity, {
    where: { requestId, status: ConditionStatus.Accepted },
    order: { proposedAt: 'ASC', ordinal: 'ASC' },
  });
  return rows.map((row) => ({ type: row.type, text: row.text }));
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
