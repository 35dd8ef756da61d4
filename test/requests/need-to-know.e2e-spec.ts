import { login, type ApiClient } from '@mla/api-client';
import { UserEntity } from '../../src/modules/users/user.entity';
import { agencyId, mlaRequestBody, ok } from '../support/factories';
import { createTestApp, DEMO_PASSWORD, type DemoUser, type TestApp } from '../support/test-app';

/**
 * Need-to-know on confidential requests (issue 3 item 7; SEC-13, SEC-23, case B8): inside a party
 * agency only assigned officers, supervisors and central authority officers see the request; to
 * anyone else it answers exactly like a request that does not exist.
 */
describe('Need-to-know on confidential requests', () => {
  let t: TestApp;
  let officer: ApiClient;
  let supervisor: ApiClient;
  let vnCentral: ApiClient;
  let frCentral: ApiClient;
  let frExecuting: ApiClient;
  let colleague: ApiClient;
  let colleagueId: string;
  let frCa: string;

  beforeAll(async () => {
    t = await createTestApp();
    officer = await t.as('vn.officer');
    supervisor = await t.as('vn.supervisor');
    vnCentral = await t.as('vn.central');
    frCentral = await t.as('fr.central');
    frExecuting = await t.as('fr.executing');
    frCa = await agencyId(officer, 'FR-CA');
    ({ client: colleague, id: colleagueId } = await addOfficerLike('vn.officer', 'vn.colleague'));
  });
  afterAll(() => t?.close());

  /** A second account in the agency of `template`, with its role and password (no admin API creates users). */
  async function addOfficerLike(
    template: DemoUser,
    username: string,
  ): Promise<{ client: ApiClient; id: string }> {
    const source = await t.dataSource.manager.findOneOrFail(UserEntity, {
      where: { username: template },
      select: { agencyId: true, role: true, passwordHash: true },
    });
    const inserted = await t.dataSource.manager.save(UserEntity, {
      username,
      displayName: `Colleague ${username}`,
      agencyId: source.agencyId,
      role: source.role,
      passwordHash: source.passwordHash,
    });
    return { client: await login(t.baseUrl, username, DEMO_PASSWORD), id: inserted.id };
  }

  async function userId(username: DemoUser): Promise<string> {
    return (await t.dataSource.manager.findOneByOrFail(UserEntity, { username })).id;
  }

  async function fire(client: ApiClient, id: string, action: 'submit' | 'approve' | 'transmit') {
    return ok(
      await client.POST('/v1/requests/{id}/transitions', { params: { path: { id } }, body: { action } }),
    );
  }

  /** Confidential, transmitted to the French central authority, with one message. */
  async function transmittedConfidentialRequest(): Promise<string> {
    const { id } = ok(
      await officer.POST('/v1/requests', { body: mlaRequestBody(frCa, { confidential: true }) }),
    );
    await fire(officer, id, 'submit');
    await fire(supervisor, id, 'approve');
    await fire(vnCentral, id, 'transmit');
    ok(
      await officer.POST('/v1/requests/{id}/messages', {
        params: { path: { id } },
        body: { kind: 'note', body: 'Covert: do not contact the provider yet' },
      }),
    );
    return id;
  }

  /** Every read and write route of one request, as the caller sees it: status codes only. */
  async function accessOf(client: ApiClient, id: string) {
    const path = { params: { path: { id } } };
    const listed = async (box?: 'incoming' | 'outgoing') =>
      ok(
        await client.GET('/v1/requests', { params: { query: { ...(box ? { box } : {}), limit: 100 } } }),
      ).items.some((item) => item.id === id);
    return {
      get: (await client.GET('/v1/requests/{id}', path)).response.status,
      listed: (await listed()) || (await listed('outgoing')) || (await listed('incoming')),
      messages: (await client.GET('/v1/requests/{id}/messages', path)).response.status,
      history: (await client.GET('/v1/requests/{id}/history', path)).response.status,
      assignments: (await client.GET('/v1/requests/{id}/assignments', path)).response.status,
      // `close` is never allowed while transmitted: 409 means the caller got past visibility.
      transition: (await client.POST('/v1/requests/{id}/transitions', { ...path, body: { action: 'close' } }))
        .response.status,
    };
  }

  const HIDDEN = { get: 404, listed: false, messages: 404, history: 404, assignments: 404, transition: 404 };
  const VISIBLE = { get: 200, listed: true, messages: 200, history: 200, assignments: 200, transition: 409 };

  async function deniedEntries(actorUserId: string, id: string): Promise<number> {
    const auditor = await t.as('auditor');
    const { items } = ok(
      await auditor.GET('/v1/audit/events', {
        params: { query: { actorUserId, action: 'request.access_denied', limit: 100 } },
      }),
    );
    return items.filter((entry) => entry.target.id === id).length;
  }

  it('should hide a confidential request from unassigned colleagues on both sides, as if it did not exist', async () => {
    const id = await transmittedConfidentialRequest();
    const plain = ok(await officer.POST('/v1/requests', { body: mlaRequestBody(frCa) })).id;

    expect(await accessOf(colleague, id)).toEqual(HIDDEN);
    expect(await accessOf(frExecuting, id)).toEqual(HIDDEN);
    const absent = await colleague.GET('/v1/requests/{id}', {
      params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
    });
    const hidden = await colleague.GET('/v1/requests/{id}', { params: { path: { id } } });
    expect(hidden.error).toMatchObject({
      statusCode: 404,
      code: absent.error?.code,
      message: absent.error?.message,
    });
    expect(await deniedEntries(colleagueId, id)).toBeGreaterThanOrEqual(6);

    // The author (assigned on creation), the supervisor and both central authorities do see it.
    for (const client of [officer, supervisor, vnCentral, frCentral])
      expect(await accessOf(client, id)).toEqual(VISIBLE);
    // Everything else is as before for a request that is not confidential.
    const plainRequest = ok(await colleague.GET('/v1/requests/{id}', { params: { path: { id: plain } } }));
    expect(plainRequest.confidential).toBe(false);
  });

  it('should let a supervisor assign a colleague, and take the access away at once on unassignment (B8)', async () => {
    const id = await transmittedConfidentialRequest();
    const path = { params: { path: { id } } };

    const assigned = ok(
      await supervisor.POST('/v1/requests/{id}/assignments', { ...path, body: { userId: colleagueId } }),
    );
    expect(assigned).toMatchObject({
      user: { id: colleagueId },
      agency: { code: 'VN-C50' },
      assignedBy: { id: await userId('vn.supervisor') },
    });
    expect(await accessOf(colleague, id)).toEqual(VISIBLE);
    expect(
      ok(await colleague.GET('/v1/requests/{id}/messages', path)).items.map((message) => message.body),
    ).toEqual(['Covert: do not contact the provider yet']);

    const twice = await supervisor.POST('/v1/requests/{id}/assignments', {
      ...path,
      body: { userId: colleagueId },
    });
    expect(twice.response.status).toBe(409);
    expect(twice.error?.code).toBe('request.already_assigned');

    const removed = await supervisor.DELETE('/v1/requests/{id}/assignments/{userId}', {
      params: { path: { id, userId: colleagueId } },
    });
    expect(removed.response.status).toBe(204);
    expect(await accessOf(colleague, id)).toEqual(HIDDEN);

    const again = await supervisor.DELETE('/v1/requests/{id}/assignments/{userId}', {
      params: { path: { id, userId: colleagueId } },
    });
    expect(again.response.status).toBe(404);
    expect(again.error?.code).toBe('request.assignment_not_found');

    const auditor = await t.as('auditor');
    const trail = ok(
      await auditor.GET('/v1/audit/events', { params: { query: { requestId: id, limit: 100 } } }),
    )
      .items.filter((entry) => entry.action === 'request.assigned' || entry.action === 'request.unassigned')
      .map((entry) => ({ action: entry.action, actor: entry.actor?.userId, data: entry.data }))
      .reverse();
    const vnUnit = await agencyId(officer, 'VN-C50');
    expect(trail).toEqual([
      {
        action: 'request.assigned',
        actor: await userId('vn.officer'),
        data: { userId: await userId('vn.officer'), agencyId: vnUnit },
      },
      {
        action: 'request.assigned',
        actor: await userId('vn.supervisor'),
        data: { userId: colleagueId, agencyId: vnUnit },
      },
      {
        action: 'request.unassigned',
        actor: await userId('vn.supervisor'),
        data: { userId: colleagueId, agencyId: vnUnit },
      },
    ]);
  });

  it('should show each side only its own assignments, in the list and in the history', async () => {
    const id = await transmittedConfidentialRequest();
    const path = { params: { path: { id } } };
    const frExecutingId = await userId('fr.executing');
    ok(await frCentral.POST('/v1/requests/{id}/assignments', { ...path, body: { userId: frExecutingId } }));
    ok(await supervisor.POST('/v1/requests/{id}/assignments', { ...path, body: { userId: colleagueId } }));

    expect(await accessOf(frExecuting, id)).toEqual(VISIBLE);
    const names = async (client: ApiClient) =>
      ok(await client.GET('/v1/requests/{id}/assignments', path)).items.map((item) => item.user.id);
    expect(await names(supervisor)).toEqual([await userId('vn.officer'), colleagueId]);
    expect(await names(vnCentral)).toEqual([await userId('vn.officer'), colleagueId]);
    expect(await names(frCentral)).toEqual([frExecutingId]);

    const assignmentsInHistory = async (client: ApiClient) =>
      ok(
        await client.GET('/v1/requests/{id}/history', {
          ...path,
          params: { ...path.params, query: { limit: 100 } },
        }),
      )
        .items.filter((entry) => entry.action === 'request.assigned')
        .map((entry) => entry.data.userId as string)
        .sort();
    expect(await assignmentsInHistory(supervisor)).toEqual([await userId('vn.officer'), colleagueId].sort());
    expect(await assignmentsInHistory(frCentral)).toEqual([frExecutingId]);
  });

  it('should refuse assignees outside the caller’s agency, and callers without the permission', async () => {
    const id = await transmittedConfidentialRequest();
    const path = { params: { path: { id } } };
    const assign = (client: ApiClient, userId: string) =>
      client.POST('/v1/requests/{id}/assignments', { ...path, body: { userId } });

    for (const foreigner of [
      await userId('fr.executing'),
      await userId('auditor'),
      '00000000-0000-4000-8000-000000000000',
    ]) {
      const refused = await assign(supervisor, foreigner);
      expect(refused.response.status).toBe(422);
      expect(refused.error?.code).toBe('request.assignee_not_eligible');
    }
    // The French side cannot hand Vietnamese officers access, nor take the author off.
    expect((await assign(frCentral, colleagueId)).response.status).toBe(422);
    const foreignRemoval = await frCentral.DELETE('/v1/requests/{id}/assignments/{userId}', {
      params: { path: { id, userId: await userId('vn.officer') } },
    });
    expect(foreignRemoval.error?.code).toBe('request.assignment_not_found');
    expect((await officer.GET('/v1/requests/{id}', path)).response.status).toBe(200);

    for (const client of [officer, frExecuting, colleague]) {
      const denied = await assign(client, colleagueId);
      expect(denied.response.status).toBe(403);
      expect(denied.error?.code).toBe('auth.permission_denied');
    }
    const officerRemoval = await officer.DELETE('/v1/requests/{id}/assignments/{userId}', {
      params: { path: { id, userId: await userId('vn.officer') } },
    });
    expect(officerRemoval.response.status).toBe(403);
    // A third agency learns nothing, not even that the request exists.
    const deCentral = await assign(await t.as('fr.contact'), colleagueId);
    expect(deCentral.error?.code).toBe('request.not_found');

    // A disabled account cannot be given access.
    const { id: leaverId } = await addOfficerLike('vn.officer', 'vn.leaver');
    const admin = await t.as('admin');
    ok(await admin.PATCH('/v1/users/{id}', { params: { path: { id: leaverId } }, body: { disabled: true } }));
    expect((await assign(supervisor, leaverId)).error?.code).toBe('request.assignee_not_eligible');
  });

  it('should let the author mark a draft confidential, which hides it from colleagues from then on', async () => {
    const created = ok(await officer.POST('/v1/requests', { body: mlaRequestBody(frCa) }));
    const path = { params: { path: { id: created.id } } };
    expect(created.confidential).toBe(false);
    expect(ok(await officer.GET('/v1/requests/{id}/assignments', path)).items).toEqual([
      expect.objectContaining({ user: expect.objectContaining({ id: await userId('vn.officer') }) }),
    ]);
    expect((await colleague.GET('/v1/requests/{id}', path)).response.status).toBe(200);

    const updated = ok(
      await officer.PATCH('/v1/requests/{id}', {
        ...path,
        params: { ...path.params, header: { 'If-Match': `"${created.version}"` } },
        body: { confidential: true },
      }),
    );
    expect(updated.confidential).toBe(true);
    expect(updated.timeRange).toEqual(created.timeRange);
    expect((await colleague.GET('/v1/requests/{id}', path)).response.status).toBe(404);
    const edit = await colleague.PATCH('/v1/requests/{id}', {
      ...path,
      params: { ...path.params, header: { 'If-Match': `"${updated.version}"` } },
      body: { title: 'Renamed' },
    });
    expect(edit.response.status).toBe(404);
    const submit = await colleague.POST('/v1/requests/{id}/transitions', {
      ...path,
      body: { action: 'submit' },
    });
    expect(submit.response.status).toBe(404);

    const history = ok(await officer.GET('/v1/requests/{id}/history', path)).items;
    expect(history.find((entry) => entry.action === 'request.update')?.data).toMatchObject({
      changedFields: ['confidential'],
    });
  });

  it('should let only those who may grant need-to-know lift it, and audit the change', async () => {
    const created = ok(
      await officer.POST('/v1/requests', { body: mlaRequestBody(frCa, { confidential: true }) }),
    );
    const path = { params: { path: { id: created.id } } };
    const lift = (client: ApiClient, version: number) =>
      client.PATCH('/v1/requests/{id}', {
        ...path,
        params: { ...path.params, header: { 'If-Match': `"${version}"` } },
        body: { confidential: false },
      });
    const byAuthor = await lift(officer, created.version);
    expect(byAuthor.response.status).toBe(403);
    expect(byAuthor.error?.code).toBe('auth.permission_denied');
    expect((await colleague.GET('/v1/requests/{id}', path)).response.status).toBe(404);
    const denied = ok(
      await (
        await t.as('auditor')
      ).GET('/v1/audit/events', { params: { query: { action: 'access.denied' } } }),
    ).items;
    expect(denied.find((entry) => entry.target.id === created.id)?.data).toMatchObject({
      attempted: 'lift_confidential',
    });

    expect(ok(await lift(supervisor, created.version)).confidential).toBe(false);
    expect((await colleague.GET('/v1/requests/{id}', path)).response.status).toBe(200);
    const history = ok(await supervisor.GET('/v1/requests/{id}/history', path)).items;
    expect(history.find((entry) => entry.action === 'request.confidentiality_change')?.data).toEqual({
      from: true,
      to: false,
    });
  });

  it('should close the assignments of an officer moved to another agency: coming back grants nothing', async () => {
    const { client: mover, id: moverId } = await addOfficerLike('vn.officer', 'vn.mover');
    const created = ok(
      await mover.POST('/v1/requests', { body: mlaRequestBody(frCa, { confidential: true }) }),
    );
    const path = { params: { path: { id: created.id } } };
    expect((await mover.GET('/v1/requests/{id}', path)).response.status).toBe(200);

    const admin = await t.as('admin');
    const move = (code: string) =>
      admin.PATCH('/v1/users/{id}', {
        params: { path: { id: moverId } },
        body: { agencyId: code },
      });
    ok(await move(await agencyId(admin, 'VN-OVERSIGHT')));
    ok(await move(await agencyId(admin, 'VN-C50')));
    const back = await login(t.baseUrl, 'vn.mover', DEMO_PASSWORD);
    expect((await back.GET('/v1/requests/{id}', path)).response.status).toBe(404);
    const closed = ok(await supervisor.GET('/v1/requests/{id}/history', path)).items.find(
      (entry) => entry.action === 'request.unassigned',
    );
    expect(closed?.data).toMatchObject({ userId: moverId, reason: 'agency_change' });
  });

  it('should show an administrator’s closing of assignments only to the side whose staff it names', async () => {
    const id = await transmittedConfidentialRequest();
    const path = { params: { path: { id } } };
    const { id: frOfficerId } = await addOfficerLike('fr.executing', 'fr.assignee');
    ok(await frCentral.POST('/v1/requests/{id}/assignments', { ...path, body: { userId: frOfficerId } }));
    const admin = await t.as('admin');
    ok(
      await admin.PATCH('/v1/users/{id}', {
        params: { path: { id: frOfficerId } },
        body: { disabled: true },
      }),
    );

    const closedFor = async (client: ApiClient) =>
      ok(await client.GET('/v1/requests/{id}/history', path)).items.filter(
        (entry) => entry.action === 'request.unassigned',
      );
    expect(await closedFor(frCentral)).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ userId: frOfficerId, reason: 'account_disabled' }),
      }),
    ]);
    expect(await closedFor(officer)).toEqual([]);
  });

  it('should treat an agency id in capitals as the same agency (no move, no sessions ended)', async () => {
    const admin = await t.as('admin');
    const live = await login(t.baseUrl, 'vn.supervisor', DEMO_PASSWORD);
    const own = await agencyId(admin, 'VN-C50');
    ok(
      await admin.PATCH('/v1/users/{id}', {
        params: { path: { id: await userId('vn.supervisor') } },
        body: { agencyId: own.toUpperCase() },
      }),
    );
    expect((await live.GET('/v1/auth/me')).response.status).toBe(200);
  });
});
