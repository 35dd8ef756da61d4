import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { AuditModule } from '../audit/audit.module';
import { RequestsModule } from '../requests/requests.module';
import { EvidenceAccess } from './evidence-access';
import { EvidenceAccessDenialInterceptor } from './evidence-access-denial.interceptor';
import {
  EvidenceController,
  EvidencePackagesController,
  RequestEvidenceController,
} from './evidence.controller';
import { EvidencePackagesService } from './evidence-packages.service';
import { EvidenceRetentionService } from './evidence-retention.service';
import { EvidenceService } from './evidence.service';
import { EvidenceVault } from './storage/evidence-vault';
import { createEvidenceStore } from './storage/create-evidence-store';
import { SigningKeysController } from './signing-keys.controller';

/** Evidence exchange with integrity and chain of custody (architecture.md §5; security.md §5). */
@Module({
  imports: [AuditModule, RequestsModule],
  controllers: [
    RequestEvidenceController,
    EvidenceController,
    EvidencePackagesController,
    SigningKeysController,
  ],
  providers: [
    {
      provide: EvidenceVault,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) =>
        new EvidenceVault(
          await createEvidenceStore(config.evidence.store),
          config.evidence.masterKey,
          config.evidence.dir,
        ),
    },
    EvidenceAccess,
    EvidenceAccessDenialInterceptor,
    EvidenceService,
    EvidencePackagesService,
    EvidenceRetentionService,
  ],
  exports: [EvidenceService, EvidenceRetentionService],
})
export class EvidenceModule implements OnApplicationShutdown {
  constructor(private readonly vault: EvidenceVault) {}

  async onApplicationShutdown(): Promise<void> {
    await this.vault.store.close();
  }
}
