import { type EntityManager, type EntityTarget, In, type ObjectLiteral } from 'typeorm';

/** Loads the rows with these ids in one query (no N+1), keyed by id; duplicates are asked once. */
export async function findByIds<T extends ObjectLiteral & { id: string }>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  ids: string[],
): Promise<Map<string, T>> {
  if (ids.length === 0) return new Map();
  // TypeORM cannot type a where clause on a generic entity; every caller's entity has an `id` column.
  const rows = await manager.findBy(entity, { id: In([...new Set(ids)]) } as never);
  return new Map(rows.map((row) => [row.id, row]));
}
