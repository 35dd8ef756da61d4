import type { ApiClient, Schemas } from '@mla/api-client';
import { agencyId, mlaRequestBody, ok } from '../support/factories';
import { createTestApp, FakeClock, type DemoUser, type TestApp } from '../support/test-app';

type Envelope = { code: string; details?: unknown };

/**
 * Conditions on use and consent (domain.md §8.2), scenarios 16 and 17, through the generated
 * client. Ana is vn.officer, Sam vn.supervisor (State A); Carla is fr.central, Eve fr.executing
 * (State B); State C is Germany (de.officer). The requests go to the French central authority.
 */
describe('Consent on use: further use, onward transfer, exculpatory disclosure (domain.md §8.2)', () => {
  let t: TestApp;
  const clock = new FakeClock();

  beforeAll(async () => {
    t = await createTestApp({}, { clock });
  });
  afterAll(() => t?.close());

  // One session per person (the test app keeps them): the fake clock moves by seconds only here.
  const as = (user: DemoUser): Promise<ApiClient> => t.as(user);
  const fire = async (user: DemoUser, id: string, body: Schemas['TransitionDto']) =>
    ok(await (await as(user)).POST('/v1/requests/{id}/transitions', { params: { path: { id } }, body }));

  /** A request Carla has received; accepted too unless told otherwise. */
  async function requestAtB(accept = true): Promise<string> {
    const ana = await as('vn.officer');
    const { id } = ok(await ana.POST('/v1/requests', { body: mlaRequestBody(await agencyId(ana, 'FR-CA')) }));
    await fire('vn.officer', id, { action: 'submit' });
    await fire('vn.supervisor', id, { action: 'approve' });
    await fire('vn.central', id, { action: 'transmit' });
    await fire('fr.central', id, { action: 'acknowledge' });
    if (accept) await fire('fr.central', id, { action: 'accept' });
    clock.advance(1_000);
    return id;
  }

  const onwardToC: Schemas['RequestConsentInputDto'] = {
    kind: 'onward_transfer',
    purpose: 'Prosecution in State C of the same phishing network',
    legalBasis: 'UNCC art. 36; mutual assistance between A and C',
    recipientStateCode: 'DE',
    recipientDescription: 'Public prosecutor’s office, Cologne',
  };

  const askConsent = async (
    id: string,
    body: Schemas['RequestConsentInputDto'],
    user: DemoUser = 'vn.officer',
  ) => (await as(user)).POST('/v1/requests/{id}/consents', { params: { path: { id } }, body });
  const decide = async (
    id: string,
    consentId: string,
    body: Schemas['DecideConsentDto'],
    user: DemoUser = 'fr.central',
  ) =>
    (await as(user)).POST('/v1/requests/{id}/consents/{consentId}/decision', {
      params: { path: { id, consentId } },
      body,
    });
  const transfer = async (
    id: string,
    body: Schemas['RecordOnwardTransferDto'],
    user: DemoUser = 'vn.officer',
  ) => (await as(user)).POST('/v1/requests/{id}/onward-transfers', { params: { path: { id } }, body });
  const thread = async (user: DemoUser, id: string) =>
    ok(await (await as(user)).GET('/v1/requests/{id}/messages', { params: { path: { id } } })).items;
  const history = async (user: DemoUser, id: string) =>
    ok(await (await as(user)).GET('/v1/requests/{id}/history', { params: { path: { id } } })).items;
  const errorOf = (result: { error?: unknown; response: Response }) => ({
    status: result.response.status,
    code: (result.error as Envelope | undefined)?.code,
  });

  it('Scenario 16: the export is blocked until Carla consents; then allowed only to State C, carrying COND_CONFIDENTIAL, with the consent document stored', async () => {
    const id = await requestAtB();
    const before = await transfer(id, {
      recipientStateCode: 'DE',
      recipientDescription: 'Prosecutors',
      purpose: 'Trial',
    });
    expect(errorOf(before)).toEqual({ status: 409, code: 'request.consent_required' });

    const asked = ok(await askConsent(id, onwardToC));
    expect(asked).toMatchObject({
      kind: 'onward_transfer',
      recipientStateCode: 'DE',
      decision: null,
      conditions: [],
    });
    clock.advance(1_000);
    // Asked, not yet answered: still blocked.
    expect(
      errorOf(await transfer(id, { recipientStateCode: 'DE', recipientDescription: 'P', purpose: 'T' })),
    ).toEqual({
      status: 409,
      code: 'request.consent_required',
    });

    const confidential = {
      type: 'cond_confidential' as const,
      text: 'Only the prosecutors of State C, not to be made public',
    };
    const decided = ok(
      await decide(id, asked.id, {
        decision: 'conditional',
        conditions: [confidential],
        document: { title: 'Authorisation of onward transfer to Germany', reference: 'FR-CA/2026/0815' },
      }),
    );
    expect(decided).toMatchObject({
      decision: 'conditional',
      conditions: [confidential],
      document: { title: 'Authorisation of onward transfer to Germany', reference: 'FR-CA/2026/0815' },
      decidedBy: { displayName: expect.any(String) },
    });
    clock.advance(1_000);

    const done = ok(
      await transfer(id, {
        recipientStateCode: 'DE',
        recipientDescription: 'Public prosecutor’s office, Cologne',
        purpose: 'Evidence in the German proceedings',
      }),
    );
    expect(done).toMatchObject({ consentId: asked.id, recipientStateCode: 'DE', conditions: [confidential] });
    // Only State C: the consent names no other state.
    expect(
      errorOf(await transfer(id, { recipientStateCode: 'GB', recipientDescription: 'P', purpose: 'T' })),
    ).toEqual({
      status: 409,
      code: 'request.consent_required',
    });

    // Both sides see the consent with its document, the transfer with its conditions, and the thread.
    for (const user of ['vn.supervisor', 'fr.central'] as const) {
      const consents = ok(
        await (await as(user)).GET('/v1/requests/{id}/consents', { params: { path: { id } } }),
      );
      expect(consents.items).toEqual([expect.objectContaining({ id: asked.id, document: decided.document })]);
      const transfers = ok(
        await (await as(user)).GET('/v1/requests/{id}/onward-transfers', { params: { path: { id } } }),
      );
      expect(transfers.items).toEqual([expect.objectContaining({ id: done.id, conditions: [confidential] })]);
      const kinds = (await thread(user, id)).map((message) => message.kind);
      expect(kinds).toEqual(['consent_request', 'consent_decision']);
    }
    const decisionMessage = (await thread('vn.officer', id)).find(
      (message) => message.kind === 'consent_decision',
    );
    expect(decisionMessage?.body).toContain('cond_confidential');
    expect(decisionMessage?.body).toContain('FR-CA/2026/0815');
    const seenByB = (await history('fr.central', id)).map((entry) => entry.action);
    expect(seenByB).toEqual(
      expect.arrayContaining([
        'request.consent_requested',
        'request.consent_decided',
        'request.onward_transfer',
      ]),
    );
    expect(
      (await history('vn.officer', id)).find((entry) => entry.action === 'request.onward_transfer')?.data,
    ).toMatchObject({
      consentId: asked.id,
      recipientStateCode: 'DE',
      conditionTypes: ['cond_confidential'],
    });

    // A consent is decided once.
    const again = await decide(id, asked.id, { decision: 'refused', reasons: 'Changed our mind' });
    expect(errorOf(again)).toEqual({ status: 409, code: 'request.consent_already_decided' });
  });

  it('Scenario 16, alternative: Carla refuses, so the export stays blocked', async () => {
    const id = await requestAtB();
    const asked = ok(await askConsent(id, onwardToC));
    // A refusal states its reasons.
    const bare = await decide(id, asked.id, { decision: 'refused' });
    expect(errorOf(bare)).toEqual({ status: 400, code: 'validation.failed' });
    expect((bare.error as Envelope).details).toEqual([{ field: 'reasons', messages: [expect.any(String)] }]);
    ok(
      await decide(id, asked.id, {
        decision: 'refused',
        reasons: 'State C gives no data-protection guarantees',
      }),
    );

    const blocked = await transfer(id, { recipientStateCode: 'DE', recipientDescription: 'P', purpose: 'T' });
    expect(errorOf(blocked)).toEqual({ status: 409, code: 'request.consent_required' });
    expect((blocked.error as Envelope).details).toMatchObject({ refusedConsentIds: [asked.id] });
    expect(
      ok(
        await (
          await as('fr.central')
        ).GET('/v1/requests/{id}/onward-transfers', { params: { path: { id } } }),
      ).items,
    ).toEqual([]);
    expect(
      (await thread('vn.officer', id)).find((message) => message.kind === 'consent_decision')?.body,
    ).toContain('State C gives no data-protection guarantees');
  });

  it('Further use: only in the proceeding the consent names, and a granted consent carries no conditions', async () => {
    const id = await requestAtB();
    const proceeding = 'Case C50-2026-0200 (laundering of the proceeds)';
    const record = async (body: Schemas['RecordFurtherUseDto']) =>
      (await as('vn.central')).POST('/v1/requests/{id}/further-uses', { params: { path: { id } }, body });
    expect(errorOf(await record({ proceeding, purpose: 'Evidence of the laundering' }))).toEqual({
      status: 409,
      code: 'request.consent_required',
    });
    const asked = ok(
      await askConsent(
        id,
        {
          kind: 'further_use',
          purpose: 'Prove the laundering',
          legalBasis: 'UNCAC 46(19)',
          newProceeding: proceeding,
        },
        'vn.central',
      ),
    );
    // Paul's colleague at B's 24/7 point is not the requested agency; Eve executes but does not decide.
    expect(errorOf(await decide(id, asked.id, { decision: 'granted' }, 'fr.contact'))).toEqual({
      status: 404,
      code: 'request.not_found',
    });
    expect(errorOf(await decide(id, asked.id, { decision: 'granted' }, 'fr.executing'))).toEqual({
      status: 403,
      code: 'request.action_forbidden',
    });
    // Conditions only with a conditional consent.
    const mixed = await decide(id, asked.id, {
      decision: 'granted',
      conditions: [{ type: 'cond_speciality', text: 'x' }],
    });
    expect((mixed.error as Envelope).details).toEqual([
      { field: 'conditions', messages: [expect.any(String)] },
    ]);
    ok(await decide(id, asked.id, { decision: 'granted' }));
    clock.advance(1_000);

    expect(errorOf(await record({ proceeding: 'Case C50-2026-0999', purpose: 'Other' }))).toEqual({
      status: 409,
      code: 'request.consent_required',
    });
    // Named by people: case and spacing do not matter.
    const use = ok(
      await record({
        proceeding: '  case c50-2026-0200   (laundering of the proceeds) ',
        purpose: 'Evidence',
      }),
    );
    expect(use).toMatchObject({ consentId: asked.id, conditions: [] });
    const seen = ok(
      await (await as('fr.central')).GET('/v1/requests/{id}/further-uses', { params: { path: { id } } }),
    );
    expect(seen.items.map((item) => item.id)).toEqual([use.id]);
  });

  it('Scenario 17: Ana notifies before the hearing; B sees it and may ask to consult', async () => {
    const id = await requestAtB();
    const notify = async (body: Schemas['FileExculpatoryNoticeDto']) =>
      (await as('vn.officer')).POST('/v1/requests/{id}/exculpatory-notices', {
        params: { path: { id } },
        body,
      });
    const advance = ok(
      await notify({
        advanceNotice: true,
        hearingDate: '2026-12-15',
        description: 'The hosting logs show the defendant’s account was used by another person',
      }),
    );
    expect(advance).toMatchObject({ advanceNotice: true, hearingDate: '2026-12-15', consultation: null });
    const notices = ok(
      await (
        await as('fr.central')
      ).GET('/v1/requests/{id}/exculpatory-notices', { params: { path: { id } } }),
    );
    expect(notices.items.map((notice) => notice.id)).toEqual([advance.id]);
    expect((await thread('fr.central', id)).map((message) => message.kind)).toEqual(['exculpatory_notice']);

    const consult = async (noticeId: string, user: DemoUser = 'fr.central') =>
      (await as(user)).POST('/v1/requests/{id}/exculpatory-notices/{noticeId}/consultation', {
        params: { path: { id, noticeId } },
        body: { message: 'We ask to consult: a witness in B could be endangered' },
      });
    expect(errorOf(await consult(advance.id, 'vn.officer'))).toEqual({
      status: 403,
      code: 'request.action_forbidden',
    });
    clock.advance(1_000);
    const consulted = ok(await consult(advance.id));
    expect(consulted.consultation).toMatchObject({
      message: 'We ask to consult: a witness in B could be endangered',
      requestedBy: { displayName: expect.any(String) },
    });
    expect(errorOf(await consult(advance.id))).toEqual({
      status: 409,
      code: 'request.consultation_already_requested',
    });
    const seenByA = ok(
      await (
        await as('vn.officer')
      ).GET('/v1/requests/{id}/exculpatory-notices', { params: { path: { id } } }),
    );
    expect(seenByA.items[0]?.consultation?.message).toContain('witness');
    expect((await thread('vn.officer', id)).map((message) => message.kind)).toEqual([
      'exculpatory_notice',
      'consultation_request',
    ]);
  });

  it('Scenario 17: when advance notice is impossible, a justification is demanded and the notice goes at once', async () => {
    const id = await requestAtB();
    const notify = async (body: Schemas['FileExculpatoryNoticeDto']) =>
      (await as('vn.supervisor')).POST('/v1/requests/{id}/exculpatory-notices', {
        params: { path: { id } },
        body,
      });
    const unjustified = await notify({ advanceNotice: false, description: 'Disclosed at the hearing' });
    expect(errorOf(unjustified)).toEqual({ status: 400, code: 'validation.failed' });
    expect((unjustified.error as Envelope).details).toEqual([
      { field: 'justification', messages: [expect.any(String)] },
    ]);
    expect(await thread('fr.central', id)).toEqual([]);

    const filed = ok(
      await notify({
        advanceNotice: false,
        description: 'Disclosed at the hearing',
        justification: 'The court ordered disclosure during the hearing itself',
      }),
    );
    const messages = await thread('fr.central', id);
    expect(messages).toEqual([
      expect.objectContaining({ kind: 'exculpatory_notice', createdAt: filed.notifiedAt }),
    ]);
    expect(messages[0]?.body).toContain('The court ordered disclosure during the hearing itself');
    expect(
      (await history('fr.central', id)).find((entry) => entry.action === 'request.exculpatory_notice')?.data,
    ).toMatchObject({
      advanceNotice: false,
      justification: 'The court ordered disclosure during the hearing itself',
    });
  });

  it('should refuse consent and notices on a request the requested side never accepted, and allow them once it was, even if withdrawn since', async () => {
    const received = await requestAtB(false);
    expect(errorOf(await askConsent(received, onwardToC))).toEqual({
      status: 409,
      code: 'request.not_accepted',
    });
    const notice = await (
      await as('vn.officer')
    ).POST('/v1/requests/{id}/exculpatory-notices', {
      params: { path: { id: received } },
      body: { advanceNotice: true, description: 'x' },
    });
    expect(errorOf(notice)).toEqual({ status: 409, code: 'request.not_accepted' });

    await fire('fr.central', received, {
      action: 'refuse',
      grounds: ['REF_ESSENTIAL_INTERESTS'],
      reason: 'Essential interests',
      consultationSkippedReason: 'Nothing to consult on',
    });
    await fire('vn.supervisor', received, { action: 'close' });
    expect(errorOf(await askConsent(received, onwardToC))).toEqual({
      status: 409,
      code: 'request.not_accepted',
    });

    const withdrawn = await requestAtB();
    await fire('vn.supervisor', withdrawn, { action: 'withdraw', reason: 'No longer required' });
    ok(await askConsent(withdrawn, onwardToC));
  });

  it('should answer bad input with 400 naming the fields', async () => {
    const id = await requestAtB();
    const fieldsOf = async (body: unknown) => {
      const result = await askConsent(id, body as Schemas['RequestConsentInputDto']);
      expect(result.response.status).toBe(400);
      return ((result.error as Envelope).details as { field: string }[]).map((detail) => detail.field);
    };
    expect(await fieldsOf({ ...onwardToC, recipientStateCode: 'FR' })).toEqual(['recipientStateCode']);
    expect(await fieldsOf({ ...onwardToC, recipientStateCode: 'VN' })).toEqual(['recipientStateCode']);
    expect(await fieldsOf({ ...onwardToC, recipientStateCode: 'ZZ' })).toEqual(['recipientStateCode']);
    expect(await fieldsOf({ ...onwardToC, recipientStateCode: 'de' })).toEqual(['recipientStateCode']);
    expect(await fieldsOf({ ...onwardToC, recipientStateCode: undefined, newProceeding: 'x' })).toEqual([
      'newProceeding',
      'recipientStateCode',
    ]);
    expect(await fieldsOf({ kind: 'further_use', purpose: 'p', legalBasis: 'l' })).toEqual(['newProceeding']);
    expect(await fieldsOf({ ...onwardToC, kind: 'sharing', purpose: ' ' })).toEqual(['kind', 'purpose']);
    expect(await fieldsOf({ ...onwardToC, packageIds: [] })).toEqual(['packageIds']);

    const asked = ok(await askConsent(id, onwardToC));
    const decision = async (body: unknown) => {
      const result = await decide(id, asked.id, body as Schemas['DecideConsentDto']);
      expect(result.response.status).toBe(400);
      return ((result.error as Envelope).details as { field: string }[]).map((detail) => detail.field);
    };
    expect(await decision({ decision: 'conditional' })).toEqual(['conditions']);
    expect(await decision({ decision: 'conditional', conditions: [] })).toEqual(['conditions']);
    expect(
      await decision({ decision: 'conditional', conditions: [{ type: 'cond_secret', text: 'x' }] }),
    ).toEqual(['conditions[0].type']);
    expect(await decision({ decision: 'granted', document: { title: 'Authorisation' } })).toEqual([
      'document.reference',
    ]);
    expect(await decision({ decision: 'maybe' })).toEqual(['decision']);
    const badId = await (
      await as('fr.central')
    ).POST('/v1/requests/{id}/consents/{consentId}/decision', {
      params: { path: { id, consentId: 'not-a-uuid' } },
      body: { decision: 'granted' },
    });
    expect((badId.error as Envelope).details).toEqual([
      { field: 'consentId', messages: [expect.any(String)] },
    ]);
    // Nothing was decided by the refused attempts.
    expect(ok(await decide(id, asked.id, { decision: 'granted' })).decision).toBe('granted');

    const notice = await (
      await as('vn.officer')
    ).POST('/v1/requests/{id}/exculpatory-notices', {
      params: { path: { id } },
      body: { advanceNotice: true, description: 'x', hearingDate: '2026-02-30' },
    });
    expect((notice.error as Envelope).details).toEqual([
      { field: 'hearingDate', messages: [expect.any(String)] },
    ]);
  });

  it('should keep every route to the request’s parties: a third state and an unrelated agency get 404, the wrong role 403', async () => {
    const id = await requestAtB();
    const consent = ok(await askConsent(id, onwardToC));
    ok(await decide(id, consent.id, { decision: 'granted' }));
    const notice = ok(
      await (
        await as('vn.officer')
      ).POST('/v1/requests/{id}/exculpatory-notices', {
        params: { path: { id } },
        body: { advanceNotice: true, description: 'x' },
      }),
    );
    const calls = (client: ApiClient) => ({
      listConsents: () => client.GET('/v1/requests/{id}/consents', { params: { path: { id } } }),
      askConsent: () =>
        client.POST('/v1/requests/{id}/consents', { params: { path: { id } }, body: onwardToC }),
      decide: () =>
        client.POST('/v1/requests/{id}/consents/{consentId}/decision', {
          params: { path: { id, consentId: consent.id } },
          body: { decision: 'granted' },
        }),
      listTransfers: () => client.GET('/v1/requests/{id}/onward-transfers', { params: { path: { id } } }),
      transfer: () =>
        client.POST('/v1/requests/{id}/onward-transfers', {
          params: { path: { id } },
          body: { recipientStateCode: 'DE', recipientDescription: 'P', purpose: 'T' },
        }),
      listUses: () => client.GET('/v1/requests/{id}/further-uses', { params: { path: { id } } }),
      use: () =>
        client.POST('/v1/requests/{id}/further-uses', {
          params: { path: { id } },
          body: { proceeding: 'x', purpose: 'y' },
        }),
      listNotices: () => client.GET('/v1/requests/{id}/exculpatory-notices', { params: { path: { id } } }),
      notify: () =>
        client.POST('/v1/requests/{id}/exculpatory-notices', {
          params: { path: { id } },
          body: { advanceNotice: true, description: 'x' },
        }),
      consult: () =>
        client.POST('/v1/requests/{id}/exculpatory-notices/{noticeId}/consultation', {
          params: { path: { id, noticeId: notice.id } },
          body: { message: 'x' },
        }),
    });
    for (const outsider of ['de.officer', 'fr.contact'] as const) {
      const answers: Record<string, unknown> = {};
      for (const [name, call] of Object.entries(calls(await as(outsider))))
        answers[name] = errorOf(await call());
      expect(answers).toEqual(
        Object.fromEntries(
          Object.keys(calls(t.anonymous)).map((name) => [name, { status: 404, code: 'request.not_found' }]),
        ),
      );
    }
    // Admins and auditors have no request permissions at all.
    for (const user of ['auditor', 'admin'] as const) {
      for (const call of Object.values(calls(await as(user))))
        expect((await call()).response.status).toBe(403);
    }
    const eve = calls(await as('fr.executing'));
    expect((await eve.listConsents()).response.status).toBe(200);
    for (const call of [eve.askConsent, eve.decide, eve.transfer, eve.use, eve.notify, eve.consult])
      expect(errorOf(await call())).toEqual({ status: 403, code: 'request.action_forbidden' });
    const carla = calls(await as('fr.central'));
    for (const call of [carla.askConsent, carla.transfer, carla.use, carla.notify])
      expect(errorOf(await call())).toEqual({ status: 403, code: 'request.action_forbidden' });
    const ana = calls(await as('vn.officer'));
    for (const call of [ana.decide, ana.consult])
      expect(errorOf(await call())).toEqual({ status: 403, code: 'request.action_forbidden' });
    // A consent of another request is not this request's.
    const other = await requestAtB();
    const foreign = await (
      await as('fr.central')
    ).POST('/v1/requests/{id}/consents/{consentId}/decision', {
      params: { path: { id: other, consentId: consent.id } },
      body: { decision: 'granted' },
    });
    expect(errorOf(foreign)).toEqual({ status: 404, code: 'request.consent_not_found' });
  });
});
