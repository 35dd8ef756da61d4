import { createApiClient, type ApiClient } from '@mla/api-client';
import { agencyId, ok } from '../support/factories';
import { codeAt, enrol, loginWithCode, nextStep, type Enrolled } from '../support/second-factor';
import { createTestApp, DEMO_PASSWORD, FakeClock, type TestApp } from '../support/test-app';

/**
 * Account administration with a second factor required, as in production: creating accounts,
 * changing role and agency, resetting passwords and second factors. Each change is audited, needs a
 * recent step-up, and applies at once.
 */
describe('Account administration (issue 3 item 6; SEC-09, SEC-10; A8, A12, A13)', () => {
  let t: TestApp;
  const clock = new FakeClock();
  let adminFactor: Enrolled;
  let admin: ApiClient;
  let auditor: ApiClient;

  beforeAll(async () => {
    t = await createTestApp({ MFA_REQUIRED: 'true' }, { clock });
    adminFactor = await enrol(t, clock, 'admin');
    const auditorFactor = await enrol(t, clock, 'auditor');
    auditor = await loginWithCode(t, clock, 'auditor', auditorFactor.secret);
    admin = await loginWithCode(t, clock, 'admin', adminFactor.secret);
  });
  afterAll(() => t?.close());

  const userId = async (username: string): Promise<string> =>
    ok(await admin.GET('/v1/users')).find((user) => user.username === username)!.id;
  const auditOf = async (action: string) =>
    ok(await auditor.GET('/v1/audit/events', { params: { query: { action } } })).items;
  const login = (username: string, password: string, totp?: string) =>
    t.anonymous.POST('/v1/auth/login', { body: { username, password, ...(totp ? { totp } : {}) } });
  const clientOf = (accessToken: string) => createApiClient({ baseUrl: t.baseUrl, token: accessToken });

  it('should create an account whose first session may only choose a password, then enrol', async () => {
    const vnUnit = await agencyId(admin, 'VN-C50');
    const created = await admin.POST('/v1/users', {
      body: {
        username: 'vn.analyst',
        displayName: 'Tran Thi Binh',
        role: 'liaison_officer',
        agencyId: vnUnit,
      },
    });
    expect(created.response.status).toBe(201);
    const { user, temporaryPassword } = ok(created);
    expect(user).toMatchObject({
      username: 'vn.analyst',
      role: 'liaison_officer',
      kind: 'person',
      disabled: false,
    });
    expect(temporaryPassword.length).toBeGreaterThanOrEqual(20);

    const first = ok(await login('vn.analyst', temporaryPassword));
    expect(first.restriction).toBe('password_change');
    const session = clientOf(first.accessToken);
    const blocked = await session.GET('/v1/requests');
    expect(blocked.error?.code).toBe('auth.password_change_required');
    const newPassword = 'lanterns over the perfume river at night';
    expect(
      (await session.POST('/v1/auth/password', { body: { currentPassword: temporaryPassword, newPassword } }))
        .response.status,
    ).toBe(204);
    // Next comes the second factor, which production requires of everyone.
    expect((await session.GET('/v1/requests')).error?.code).toBe('auth.mfa_enrolment_required');

    const taken = await admin.POST('/v1/users', {
      body: { username: 'vn.analyst', displayName: 'Someone else', role: 'auditor', agencyId: vnUnit },
    });
    expect(taken.response.status).toBe(409);
    const nowhere = await admin.POST('/v1/users', {
      body: {
        username: 'vn.nobody',
        displayName: 'Nobody',
        role: 'liaison_officer',
        agencyId: '00000000-0000-4000-8000-000000000000',
      },
    });
    expect(nowhere.response.status).toBe(400);
    const creations = await auditOf('user.create');
    expect(creations.map((entry) => [entry.outcome, entry.data.reason ?? null])).toEqual([
      ['failure', 'validation.failed'],
      ['failure', 'user.conflict'],
      ['success', null],
    ]);
    expect(JSON.stringify(creations)).not.toContain(temporaryPassword);
  });

  it('should let exactly one of two simultaneous creations of a username win (409 for the other)', async () => {
    const body = {
      username: 'vn.twin',
      displayName: 'Twin',
      role: 'liaison_officer' as const,
      agencyId: await agencyId(admin, 'VN-C50'),
    };
    const results = await Promise.all([admin.POST('/v1/users', { body }), admin.POST('/v1/users', { body })]);
    expect(results.map((result) => result.response.status).sort()).toEqual([201, 409]);
  });

  it('SEC-09: a role change ends the live sessions; the next login carries the new role', async () => {
    const officer = await enrol(t, clock, 'vn.officer');
    const live = await loginWithCode(t, clock, 'vn.officer', officer.secret);
    expect((await live.GET('/v1/requests')).response.status).toBe(200);
    const id = await userId('vn.officer');

    const changed = ok(
      await admin.PATCH('/v1/users/{id}', { params: { path: { id } }, body: { role: 'auditor' } }),
    );
    expect(changed.role).toBe('auditor');
    expect((await live.GET('/v1/requests')).response.status).toBe(401);
    const again = await loginWithCode(t, clock, 'vn.officer', officer.secret);
    expect((await again.GET('/v1/requests')).response.status).toBe(403);
    expect((await again.GET('/v1/audit/events')).response.status).toBe(200);
    expect((await auditOf('user.role_change'))[0]).toMatchObject({
      outcome: 'success',
      target: { type: 'user', id },
      // The enrolment session and the live one.
      data: { from: 'liaison_officer', to: 'auditor', sessionsEnded: 2 },
    });

    // Back, and to another agency: the same rule.
    ok(await admin.PATCH('/v1/users/{id}', { params: { path: { id } }, body: { role: 'liaison_officer' } }));
    const moved = ok(
      await admin.PATCH('/v1/users/{id}', {
        params: { path: { id } },
        body: { agencyId: await agencyId(admin, 'VN-CA') },
      }),
    );
    expect(moved.agency.code).toBe('VN-CA');
    expect((await auditOf('user.agency_change'))[0]).toMatchObject({ data: { to: moved.agency.id } });
  });

  it('should refuse an administrator changing their own role, and a service account as admin', async () => {
    const self = await userId('admin');
    const demote = await admin.PATCH('/v1/users/{id}', {
      params: { path: { id: self } },
      body: { role: 'auditor' },
    });
    expect(demote.response.status).toBe(409);
    // The same id in capitals is the same account (PostgreSQL compares UUIDs regardless of case).
    const shouted = await admin.PATCH('/v1/users/{id}', {
      params: { path: { id: self.toUpperCase() } },
      body: { role: 'auditor' },
    });
    expect(shouted.response.status).toBe(409);
    const key = ok(
      await admin.POST('/v1/api-keys', {
        body: { agencyId: await agencyId(admin, 'VN-C50'), role: 'liaison_officer', name: 'Case system' },
      }),
    );
    const escalate = await admin.PATCH('/v1/users/{id}', {
      params: { path: { id: key.serviceAccountId } },
      body: { role: 'admin' },
    });
    expect(escalate.response.status).toBe(400);
    expect((await auditOf('user.update')).slice(0, 2).map((entry) => entry.outcome)).toEqual([
      'failure',
      'failure',
    ]);
  });

  it('A12: a password reset keeps the second factor, ends every session, and forces a new password', async () => {
    const central = await enrol(t, clock, 'fr.central');
    const live = await loginWithCode(t, clock, 'fr.central', central.secret);
    const id = await userId('fr.central');
    const { temporaryPassword } = ok(
      await admin.POST('/v1/users/{id}/password-reset', { params: { path: { id } } }),
    );
    expect((await live.GET('/v1/auth/me')).response.status).toBe(401);
    expect((await login('fr.central', DEMO_PASSWORD)).response.status).toBe(401);
    // The reset does not bypass the second factor (ASVS 6.4.3).
    expect((await login('fr.central', temporaryPassword)).error?.code).toBe('auth.mfa_required');
    nextStep(clock);
    const session = ok(await login('fr.central', temporaryPassword, codeAt(central.secret, clock)));
    expect(session.restriction).toBe('password_change');
    expect((await auditOf('auth.password_reset'))[0]).toMatchObject({
      data: { sessionsEnded: 2, secondFactorKept: true },
    });
  });

  it('should reset a lost second factor: sessions end and the next login must enrol again', async () => {
    const executing = await enrol(t, clock, 'fr.executing');
    const live = await loginWithCode(t, clock, 'fr.executing', executing.secret);
    const id = await userId('fr.executing');
    ok(await admin.PATCH('/v1/users/{id}', { params: { path: { id } }, body: { resetSecondFactor: true } }));
    expect((await live.GET('/v1/auth/me')).response.status).toBe(401);
    const next = ok(await login('fr.executing', DEMO_PASSWORD));
    expect(next.restriction).toBe('mfa_enrolment');
    expect((await auditOf('auth.mfa_reset'))[0]).toMatchObject({
      data: { wasEnrolled: true, sessionsEnded: 2 },
    });
  });

  it('A13: every administrative change needs a step-up under 5 minutes old', async () => {
    const stale = await loginWithCode(t, clock, 'admin', adminFactor.secret);
    clock.advance(5 * 60_000 + 1_000);
    const target = await userId('fr.contact');
    const attempts = [
      await stale.POST('/v1/users', {
        body: {
          username: 'x.late',
          displayName: 'Late',
          role: 'auditor',
          agencyId: await agencyId(stale, 'DE-BKA-CC'),
        },
      }),
      await stale.PATCH('/v1/users/{id}', { params: { path: { id: target } }, body: { locked: false } }),
      await stale.POST('/v1/users/{id}/password-reset', { params: { path: { id: target } } }),
      await stale.POST('/v1/api-keys', {
        body: { agencyId: await agencyId(stale, 'DE-BKA-CC'), role: 'liaison_officer', name: 'Late key' },
      }),
    ];
    expect(attempts.map((attempt) => attempt.error?.code)).toEqual(Array(4).fill('auth.step_up_required'));
    nextStep(clock);
    ok(await stale.POST('/v1/auth/step-up', { body: { totp: codeAt(adminFactor.secret, clock) } }));
    expect(
      (await stale.PATCH('/v1/users/{id}', { params: { path: { id: target } }, body: { locked: false } }))
        .response.status,
    ).toBe(200);
  });
});
