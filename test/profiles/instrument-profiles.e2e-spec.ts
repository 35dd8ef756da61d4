import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiClient, Schemas } from '@mla/api-client';
import type { DemoUser } from '../support/test-app';
import { agencyId, mlaRequestBody, ok, preservationRequestBody } from '../support/factories';
import { createTestApp, type TestApp } from '../support/test-app';

type Rules = Schemas['ProfileRulesDto'];

/** The shipped rules of a basis, as a starting point for a correction. */
function shippedRules(legalBasis: string): Rules {
  const {
    legalBasis: _basis,
    version: _version,
    ...rules
  } = JSON.parse(readFileSync(join(__dirname, '../../profiles', `${legalBasis}.json`), 'utf8')) as Rules & {
    legalBasis: string;
    version: number;
  };
  return rules;
}

/**
 * Instrument profiles as versioned data (issue 4 item 1): each legal basis's rules are numbered,
 * immutable versions; a request is judged by the version it was made under, and an administrator's
 * correction applies to new requests only, without a release.
 */
describe('Instrument profiles', () => {
  let t: TestApp;
  let officer: ApiClient;
  let admin: ApiClient;
  let frCa: string;
  let fr247: string;

  beforeAll(async () => {
    t = await createTestApp();
    officer = await t.as('vn.officer');
    admin = await t.as('admin');
    frCa = await agencyId(officer, 'FR-CA');
    fr247 = await agencyId(officer, 'FR-247');
  });
  afterAll(() => t?.close());

  const fire = async (user: DemoUser, id: string, body: Schemas['TransitionDto']) =>
    (await t.as(user)).POST('/v1/requests/{id}/transitions', { params: { path: { id } }, body });

  it('should load the shipped profiles, one current version per legal basis, readable by every user', async () => {
    const list = ok(await officer.GET('/v1/profiles'));
    expect(list.map((profile) => [profile.legalBasis, profile.version])).toEqual([
      ['bilateral', 1],
      ['budapest', 1],
      ['budapest_p2', 1],
      ['reciprocity', 1],
      ['uncc', 1],
    ]);
    const budapest = ok(
      await officer.GET('/v1/profiles/{legalBasis}', { params: { path: { legalBasis: 'budapest' } } }),
    );
    expect(budapest.requestTypes.preservation?.preservation?.minimumDays).toBe(60);
    expect(budapest.sha256).toMatch(/^[0-9a-f]{64}$/);
    const missing = await officer.GET('/v1/profiles/{legalBasis}', {
      params: { path: { legalBasis: 'uncc' }, query: { version: '9' } },
    });
    expect(missing.response.status).toBe(404);
    const unknown = await officer.GET('/v1/profiles/{legalBasis}', {
      params: { path: { legalBasis: 'hague' as 'uncc' } },
    });
    expect(unknown.response.status).toBe(400);
  });

  it('should refuse a request type its legal basis does not provide for, naming the field', async () => {
    const refused = await officer.POST('/v1/requests', {
      body: preservationRequestBody(fr247, { legalBasis: 'reciprocity' }),
    });
    expect(refused.response.status).toBe(400);
    expect(refused.error?.details).toEqual([
      { field: 'legalBasis', messages: [expect.stringContaining('does not provide for preservation')] },
    ]);
  });

  it('should apply a published correction to new requests only; earlier ones keep their version', async () => {
    const before = ok(await officer.POST('/v1/requests', { body: mlaRequestBody(frCa, { subjects: [] }) }));
    expect(before.profileVersion).toBe(1);

    // The lawyer's correction: subjects become mandatory, and trivial matters stop being a ground.
    const rules = shippedRules('uncc');
    const mla = rules.requestTypes.mla_general!;
    rules.requestTypes.mla_general = {
      ...mla,
      mandatoryFields: [...mla.mandatoryFields, 'subjects'],
      refusalGrounds: mla.refusalGrounds.filter((code) => code !== 'REF_DE_MINIMIS'),
    };
    const published = await admin.POST('/v1/profiles/{legalBasis}/versions', {
      params: { path: { legalBasis: 'uncc' } },
      body: rules,
    });
    expect(published.response.status).toBe(201);
    expect(ok(published)).toMatchObject({ legalBasis: 'uncc', version: 2, origin: 'published' });
    const audit = ok(
      await (
        await t.as('auditor')
      ).GET('/v1/audit/events', {
        params: { query: { action: 'instrument_profile.publish' } },
      }),
    ).items;
    expect(audit[0]).toMatchObject({ actor: { role: 'admin' }, data: { legalBasis: 'uncc', version: 2 } });

    const incomplete = await officer.POST('/v1/requests', { body: mlaRequestBody(frCa, { subjects: [] }) });
    expect(incomplete.response.status).toBe(400);
    expect(incomplete.error?.details).toEqual([
      { field: 'subjects', messages: ['subjects is required by the uncc profile (version 2)'] },
    ]);
    const after = ok(
      await officer.POST('/v1/requests', {
        body: mlaRequestBody(frCa, { subjects: [{ name: 'Pham Van X', role: 'suspect' }] }),
      }),
    );
    expect(after.profileVersion).toBe(2);

    // The earlier request still moves on under version 1, and may still be refused as trivial.
    for (const request of [before, after]) {
      ok(await fire('vn.officer', request.id, { action: 'submit' }));
      ok(await fire('vn.supervisor', request.id, { action: 'approve' }));
      ok(await fire('vn.central', request.id, { action: 'transmit' }));
      ok(await fire('fr.central', request.id, { action: 'acknowledge' }));
    }
    const trivial: Schemas['TransitionDto'] = {
      action: 'refuse',
      grounds: ['REF_DE_MINIMIS'],
      reason: 'Trivial amount',
      consultationSkippedReason: 'De minimis: nothing to consult on',
    };
    ok(await fire('fr.central', before.id, trivial));
    const refused = await fire('fr.central', after.id, trivial);
    expect(refused.response.status).toBe(400);
    expect(JSON.stringify(refused.error?.details)).toContain('REF_DE_MINIMIS is not a ground');
  });

  it('should refuse a malformed profile, an unknown ground, and anyone but an administrator', async () => {
    const rules = shippedRules('budapest');
    const unknownGround = {
      ...rules,
      requestTypes: {
        ...rules.requestTypes,
        preservation: { ...rules.requestTypes.preservation!, refusalGrounds: ['REF_BECAUSE_WE_SAY_SO'] },
      },
    };
    const refused = await admin.POST('/v1/profiles/{legalBasis}/versions', {
      params: { path: { legalBasis: 'budapest' } },
      body: unknownGround,
    });
    expect(refused.response.status).toBe(400);
    expect(refused.error?.details).toEqual([
      expect.objectContaining({ field: 'requestTypes.preservation.refusalGrounds' }),
    ]);
    const badField = await admin.POST('/v1/profiles/{legalBasis}/versions', {
      params: { path: { legalBasis: 'budapest' } },
      body: {
        ...rules,
        requestTypes: {
          mla_general: {
            ...rules.requestTypes.mla_general!,
            mandatoryFields: ['favouriteColour' as 'subjects'],
          },
        },
      },
    });
    expect(badField.response.status).toBe(400);
    const notAdmin = await officer.POST('/v1/profiles/{legalBasis}/versions', {
      params: { path: { legalBasis: 'budapest' } },
      body: rules,
    });
    expect(notAdmin.response.status).toBe(403);
    const current = ok(
      await officer.GET('/v1/profiles/{legalBasis}', { params: { path: { legalBasis: 'budapest' } } }),
    );
    expect(current.version).toBe(1);
  });
});
