import type { LegalBasis, RequestType } from './request-vocabulary';

/** How a request travels (domain.md §4 `channel`, §6.5); a profile lists the ones its instrument allows. */
export const Channel = {
  CentralAuthority: 'central_authority',
  Poc247: 'poc_24_7',
  Diplomatic: 'diplomatic',
  Interpol: 'interpol',
  DirectJudicial: 'direct_judicial',
  DirectToProvider: 'direct_to_provider',
} as const;
export type Channel = (typeof Channel)[keyof typeof Channel];

export const DualCriminality = {
  Required: 'required',
  Optional: 'optional',
  NotRequired: 'not_required',
} as const;
export type DualCriminality = (typeof DualCriminality)[keyof typeof DualCriminality];

export const DeadlineUnit = {
  CalendarDays: 'calendar_days',
  WorkingDays: 'working_days',
  Hours: 'hours',
  AsRequested: 'as_requested',
} as const;
export type DeadlineUnit = (typeof DeadlineUnit)[keyof typeof DeadlineUnit];

/**
 * Request fields a profile may make mandatory beyond the envelope every request has. A path through
 * a list (`offences.maxPenalty`) means: in every element.
 */
export const PROFILE_FIELD_PATHS = [
  'subjects',
  'subjects.nationality',
  'subjects.location',
  'subjects.dateOfBirth',
  'targets',
  'targets.timestamp',
  'timeRange',
  'urgency.reasons',
  'urgency.requestedBy',
  'offences.maxPenalty',
  'offences.catalogueCode',
  'assistanceSought.measures',
  'confidentiality.reasons',
  'preservation.dataCategories',
  'preservation.necessity',
  'preservation.relationshipToOffence',
  'preservation.custodian',
  // The own fields of the other types (their `details`, domain.md §5.3-§5.14).
  'details.preservationRef',
  'details.identifiedProvider',
  'details.pathDescription',
  'details.sufficiencyNote',
  'details.dataCategories',
  'details.custodian',
  'details.custodian.provider',
  'details.formOfProduction',
  'details.authenticationRequested',
  'details.basisForBelief',
  'details.communications',
  'details.ownerOrUser',
  'details.justification',
  'details.collectionPeriod',
  'details.durationReason',
  'details.subject',
  'details.durationDays',
  'details.technicalData',
  'details.relevance',
  'details.premisesOrDevices',
  'details.itemsSought',
  'details.linkToOffence',
  'details.reasonBelievedInTerritory',
  'details.compulsoryMeasuresAvailable',
  'details.provider',
  'details.provider.name',
  'details.provider.address',
  'details.emergencyFacts',
  'details.dataRelation',
  'details.dataDescription',
  'details.specialInstructions',
  'details.dataSought',
  'details.domesticLegalGrounds',
  'details.returnInstructions',
  'details.person',
  'details.language',
  'details.interpreter',
  'details.conductingAuthority',
  'details.proposedAt',
  'details.technicalContact',
  'details.recordingRules',
  'details.costArrangements',
  'details.parties',
  'details.members',
  'details.scope',
  'details.startDate',
  'details.durationMonths',
  'details.location',
  'details.leadership',
  'details.evidenceTerms',
  'details.dataProtectionTerms',
  'details.costTerms',
  'details.summary',
  'details.proposedConditions',
] as const;
export type ProfileFieldPath = (typeof PROFILE_FIELD_PATHS)[number];

export interface ProfileDeadline {
  name: string;
  /** The event the clock starts at, e.g. `transmitted`, `preservation_confirmed`. */
  start: string;
  amount: number | null;
  unit: DeadlineUnit;
  onExpiry: string;
  warnBeforeDays?: number[];
  verification: 'V' | 'P' | 'U';
}

/** The rules of one request type under one legal basis. */
export interface RequestTypeRules {
  articles: string[];
  /** How well the values are verified against the official text (domain.md §0). */
  verification: 'V' | 'P' | 'U';
  mandatoryFields: ProfileFieldPath[];
  channels: Channel[];
  refusalGrounds: string[];
  postponementGrounds: string[];
  dualCriminality: DualCriminality;
  deadlines: ProfileDeadline[];
  preservation?: { minimumDays: number; extensionAllowed: boolean; holdUntilDecisionOnFollowUp: boolean };
  note?: string;
}

/**
 * The deadline an executed emergency request opens on the requesting side: the post-event review
 * (domain.md §6.6). Its profile entry starts at this event; recording the review meets it.
 */
export const EMERGENCY_REVIEW_DEADLINE = 'emergency_review';
export const EMERGENCY_EXECUTED_EVENT = 'emergency_executed';

/** One version of an instrument profile: the data a lawyer corrects without a code release. */
export interface InstrumentProfile {
  legalBasis: LegalBasis;
  version: number;
  title: string;
  source: string;
  requestTypes: Partial<Record<RequestType, RequestTypeRules>>;
  /** Languages accepted by each requested state (ISO 3166 code), `*` for any other. */
  languages: Record<string, string[]>;
}

/** The fields of `content` a profile requires that are missing or empty, as JSON paths. */
export function missingMandatoryFields(content: unknown, paths: readonly string[]): string[] {
  const missing: string[] = [];
  const visit = (value: unknown, segments: string[], at: string): void => {
    if (segments.length === 0) {
      const empty =
        value === undefined ||
        value === null ||
        (typeof value === 'string' && value.trim() === '') ||
        (Array.isArray(value) && value.length === 0);
      if (empty) missing.push(at);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((element, index) => visit(element, segments, `${at}[${index}]`));
      return;
    }
    const [head, ...rest] = segments as [string, ...string[]];
    const next =
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[head] : undefined;
    if (next === undefined || next === null) {
      missing.push(at ? `${at}.${head}` : head);
      return;
    }
    visit(next, rest, at ? `${at}.${head}` : head);
  };
  for (const path of paths) visit(content, path.split('.'), '');
  return missing;
}
