import { createApiClient, login, type ApiClient, type Schemas } from '@mla/api-client';
import { agencyId, mlaRequestBody, ok, preservationRequestBody } from '../support/factories';
import { createTestApp, DEMO_PASSWORD, FakeClock, type DemoUser, type TestApp } from '../support/test-app';

type Agency = Schemas['AgencyDto'];

const OCLCTIC = {
  code: 'FR-OCLCTIC',
  name: 'Office for the Fight against ICT Crime',
  stateCode: 'FR',
  kind: 'competent_authority',
  timeZone: 'Europe/Paris',
} as const;

/**
 * Agency administration (issue 3 item 6): admins add agencies, rename them, and take them out of the
 * portal and back. Every change and every refusal is audited with actor, target and outcome.
 */
describe('Agency administration (issue 3 item 6)', () => {
  const clock = new FakeClock();
  let t: TestApp;
  let auditor: ApiClient;

  beforeAll(async () => {
    t = await createTestApp({}, { clock });
  });
  afterAll(() => t?.close());

  /** A fresh session each time: it counts as a recent authentication, and no earlier clock move ended it. */
  const as = (user: DemoUser) => login(t.baseUrl, user, DEMO_PASSWORD);
  const auditOf = async (action: string) => {
    auditor = await as('auditor');
    return ok(await auditor.GET('/v1/audit/events', { params: { query: { action } } })).items;
  };
  const listAgencies = async (includeInactive?: boolean): Promise<Agency[]> =>
    ok(
      await (
        await as('vn.officer')
      ).GET('/v1/agencies', { params: { query: includeInactive ? { includeInactive } : {} } }),
    );
  const patchAgency = async (id: string, body: Schemas['UpdateAgencyDto'], admin?: ApiClient) =>
    (admin ?? (await as('admin'))).PATCH('/v1/agencies/{id}', { params: { path: { id } }, body });
  const tryLogin = (username: string, password = DEMO_PASSWORD) =>
    fetch(`${t.baseUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  const withoutCorrelation = async (response: Response) => ({
    status: response.status,
    body: { ...((await response.json()) as Record<string, unknown>), correlationId: undefined },
  });

  it('should let an admin add an agency, and audit it with actor and target', async () => {
    const admin = await as('admin');
    const created = await admin.POST('/v1/agencies', { body: OCLCTIC });
    expect(created.response.status).toBe(201);
    const agency = ok(created);
    expect(agency).toMatchObject({ ...OCLCTIC, active: true });
    expect((await listAgencies()).find((listed) => listed.code === OCLCTIC.code)).toEqual(agency);

    const adminId = ok(await admin.GET('/v1/auth/me')).id;
    expect((await auditOf('agency.create'))[0]).toMatchObject({
      outcome: 'success',
      actor: { userId: adminId, role: 'admin' },
      target: { type: 'agency', id: agency.id },
      data: { code: 'FR-OCLCTIC', stateCode: 'FR', kind: 'competent_authority' },
    });
  });

  it('should refuse a taken code (409), an unknown state, a code of another state, a bad zone or code (400)', async () => {
    const admin = await as('admin');
    const duplicate = await admin.POST('/v1/agencies', { body: { ...OCLCTIC, name: 'Another office' } });
    expect(duplicate.response.status).toBe(409);
    expect(duplicate.error?.code).toBe('agency.conflict');

    const invalid: Array<[Partial<typeof OCLCTIC> | Record<string, string>, string]> = [
      [{ stateCode: 'XX', code: 'XX-UNIT' }, 'stateCode'],
      [{ code: 'DE-OCLCTIC' }, 'code'],
      [{ code: 'fr-oclctic' }, 'code'],
      [{ code: 'FR-' }, 'code'],
      [{ code: `FR-${'A'.repeat(40)}` }, 'code'],
      [{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
      [{ timeZone: 'local' }, 'timeZone'],
      [{ kind: 'ministry' }, 'kind'],
      [{ name: '   ' }, 'name'],
    ];
    for (const [change, field] of invalid) {
      const refused = await admin.POST('/v1/agencies', {
        body: { ...OCLCTIC, code: 'FR-NEW', ...change },
      });
      expect({ change, status: refused.response.status, fields: refused.error?.details }).toEqual({
        change,
        status: 400,
        fields: [expect.objectContaining({ field })],
      });
    }
    expect((await listAgencies(true)).map((agency) => agency.code)).not.toContain('FR-NEW');

    // The service's own refusals are audited; malformed bodies stop at validation, before any change.
    const failures = (await auditOf('agency.create')).filter((entry) => entry.outcome === 'failure');
    expect(failures.map((entry) => [entry.data.reason, entry.data.code])).toEqual([
      ['validation.failed', 'DE-OCLCTIC'],
      ['validation.failed', 'XX-UNIT'],
      ['agency.conflict', 'FR-OCLCTIC'],
    ]);
  });

  it('should refuse directory changes to every role but admin, and to API keys', async () => {
    const id = await agencyId(await as('admin'), 'FR-OCLCTIC');
    for (const user of ['vn.officer', 'fr.central', 'auditor'] as const) {
      const client = await as(user);
      expect(
        (await client.POST('/v1/agencies', { body: { ...OCLCTIC, code: 'FR-X' } })).response.status,
      ).toBe(403);
      expect((await patchAgency(id, { name: 'Taken over' }, client)).error?.code).toBe(
        'auth.permission_denied',
      );
    }
    expect((await auditOf('access.denied')).slice(0, 6)).toEqual(
      Array(6).fill(
        expect.objectContaining({ data: expect.objectContaining({ permission: 'directory.manage' }) }),
      ),
    );
    const key = ok(
      await (
        await as('admin')
      ).POST('/v1/api-keys', {
        body: {
          agencyId: await agencyId(await as('admin'), 'VN-C50'),
          role: 'liaison_officer',
          name: 'Probe',
        },
      }),
    ).key;
    const byKey = await createApiClient({ baseUrl: t.baseUrl, apiKey: key }).PATCH('/v1/agencies/{id}', {
      params: { path: { id } },
      body: { name: 'Taken over' },
    });
    expect(byKey.response.status).toBe(403);
    expect((await listAgencies()).find((agency) => agency.id === id)?.name).toBe(OCLCTIC.name);
  });

  it('should rename and re-zone an agency, auditing each changed field with its old and new value', async () => {
    const id = await agencyId(await as('admin'), 'FR-OCLCTIC');
    const renamed = ok(
      await patchAgency(id, { name: 'OFAC (cyber)', timeZone: 'Europe/Paris', kind: 'competent_authority' }),
    );
    expect(renamed).toMatchObject({ code: 'FR-OCLCTIC', name: 'OFAC (cyber)', timeZone: 'Europe/Paris' });
    ok(await patchAgency(id, { timeZone: 'America/Cayenne' }));
    const updates = await auditOf('agency.update');
    expect(updates.slice(0, 2).map((entry) => [entry.outcome, entry.target.id, entry.data.changes])).toEqual([
      ['success', id, { timeZone: { from: 'Europe/Paris', to: 'America/Cayenne' } }],
      // The time zone and kind sent were the current ones: only the name changed.
      ['success', id, { name: { from: OCLCTIC.name, to: 'OFAC (cyber)' } }],
    ]);
  });

  it('should change the kind only of an agency without accounts or requests', async () => {
    const admin = await as('admin');
    const fresh = await agencyId(admin, 'FR-OCLCTIC');
    expect(ok(await patchAgency(fresh, { kind: 'contact_point_24_7' }, admin)).kind).toBe(
      'contact_point_24_7',
    );
    expect((await auditOf('agency.update'))[0].data.changes).toEqual({
      kind: { from: 'competent_authority', to: 'contact_point_24_7' },
    });

    // A central authority sees every approved request of its state: a new kind would change that.
    const frCa = await agencyId(admin, 'FR-CA');
    const refused = await patchAgency(frCa, { kind: 'competent_authority' }, admin);
    expect(refused.response.status).toBe(409);
    expect(refused.error).toMatchObject({ code: 'agency.conflict', details: { accounts: true } });
    expect((await listAgencies()).find((agency) => agency.id === frCa)?.kind).toBe('central_authority');
    expect((await auditOf('agency.update'))[0]).toMatchObject({
      outcome: 'failure',
      target: { id: frCa },
      data: { reason: 'agency.conflict', requested: ['kind'] },
    });
  });

  it('should answer 404 for no such agency, 400 for an empty change, 409 for the admin’s own agency', async () => {
    const admin = await as('admin');
    const missing = await patchAgency('00000000-0000-4000-8000-000000000000', { name: 'Nobody' }, admin);
    expect(missing.error?.code).toBe('agency.not_found');
    expect((await patchAgency(await agencyId(admin, 'FR-CA'), {}, admin)).response.status).toBe(400);
    const own = await agencyId(admin, 'VN-PORTAL');
    const self = await patchAgency(own, { active: false }, admin);
    expect(self.response.status).toBe(409);
    expect(self.error?.code).toBe('agency.conflict');
    expect((await listAgencies()).find((agency) => agency.id === own)?.active).toBe(true);
    expect(
      (await auditOf('agency.update')).slice(0, 3).map((entry) => [entry.outcome, entry.data.reason]),
    ).toEqual([
      ['failure', 'agency.conflict'],
      ['failure', 'validation.failed'],
      ['failure', 'agency.not_found'],
    ]);
  });

  it('should take a deactivated agency out of the portal at once, and restore sign-in on reactivation', async () => {
    const admin = await as('admin');
    const frCa = await agencyId(admin, 'FR-CA');
    const fr247 = await agencyId(admin, 'FR-247');

    // A request already exchanged with FR-CA, and a draft bound elsewhere.
    const vnOfficer = await as('vn.officer');
    const exchanged = ok(await vnOfficer.POST('/v1/requests', { body: mlaRequestBody(frCa) }));
    const fire = async (user: DemoUser, action: 'submit' | 'approve' | 'transmit') =>
      ok(
        await (
          await as(user)
        ).POST('/v1/requests/{id}/transitions', { params: { path: { id: exchanged.id } }, body: { action } }),
      );
    await fire('vn.officer', 'submit');
    await fire('vn.supervisor', 'approve');
    await fire('vn.central', 'transmit');
    const draft = ok(await vnOfficer.POST('/v1/requests', { body: preservationRequestBody(fr247) }));
    // And one approved for FR-CA but not yet sent.
    const approved = ok(await vnOfficer.POST('/v1/requests', { body: mlaRequestBody(frCa) }));
    const fireOn = async (id: string, user: DemoUser, action: 'submit' | 'approve' | 'transmit') =>
      (await as(user)).POST('/v1/requests/{id}/transitions', { params: { path: { id } }, body: { action } });
    ok(await fireOn(approved.id, 'vn.officer', 'submit'));
    ok(await fireOn(approved.id, 'vn.supervisor', 'approve'));

    // Live sessions and an API key of FR-CA.
    const central = await as('fr.central');
    const executing = await as('fr.executing');
    expect(
      (await central.GET('/v1/requests/{id}', { params: { path: { id: exchanged.id } } })).response.status,
    ).toBe(200);
    const key = ok(
      await admin.POST('/v1/api-keys', {
        body: { agencyId: frCa, role: 'executing_officer', name: 'FR-CA case system' },
      }),
    ).key;
    const keyClient = createApiClient({ baseUrl: t.baseUrl, apiKey: key });
    expect((await keyClient.GET('/v1/auth/me')).response.status).toBe(200);
    const [{ open }] = await t.dataSource.query<Array<{ open: number }>>(
      `SELECT count(*)::int AS "open" FROM "user_session" s JOIN "user_account" u ON u."id" = s."user_id"
        WHERE u."agency_id" = $1 AND s."revoked_at" IS NULL`,
      [frCa],
    );
    expect(open).toBeGreaterThanOrEqual(2);

    const deactivated = ok(await patchAgency(frCa, { active: false }, admin));
    expect(deactivated).toMatchObject({ code: 'FR-CA', active: false });
    expect((await auditOf('agency.deactivate'))[0]).toMatchObject({
      outcome: 'success',
      target: { type: 'agency', id: frCa },
      data: { sessionsEnded: open },
    });
    const sessions = await t.dataSource.query<Array<{ revoked_reason: string | null }>>(
      `SELECT s."revoked_reason" FROM "user_session" s JOIN "user_account" u ON u."id" = s."user_id"
        WHERE u."agency_id" = $1`,
      [frCa],
    );
    expect(new Set(sessions.map((session) => session.revoked_reason))).toEqual(
      new Set(['agency_deactivated']),
    );

    // Its people are out on their next call, their login fails exactly like a wrong password, and its key is dead.
    expect((await central.GET('/v1/auth/me')).response.status).toBe(401);
    expect((await executing.GET('/v1/requests')).response.status).toBe(401);
    const refusedLogin = await withoutCorrelation(await tryLogin('fr.central'));
    expect(refusedLogin.status).toBe(401);
    expect(refusedLogin).toEqual(
      await withoutCorrelation(await tryLogin('fr.contact', 'not-the-password-1')),
    );
    expect((await auditOf('auth.login_failed'))[1]).toMatchObject({ data: { reason: 'agency_deactivated' } });
    expect((await keyClient.GET('/v1/auth/me')).response.status).toBe(401);
    expect((await auditOf('auth.api_key_rejected'))[0]).toMatchObject({
      data: { reason: 'agency_deactivated' },
    });

    // Nobody can send it new requests, nor turn a draft towards it; no accounts or keys are made there.
    const fresh = await vnOfficer.POST('/v1/requests', { body: mlaRequestBody(frCa) });
    expect(fresh.response.status).toBe(400);
    expect(fresh.error?.details).toEqual([expect.objectContaining({ field: 'requestedAgencyId' })]);
    const turned = await vnOfficer.PATCH('/v1/requests/{id}', {
      params: { path: { id: draft.id }, header: { 'If-Match': `"${draft.version}"` } },
      body: { requestedAgencyId: frCa },
    });
    expect(turned.error?.details).toEqual([expect.objectContaining({ field: 'requestedAgencyId' })]);
    const account = await admin.POST('/v1/users', {
      body: { username: 'fr.newcomer', displayName: 'New Comer', role: 'executing_officer', agencyId: frCa },
    });
    expect(account.error?.details).toEqual([expect.objectContaining({ field: 'agencyId' })]);
    const anotherKey = await admin.POST('/v1/api-keys', {
      body: { agencyId: frCa, role: 'executing_officer', name: 'Too late' },
    });
    expect(anotherKey.error?.details).toEqual([expect.objectContaining({ field: 'agencyId' })]);
    // What was approved before it left stays with the sender, who withdraws it.
    const stranded = await fireOn(approved.id, 'vn.central', 'transmit');
    expect(stranded.response.status).toBe(403);
    expect(stranded.error).toMatchObject({
      code: 'request.action_forbidden',
      details: { reason: 'party_agency_inactive' },
    });

    // The other side still reads what was exchanged, and sees that its counterpart has left.
    const read = ok(await vnOfficer.GET('/v1/requests/{id}', { params: { path: { id: exchanged.id } } }));
    expect(read.requestedAgency).toMatchObject({ id: frCa, active: false });

    // The directory lists it only when asked.
    expect((await listAgencies()).map((agency) => agency.id)).not.toContain(frCa);
    expect((await listAgencies(true)).find((agency) => agency.id === frCa)?.active).toBe(false);
    const bad = await vnOfficer.GET('/v1/agencies', {
      params: { query: { includeInactive: 'yes' as unknown as boolean } },
    });
    expect(bad.response.status).toBe(400);

    // Back: sign-in works again (the ended sessions stay ended), and so does the dormant key.
    expect(ok(await patchAgency(frCa, { active: true })).active).toBe(true);
    expect((await central.GET('/v1/auth/me')).response.status).toBe(401);
    const again = await as('fr.central');
    expect(
      (await again.GET('/v1/requests/{id}', { params: { path: { id: exchanged.id } } })).response.status,
    ).toBe(200);
    expect((await keyClient.GET('/v1/auth/me')).response.status).toBe(200);
    expect((await auditOf('agency.reactivate'))[0]).toMatchObject({
      outcome: 'success',
      target: { type: 'agency', id: frCa },
    });
    expect(ok(await vnOfficer.POST('/v1/requests', { body: mlaRequestBody(frCa) })).requestedAgency.id).toBe(
      frCa,
    );
  });

  it('should refuse a token whose session outlived its agency’s deactivation', async () => {
    // Deactivation ends the sessions itself; this stands for one that escaped it (a restored backup, a
    // bug): every call re-reads the agency, so the token still dies.
    const officer = await as('de.officer');
    const deBka = await agencyId(officer, 'DE-BKA-CC');
    await t.dataSource.query('UPDATE "agency" SET "deactivated_at" = now() WHERE "id" = $1', [deBka]);
    try {
      expect((await officer.GET('/v1/auth/me')).response.status).toBe(401);
    } finally {
      await t.dataSource.query('UPDATE "agency" SET "deactivated_at" = NULL WHERE "id" = $1', [deBka]);
    }
    expect((await officer.GET('/v1/auth/me')).response.status).toBe(200);
  });

  it('should never deadlock a deactivation against the logins of its own people (no 500 under the race)', async () => {
    // A deactivation locks the agency's accounts; a login locks its account while hashing. Both end
    // by appending to the audit log, whose head is the lock every transaction takes last.
    const admin = await as('admin');
    const deBka = await agencyId(admin, 'DE-BKA-CC');
    const statuses: number[] = [];
    for (let round = 0; round < 6; round += 1) {
      const results = await Promise.all([
        patchAgency(deBka, { name: `Cybercrime Unit ${round}`, active: false }, admin),
        tryLogin('de.officer'),
        tryLogin('de.officer'),
        tryLogin('de.officer'),
      ]);
      statuses.push(
        ...results.map((result) => ('response' in result ? result.response.status : result.status)),
      );
      ok(await patchAgency(deBka, { active: true }, admin));
    }
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    const verified = ok(await (await as('auditor')).GET('/v1/audit/verify'));
    expect(verified.ok).toBe(true);
  });

  it('should ask for a step-up when the last authentication is over 5 minutes old', async () => {
    const admin = await as('admin');
    const id = await agencyId(admin, 'FR-OCLCTIC');
    clock.advance(5 * 60_000 + 1_000);
    const late = [
      await admin.POST('/v1/agencies', { body: { ...OCLCTIC, code: 'FR-LATE' } }),
      await patchAgency(id, { name: 'Late rename' }, admin),
    ];
    expect(late.map((attempt) => attempt.error?.code)).toEqual(Array(2).fill('auth.step_up_required'));
    expect((await listAgencies(true)).map((agency) => [agency.code, agency.name])).not.toContainEqual([
      'FR-OCLCTIC',
      'Late rename',
    ]);

    expect(
      (await admin.POST('/v1/auth/step-up', { body: { password: DEMO_PASSWORD } })).response.status,
    ).toBe(200);
    expect(ok(await patchAgency(id, { name: 'Late rename' }, admin)).name).toBe('Late rename');
    expect(
      (await admin.POST('/v1/agencies', { body: { ...OCLCTIC, code: 'FR-LATE' } })).response.status,
    ).toBe(201);
  });
});
