import type { ApiClient } from '@mla/api-client';
import { agencyId, mlaRequestBody, ok } from '../support/factories';
import { createTestApp, type DemoUser, type TestApp } from '../support/test-app';

describe('Who may see and do what with a request', () => {
  let t: TestApp;
  let frCentralAuthority: string;

  beforeAll(async () => {
    t = await createTestApp();
    frCentralAuthority = await agencyId(await t.as('vn.officer'), 'FR-CA');
  });
  afterAll(() => t?.close());

  async function draft(): Promise<string> {
    return ok(
      await (await t.as('vn.officer')).POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }),
    ).id;
  }

  async function fire(
    user: DemoUser,
    id: string,
    action:
      | 'submit'
      | 'approve'
      | 'transmit'
      | 'acknowledge'
      | 'assess'
      | 'request_clarification'
      | 'submit_answer'
      | 'approve_answer',
    reason?: string,
  ) {
    return (await t.as(user)).POST('/v1/requests/{id}/transitions', {
      params: { path: { id } },
      body: { action, ...(reason ? { reason } : {}) },
    });
  }

  async function transmitted(): Promise<string> {
    const id = await draft();
    ok(await fire('vn.officer', id, 'submit'));
    ok(await fire('vn.supervisor', id, 'approve'));
    ok(await fire('vn.central', id, 'transmit'));
    return id;
  }

  it('should answer 404 to an officer of a third state for the request, its messages and its history', async () => {
    const id = await transmitted();
    const german = await t.as('de.officer');
    const path = { params: { path: { id } } };

    for (const result of [
      await german.GET('/v1/requests/{id}', path),
      await german.GET('/v1/requests/{id}/messages', path),
      await german.GET('/v1/requests/{id}/history', path),
      await german.POST('/v1/requests/{id}/messages', { ...path, body: { kind: 'note', body: 'hello' } }),
      await german.POST('/v1/requests/{id}/transitions', { ...path, body: { action: 'acknowledge' } }),
      await german.PATCH('/v1/requests/{id}', {
        params: { ...path.params, header: { 'If-Match': '"4"' } },
        body: { title: 'x' },
      }),
    ]) {
      expect(result.response.status).toBe(404);
      expect(result.error).toMatchObject({ code: 'request.not_found', message: 'No such request' });
    }
    // Exactly what an id that does not exist answers: nothing tells the two apart.
    const absent = await german.GET('/v1/requests/{id}', {
      params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(absent.response.status).toBe(404);
    expect({ ...absent.error, correlationId: null }).toEqual({
      ...(await german.GET('/v1/requests/{id}', path)).error,
      correlationId: null,
    });
    expect(ok(await german.GET('/v1/requests')).items.map((item) => item.id)).not.toContain(id);
  });

  it('should not let an admin or an auditor read request content', async () => {
    const id = await draft();
    for (const user of ['admin', 'auditor'] as const) {
      const client = await t.as(user);
      const one = await client.GET('/v1/requests/{id}', { params: { path: { id } } });
      expect(one.response.status).toBe(403);
      expect(one.error).toMatchObject({ code: 'auth.permission_denied' });
      expect((await client.GET('/v1/requests')).response.status).toBe(403);
      expect(
        (await client.GET('/v1/requests/{id}/messages', { params: { path: { id } } })).response.status,
      ).toBe(403);
    }
  });

  it('should not let the author approve their own request (four-eyes)', async () => {
    // A supervisor who drafts and submits a request cannot also approve it.
    const supervisor = await t.as('vn.supervisor');
    const own = ok(await supervisor.POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }));
    // Supervisors do not submit (liaison officers do): the officer submits the supervisor's draft.
    ok(await fire('vn.officer', own.id, 'submit'));
    const attempt = await fire('vn.supervisor', own.id, 'approve');
    expect(attempt.response.status).toBe(403);
    expect(attempt.error).toMatchObject({
      code: 'request.action_forbidden',
      details: { reason: 'author_may_not_approve' },
    });
    expect(ok(await supervisor.GET('/v1/requests/{id}', { params: { path: { id: own.id } } })).status).toBe(
      'pending_approval',
    );
  });

  it('should not let a supervisor approve a draft whose content they edited', async () => {
    const id = await draft();
    const supervisor = await t.as('vn.supervisor');
    ok(
      await supervisor.PATCH('/v1/requests/{id}', {
        params: { path: { id }, header: { 'If-Match': '"1"' } },
        body: { factsSummary: 'Rewritten by the supervisor' },
      }),
    );
    ok(await fire('vn.officer', id, 'submit'));
    const attempt = await fire('vn.supervisor', id, 'approve');
    expect(attempt.response.status).toBe(403);
    expect(attempt.error).toMatchObject({ details: { reason: 'author_may_not_approve' } });
  });

  it('should not offer the supervisor who wrote an answer its approval (four-eyes)', async () => {
    const id = await transmitted();
    ok(await fire('fr.central', id, 'acknowledge'));
    ok(await fire('fr.central', id, 'assess'));
    ok(await fire('fr.central', id, 'request_clarification', 'Which time zone is the log time in?'));
    // The supervisor writes the answer himself: another supervisor must approve it, not he.
    const written = ok(await fire('vn.supervisor', id, 'submit_answer', 'UTC.'));
    expect(written.status).toBe('answer_pending_approval');
    expect(written.allowedActions).not.toContain('approve_answer');
    const listed = ok(await (await t.as('vn.supervisor')).GET('/v1/requests')).items.find(
      (item) => item.id === id,
    );
    expect(listed?.allowedActions).not.toContain('approve_answer');
    const attempt = await fire('vn.supervisor', id, 'approve_answer');
    expect(attempt.response.status).toBe(403);
    expect(attempt.error).toMatchObject({ details: { reason: 'author_may_not_approve' } });
    // The officer who did not write it is no supervisor: the answer waits for another one.
    expect((await fire('vn.officer', id, 'approve_answer')).response.status).toBe(403);
  });

  it('should show the requested side neither the internal milestones nor the internal history', async () => {
    const id = await transmitted();
    const theirs = ok(
      await (await t.as('fr.central')).GET('/v1/requests/{id}', { params: { path: { id } } }),
    );
    expect(theirs).toMatchObject({ submittedAt: null, approvedAt: null });
    expect(theirs.transmittedAt).not.toBeNull();
    const ours = ok(await (await t.as('vn.officer')).GET('/v1/requests/{id}', { params: { path: { id } } }));
    expect(ours.submittedAt).not.toBeNull();
    const history = ok(
      await (await t.as('fr.central')).GET('/v1/requests/{id}/history', { params: { path: { id } } }),
    );
    expect(history.items.map((entry) => entry.action)).toEqual(['request.transmit']);
  });

  it('should keep each role to its own steps', async () => {
    const id = await draft();
    ok(await fire('vn.officer', id, 'submit'));
    // A liaison officer cannot approve; the central authority cannot see it yet.
    const officerApproves = await fire('vn.officer', id, 'approve');
    expect(officerApproves.response.status).toBe(403);
    expect(officerApproves.error).toMatchObject({
      code: 'request.action_forbidden',
      details: { reason: 'role_or_side' },
    });
    expect((await fire('vn.central', id, 'approve')).response.status).toBe(404);
    ok(await fire('vn.supervisor', id, 'approve'));
    // Only the central authority transmits.
    expect((await fire('vn.supervisor', id, 'transmit')).response.status).toBe(403);
    ok(await fire('vn.central', id, 'transmit'));
    // The French 24/7 point is another agency: for it the request does not exist.
    expect((await fire('fr.contact', id, 'acknowledge')).response.status).toBe(404);
    // The executing officer of the requested agency sees it but decides nothing.
    expect((await fire('fr.executing', id, 'acknowledge')).response.status).toBe(403);
    ok(await fire('fr.central', id, 'acknowledge'));
  });

  it('should list to each user exactly the requests they can open', async () => {
    const ids = { draft: await draft(), transmitted: await transmitted() };
    const visibleTo = async (user: DemoUser) => {
      const client: ApiClient = await t.as(user);
      const listed = ok(await client.GET('/v1/requests', { params: { query: { limit: 100 } } })).items.map(
        (item) => item.id,
      );
      const opened: string[] = [];
      for (const id of Object.values(ids)) {
        if ((await client.GET('/v1/requests/{id}', { params: { path: { id } } })).response.status === 200)
          opened.push(id);
      }
      return { listed: Object.values(ids).filter((id) => listed.includes(id)), opened };
    };
    const expectations: Array<[DemoUser, string[]]> = [
      ['vn.officer', [ids.draft, ids.transmitted]],
      ['vn.supervisor', [ids.draft, ids.transmitted]],
      ['vn.central', [ids.transmitted]],
      ['fr.central', [ids.transmitted]],
      ['fr.executing', [ids.transmitted]],
      ['fr.contact', []],
      ['de.officer', []],
    ];
    for (const [user, expected] of expectations) {
      expect({ user, ...(await visibleTo(user)) }).toEqual({ user, listed: expected, opened: expected });
    }
    const incoming = ok(
      await (await t.as('fr.central')).GET('/v1/requests', { params: { query: { box: 'incoming' } } }),
    );
    const outgoing = ok(
      await (await t.as('fr.central')).GET('/v1/requests', { params: { query: { box: 'outgoing' } } }),
    );
    expect(incoming.items.map((item) => item.id)).toContain(ids.transmitted);
    expect(outgoing.items.map((item) => item.id)).not.toContain(ids.transmitted);
  });

  it('should not let the requested side edit the request', async () => {
    const id = await transmitted();
    const attempt = await (
      await t.as('fr.central')
    ).PATCH('/v1/requests/{id}', {
      params: { path: { id }, header: { 'If-Match': '"4"' } },
      body: { title: 'Changed by the other side' },
    });
    expect(attempt.response.status).toBe(403);
  });
});
