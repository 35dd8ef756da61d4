import { Injectable, Logger } from '@nestjs/common';
import {
  applicableRefusalGrounds,
  assessDualCriminality,
  NO_DUAL_CRIMINALITY_GROUND,
  type CriminalisationEntry,
  type DualCriminalityAssessment,
  type InstrumentProfile,
  type OffenceCatalogueEntry,
  type RequestType,
} from '@mla/contracts';
import { ValidationFailedError } from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';
import { shippedReferenceData } from './reference-data';

/** The request facts the assessment reads. */
export interface AssessedRequest {
  type: RequestType;
  requestedStateCode: string;
  offences: ReadonlyArray<{ catalogueCode?: string }>;
}

export interface ReferenceSources {
  offenceCatalogue: { file: string; version: number; sha256: string };
  /** Null when no criminalisation record is in use (an illustrative one outside demo mode). */
  criminalisation: { file: string; version: number; sha256: string; illustrative: boolean } | null;
}

/**
 * The offence catalogue and the per-state criminalisation record, and the dual-criminality
 * assessment built on them. Decision support only (domain.md §7.5): a human decides, and nothing
 * here refuses a request by itself.
 */
@Injectable()
export class OffenceCatalogue {
  private readonly logger = new Logger(OffenceCatalogue.name);
  readonly entries: readonly OffenceCatalogueEntry[];
  /** Where the catalogue comes from, as the file says. */
  readonly source: string;
  readonly sources: ReferenceSources;
  private readonly byCode: ReadonlyMap<string, OffenceCatalogueEntry>;
  private readonly records: ReadonlyMap<string, ReadonlyMap<string, CriminalisationEntry>>;

  constructor(config: AppConfig) {
    // Read here, not lazily, so that a malformed file stops the start-up rather than a request.
    const { catalogue, criminalisation } = shippedReferenceData();
    this.entries = catalogue.body.offences;
    this.source = catalogue.body.source;
    this.byCode = new Map(this.entries.map((entry) => [entry.code, entry]));
    // Illustrative data must never pass for a statement of a real state's law: outside demo mode
    // it is left out, and every assessment says unknown until a verified record is shipped.
    const usable = !criminalisation.body.illustrative || config.demo.enabled;
    if (!usable) {
      this.logger.warn(
        `${criminalisation.file} is illustrative and not used outside demo mode: dual-criminality assessments are unknown`,
      );
    }
    this.records = new Map(
      usable
        ? criminalisation.body.states.map((state) => [
            state.stateCode,
            new Map(state.offences.map((entry) => [entry.code, entry])),
          ])
        : [],
    );
    const { file, version, sha256 } = catalogue;
    this.sources = {
      offenceCatalogue: { file, version, sha256 },
      criminalisation: usable
        ? {
            file: criminalisation.file,
            version: criminalisation.version,
            sha256: criminalisation.sha256,
            illustrative: criminalisation.body.illustrative,
          }
        : null,
    };
  }

  assess(profile: InstrumentProfile, request: AssessedRequest): DualCriminalityAssessment {
    const rules = profile.requestTypes[request.type];
    if (!rules)
      throw new Error(`profile ${profile.legalBasis}@${profile.version} has no ${request.type} rules`);
    return assessDualCriminality({
      requirement: rules.dualCriminality,
      requestedStateCode: request.requestedStateCode,
      offences: request.offences,
      catalogue: this.byCode,
      record: this.records.get(request.requestedStateCode),
    });
  }

  /** The grounds the refuse action accepts for the request: its profile's, as far as they apply. */
  refusalGrounds(profile: InstrumentProfile, request: AssessedRequest): string[] {
    return applicableRefusalGrounds(
      profile.requestTypes[request.type]?.refusalGrounds ?? [],
      this.assess(profile, request),
    );
  }

  /**
   * Refuses REF_NO_DUAL_CRIMINALITY as a ground where the assessment does not support it. The other
   * grounds are checked against the profile by the caller.
   */
  checkRefusalGrounds(
    profile: InstrumentProfile,
    request: AssessedRequest,
    grounds: readonly string[],
  ): void {
    if (!grounds.includes(NO_DUAL_CRIMINALITY_GROUND)) return;
    const assessment = this.assess(profile, request);
    if (applicableRefusalGrounds([NO_DUAL_CRIMINALITY_GROUND], assessment).length > 0) return;
    const why =
      assessment.status === 'not_required'
        ? `the ${profile.legalBasis} profile (version ${profile.version}) does not require dual criminality for ${request.type} requests`
        : `the dual-criminality assessment of this request is ${assessment.status}, and the ground applies only where it is not_met for at least one offence (GET /v1/requests/{id}/dual-criminality)`;
    throw ValidationFailedError.field('grounds', `${NO_DUAL_CRIMINALITY_GROUND} does not apply: ${why}`);
  }
}
