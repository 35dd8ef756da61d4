// One audit entry appended as AuditService.write does it, for the benchmarks' baselines: under the
// head lock, the canonical body, its leaf and chain hash, the entry row, the Merkle frontier read
// from audit_node and the new node rows, the head moved on. The hashing and tree code is the
// portal's own compiled code (dist/): the same work, without the framework around it.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { canonicalJson } = require('../dist/src/modules/audit/canonical-json.js');
const { leafHash, chainHash } = require('../dist/src/modules/audit/audit-hash.js');
const { appendLeaf, loadFrontier } = require('../dist/src/modules/audit/merkle/merkle.js');
const { SqlNodeReader, insertNodes } = require('../dist/src/modules/audit/merkle/node-store.js');

/**
 * Appends `body` (an AuditBody without seq, id and ts) inside the caller's open transaction on
 * `client` (a pg client). `columns` are the entry's indexed columns besides those.
 */
export async function appendAudit(client, body, columns) {
  const runner = { query: async (sql, parameters) => (await client.query(sql, parameters)).rows };
  const [head] = (
    await client.query('SELECT "seq", "chain_hash" FROM "audit_head" WHERE "id" = 1 FOR UPDATE')
  ).rows;
  const seq = Number(head.seq) + 1;
  const ts = new Date();
  const full = { ...body, seq, id: randomUUID(), ts: ts.toISOString() };
  const text = canonicalJson(full);
  const leaf = leafHash(text);
  const chain = chainHash(head.chain_hash, leaf);
  await client.query(
    `INSERT INTO "audit_entry"("seq", "id", "ts", "action", "outcome", "actor_user_id", "actor_agency_id",
       "actor_role", "target_type", "target_id", "request_id", "correlation_id", "body", "leaf_hash",
       "chain_hash", "redacted_at")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
      seq,
      full.id,
      ts,
      full.type,
      full.outcome,
      columns.actorUserId,
      columns.actorAgencyId,
      columns.actorRole,
      full.target.type,
      full.target.id,
      full.target.request,
      full.corr,
      text,
      leaf,
      chain,
      null,
    ],
  );
  const frontier = await loadFrontier(new SqlNodeReader(runner), seq - 1);
  await insertNodes(runner, appendLeaf(frontier, Buffer.from(leaf, 'hex')).rows);
  await client.query('UPDATE "audit_head" SET "seq" = $1, "chain_hash" = $2 WHERE "id" = $3', [
    seq,
    chain,
    1,
  ]);
}
