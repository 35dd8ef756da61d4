import { DualCriminality } from './instrument-profile';

export type Verification = 'V' | 'P' | 'U';

/**
 * What a catalogue code stands for. Only an `offence` describes conduct that a state criminalises or
 * not; ancillary rules (attempt, liability of legal persons) and categories (serious crime, other UN
 * instruments) say nothing about the conduct itself, so the conduct test cannot be read from them.
 */
export const OffenceKind = {
  Offence: 'offence',
  Ancillary: 'ancillary',
  Category: 'category',
} as const;
export type OffenceKind = (typeof OffenceKind)[keyof typeof OffenceKind];

/** One entry of the offence catalogue (domain.md §12): a reference taxonomy, not law. */
export interface OffenceCatalogueEntry {
  code: string;
  instrument: 'UNCC' | 'BUD';
  article: string;
  title: string;
  budapestEquivalent: string | null;
  kind: OffenceKind;
  verification: Verification;
  note?: string;
}

/** Whether one state criminalises the conduct of one catalogue offence. */
export interface CriminalisationEntry {
  code: string;
  criminalised: boolean;
  verification: Verification;
  note?: string;
}

export const DualCriminalityStatus = {
  Met: 'met',
  NotMet: 'not_met',
  NotRequired: 'not_required',
  Unknown: 'unknown',
} as const;
export type DualCriminalityStatus = (typeof DualCriminalityStatus)[keyof typeof DualCriminalityStatus];

/** The refusal ground that only an unmet dual-criminality assessment opens (domain.md §7.1, §7.5). */
export const NO_DUAL_CRIMINALITY_GROUND = 'REF_NO_DUAL_CRIMINALITY';

export interface OffenceAssessment {
  catalogueCode: string | null;
  status: DualCriminalityStatus;
  rationale: string;
  /** The mark of the record entry the status rests on, when there is one. */
  verification: Verification | null;
}

export interface DualCriminalityAssessment {
  /** The profile's word for this request type. */
  requirement: DualCriminality;
  /** True only where the profile makes dual criminality a condition of assistance. */
  required: boolean;
  status: DualCriminalityStatus;
  offences: OffenceAssessment[];
}

export interface AssessmentInput {
  requirement: DualCriminality;
  requestedStateCode: string;
  offences: ReadonlyArray<{ catalogueCode?: string }>;
  catalogue: ReadonlyMap<string, OffenceCatalogueEntry>;
  /** The requested state's record, by catalogue code; undefined when the state has none. */
  record: ReadonlyMap<string, CriminalisationEntry> | undefined;
}

/**
 * Decision support for the requested side (domain.md §7.5), never a decision: the conduct test asks
 * whether the requested state criminalises the conduct behind each offence, whatever it calls it
 * (BUD 25(5)). Where the profile says not required (preservation, BUD 29(3)) nothing is assessed.
 */
export function assessDualCriminality(input: AssessmentInput): DualCriminalityAssessment {
  const { requirement } = input;
  const required = requirement === DualCriminality.Required;
  if (requirement === DualCriminality.NotRequired) {
    return {
      requirement,
      required,
      status: DualCriminalityStatus.NotRequired,
      offences: input.offences.map((offence) => ({
        catalogueCode: offence.catalogueCode ?? null,
        status: DualCriminalityStatus.NotRequired,
        rationale: 'The instrument profile does not require dual criminality for this type of request',
        verification: null,
      })),
    };
  }
  const offences = input.offences.map((offence) => assessOffence(offence.catalogueCode, input));
  const statuses = new Set(offences.map((offence) => offence.status));
  const status = statuses.has(DualCriminalityStatus.NotMet)
    ? DualCriminalityStatus.NotMet
    : statuses.has(DualCriminalityStatus.Unknown) || offences.length === 0
      ? DualCriminalityStatus.Unknown
      : DualCriminalityStatus.Met;
  return { requirement, required, status, offences };
}

function assessOffence(code: string | undefined, input: AssessmentInput): OffenceAssessment {
  const unknown = (rationale: string): OffenceAssessment => ({
    catalogueCode: code ?? null,
    status: DualCriminalityStatus.Unknown,
    rationale,
    verification: null,
  });
  if (code === undefined) {
    return unknown('No catalogue code: compare the national provision with the law of the requested state');
  }
  const entry = input.catalogue.get(code);
  if (!entry) return unknown(`${code} is not in the offence catalogue`);
  if (entry.kind !== OffenceKind.Offence) {
    return unknown(
      `${code} is ${entry.kind === OffenceKind.Category ? 'a category' : 'an ancillary rule'}, not a conduct: ` +
        'assess the underlying conduct',
    );
  }
  const recorded = input.record?.get(code);
  if (!recorded) {
    return unknown(
      `No record of whether ${input.requestedStateCode} criminalises ${entry.title.toLowerCase()}`,
    );
  }
  return {
    catalogueCode: code,
    status: recorded.criminalised ? DualCriminalityStatus.Met : DualCriminalityStatus.NotMet,
    rationale: recorded.criminalised
      ? `${input.requestedStateCode} criminalises the conduct (${entry.title.toLowerCase()}), whatever its name there`
      : `${input.requestedStateCode} does not criminalise the conduct (${entry.title.toLowerCase()})`,
    verification: recorded.verification,
  };
}

/**
 * The refusal grounds that apply to a request: its profile's, less REF_NO_DUAL_CRIMINALITY unless the
 * assessment finds at least one offence not met. An unknown status does not open the ground: the
 * officer first establishes the facts (and a record that is wrong is corrected, not overridden).
 */
export function applicableRefusalGrounds(
  profileGrounds: readonly string[],
  assessment: Pick<DualCriminalityAssessment, 'status'>,
): string[] {
  return profileGrounds.filter(
    (code) => code !== NO_DUAL_CRIMINALITY_GROUND || assessment.status === DualCriminalityStatus.NotMet,
  );
}
