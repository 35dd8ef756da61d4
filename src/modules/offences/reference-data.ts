import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  OffenceKind,
  type CriminalisationEntry,
  type OffenceCatalogueEntry,
  type Verification,
} from '@mla/contracts';
import { projectRoot } from '../../common/files/project-root';

/** A reference data file as shipped, with what identifies the exact text an assessment rested on. */
export interface ShippedFile<T> {
  file: string;
  version: number;
  sha256: string;
  body: T;
}

export interface OffenceCatalogueFile {
  source: string;
  offences: OffenceCatalogueEntry[];
}

export interface CriminalisationFile {
  illustrative: boolean;
  notice: string;
  states: Array<{
    stateCode: string;
    verification: Verification;
    note?: string;
    offences: CriminalisationEntry[];
  }>;
}

const VERIFICATION = new Set(['V', 'P', 'U']);
const KINDS = new Set<string>(Object.values(OffenceKind));

let shipped: {
  catalogue: ShippedFile<OffenceCatalogueFile>;
  criminalisation: ShippedFile<CriminalisationFile>;
};

/**
 * The offence catalogue (domain.md §12) and the per-state criminalisation record, shipped as data in
 * profiles/reference/ (a subfolder, so the instrument-profile loader does not take them for profiles).
 * Both are read once and checked strictly: a malformed file stops the start-up with its problems.
 */
export function shippedReferenceData(): typeof shipped {
  shipped ??= (() => {
    const catalogue = readShipped<OffenceCatalogueFile>('offence-catalogue.json', catalogueProblems);
    const codes = new Map(catalogue.body.offences.map((entry) => [entry.code, entry]));
    const criminalisation = readShipped<CriminalisationFile>('criminalisation.json', (body) =>
      criminalisationProblems(body, codes),
    );
    return { catalogue, criminalisation };
  })();
  return shipped;
}

function readShipped<T>(name: string, problemsOf: (body: T) => string[]): ShippedFile<T> {
  const text = readFileSync(join(projectRoot(), 'profiles', 'reference', name), 'utf8');
  const { version, ...body } = JSON.parse(text) as { version: unknown } & T;
  const problems = problemsOf(body as T);
  if (!Number.isInteger(version) || (version as number) < 1)
    problems.push('version: a positive whole number');
  if (problems.length > 0) {
    throw new Error(`profiles/reference/${name} is not valid: ${problems.join('; ')}`);
  }
  return {
    file: `profiles/reference/${name}`,
    version: version as number,
    sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
    body: body as T,
  };
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

function catalogueProblems(body: OffenceCatalogueFile): string[] {
  if (!Array.isArray(body.offences)) return ['offences: a list'];
  const problems: string[] = [];
  const seen = new Set<string>();
  body.offences.forEach((entry, index) => {
    const at = `offences[${index}]`;
    if (!isText(entry.code) || !/^[A-Z0-9-]{3,64}$/.test(entry.code))
      problems.push(`${at}.code: upper-case letters, digits and hyphens`);
    else if (seen.has(entry.code)) problems.push(`${at}.code: ${entry.code} appears twice`);
    else seen.add(entry.code);
    if (entry.instrument !== 'UNCC' && entry.instrument !== 'BUD')
      problems.push(`${at}.instrument: UNCC or BUD`);
    if (!isText(entry.article)) problems.push(`${at}.article: required`);
    if (!isText(entry.title)) problems.push(`${at}.title: required`);
    if (entry.budapestEquivalent !== null && !isText(entry.budapestEquivalent))
      problems.push(`${at}.budapestEquivalent: text or null`);
    if (!KINDS.has(entry.kind)) problems.push(`${at}.kind: one of ${[...KINDS].join(', ')}`);
    if (!VERIFICATION.has(entry.verification)) problems.push(`${at}.verification: V, P or U`);
  });
  return problems;
}

function criminalisationProblems(
  body: CriminalisationFile,
  catalogue: ReadonlyMap<string, OffenceCatalogueEntry>,
): string[] {
  if (!Array.isArray(body.states)) return ['states: a list'];
  const problems: string[] = [];
  if (typeof body.illustrative !== 'boolean') problems.push('illustrative: true or false');
  if (!isText(body.notice)) problems.push('notice: say where the record comes from');
  const states = new Set<string>();
  body.states.forEach((state, index) => {
    const at = `states[${index}]`;
    if (!/^[A-Z]{2}$/.test(String(state.stateCode))) problems.push(`${at}.stateCode: ISO 3166-1 alpha-2`);
    else if (states.has(state.stateCode)) problems.push(`${at}.stateCode: ${state.stateCode} appears twice`);
    else states.add(state.stateCode);
    if (!VERIFICATION.has(state.verification)) problems.push(`${at}.verification: V, P or U`);
    if (!Array.isArray(state.offences)) {
      problems.push(`${at}.offences: a list`);
      return;
    }
    const codes = new Set<string>();
    state.offences.forEach((entry, position) => {
      const where = `${at}.offences[${position}]`;
      const known = catalogue.get(entry.code);
      // Only conduct can be criminalised: an entry for a category or an ancillary rule would be read
      // as a statement about conduct it does not describe.
      if (!known) problems.push(`${where}.code: ${String(entry.code)} is not in the offence catalogue`);
      else if (known.kind !== OffenceKind.Offence)
        problems.push(`${where}.code: ${entry.code} is a ${known.kind}, not an offence`);
      if (codes.has(entry.code)) problems.push(`${where}.code: ${entry.code} appears twice`);
      codes.add(entry.code);
      if (typeof entry.criminalised !== 'boolean') problems.push(`${where}.criminalised: true or false`);
      if (!VERIFICATION.has(entry.verification)) problems.push(`${where}.verification: V, P or U`);
    });
  });
  return problems;
}
