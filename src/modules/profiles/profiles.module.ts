import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ProfileCatalog } from './profile-catalog.service';
import { ProfilesController } from './profiles.controller';

@Module({
  imports: [AuditModule],
  controllers: [ProfilesController],
  providers: [ProfileCatalog],
  exports: [ProfileCatalog],
})
export class ProfilesModule {}
