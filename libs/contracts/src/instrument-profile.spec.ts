import { missingMandatoryFields } from './instrument-profile';

describe('missingMandatoryFields', () => {
  const content = {
    subjects: [],
    offences: [{ maxPenalty: '5 years' }, { maxPenalty: '  ' }, {}],
    urgency: { level: 'normal' },
    timeRange: null,
    assistanceSought: { measures: ['provide_records'] },
  };

  it('should name every missing or empty field, element by element through lists', () => {
    expect(
      missingMandatoryFields(content, [
        'subjects',
        'offences.maxPenalty',
        'urgency.reasons',
        'timeRange',
        'assistanceSought.measures',
        'preservation.necessity',
      ]),
    ).toEqual([
      'subjects',
      'offences[1].maxPenalty',
      'offences[2].maxPenalty',
      'urgency.reasons',
      'timeRange',
      'preservation',
    ]);
  });

  it('should find nothing missing when everything is there', () => {
    expect(missingMandatoryFields(content, ['assistanceSought.measures', 'offences'])).toEqual([]);
  });
});
