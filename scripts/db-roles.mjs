#!/usr/bin/env node
/**
 * PostgreSQL roles and grants for mla-portal (issue 6, item 6; security.md §4.3 "DB hardening",
 * AUD-04). Prints SQL; nothing but Node is needed, and nothing connects anywhere:
 *
 *   node scripts/db-roles.mjs --database mla --owner mla_owner --app mla_app --auditor mla_auditor \
 *     | psql "postgres://postgres@db-host/mla"          # or: npm run -s db:roles -- …
 *
 * Run it as a superuser (or a role with CREATEROLE that owns the database), connected to the portal's
 * database, once before the first migration and again after every migration run: it is idempotent.
 *
 * - owner:   owns the schema's tables; runs the migrations (`npm run db:migrate`). Not a superuser.
 * - app:     what the portal connects as (DATABASE_URL). Reads and writes the business tables; on the
 *            audit log it may only INSERT and SELECT (`audit_entry`, `audit_node`, `audit_checkpoint`),
 *            plus UPDATE of exactly the columns a redaction changes on `audit_entry`, which the
 *            trigger narrows further to the one allowed change; SELECT and UPDATE on `audit_head`.
 *            It owns nothing, so it cannot disable the triggers.
 * - auditor: SELECT on every table, for auditors who query the database directly.
 *
 * Passwords are not set here (they would end up in shell history): `\password <role>` in psql.
 */
import { pathToFileURL } from 'node:url';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The audit tables the app role may only insert into and read. */
export const APPEND_ONLY_TABLES = ['audit_entry', 'audit_node', 'audit_checkpoint'];
/** What a redaction changes on `audit_entry` (migration 1795902100000-AddAuditRedaction). */
export const REDACTION_COLUMNS = ['body', 'redacted_at', 'actor_user_id', 'target_id', 'correlation_id'];

const quote = (name) => `"${name}"`;
const literal = (name) => `'${name}'`;

/**
 * The SQL for { database, owner, app, auditor, schema = 'public' }. Names are checked against
 * /^[a-z_][a-z0-9_]{0,62}$/ before they are put into SQL.
 */
export function rolesSql({ database, owner, app, auditor, schema = 'public' }) {
  for (const [what, name] of Object.entries({ database, owner, app, auditor, schema })) {
    if (typeof name !== 'string' || !IDENTIFIER.test(name))
      throw new Error(`--${what} must be a lower-case SQL identifier (letters, digits, _), got ${name}`);
  }
  if (new Set([owner, app, auditor]).size !== 3)
    throw new Error('owner, app and auditor must be three roles');
  const [o, a, r, s] = [owner, app, auditor, schema].map(quote);
  const audit = APPEND_ONLY_TABLES.map((table) => `${s}.${quote(table)}`).join(', ');
  const createRole = (name) =>
    `  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal(name)}) THEN\n` +
    `    CREATE ROLE ${quote(name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;\n` +
    `  END IF;`;
  return `-- mla-portal roles and grants (scripts/db-roles.mjs). Idempotent: run before the first
-- migration and again after every migration run.
BEGIN;

-- 1. Roles, cluster-wide. None of them may become another: the app must not act as the owner,
--    who could disable the audit triggers.
DO $roles$
BEGIN
${[owner, app, auditor].map(createRole).join('\n')}
  IF EXISTS (SELECT FROM pg_roles WHERE rolname IN (${[owner, app, auditor].map(literal).join(', ')}) AND (rolsuper OR rolbypassrls)) THEN
    RAISE EXCEPTION 'a portal role is a superuser or bypasses row security: triggers and grants would not bind it';
  END IF;
  IF pg_has_role(${literal(app)}, ${literal(owner)}, 'MEMBER') OR pg_has_role(${literal(auditor)}, ${literal(owner)}, 'MEMBER') THEN
    RAISE EXCEPTION 'the app or auditor role is a member of the owner role: revoke that membership first';
  END IF;
END
$roles$;

-- 2. The database and the schema: only the owner creates objects.
GRANT CONNECT ON DATABASE ${quote(database)} TO ${o}, ${a}, ${r};
REVOKE CREATE ON SCHEMA ${s} FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA ${s} TO ${o};
GRANT USAGE ON SCHEMA ${s} TO ${a}, ${r};

-- 3. Tables the owner creates from now on (by migrations): the app reads and writes them, the
--    auditor reads them. Step 4 takes back what the app must not do to the audit log.
ALTER DEFAULT PRIVILEGES FOR ROLE ${o} IN SCHEMA ${s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${a};
ALTER DEFAULT PRIVILEGES FOR ROLE ${o} IN SCHEMA ${s} GRANT USAGE, SELECT ON SEQUENCES TO ${a};
ALTER DEFAULT PRIVILEGES FOR ROLE ${o} IN SCHEMA ${s} GRANT SELECT ON TABLES TO ${r};

-- 4. Tables that exist already (after the migrations): the same grants, then the audit log made
--    insert-and-read-only for the app. Skipped before the first migration.
DO $grants$
BEGIN
  IF to_regclass(${literal(`${schema}.audit_entry`)}) IS NULL THEN
    RAISE NOTICE 'no audit tables yet: run the migrations as ${owner}, then this script again';
    RETURN;
  END IF;
  EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${a}';
  EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${a}';
  EXECUTE 'GRANT SELECT ON ALL TABLES IN SCHEMA ${s} TO ${r}';
  EXECUTE 'REVOKE ALL ON ${audit}, ${s}."audit_head" FROM ${a}, ${r}';
  EXECUTE 'GRANT SELECT, INSERT ON ${audit} TO ${a}';
  -- Redaction only; the trigger audit_entry_only_redaction allows no other change of these columns.
  EXECUTE 'GRANT UPDATE (${REDACTION_COLUMNS.map(quote).join(', ')}) ON ${s}."audit_entry" TO ${a}';
  -- The sequencing row: locked and advanced by every append, never inserted or deleted.
  EXECUTE 'GRANT SELECT, UPDATE ON ${s}."audit_head" TO ${a}';
  EXECUTE 'GRANT SELECT ON ${audit}, ${s}."audit_head" TO ${r}';
  -- The migrations' own bookkeeping is the owner's alone.
  IF to_regclass(${literal(`${schema}.migrations`)}) IS NOT NULL THEN
    EXECUTE 'REVOKE INSERT, UPDATE, DELETE ON ${s}."migrations" FROM ${a}';
  END IF;
END
$grants$;

COMMIT;
`;
}

function main(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '');
    if (!['database', 'owner', 'app', 'auditor', 'schema'].includes(key) || argv[i + 1] === undefined)
      throw new Error(
        'usage: db-roles.mjs --database <db> --owner <role> --app <role> --auditor <role> [--schema public]',
      );
    options[key] = argv[i + 1];
  }
  process.stdout.write(rolesSql(options));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  }
}
