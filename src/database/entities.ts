import { ApiKeyEntity } from '../modules/api-keys/api-key.entity';
import { AuditEntryEntity, AuditHeadEntity, AuditLegalHoldEntity } from '../modules/audit/audit-entry.entity';
import { AuditCheckpointEntity, AuditNodeEntity } from '../modules/audit/merkle/audit-merkle.entity';
import { AuthThrottleEntity } from '../modules/auth/auth-throttle.entity';
import { RecoveryCodeEntity } from '../modules/users/recovery-code.entity';
import { RefreshTokenEntity, SessionEntity } from '../modules/auth/session.entity';
import { AgencyEntity } from '../modules/directory/agency.entity';
import { InstrumentProfileEntity } from '../modules/profiles/instrument-profile.entity';
import { StateEntity } from '../modules/directory/state.entity';
import { CooperationRequestEntity } from '../modules/requests/cooperation-request.entity';
import { RequestDeadlineEntity } from '../modules/requests/deadlines/request-deadline.entity';
import { RequestTranslationEntity } from '../modules/requests/translations/request-translation.entity';
import { RequestLinkEntity } from '../modules/requests/links/request-link.entity';
import { RequestOralContactEntity } from '../modules/requests/oral-contacts/request-oral-contact.entity';
import { RequestConsentEntity } from '../modules/requests/consents/request-consent.entity';
import { RequestOnwardTransferEntity } from '../modules/requests/consents/request-onward-transfer.entity';
import { RequestFurtherUseEntity } from '../modules/requests/consents/request-further-use.entity';
import { RequestExculpatoryNoticeEntity } from '../modules/requests/consents/request-exculpatory-notice.entity';
import { RequestEmergencyReviewEntity } from '../modules/requests/emergency/request-emergency-review.entity';
import { RequestAssignmentEntity } from '../modules/requests/request-assignment.entity';
import { RequestMessageEntity } from '../modules/requests/request-message.entity';
import { UserEntity } from '../modules/users/user.entity';

import { RequestConditionEntity } from '../modules/requests/lifecycle/request-condition.entity';
import { RequestContentVersionEntity } from '../modules/requests/lifecycle/request-content-version.entity';

import { RequestTransmissionReceiptEntity } from '../modules/requests/transmission/transmission-receipt.entity';
import { RequestTrafficDisclosureEntity } from '../modules/requests/disclosures/request-traffic-disclosure.entity';

import {
  EvidenceBlobEntity,
  EvidenceItemEntity,
  EvidencePackageEntity,
} from '../modules/evidence/evidence.entities';
import { RateLimitEntity } from '../common/rate-limit/rate-limit.entity';
import { IdempotencyKeyEntity } from '../modules/idempotency/idempotency-key.entity';

export const ENTITIES = [
  StateEntity,
  AgencyEntity,
  InstrumentProfileEntity,
  UserEntity,
  SessionEntity,
  RefreshTokenEntity,
  AuthThrottleEntity,
  RateLimitEntity,
  RecoveryCodeEntity,
  ApiKeyEntity,
  CooperationRequestEntity,
  RequestDeadlineEntity,
  RequestTranslationEntity,
  RequestLinkEntity,
  RequestOralContactEntity,
  RequestContentVersionEntity,
  RequestConditionEntity,
  RequestConsentEntity,
  RequestOnwardTransferEntity,
  RequestFurtherUseEntity,
  RequestExculpatoryNoticeEntity,
  RequestEmergencyReviewEntity,
  RequestTrafficDisclosureEntity,
  RequestTransmissionReceiptEntity,
  EvidenceBlobEntity,
  EvidencePackageEntity,
  EvidenceItemEntity,
  RequestMessageEntity,
  RequestAssignmentEntity,
  AuditEntryEntity,
  AuditHeadEntity,
  AuditNodeEntity,
  AuditCheckpointEntity,
  AuditLegalHoldEntity,
  IdempotencyKeyEntity,
];
