import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { OffencesModule } from '../offences/offences.module';
import { ProfilesModule } from '../profiles/profiles.module';
import { AssignmentLedger } from './assignment-ledger';
import { DeadlineService } from './deadlines/deadline.service';
import { EmergencyTrack } from './emergency/emergency-track';
import { LanguageGate } from './translations/language-gate';
import { RequestLinksService } from './links/request-links.service';
import { TranslationsController } from './translations/translations.controller';
import { TranslationsService } from './translations/translations.service';
import { ConsentsController } from './consents/consents.controller';
import { ConsentsService } from './consents/consents.service';
import { ExculpatoryNoticesService } from './consents/exculpatory-notices.service';
import { DualCriminalityController } from './dual-criminality.controller';
import { DualCriminalityService } from './dual-criminality.service';
import { MessagesService } from './messages.service';
import { RequestAssignmentsService } from './request-assignments.service';
import { RequestHistoryService } from './request-history.service';
import { RequestsController } from './requests.controller';
import { RequestsService } from './requests.service';
import { TransitionListeners } from './transition-listeners';
import { LifecycleController } from './lifecycle/lifecycle.controller';
import { LifecycleRecords } from './lifecycle/lifecycle-records.service';
import { SystemTransitions } from './lifecycle/system-transitions';
import { TrafficDisclosuresController } from './disclosures/traffic-disclosures.controller';
import { TrafficDisclosuresService } from './disclosures/traffic-disclosures.service';
import { TransmissionReceiptsController } from './transmission/transmission-receipts.controller';
import { TransmissionReceipts } from './transmission/transmission-receipts.service';

@Module({
  imports: [AuditModule, ProfilesModule, OffencesModule],
  controllers: [
    RequestsController,
    DualCriminalityController,
    TranslationsController,
    LifecycleController,
    ConsentsController,
    TrafficDisclosuresController,
    TransmissionReceiptsController,
  ],
  providers: [
    RequestsService,
    TransitionListeners,
    MessagesService,
    RequestHistoryService,
    RequestAssignmentsService,
    AssignmentLedger,
    DeadlineService,
    EmergencyTrack,
    LanguageGate,
    RequestLinksService,
    TranslationsService,
    DualCriminalityService,
    LifecycleRecords,
    SystemTransitions,
    TrafficDisclosuresService,
    ConsentsService,
    ExculpatoryNoticesService,
    TransmissionReceipts,
  ],
  // The demo seeder creates its sample requests through these, like any API call would.
  exports: [
    RequestsService,
    MessagesService,
    RequestAssignmentsService,
    DeadlineService,
    TransitionListeners,
  ],
})
export class RequestsModule {}
