import type { EntityManager } from 'typeorm';
import { AgencyEntity } from './agency.entity';

/**
 * Whether an agency exists and is active, for a change that puts something in it (an account, a
 * key). FOR KEY SHARE waits for a deactivation under way (it holds the agency FOR UPDATE) and then
 * sees it, so nothing lands in an agency in the instant it leaves the portal.
 */
export async function isActiveAgency(manager: EntityManager, id: string): Promise<boolean> {
  const agency = await manager.findOne(AgencyEntity, { where: { id }, lock: { mode: 'for_key_share' } });
  return agency !== null && agency.deactivatedAt === null;
}
