import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';

const APPEND_ONLY = ['audit_entry', 'audit_node', 'audit_checkpoint'];

/**
 * On PostgreSQL, says at start-up when the portal's own role could rewrite the audit log: it owns an
 * audit table (and so could disable its triggers), is a superuser, or may UPDATE, DELETE or
 * TRUNCATE it (security.md AUD-04; docs/operations.md, "Database roles"). A warning, not a refusal:
 * the triggers still stand, and a development database is usually owned by the one role there is.
 */
@Injectable()
export class AuditHardeningCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuditHardeningCheck.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.database.kind !== 'postgres') return;
    try {
      const problems = await this.problems();
      if (problems.length > 0)
        this.logger.warn(
          { problems },
          'the database role can rewrite the audit log: run the portal as the application role of scripts/db-roles.mjs',
        );
    } catch (error) {
      this.logger.warn({ problem: (error as Error).message }, 'audit hardening check failed');
    }
  }

  /** What the connected role may do to the audit log beyond inserting and reading, in words. */
  async problems(): Promise<string[]> {
    const rows: Array<{
      table: string;
      owns: boolean;
      superuser: boolean;
      update: boolean;
      delete: boolean;
      truncate: boolean;
    }> = await this.dataSource.query(
      `SELECT c."relname" AS "table",
              pg_has_role(current_user, c."relowner", 'USAGE') AS "owns",
              r."rolsuper" AS "superuser",
              has_table_privilege(current_user, c."oid", 'UPDATE') AS "update",
              has_table_privilege(current_user, c."oid", 'DELETE') AS "delete",
              has_table_privilege(current_user, c."oid", 'TRUNCATE') AS "truncate"
       FROM "pg_class" c
       JOIN "pg_namespace" n ON n."oid" = c."relnamespace"
       JOIN "pg_roles" r ON r."rolname" = current_user
       WHERE n."nspname" = current_schema() AND c."relname" = ANY($1::text[])
       ORDER BY c."relname"`,
      [APPEND_ONLY],
    );
    return rows.flatMap((row) => {
      if (row.superuser) return [`${row.table}: the role is a superuser`];
      if (row.owns) return [`${row.table}: the role owns the table and can disable its triggers`];
      const verbs = (['update', 'delete', 'truncate'] as const).filter((verb) => row[verb]);
      return verbs.length > 0 ? [`${row.table}: the role may ${verbs.join(', ').toUpperCase()}`] : [];
    });
  }
}
