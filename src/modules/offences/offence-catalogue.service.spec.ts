import { DualCriminality, LegalBasis, RequestType, type InstrumentProfile } from '@mla/contracts';
import { ValidationFailedError } from '../../common/errors/domain-error';
import type { AppConfig } from '../../config/app-config';
import { OffenceCatalogue } from './offence-catalogue.service';

const inDemo = (enabled: boolean) => new OffenceCatalogue({ demo: { enabled } } as AppConfig);

const profileSaying = (dualCriminality: DualCriminality): InstrumentProfile => ({
  legalBasis: LegalBasis.Bilateral,
  version: 7,
  title: 'Test profile',
  source: 'test',
  languages: { '*': ['en'] },
  requestTypes: {
    [RequestType.MlaGeneral]: {
      articles: ['1'],
      verification: 'U',
      mandatoryFields: [],
      channels: [],
      refusalGrounds: ['REF_ESSENTIAL_INTERESTS', 'REF_NO_DUAL_CRIMINALITY'],
      postponementGrounds: [],
      dualCriminality,
      deadlines: [],
    },
  },
});

/** France does not criminalise UNCC-16 in the illustrative demo record. */
const NOT_MET_IN_DEMO = {
  type: RequestType.MlaGeneral,
  requestedStateCode: 'FR',
  offences: [{ catalogueCode: 'UNCC-16-NCII' }],
};

function messageOf(run: () => void): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationFailedError) return JSON.stringify(error.details);
    throw error;
  }
  return 'accepted';
}

describe(OffenceCatalogue.name, () => {
  it('should load the shipped catalogue with every code of domain.md §12', () => {
    const codes = inDemo(true).entries.map((entry) => entry.code);
    expect(codes).toHaveLength(16);
    expect(codes).toEqual(
      expect.arrayContaining(['UNCC-07-ILLEGAL-ACCESS', 'UNCC-SERIOUS-CRIME', 'BUD-10-IP-INFRINGEMENT']),
    );
  });

  it('should leave the illustrative criminalisation record out outside demo mode', () => {
    const profile = profileSaying(DualCriminality.Required);
    expect(inDemo(true).assess(profile, NOT_MET_IN_DEMO).status).toBe('not_met');
    const production = inDemo(false);
    expect(production.sources.criminalisation).toBeNull();
    expect(production.assess(profile, NOT_MET_IN_DEMO).status).toBe('unknown');
    expect(
      messageOf(() => production.checkRefusalGrounds(profile, NOT_MET_IN_DEMO, ['REF_NO_DUAL_CRIMINALITY'])),
    ).toContain('assessment of this request is unknown');
  });

  it('should refuse the ground where the profile does not require dual criminality, even for conduct not criminalised', () => {
    const catalogue = inDemo(true);
    const profile = profileSaying(DualCriminality.NotRequired);
    expect(catalogue.refusalGrounds(profile, NOT_MET_IN_DEMO)).toEqual(['REF_ESSENTIAL_INTERESTS']);
    expect(
      messageOf(() => catalogue.checkRefusalGrounds(profile, NOT_MET_IN_DEMO, ['REF_NO_DUAL_CRIMINALITY'])),
    ).toContain(
      'the bilateral profile (version 7) does not require dual criminality for mla_general requests',
    );
    expect(
      messageOf(() => catalogue.checkRefusalGrounds(profile, NOT_MET_IN_DEMO, ['REF_ESSENTIAL_INTERESTS'])),
    ).toBe('accepted');
  });

  it('should accept the ground where dual criminality is required and not met', () => {
    const catalogue = inDemo(true);
    const profile = profileSaying(DualCriminality.Required);
    expect(catalogue.assess(profile, NOT_MET_IN_DEMO)).toMatchObject({ required: true, status: 'not_met' });
    expect(
      messageOf(() => catalogue.checkRefusalGrounds(profile, NOT_MET_IN_DEMO, ['REF_NO_DUAL_CRIMINALITY'])),
    ).toBe('accepted');
  });
});
