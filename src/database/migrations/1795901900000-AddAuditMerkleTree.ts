import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appendLeaf, emptyFrontier, type Frontier, type NodeRow } from '../../modules/audit/merkle/merkle';

const BATCH = 1000;

/**
 * The audit log as an RFC 9162 Merkle tree (issue 6; security.md §4.3): the perfect-subtree rows
 * every proof is read from, and the signed checkpoints handed out. The tree of the entries already
 * written is built here from their stored leaf hashes, so a proof covers the whole log from seq 1.
 * Both tables are append-only like `audit_entry`.
 */
export class AddAuditMerkleTree1795901900000 implements MigrationInterface {
  name = 'AddAuditMerkleTree1795901900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "audit_node" (
        "level" smallint NOT NULL,
        "idx" bigint NOT NULL,
        "hash" varchar(64) NOT NULL,
        CONSTRAINT "pk_audit_node" PRIMARY KEY ("level", "idx"),
        CONSTRAINT "ck_audit_node_position" CHECK ("level" >= 0 AND "level" <= 62 AND "idx" >= 0),
        CONSTRAINT "ck_audit_node_hash" CHECK ("hash" ~ '^[0-9a-f]{64}$')
      );
      CREATE TABLE "audit_checkpoint" (
        "tree_size" bigint NOT NULL,
        "root_hash" varchar(64) NOT NULL,
        "note" text NOT NULL,
        "key_id" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_audit_checkpoint" PRIMARY KEY ("tree_size"),
        CONSTRAINT "ck_audit_checkpoint_tree_size" CHECK ("tree_size" >= 0),
        CONSTRAINT "ck_audit_checkpoint_root_hash" CHECK ("root_hash" ~ '^[0-9a-f]{64}$')
      );
      CREATE FUNCTION "audit_tree_is_append_only"() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END;
      $fn$;
      CREATE TRIGGER "audit_node_no_update_or_delete" BEFORE UPDATE OR DELETE ON "audit_node"
        FOR EACH ROW EXECUTE FUNCTION "audit_tree_is_append_only"();
      CREATE TRIGGER "audit_node_no_truncate" BEFORE TRUNCATE ON "audit_node"
        FOR EACH STATEMENT EXECUTE FUNCTION "audit_tree_is_append_only"();
      CREATE TRIGGER "audit_checkpoint_no_update_or_delete" BEFORE UPDATE OR DELETE ON "audit_checkpoint"
        FOR EACH ROW EXECUTE FUNCTION "audit_tree_is_append_only"();
      CREATE TRIGGER "audit_checkpoint_no_truncate" BEFORE TRUNCATE ON "audit_checkpoint"
        FOR EACH STATEMENT EXECUTE FUNCTION "audit_tree_is_append_only"();
    `);
    await carryOverEntries(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER "audit_checkpoint_no_truncate" ON "audit_checkpoint";
      DROP TRIGGER "audit_checkpoint_no_update_or_delete" ON "audit_checkpoint";
      DROP TRIGGER "audit_node_no_truncate" ON "audit_node";
      DROP TRIGGER "audit_node_no_update_or_delete" ON "audit_node";
      DROP TABLE "audit_checkpoint";
      DROP TABLE "audit_node";
      DROP FUNCTION "audit_tree_is_append_only"();
    `);
  }
}

/**
 * Builds the tree of the entries up to the log head, from their stored leaf hashes. The head is
 * locked first, so an instance still running the old code cannot append an entry the tree misses;
 * a gap in the sequence fails the migration, since leaf i must be entry i + 1 for every proof.
 */
async function carryOverEntries(queryRunner: QueryRunner): Promise<void> {
  const heads = (await queryRunner.query(
    'SELECT "seq" FROM "audit_head" WHERE "id" = 1 FOR UPDATE',
  )) as Array<{
    seq: string;
  }>;
  const headSeq = Number(heads[0]?.seq ?? 0);
  let frontier: Frontier = emptyFrontier();
  while (frontier.size < headSeq) {
    const rows = (await queryRunner.query(
      'SELECT "seq", "leaf_hash" FROM "audit_entry" WHERE "seq" > $1 AND "seq" <= $2 ORDER BY "seq" LIMIT $3',
      [frontier.size, headSeq, BATCH],
    )) as Array<{ seq: string; leaf_hash: string }>;
    if (rows.length === 0)
      throw new Error(`audit_entry ends at seq ${frontier.size}, below the head ${headSeq}`);
    const nodes: NodeRow[] = [];
    for (const row of rows) {
      if (Number(row.seq) !== frontier.size + 1)
        throw new Error(`audit_entry has no seq ${frontier.size + 1}: verify the log before migrating`);
      const appended = appendLeaf(frontier, Buffer.from(row.leaf_hash, 'hex'));
      frontier = appended.frontier;
      nodes.push(...appended.rows);
    }
    await insertNodes(queryRunner, nodes);
  }
}

async function insertNodes(queryRunner: QueryRunner, nodes: readonly NodeRow[]): Promise<void> {
  const values = nodes.map((_, i) => `($${3 * i + 1}::smallint, $${3 * i + 2}::bigint, $${3 * i + 3})`);
  await queryRunner.query(
    `INSERT INTO "audit_node" ("level", "idx", "hash") VALUES ${values.join(', ')}`,
    nodes.flatMap((node) => [node.level, node.index, node.hash.toString('hex')]),
  );
}
