import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../../modules/audit/audit.service';
import { AgencyEntity } from '../../modules/directory/agency.entity';
import { StateEntity } from '../../modules/directory/state.entity';
import { PasswordHasher } from '../../modules/users/password-hasher';
import { UserEntity } from '../../modules/users/user.entity';
import { TransactionRunner } from '../transaction-runner';
import { DEMO_ACCOUNTS, DEMO_AGENCIES, DEMO_STATES } from './demo-directory';
import { DemoRequestSeeder } from './demo-requests';

/**
 * In demo mode, fills an empty database with the demo directory and accounts, in one audited
 * transaction, then (unless DEMO_REQUESTS=false) with sample requests.
 */
@Injectable()
export class DemoSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoSeeder.name);

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly requests: DemoRequestSeeder,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demo.enabled) return;
    await this.seedDirectory();
    // After the directory's transaction has committed: the requests' services open their own.
    if (this.config.demo.requests) await this.requests.seed();
  }

  private async seedDirectory(): Promise<void> {
    if ((await this.dataSource.manager.count(AgencyEntity)) > 0) return;
    // Hash before the transaction: it holds the database (and the embedded engine's only session).
    const hashes = await Promise.all(DEMO_ACCOUNTS.map(() => this.hasher.hash(this.config.demo.password)));
    await this.transactions.run(async (manager) => {
      // A second instance starting at the same moment must not seed twice.
      await manager.query('SELECT "id" FROM "audit_head" WHERE "id" = 1 FOR UPDATE');
      if ((await manager.count(AgencyEntity)) > 0) return;
      await manager.insert(
        StateEntity,
        DEMO_STATES.map((state) => ({ ...state, languages: [...state.languages] })),
      );
      const agencies = await manager.save(
        AgencyEntity,
        DEMO_AGENCIES.map((agency) => manager.create(AgencyEntity, { ...agency })),
      );
      const agencyId = new Map(agencies.map((agency) => [agency.code, agency.id]));
      await manager.insert(
        UserEntity,
        DEMO_ACCOUNTS.map((account, index) => ({
          username: account.username,
          displayName: account.displayName,
          role: account.role,
          agencyId: agencyId.get(account.agencyCode),
          passwordHash: hashes[index],
        })),
      );
      await this.audit.append(manager, {
        action: 'system.demo_seed',
        outcome: 'success',
        actor: null,
        target: { type: 'directory', id: null },
        data: { states: DEMO_STATES.length, agencies: DEMO_AGENCIES.length, accounts: DEMO_ACCOUNTS.length },
      });
    });
    this.logger.log(
      `Demo directory loaded: ${DEMO_ACCOUNTS.length} accounts (password from DEMO_PASSWORD or the README)`,
    );
  }
}
