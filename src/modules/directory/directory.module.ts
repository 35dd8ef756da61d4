import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { AgencyAdminService } from './agency-admin.service';
import { AgencyEntity } from './agency.entity';
import { DirectoryController } from './directory.controller';
import { DirectoryService } from './directory.service';
import { StateEntity } from './state.entity';

@Module({
  imports: [TypeOrmModule.forFeature([StateEntity, AgencyEntity]), AuditModule],
  controllers: [DirectoryController],
  providers: [DirectoryService, AgencyAdminService],
  exports: [DirectoryService],
})
export class DirectoryModule {}
