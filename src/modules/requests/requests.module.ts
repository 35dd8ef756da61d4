import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MessagesService } from './messages.service';
import { RequestHistoryService } from './request-history.service';
import { RequestsController } from './requests.controller';
import { RequestsService } from './requests.service';

@Module({
  imports: [AuditModule],
  controllers: [RequestsController],
  providers: [RequestsService, MessagesService, RequestHistoryService],
})
export class RequestsModule {}
