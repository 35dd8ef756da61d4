import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgencyEntity } from './agency.entity';
import { DirectoryController } from './directory.controller';
import { DirectoryService } from './directory.service';
import { StateEntity } from './state.entity';

@Module({
  imports: [TypeOrmModule.forFeature([StateEntity, AgencyEntity])],
  controllers: [DirectoryController],
  providers: [DirectoryService],
  exports: [DirectoryService],
})
export class DirectoryModule {}
