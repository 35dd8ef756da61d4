import { Module } from '@nestjs/common';
import { AuditCheckpointJob } from './audit-checkpoint.job';
import { AuditController } from './audit.controller';
import { AuditExportService } from './audit-export.service';
import { AuditHardeningCheck } from './audit-hardening.check';
import { AuditQueryService } from './audit-query.service';
import { AuditReportService } from './audit-report.service';
import { AuditRetentionService } from './audit-retention.service';
import { AuditService } from './audit.service';
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
  ],
  exports: [AuditService, AuditQueryService, MerkleLogService, AuditRetentionService],
})
export class AuditModule {}
