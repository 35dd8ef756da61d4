import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditCheckpointJob } from './audit-checkpoint.job';
import { AuditController } from './audit.controller';
import { AuditExportService } from './audit-export.service';
import { AuditHardeningCheck } from './audit-hardening.check';
import { AuditQueryService } from './audit-query.service';
import { AuditReportService } from './audit-report.service';
import { AuditRetentionService } from './audit-retention.service';
import { AuditService } from './audit.service';
import { AuditedReadInterceptor } from './audited-read';
import { MerkleLogService } from './merkle-log.service';

@Module({
  controllers: [AuditController],
  providers: [
    AuditService,
    AuditQueryService,
    MerkleLogService,
    AuditExportService,
    AuditReportService,
    AuditCheckpointJob,
    AuditRetentionService,
    AuditHardeningCheck,
    // Global, acting only on routes marked @AuditedRead.
    { provide: APP_INTERCEPTOR, useClass: AuditedReadInterceptor },
  ],
  exports: [AuditService, AuditQueryService, MerkleLogService, AuditRetentionService],
})
export class AuditModule {}
