import {
  applicableRefusalGrounds,
  assessDualCriminality,
  DualCriminalityStatus,
  OffenceKind,
  type AssessmentInput,
  type CriminalisationEntry,
  type OffenceCatalogueEntry,
} from './dual-criminality';
import { DualCriminality } from './instrument-profile';

const entry = (code: string, kind: OffenceKind = OffenceKind.Offence): OffenceCatalogueEntry => ({
  code,
  instrument: 'UNCC',
  article: '0',
  title: `Conduct ${code}`,
  budapestEquivalent: null,
  kind,
  verification: 'U',
});
const CATALOGUE = new Map(
  [entry('ACCESS'), entry('NCII'), entry('GROOMING'), entry('SERIOUS', OffenceKind.Category)].map((e) => [
    e.code,
    e,
  ]),
);
const recorded = (code: string, criminalised: boolean): [string, CriminalisationEntry] => [
  code,
  { code, criminalised, verification: 'U' },
];
const FR = new Map([recorded('ACCESS', true), recorded('NCII', false)]);

const assess = (codes: Array<string | undefined>, overrides: Partial<AssessmentInput> = {}) =>
  assessDualCriminality({
    requirement: DualCriminality.Optional,
    requestedStateCode: 'FR',
    offences: codes.map((catalogueCode) => (catalogueCode ? { catalogueCode } : {})),
    catalogue: CATALOGUE,
    record: FR,
    ...overrides,
  });

describe('assessDualCriminality', () => {
  it('should find it met when the requested state criminalises every offence', () => {
    const result = assess(['ACCESS']);
    expect(result).toMatchObject({ status: 'met', required: false, requirement: 'optional' });
    expect(result.offences).toEqual([
      expect.objectContaining({ catalogueCode: 'ACCESS', status: 'met', verification: 'U' }),
    ]);
  });

  it('should find it not met when one offence is not criminalised, whatever the others say', () => {
    const result = assess(['ACCESS', 'NCII', undefined], { requirement: DualCriminality.Required });
    expect(result.status).toBe('not_met');
    expect(result.required).toBe(true);
    expect(result.offences.map((offence) => offence.status)).toEqual(['met', 'not_met', 'unknown']);
  });

  it('should answer unknown without a code, without a record entry, for a category or a state without a record', () => {
    expect(assess([undefined]).status).toBe('unknown');
    expect(assess(['GROOMING']).offences[0]?.rationale).toContain('No record of whether FR');
    expect(assess(['SERIOUS']).offences[0]?.rationale).toContain('a category, not a conduct');
    expect(assess(['ACCESS'], { record: undefined }).status).toBe('unknown');
    expect(assess(['ACCESS', 'GROOMING']).status).toBe('unknown');
    expect(assess([]).status).toBe('unknown');
  });

  it('should assess nothing where the profile does not require dual criminality', () => {
    const result = assess(['NCII'], { requirement: DualCriminality.NotRequired });
    expect(result).toMatchObject({ status: 'not_required', required: false });
    expect(result.offences).toEqual([
      expect.objectContaining({ catalogueCode: 'NCII', status: 'not_required' }),
    ]);
  });
});

describe('applicableRefusalGrounds', () => {
  const GROUNDS = ['REF_ESSENTIAL_INTERESTS', 'REF_NO_DUAL_CRIMINALITY'];

  it('should offer REF_NO_DUAL_CRIMINALITY only when the assessment is not met', () => {
    expect(applicableRefusalGrounds(GROUNDS, { status: DualCriminalityStatus.NotMet })).toEqual(GROUNDS);
    for (const status of ['met', 'unknown', 'not_required'] as const) {
      expect(applicableRefusalGrounds(GROUNDS, { status })).toEqual(['REF_ESSENTIAL_INTERESTS']);
    }
  });
});
