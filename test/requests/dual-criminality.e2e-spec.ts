import type { ApiClient } from '@mla/api-client';
import {
  agencyId,
  mlaRequestBody,
  ok,
  preservationRequestBody,
  type CreateRequestBody,
  type RequestView,
} from '../support/factories';
import { createTestApp, type DemoUser, type TestApp } from '../support/test-app';

type Offence = CreateRequestBody['offences'][number];
type Action = RequestView['allowedActions'][number];

/** A national offence, with the catalogue code the requesting officer chose (if any). */
const offence = (catalogueCode?: string): Offence => ({
  provision: 'Penal Code art. 289',
  description: 'Conduct described in the national provision',
  maxPenalty: '7 years',
  ...(catalogueCode ? { catalogueCode } : {}),
});

/**
 * The demo criminalisation record (profiles/reference/criminalisation.json, illustrative) has France
 * criminalise unauthorised access, not the non-consensual sharing of intimate images (set false on
 * purpose), and say nothing about grooming.
 */
describe('GET /v1/requests/:id/dual-criminality', () => {
  let t: TestApp;
  let frCentralAuthority: string;
  let frContactPoint: string;

  beforeAll(async () => {
    t = await createTestApp();
    const officer = await t.as('vn.officer');
    frCentralAuthority = await agencyId(officer, 'FR-CA');
    frContactPoint = await agencyId(officer, 'FR-247');
  });
  afterAll(() => t?.close());

  async function fire(
    user: DemoUser,
    id: string,
    action: Action,
    extra: { reason?: string; grounds?: string[] } = {},
  ) {
    return (await t.as(user)).POST('/v1/requests/{id}/transitions', {
      params: { path: { id } },
      body: { action, ...extra },
    });
  }

  /** Created by VN-C50, approved, transmitted and acknowledged: the requested side may now refuse it. */
  async function receivedRequest(body: CreateRequestBody, decider: DemoUser): Promise<string> {
    const { id } = ok(await (await t.as('vn.officer')).POST('/v1/requests', { body }));
    ok(await fire('vn.officer', id, 'submit'));
    ok(await fire('vn.supervisor', id, 'approve'));
    ok(await fire('vn.central', id, 'transmit'));
    ok(await fire(decider, id, 'acknowledge'));
    return id;
  }

  async function assessmentOf(client: ApiClient, id: string) {
    return ok(await client.GET('/v1/requests/{id}/dual-criminality', { params: { path: { id } } }));
  }

  const refusal = (grounds: string[]) => ({
    grounds,
    reason: 'Reasons given to the requesting state',
    consultationSkippedReason: 'No condition could overcome the missing dual criminality',
  });

  it('should refuse a catalogue code that is not in the catalogue, naming the offence', async () => {
    const officer = await t.as('vn.officer');
    const created = await officer.POST('/v1/requests', {
      body: mlaRequestBody(frCentralAuthority, {
        offences: [offence('UNCC-07-ILLEGAL-ACCESS'), offence('UNCC-11')],
      }),
    });
    expect(created.response.status).toBe(400);
    expect(created.error?.details).toEqual([
      {
        field: 'offences[1].catalogueCode',
        messages: ['catalogueCode must be a code of the offence catalogue (GET /v1/offence-catalogue)'],
      },
    ]);
    const catalogue = ok(await officer.GET('/v1/offence-catalogue'));
    expect(catalogue.offences.map((entry) => entry.code)).toEqual(
      expect.arrayContaining(['UNCC-07-ILLEGAL-ACCESS', 'UNCC-SERIOUS-CRIME', 'BUD-10-IP-INFRINGEMENT']),
    );
  });

  it('should find it met, and keep REF_NO_DUAL_CRIMINALITY out of the grounds, when France criminalises the conduct', async () => {
    const id = await receivedRequest(
      mlaRequestBody(frCentralAuthority, { offences: [offence('UNCC-07-ILLEGAL-ACCESS')] }),
      'fr.central',
    );
    const assessment = await assessmentOf(await t.as('fr.central'), id);
    expect(assessment).toMatchObject({
      advisory: true,
      requestedStateCode: 'FR',
      requirement: 'optional',
      required: false,
      status: 'met',
      offences: [{ index: 0, catalogueCode: 'UNCC-07-ILLEGAL-ACCESS', status: 'met', verification: 'U' }],
      sources: { criminalisation: { illustrative: true } },
    });
    expect(assessment.refusalGroundsAvailable).toContain('REF_ESSENTIAL_INTERESTS');
    expect(assessment.refusalGroundsAvailable).not.toContain('REF_NO_DUAL_CRIMINALITY');
    // The requesting side sees the same assessment of its own request.
    expect((await assessmentOf(await t.as('vn.officer'), id)).status).toBe('met');

    const refused = await fire('fr.central', id, 'refuse', refusal(['REF_NO_DUAL_CRIMINALITY']));
    expect(refused.response.status).toBe(400);
    expect(refused.error?.details).toEqual([
      { field: 'grounds', messages: [expect.stringContaining('assessment of this request is met')] },
    ]);
  });

  it('Scenario 7: should find it not met when one offence is not criminalised, and then accept REF_NO_DUAL_CRIMINALITY', async () => {
    const id = await receivedRequest(
      mlaRequestBody(frCentralAuthority, {
        offences: [offence('UNCC-07-ILLEGAL-ACCESS'), offence('UNCC-16-NCII')],
      }),
      'fr.central',
    );
    const assessment = await assessmentOf(await t.as('fr.central'), id);
    expect(assessment.status).toBe('not_met');
    expect(assessment.offences.map((entry) => entry.status)).toEqual(['met', 'not_met']);
    expect(assessment.refusalGroundsAvailable).toContain('REF_NO_DUAL_CRIMINALITY');

    const refused = ok(await fire('fr.central', id, 'refuse', refusal(['REF_NO_DUAL_CRIMINALITY'])));
    expect(refused.status).toBe('refused');
    expect(refused.refusal?.grounds).toEqual(['REF_NO_DUAL_CRIMINALITY']);
  });

  it('should answer unknown without a code, without a record entry or for a category, and not offer the ground', async () => {
    const id = await receivedRequest(
      mlaRequestBody(frCentralAuthority, {
        offences: [offence(), offence('UNCC-15-GROOMING'), offence('UNCC-SERIOUS-CRIME')],
      }),
      'fr.central',
    );
    const assessment = await assessmentOf(await t.as('fr.central'), id);
    expect(assessment.status).toBe('unknown');
    expect(assessment.offences).toEqual([
      expect.objectContaining({ catalogueCode: null, status: 'unknown' }),
      expect.objectContaining({ catalogueCode: 'UNCC-15-GROOMING', status: 'unknown' }),
      expect.objectContaining({ catalogueCode: 'UNCC-SERIOUS-CRIME', status: 'unknown' }),
    ]);
    expect(assessment.refusalGroundsAvailable).not.toContain('REF_NO_DUAL_CRIMINALITY');
    const refused = await fire('fr.central', id, 'refuse', refusal(['REF_NO_DUAL_CRIMINALITY']));
    expect(refused.response.status).toBe(400);
    expect(JSON.stringify(refused.error?.details)).toContain('assessment of this request is unknown');
  });

  it('Scenario 7 (preservation): should show not required for a preservation request and not offer the ground', async () => {
    const id = await receivedRequest(
      preservationRequestBody(frContactPoint, { offences: [offence('UNCC-16-NCII')] }),
      'fr.contact',
    );
    const assessment = await assessmentOf(await t.as('fr.contact'), id);
    expect(assessment).toMatchObject({
      requirement: 'not_required',
      required: false,
      status: 'not_required',
      offences: [{ catalogueCode: 'UNCC-16-NCII', status: 'not_required' }],
    });
    expect(assessment.refusalGroundsAvailable).not.toContain('REF_NO_DUAL_CRIMINALITY');
    const refused = await fire('fr.contact', id, 'refuse', refusal(['REF_NO_DUAL_CRIMINALITY']));
    expect(refused.response.status).toBe(400);
    expect(refused.error?.details).toEqual([
      { field: 'grounds', messages: [expect.stringContaining('REF_NO_DUAL_CRIMINALITY')] },
    ]);
  });

  it('should answer 404 to a third state and to the requested side before transmission', async () => {
    const transmitted = await receivedRequest(
      mlaRequestBody(frCentralAuthority, { offences: [offence('UNCC-07-ILLEGAL-ACCESS')] }),
      'fr.central',
    );
    const path = { params: { path: { id: transmitted } } };
    const asGerman = await (await t.as('de.officer')).GET('/v1/requests/{id}/dual-criminality', path);
    expect(asGerman.response.status).toBe(404);
    expect(asGerman.error?.code).toBe('request.not_found');

    const draft = ok(
      await (await t.as('vn.officer')).POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }),
    );
    const beforeTransmission = await (
      await t.as('fr.central')
    ).GET('/v1/requests/{id}/dual-criminality', { params: { path: { id: draft.id } } });
    expect(beforeTransmission.response.status).toBe(404);
  });
});
