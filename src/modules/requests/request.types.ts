import type {
  DataCategory,
  IdentifierType,
  LegalBasis,
  Measure,
  SubjectRole,
  UrgencyLevel,
} from '@mla/contracts';

/** A wall-clock time as typed, its zone, and the UTC instant the server derived from both. */
export interface ZonedTime {
  local: string;
  timeZone: string;
  utc: string;
}

export interface Urgency {
  level: UrgencyLevel;
  reasons?: string;
  requestedBy?: string;
}

export interface OffenceRef {
  provision: string;
  description: string;
  maxPenalty?: string;
  catalogueCode?: string;
}

export interface AssistanceSought {
  measures: Measure[];
  description: string;
}

export interface Subject {
  name: string;
  aliases?: string[];
  dateOfBirth?: string;
  nationality?: string;
  location?: string;
  role: SubjectRole;
}

export interface TargetIdentifier {
  type: IdentifierType;
  value: string;
  label?: string;
  serviceProvider?: string;
  timestamp?: ZonedTime;
}

export interface TimeRange {
  from: ZonedTime;
  to: ZonedTime;
}

export interface Confidentiality {
  keepFactConfidential: boolean;
  doNotNotifyUser: boolean;
  reasons?: string;
}

/** The fields a preservation request needs besides the envelope (BUD 29(2); UNCC 42). */
export interface PreservationDetails {
  dataCategories: DataCategory[];
  relationshipToOffence: string;
  necessity: string;
  custodian?: { provider?: string; systemLocation?: string };
  intentToRequestMla: true;
  intendedMeasure: string;
}

/**
 * The own fields of a request type other than MLA and preservation (domain.md §5.3-§5.14), as
 * stored: the type's details class, with the UTC instant derived for every zoned time.
 */
export type TypeDetails = { [field: string]: string | number | boolean | object };

export interface RefusalRecord {
  grounds: string[];
  reason: string;
}

export type { LegalBasis };
