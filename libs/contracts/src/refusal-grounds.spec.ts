import {
  checkRefusalGrounds,
  GENERAL_MLA_REFUSAL_GROUNDS,
  PRESERVATION_REFUSAL_GROUNDS,
} from './refusal-grounds';

const GENERAL = GENERAL_MLA_REFUSAL_GROUNDS.map((ground) => ground.code);
const PRESERVATION = PRESERVATION_REFUSAL_GROUNDS.map((ground) => ground.code);

describe('refusal grounds', () => {
  it('should accept recognised grounds of the request type', () => {
    expect(checkRefusalGrounds(GENERAL, ['REF_ESSENTIAL_INTERESTS', 'REF_POLITICAL_OFFENCE'])).toEqual({
      ok: true,
    });
    expect(checkRefusalGrounds(PRESERVATION, ['REF_PRES_POLITICAL'])).toEqual({ ok: true });
  });

  it('should refuse codes that may never be grounds, such as bank secrecy or fiscal matters', () => {
    expect(checkRefusalGrounds(GENERAL, ['NOTGROUND_BANK_SECRECY', 'REF_DE_MINIMIS'])).toEqual({
      ok: false,
      invalid: [],
      notGrounds: ['NOTGROUND_BANK_SECRECY'],
    });
  });

  it('should refuse general MLA grounds for a preservation request (BUD 29(5) allows only its own)', () => {
    expect(checkRefusalGrounds(PRESERVATION, ['REF_NO_DUAL_CRIMINALITY'])).toEqual({
      ok: false,
      invalid: ['REF_NO_DUAL_CRIMINALITY'],
      notGrounds: [],
    });
  });
});
