import type { ApiClient, Schemas } from '@mla/api-client';
import { agencyId, mlaRequestBody, ok, type RequestView } from '../support/factories';
import { createTestApp, type TestApp } from '../support/test-app';

type Action = RequestView['allowedActions'][number];

describe('The cooperation chain between Viet Nam and France', () => {
  let t: TestApp;
  let frCentralAuthority: string;

  beforeAll(async () => {
    t = await createTestApp();
    frCentralAuthority = await agencyId(await t.as('vn.officer'), 'FR-CA');
  });
  afterAll(() => t?.close());

  async function fire(
    client: ApiClient,
    id: string,
    action: Action,
    extra: Omit<Schemas['TransitionDto'], 'action'> = {},
  ) {
    return client.POST('/v1/requests/{id}/transitions', {
      params: { path: { id } },
      body: { action, ...extra },
    });
  }

  async function step(
    client: ApiClient,
    id: string,
    action: Action,
    extra: Omit<Schemas['TransitionDto'], 'action'> = {},
  ) {
    return ok(await fire(client, id, action, extra));
  }

  it('should carry one request from a liaison officer in Viet Nam to France and back to closure', async () => {
    const officer = await t.as('vn.officer');
    const supervisor = await t.as('vn.supervisor');
    const vnCentral = await t.as('vn.central');
    const frCentral = await t.as('fr.central');
    const frExecuting = await t.as('fr.executing');

    const draft = ok(await officer.POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }));
    expect(draft).toMatchObject({ status: 'draft', version: 1, allowedActions: ['submit'] });
    expect(draft.targets[0]?.timestamp).toEqual({
      local: '2026-03-01T14:05:00',
      timeZone: 'Asia/Ho_Chi_Minh',
      utc: '2026-03-01T07:05:00.000Z',
    });

    // Before approval the French side and the Vietnamese central authority cannot see it at all.
    expect(
      (await frCentral.GET('/v1/requests/{id}', { params: { path: { id: draft.id } } })).response.status,
    ).toBe(404);
    expect(
      (await vnCentral.GET('/v1/requests/{id}', { params: { path: { id: draft.id } } })).response.status,
    ).toBe(404);

    expect((await step(officer, draft.id, 'submit')).status).toBe('pending_approval');
    const approved = await step(supervisor, draft.id, 'approve');
    expect(approved.status).toBe('ready');

    // The central authority of the requesting state sees it from `ready` on, and transmits it.
    const atCentral = ok(await vnCentral.GET('/v1/requests/{id}', { params: { path: { id: draft.id } } }));
    expect(atCentral.allowedActions).toContain('transmit');
    expect((await step(vnCentral, draft.id, 'transmit')).status).toBe('transmitted');

    const incoming = ok(await frCentral.GET('/v1/requests', { params: { query: { box: 'incoming' } } }));
    expect(incoming.items.map((item) => item.id)).toContain(draft.id);

    expect((await step(frCentral, draft.id, 'acknowledge')).status).toBe('received');
    expect((await step(frCentral, draft.id, 'accept')).status).toBe('accepted');
    expect((await step(frExecuting, draft.id, 'start_execution')).status).toBe('in_execution');
    const executed = await step(frExecuting, draft.id, 'mark_executed');
    expect(executed.status).toBe('executed');

    // Back on the requesting side: the outbox shows it executed, and it can be closed.
    const outgoing = ok(
      await officer.GET('/v1/requests', { params: { query: { box: 'outgoing', status: 'executed' } } }),
    );
    expect(outgoing.items.map((item) => item.id)).toEqual([draft.id]);
    const closed = await step(supervisor, draft.id, 'close');
    expect(closed).toMatchObject({ status: 'closed', allowedActions: [] });
    expect(closed.version).toBe(9);

    // Every step left an audit entry, in order, visible in the request's history.
    const history = ok(
      await officer.GET('/v1/requests/{id}/history', { params: { path: { id: draft.id } } }),
    );
    expect(history.items.map((entry) => entry.action).reverse()).toEqual([
      'request.create',
      // The author is assigned on creation, so marking the draft confidential never locks them out.
      'request.assigned',
      'request.submit',
      'request.approve',
      'request.transmit',
      'request.acknowledge',
      'request.accept',
      'request.start_execution',
      'request.mark_executed',
      'request.close',
    ]);
    // The requested side does not see the requesting side's internal drafting and approval.
    const theirHistory = ok(
      await frCentral.GET('/v1/requests/{id}/history', { params: { path: { id: draft.id } } }),
    );
    expect(theirHistory.items.map((entry) => entry.action)).not.toContain('request.approve');
    expect(theirHistory.items.map((entry) => entry.action)).not.toContain('request.assigned');
  });

  it('should run a clarification round: the question and answer become messages both sides read', async () => {
    const id = await transmittedRequest();
    const frCentral = await t.as('fr.central');
    const officer = await t.as('vn.officer');
    await step(frCentral, id, 'acknowledge');

    const asked = await step(frCentral, id, 'request_clarification', {
      reason: 'In which time zone are the log times?',
    });
    expect(asked.status).toBe('clarification_requested');
    expect(asked.allowedActions).toEqual([]);
    expect(
      (await officer.GET('/v1/requests/{id}', { params: { path: { id } } })).data?.allowedActions,
    ).toEqual(['answer_clarification', 'submit_answer']);

    // An answer without text is refused; with it, the request goes back to the requested side.
    const empty = await fire(officer, id, 'answer_clarification');
    expect(empty.response.status).toBe(400);
    expect(empty.error).toMatchObject({ code: 'validation.failed', details: [{ field: 'reason' }] });
    expect(
      (await step(officer, id, 'answer_clarification', { reason: 'Asia/Ho_Chi_Minh (UTC+7)' })).status,
    ).toBe('under_assessment');

    const thread = ok(await frCentral.GET('/v1/requests/{id}/messages', { params: { path: { id } } }));
    expect(thread.items.map((message) => [message.kind, message.body, message.authorAgency?.code])).toEqual([
      ['clarification_request', 'In which time zone are the log times?', 'FR-CA'],
      ['clarification_response', 'Asia/Ho_Chi_Minh (UTC+7)', 'VN-C50'],
    ]);

    // Status enquiries are messages too, and change nothing.
    const before = ok(await officer.GET('/v1/requests/{id}', { params: { path: { id } } }));
    ok(
      await officer.POST('/v1/requests/{id}/messages', {
        params: { path: { id } },
        body: { kind: 'status_enquiry', body: 'Any news?' },
      }),
    );
    const after = ok(await officer.GET('/v1/requests/{id}', { params: { path: { id } } }));
    expect(after).toMatchObject({ status: before.status, version: before.version });
  });

  it('should refuse a refusal without grounds or reasons, and record one with them', async () => {
    const id = await transmittedRequest();
    const frCentral = await t.as('fr.central');
    await step(frCentral, id, 'acknowledge');

    const bare = await fire(frCentral, id, 'refuse');
    expect(bare.response.status).toBe(400);
    expect(bare.error?.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'grounds' }),
        expect.objectContaining({ field: 'reason' }),
      ]),
    );
    const noReason = await fire(frCentral, id, 'refuse', { grounds: ['REF_ESSENTIAL_INTERESTS'] });
    expect(noReason.response.status).toBe(400);
    const notAGround = await fire(frCentral, id, 'refuse', {
      grounds: ['NOTGROUND_BANK_SECRECY'],
      reason: 'Bank secrecy',
    });
    expect(notAGround.response.status).toBe(400);
    expect(JSON.stringify(notAGround.error)).toContain('NOTGROUND_BANK_SECRECY may not be given as a ground');
    expect(ok(await frCentral.GET('/v1/requests/{id}', { params: { path: { id } } })).status).toBe(
      'received',
    );

    const refused = await step(frCentral, id, 'refuse', {
      grounds: ['REF_ESSENTIAL_INTERESTS'],
      reason: 'Execution would prejudice national security.',
      consultationSkippedReason: 'No condition could make the assistance possible.',
    });
    expect(refused).toMatchObject({
      status: 'refused',
      refusal: {
        grounds: ['REF_ESSENTIAL_INTERESTS'],
        reason: 'Execution would prejudice national security.',
      },
    });
    const auditor = await t.as('auditor');
    const entries = ok(
      await auditor.GET('/v1/audit/events', {
        params: { query: { requestId: id, action: 'request.refuse' } },
      }),
    );
    expect(entries.items).toHaveLength(1);
    expect(entries.items[0]?.data).toMatchObject({
      from: 'received',
      to: 'refused',
      grounds: ['REF_ESSENTIAL_INTERESTS'],
    });
  });

  it('should let the requesting supervisor withdraw with a reason, after which the requested side can act no more', async () => {
    const id = await transmittedRequest();
    const supervisor = await t.as('vn.supervisor');
    const frCentral = await t.as('fr.central');

    expect((await fire(supervisor, id, 'withdraw')).response.status).toBe(400);
    const withdrawn = await step(supervisor, id, 'withdraw', {
      reason: 'Assistance no longer required: suspect arrested.',
    });
    expect(withdrawn.status).toBe('withdrawn');
    expect(withdrawn.allowedActions).toEqual(['close']);

    const late = await fire(frCentral, id, 'acknowledge');
    expect(late.response.status).toBe(409);
    expect(late.error).toMatchObject({
      code: 'request.invalid_transition',
      details: { status: 'withdrawn', action: 'acknowledge' },
    });
    expect(ok(await frCentral.GET('/v1/requests/{id}', { params: { path: { id } } })).allowedActions).toEqual(
      ['close'],
    );
  });

  it('should leave an audit log that verifies entry by entry, whatever ran before in this file', async () => {
    const id = await transmittedRequest();
    await step(await t.as('fr.central'), id, 'acknowledge');
    const result = ok(await (await t.as('auditor')).GET('/v1/audit/verify'));
    expect(result).toMatchObject({ ok: true });
    expect(result.checked).toBe(result.headSequence);
    expect(result.headChainHash).toMatch(/^[0-9a-f]{64}$/);
  });

  /** A request taken by the Vietnamese side as far as `transmitted`. */
  async function transmittedRequest(): Promise<string> {
    const officer = await t.as('vn.officer');
    const created = ok(await officer.POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }));
    await step(officer, created.id, 'submit');
    await step(await t.as('vn.supervisor'), created.id, 'approve');
    await step(await t.as('vn.central'), created.id, 'transmit');
    return created.id;
  }
});
