import { InitialSchema1795900000000 } from './1795900000000-InitialSchema';
import { AddUserSessions1795900100000 } from './1795900100000-AddUserSessions';
import { AddLoginLockout1795900200000 } from './1795900200000-AddLoginLockout';
import { AddAuthThrottle1795900300000 } from './1795900300000-AddAuthThrottle';
import { AddSecondFactor1795900400000 } from './1795900400000-AddSecondFactor';
import { AddRequestAssignments1795900500000 } from './1795900500000-AddRequestAssignments';
import { AddApiKeys1795900600000 } from './1795900600000-AddApiKeys';
import { AddAgencyDeactivation1795900700000 } from './1795900700000-AddAgencyDeactivation';
import { AddInstrumentProfiles1795900800000 } from './1795900800000-AddInstrumentProfiles';
import { AddRequestDeadlines1795901000000 } from './1795901000000-AddRequestDeadlines';
import { AddLanguageGate1795901100000 } from './1795901100000-AddLanguageGate';
import { AddRequestLinks1795901200000 } from './1795901200000-AddRequestLinks';
import { AddOralContacts1795901300000 } from './1795901300000-AddOralContacts';
import { AddLifecycleDepth1795901400000 } from './1795901400000-AddLifecycleDepth';
import { AddTypeDetails1795901500000 } from './1795901500000-AddTypeDetails';
import { AddConsents1795901600000 } from './1795901600000-AddConsents';
import { AddTrafficDisclosures1795901700000 } from './1795901700000-AddTrafficDisclosures';
import { AddEvidence1795901800000 } from './1795901800000-AddEvidence';
import { AddAuditMerkleTree1795901900000 } from './1795901900000-AddAuditMerkleTree';
import { AddTransmissionReceipts1795902000000 } from './1795902000000-AddTransmissionReceipts';
import { AddAuditRedaction1795902100000 } from './1795902100000-AddAuditRedaction';
import { AddIdempotencyKeys1795902200000 } from './1795902200000-AddIdempotencyKeys';
import { AddRateLimit1795902300000 } from './1795902300000-AddRateLimit';

/** Every migration, in order. Listed as classes (not globs) so dist, jest and scripts resolve them alike. */
export const MIGRATIONS = [
  InitialSchema1795900000000,
  AddUserSessions1795900100000,
  AddLoginLockout1795900200000,
  AddAuthThrottle1795900300000,
  AddSecondFactor1795900400000,
  AddRequestAssignments1795900500000,
  AddApiKeys1795900600000,
  AddAgencyDeactivation1795900700000,
  AddInstrumentProfiles1795900800000,
  AddRequestDeadlines1795901000000,
  AddLanguageGate1795901100000,
  AddRequestLinks1795901200000,
  AddOralContacts1795901300000,
  AddLifecycleDepth1795901400000,
  AddTypeDetails1795901500000,
  AddConsents1795901600000,
  AddTrafficDisclosures1795901700000,
  AddEvidence1795901800000,
  AddAuditMerkleTree1795901900000,
  AddTransmissionReceipts1795902000000,
  AddAuditRedaction1795902100000,
  AddIdempotencyKeys1795902200000,
  AddRateLimit1795902300000,
];
