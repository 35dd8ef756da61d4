import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { AppConfig } from '../../src/config/app-config';
import { migratePostgres } from '../../src/database/migrate';
import { MIGRATIONS } from '../../src/database/migrations';
import { AuditHardeningCheck } from '../../src/modules/audit/audit-hardening.check';
import { AuditRetentionService } from '../../src/modules/audit/audit-retention.service';
import { testEngine } from '../support/database';
import { agencyId, mlaRequestBody, ok } from '../support/factories';
import { createTestApp, type TestApp } from '../support/test-app';

const ROLES_SCRIPT = join(__dirname, '../../scripts/db-roles.mjs');
const DAY_MS = 24 * 60 * 60 * 1000;

interface RolesScript {
  rolesSql(options: { database: string; owner: string; app: string; auditor: string }): string;
}

// Issue 6, item 6: on PostgreSQL the application role may only insert into and read the audit log.
// Roles and grants are PostgreSQL's; the embedded engine is one process's private database with a
// single built-in user, so there is no other role to grant anything to: PostgreSQL only.
const onPostgres = testEngine() === 'postgres' ? describe : describe.skip;

onPostgres(
  'Database roles: the app role inserts into and reads the audit log, nothing more (PostgreSQL only; skipped on the embedded engine, which has no roles)',
  () => {
    const adminUrl = process.env.TEST_DATABASE_URL ?? '';
    // Roles are cluster-wide: unique names, so parallel runs and leftovers never collide.
    const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
    const database = `mla_roles_${suffix}`;
    const roles = {
      owner: `mla_owner_${suffix}`,
      app: `mla_app_${suffix}`,
      auditor: `mla_auditor_${suffix}`,
    };
    const password = randomBytes(12).toString('hex');
    let script: RolesScript;
    let admin: Client;
    let t: TestApp | undefined;
    const clients: Client[] = [];

    const urlAs = (role: string | null): string => {
      const url = new URL(adminUrl);
      url.pathname = `/${database}`;
      if (role) {
        url.username = role;
        url.password = password;
      }
      return url.toString();
    };
    async function connect(role: string | null): Promise<Client> {
      const client = new Client({ connectionString: urlAs(role) });
      await client.connect();
      clients.push(client);
      return client;
    }
    async function applyScript(): Promise<void> {
      const client = await connect(null);
      await client.query(script.rolesSql({ database, ...roles }));
    }

    beforeAll(async () => {
      script = (await import(ROLES_SCRIPT)) as RolesScript;
      admin = new Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${database}"`);
      // Before the migrations (roles, schema, default privileges), then after them (the tables).
      await applyScript();
      for (const role of Object.values(roles))
        await admin.query(`ALTER ROLE "${role}" PASSWORD '${password}'`);
      const ran = await migratePostgres(urlAs(roles.owner), { log: false });
      // Every migration ran as the owner, up to the newest.
      expect(ran.at(-1)).toBe(MIGRATIONS.at(-1)?.name);
      await applyScript();
    }, 120_000);

    afterAll(async () => {
      await t?.close();
      for (const client of clients) await client.end().catch(() => undefined);
      if (admin) {
        await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        for (const role of Object.values(roles)) await admin.query(`DROP ROLE IF EXISTS "${role}"`);
        await admin.end();
      }
    });

    it('should have the owner own every table, and neither the app nor the auditor own or become it', async () => {
      const owners = await (
        await connect(null)
      ).query<{ owner: string }>(
        `SELECT DISTINCT tableowner AS owner FROM pg_tables WHERE schemaname = 'public'`,
      );
      expect(owners.rows).toEqual([{ owner: roles.owner }]);
      const app = await connect(roles.app);
      await expect(app.query('ALTER TABLE "audit_entry" DISABLE TRIGGER ALL')).rejects.toThrow(
        /must be owner/,
      );
      await expect(app.query('CREATE TABLE "mine" ("x" int)')).rejects.toThrow(/permission denied/);
      await expect(app.query(`SET ROLE "${roles.owner}"`)).rejects.toThrow(/permission denied/);
    });

    it('should run the portal as the app role: appends, verification and redaction all work', async () => {
      t = await createTestApp({
        DATABASE_URL: urlAs(roles.app),
        MIGRATIONS_RUN: 'false',
        AUDIT_RETENTION_DAYS: '365',
      });
      const officer = await t.as('vn.officer');
      ok(await officer.POST('/v1/requests', { body: mlaRequestBody(await agencyId(officer, 'FR-CA')) }));
      const auditor = await t.as('auditor');
      ok(await auditor.GET('/v1/audit/checkpoints/latest'));
      expect(ok(await auditor.GET('/v1/audit/verify'))).toMatchObject({ ok: true });
      // The redaction's UPDATE goes through the column grant and the trigger.
      const run = await t.app
        .get(AuditRetentionService)
        .redactExpired({ now: new Date(Date.now() + 366 * DAY_MS) });
      expect(run.redacted).toBeGreaterThan(0);
      expect(ok(await auditor.GET('/v1/audit/verify'))).toMatchObject({ ok: true });
      // Nothing to warn about at start-up as the app role; as the owner, every audit table is named.
      expect(await t.app.get(AuditHardeningCheck).problems()).toEqual([]);
      const asOwner = await connect(roles.owner);
      const ownerCheck = new AuditHardeningCheck(
        {
          // The owner's own connection, in place of the portal's pool: the same SQL, another role.
          query: async (sql: string, parameters: unknown[]): Promise<unknown[]> =>
            (await asOwner.query<Record<string, unknown>>(sql, parameters)).rows,
        } as never,
        t.app.get(AppConfig),
      );
      expect(await ownerCheck.problems()).toEqual([
        'audit_checkpoint: the role owns the table and can disable its triggers',
        'audit_entry: the role owns the table and can disable its triggers',
        'audit_node: the role owns the table and can disable its triggers',
      ]);
    });

    it('should let the app role insert and read the audit tables, and refuse UPDATE, DELETE and TRUNCATE', async () => {
      const app = await connect(roles.app);
      const denied = /permission denied/;
      await app.query('BEGIN');
      try {
        const [head] = (
          await app.query<{ seq: string }>('SELECT "seq" FROM "audit_head" WHERE "id" = 1 FOR UPDATE')
        ).rows;
        await app.query(
          `INSERT INTO "audit_entry" ("seq", "id", "ts", "action", "outcome", "target_type", "body", "leaf_hash", "chain_hash")
           VALUES ($1, gen_random_uuid(), now(), 'probe', 'success', 'probe', '{}', repeat('0', 64), repeat('0', 64))`,
          [Number(head.seq) + 1],
        );
        await app.query(`INSERT INTO "audit_node" ("level", "idx", "hash") VALUES (40, 0, repeat('0', 64))`);
        await app.query(
          `INSERT INTO "audit_checkpoint" ("tree_size", "root_hash", "note", "key_id") VALUES (999999, repeat('0', 64), 'probe', 'probe')`,
        );
        await app.query(`UPDATE "audit_head" SET "seq" = "seq" WHERE "id" = 1`);
      } finally {
        // Probes only: nothing of this may stay in the log.
        await app.query('ROLLBACK');
      }
      for (const table of ['audit_entry', 'audit_node', 'audit_checkpoint']) {
        expect((await app.query(`SELECT count(*) AS "n" FROM "${table}"`)).rows[0].n).not.toBe('0');
        await expect(app.query(`DELETE FROM "${table}"`)).rejects.toThrow(denied);
        await expect(app.query(`TRUNCATE "${table}"`)).rejects.toThrow(denied);
      }
      await expect(app.query(`UPDATE "audit_node" SET "hash" = "hash"`)).rejects.toThrow(denied);
      await expect(app.query(`UPDATE "audit_checkpoint" SET "note" = "note"`)).rejects.toThrow(denied);
      await expect(app.query(`UPDATE "audit_entry" SET "leaf_hash" = "leaf_hash"`)).rejects.toThrow(denied);
      await expect(app.query(`UPDATE "audit_entry" SET "outcome" = 'failure'`)).rejects.toThrow(denied);
      // The columns a redaction changes are granted; the trigger refuses anything but a redaction.
      await expect(
        app.query(`UPDATE "audit_entry" SET "body" = '{}' WHERE "redacted_at" IS NULL`),
      ).rejects.toThrow(/append-only/);
      await expect(
        app.query('INSERT INTO "audit_head" ("id", "seq", "chain_hash") VALUES (2, 0, repeat(\'0\', 64))'),
      ).rejects.toThrow(denied);
      await expect(app.query('DELETE FROM "audit_head"')).rejects.toThrow(denied);
      await expect(app.query('DELETE FROM "migrations"')).rejects.toThrow(denied);
    });

    it('should let the auditor role read and nothing else', async () => {
      const auditor = await connect(roles.auditor);
      expect(
        Number((await auditor.query('SELECT count(*) AS "n" FROM "audit_entry"')).rows[0].n),
      ).toBeGreaterThan(0);
      await auditor.query('SELECT count(*) FROM "cooperation_request"');
      await expect(
        auditor.query(`INSERT INTO "audit_node" ("level", "idx", "hash") VALUES (40, 0, repeat('0', 64))`),
      ).rejects.toThrow(/permission denied/);
      await expect(auditor.query('DELETE FROM "audit_entry"')).rejects.toThrow(/permission denied/);
    });

    it('should stop the owner and a superuser with the triggers', async () => {
      for (const who of [roles.owner, null]) {
        const client = await connect(who);
        for (const table of ['audit_entry', 'audit_node', 'audit_checkpoint']) {
          await expect(client.query(`DELETE FROM "${table}"`)).rejects.toThrow(/append-only/);
          await expect(client.query(`TRUNCATE "${table}" CASCADE`)).rejects.toThrow(/append-only/);
        }
        await expect(client.query(`UPDATE "audit_entry" SET "outcome" = 'failure'`)).rejects.toThrow(
          /append-only/,
        );
        await expect(
          client.query(`UPDATE "audit_entry" SET "redacted_at" = NULL WHERE "redacted_at" IS NOT NULL`),
        ).rejects.toThrow(/append-only/);
        await expect(client.query(`UPDATE "audit_node" SET "hash" = "hash"`)).rejects.toThrow(/append-only/);
      }
      const auditor = await t!.as('auditor');
      expect(ok(await auditor.GET('/v1/audit/verify'))).toMatchObject({ ok: true });
    });
  },
);
