import type { NodeId, NodeReader, NodeRow } from './merkle';

/** Anything that runs SQL: an EntityManager (inside a transaction), a DataSource or a QueryRunner. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * The Merkle tree's node rows in `audit_node`, read through whatever the caller runs SQL with: the
 * appender reads its frontier inside its own transaction, the proof routes read outside any. One
 * query per batch of ids, whatever the batch size a proof needs.
 */
export class SqlNodeReader implements NodeReader {
  constructor(private readonly db: SqlRunner) {}

  async getNodes(ids: readonly NodeId[]): Promise<Buffer[]> {
    if (ids.length === 0) return [];
    const found = await findNodes(this.db, ids);
    return ids.map((id) => {
      const hash = found.get(nodeKey(id));
      // A missing node is a broken store: the proof must fail, not be computed from a guess.
      if (!hash) throw new Error(`audit_node has no row at level ${id.level} index ${id.index}`);
      return hash;
    });
  }
}

/** The stored hashes of those of `ids` that exist, keyed by `nodeKey`. */
export async function findNodes(db: SqlRunner, ids: readonly NodeId[]): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  if (ids.length === 0) return found;
  const pairs = ids.map((_, i) => `($${2 * i + 1}::smallint, $${2 * i + 2}::bigint)`);
  const rows = (await db.query(
    `SELECT "level", "idx", "hash" FROM "audit_node" WHERE ("level", "idx") IN (${pairs.join(', ')})`,
    ids.flatMap((id) => [id.level, id.index]),
  )) as Array<{ level: number; idx: string; hash: string }>;
  for (const row of rows)
    found.set(nodeKey({ level: Number(row.level), index: Number(row.idx) }), Buffer.from(row.hash, 'hex'));
  return found;
}

export async function insertNodes(db: SqlRunner, rows: readonly NodeRow[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((_, i) => `($${3 * i + 1}::smallint, $${3 * i + 2}::bigint, $${3 * i + 3})`);
  await db.query(
    `INSERT INTO "audit_node" ("level", "idx", "hash") VALUES ${values.join(', ')}`,
    rows.flatMap((row) => [row.level, row.index, row.hash.toString('hex')]),
  );
}

export function nodeKey(id: NodeId): string {
  return `${id.level}:${id.index}`;
}

/** The seq of the entry whose append completed a node: its last leaf is entry (idx + 1)·2^level. */
export function completedBy(id: NodeId): number {
  return (id.index + 1) * 2 ** id.level;
}
