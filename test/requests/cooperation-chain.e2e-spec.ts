import type { ApiClient } from '@mla/api-client';
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
  afterAll(() => t.close());

  async function fire(
    client: ApiClient,
    id: string,
    action: Action,
    extra: { reason?: string; grounds?: string[] } = {},
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
    extra: { reason?: string; grounds?: string[] } = {},
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
  });
});
