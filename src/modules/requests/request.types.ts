import type { RequestStatus } from '@mla/contracts';
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
  /** Whether a consultation preceded the refusal, and if not, why (UNCAC 46(26); BUD 27(6)). */
  consultation?: ConsultationOutcome;
}

export type ConsultationOutcome = { held: true } | { held: false; skippedBecause: string };

/** The current or last clarification round (domain.md §6.4). */
export interface ClarificationState {
  /** Rounds asked so far. */
  round: number;
  /** When the open round was asked; null once answered. */
  openedAt: string | null;
  /** The content version the question was asked about: a higher one means the answer changed it. */
  askedAboutVersion: number;
  /** Fields the open or last question is about, with the question asked of each. */
  items: Array<{ field: string; question: string }>;
  /** Seconds the requesting side has held the request in all answered rounds. */
  waitedSeconds: number;
  /** An answer that changed the content, held until the requesting supervisor approves it. */
  pendingAnswer: { text: string; byId: string; at: string } | null;
}

/** The consultation the requested side opened before a refusal or postponement (T10). */
export interface ConsultationRecord {
  openedAt: string;
  openedById: string;
  /** The ground codes it had in mind. */
  grounds: string[];
  /** The status it was opened from: a postponement follows only one opened after acceptance. */
  openedFrom?: RequestStatus;
}

export interface PostponementRecord {
  grounds: string[];
  reason: string;
  expectedResumeAt: string;
  postponedAt: string;
  consultation: ConsultationOutcome;
  resumedAt: string | null;
  resumeNote: string | null;
}

export const ItemOutcomeKind = {
  Executed: 'executed',
  Refused: 'refused',
  Impossible: 'impossible',
} as const;
export type ItemOutcomeKind = (typeof ItemOutcomeKind)[keyof typeof ItemOutcomeKind];

/** What became of one requested item (a measure or a data category) at execution (T19). */
export interface ItemOutcome {
  item: string;
  outcome: ItemOutcomeKind;
  /** The refusal ground, for a refused item. */
  groundCode?: string;
  reason?: string;
}

export type { LegalBasis };
