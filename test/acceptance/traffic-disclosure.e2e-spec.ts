import type { Schemas } from '@mla/api-client';
import { agencyId, ok, preservationRequestBody } from '../support/factories';
import { createTestApp, type DemoUser, type TestApp } from '../support/test-app';

/**
 * Acceptance scenario 2 of domain.md §14 (§5.3; BUD 30): while preserving traffic data for Viet Nam,
 * the French 24/7 point (Paul, fr.contact) finds that a German provider carried the communication
 * and discloses it; Ana (vn.officer) gets a preservation request to Germany, filled in, to send.
 */
describe('Acceptance scenario 2: preservation reveals a third-country provider', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  const fire = async (user: DemoUser, id: string, body: Schemas['TransitionDto']) =>
    ok(await (await t.as(user)).POST('/v1/requests/{id}/transitions', { params: { path: { id } }, body }));
  const disclosure: Schemas['DiscloseTrafficDto'] = {
    providerName: 'Example Transit GmbH',
    providerStateCode: 'DE',
    pathDescription:
      'The connections reached the French host through a relay at Example Transit GmbH, Frankfurt.',
    sufficiencyNote: 'Enough to identify the relay operator; its logs will show the origin.',
    conditions: [
      { type: 'cond_speciality', text: 'Use only to seek preservation and production in Germany.' },
    ],
  };

  async function preserving(): Promise<string> {
    const ana = await t.as('vn.officer');
    const { id } = ok(
      await ana.POST('/v1/requests', { body: preservationRequestBody(await agencyId(ana, 'FR-247')) }),
    );
    await fire('vn.officer', id, { action: 'submit' });
    await fire('vn.supervisor', id, { action: 'approve' });
    await fire('vn.central', id, { action: 'transmit' });
    await fire('fr.contact', id, { action: 'acknowledge' });
    return id;
  }

  it('Paul discloses the German relay; Ana gets a preservation to Germany pre-filled with the identifiers and time range', async () => {
    const id = await preserving();
    const paul = await t.as('fr.contact');
    const path = { params: { path: { id } } };
    // Not before France has confirmed the preservation.
    const early = await paul.POST('/v1/requests/{id}/traffic-disclosures', { ...path, body: disclosure });
    expect(early.response.status).toBe(409);
    expect(early.error).toMatchObject({ code: 'request.disclosure_not_allowed' });
    await fire('fr.contact', id, { action: 'accept' });
    // The provider must be in another state than the one preserving.
    const here = await paul.POST('/v1/requests/{id}/traffic-disclosures', {
      ...path,
      body: { ...disclosure, providerStateCode: 'FR' },
    });
    expect(here.response.status).toBe(400);
    // Only the side preserving discloses.
    const ana = await t.as('vn.officer');
    expect(
      (await ana.POST('/v1/requests/{id}/traffic-disclosures', { ...path, body: disclosure })).response
        .status,
    ).toBe(403);

    const disclosed = ok(
      await paul.POST('/v1/requests/{id}/traffic-disclosures', { ...path, body: disclosure }),
    );
    expect(disclosed).toMatchObject({
      providerName: 'Example Transit GmbH',
      providerStateCode: 'DE',
      conditions: [{ type: 'cond_speciality' }],
      disclosedBy: { displayName: 'Sophie Bernard' },
    });
    const seen = ok(await ana.GET('/v1/requests/{id}/traffic-disclosures', path));
    expect(seen.items.map((item) => item.id)).toEqual([disclosed.id]);
    const thread = ok(await ana.GET('/v1/requests/{id}/messages', path)).items;
    expect(thread.at(-1)).toMatchObject({ kind: 'status_update', authorAgency: { code: 'FR-247' } });
    // Germany is not a party to this request: it learns nothing of it.
    const german = await t.as('de.officer');
    expect((await german.GET('/v1/requests/{id}/traffic-disclosures', path)).response.status).toBe(404);

    // The "one click": a preservation to the German 24/7 point, from the preservation and the disclosure.
    const draftPath = { params: { path: { id, disclosureId: disclosed.id } } };
    expect(
      (await paul.GET('/v1/requests/{id}/traffic-disclosures/{disclosureId}/preservation-draft', draftPath))
        .response.status,
    ).toBe(403);
    const draft = ok(
      await ana.GET('/v1/requests/{id}/traffic-disclosures/{disclosureId}/preservation-draft', draftPath),
    );
    const original = preservationRequestBody('');
    expect(draft.body).toMatchObject({
      type: 'preservation',
      requestedAgencyId: await agencyId(ana, 'DE-247'),
      targets: original.targets,
      timeRange: original.timeRange,
      preservation: { custodian: { provider: 'Example Transit GmbH' } },
      links: [{ requestId: id, relation: 'related' }],
    });
    expect(draft.notes.join(' ')).toContain('cond_speciality');
    const created = ok(await ana.POST('/v1/requests', { body: draft.body }));
    expect(created).toMatchObject({ status: 'draft', requestedAgency: { code: 'DE-247' } });
    expect(created.links).toEqual([expect.objectContaining({ requestId: id, relation: 'related' })]);
  });

  it('refuses a disclosure on a request that is not a preservation, and a draft from a disclosure of another request', async () => {
    const id = await preserving();
    await fire('fr.contact', id, { action: 'accept' });
    const other = await preserving();
    await fire('fr.contact', other, { action: 'accept' });
    const paul = await t.as('fr.contact');
    const disclosed = ok(
      await paul.POST('/v1/requests/{id}/traffic-disclosures', {
        params: { path: { id } },
        body: disclosure,
      }),
    );
    const ana = await t.as('vn.officer');
    const wrong = await ana.GET('/v1/requests/{id}/traffic-disclosures/{disclosureId}/preservation-draft', {
      params: { path: { id: other, disclosureId: disclosed.id } },
    });
    expect(wrong.response.status).toBe(404);
    expect(wrong.error).toMatchObject({ code: 'request.disclosure_not_found' });
  });
});
