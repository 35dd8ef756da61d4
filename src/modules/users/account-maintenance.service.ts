import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { TransactionRunner } from '../../database/transaction-runner';
import { AuditService } from '../audit/audit.service';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Disables accounts nobody has used for ACCOUNT_IDLE_DISABLE_DAYS (CJIS AC-2(3): 90 days). The
 * update claims only rows still enabled, so several instances running it at once disable each
 * account once; their sessions end in the same transaction.
 */
@Injectable()
export class AccountMaintenanceService {
  private readonly logger = new Logger(AccountMaintenanceService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'disable-idle-accounts' })
  async scheduled(): Promise<void> {
    if (!this.config.accounts.idleJobEnabled) return;
    const disabled = await this.disableIdleAccounts();
    if (disabled.length > 0) this.logger.log({ accounts: disabled.length }, 'idle accounts disabled');
  }

  /** Returns the ids of the accounts it disabled. */
  async disableIdleAccounts(): Promise<string[]> {
    const days = this.config.accounts.idleDisableDays;
    return this.transactions.run(async (manager) => {
      const now = this.clock.now();
      const cutoff = new Date(now.getTime() - days * DAY_MS);
      const [rows] = await manager.query<[Array<{ id: string }>, number]>(
        `UPDATE "user_account" SET "disabled_at" = $1
          WHERE "disabled_at" IS NULL AND COALESCE("last_login_at", "created_at") < $2
          RETURNING "id"`,
        [now, cutoff],
      );
      if (rows.length === 0) return [];
      const ids = rows.map((row) => row.id);
      await manager.query(
        `UPDATE "user_session" SET "revoked_at" = $1, "revoked_reason" = 'account_disabled'
          WHERE "user_id" = ANY($2::uuid[]) AND "revoked_at" IS NULL`,
        [now, ids],
      );
      for (const id of ids) {
        await this.audit.append(manager, {
          action: 'user.disable',
          outcome: 'success',
          actor: null,
          target: { type: 'user', id },
          data: { reason: 'idle', idleDays: days },
        });
      }
      return ids;
    });
  }
}
