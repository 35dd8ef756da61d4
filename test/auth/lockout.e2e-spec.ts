import { login } from '@mla/api-client';
import { ok } from '../support/factories';
import { createTestApp, DEMO_PASSWORD, FakeClock, type TestApp } from '../support/test-app';

const MINUTE = 60_000;

describe('Lockout after repeated failures, and account administration', () => {
  const clock = new FakeClock();
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({}, { clock });
  });
  afterAll(() => t?.close());

  const attempt = (username: string, password: string) =>
    fetch(`${t.baseUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  // A fresh login per use: this file moves the clock, which would idle out a cached session.
  const as = (user: string) => login(t.baseUrl, user, DEMO_PASSWORD);
  const bodyOf = async (response: Response) => ({
    ...((await response.json()) as object),
    correlationId: null,
  });
  const userId = async (username: string) =>
    ok(await (await as('admin')).GET('/v1/users')).find((user) => user.username === username)!.id;

  it('A3 (SEC-03): should lock after 5 failures in 15 minutes, answer the right password like a wrong one, and unlock only by an admin', async () => {
    for (let index = 0; index < 5; index += 1)
      expect((await attempt('fr.central', `wrong-password-${index}`)).status).toBe(401);
    const locked = await attempt('fr.central', DEMO_PASSWORD);
    const wrong = await attempt('fr.central', 'wrong-password-again');
    expect(locked.status).toBe(401);
    expect(await bodyOf(locked)).toEqual(await bodyOf(wrong));

    const admin = await as('admin');
    const id = await userId('fr.central');
    expect(ok(await admin.GET('/v1/users')).find((user) => user.id === id)).toMatchObject({ locked: true });
    // Time alone does not unlock.
    clock.advance(60 * MINUTE);
    expect((await attempt('fr.central', DEMO_PASSWORD)).status).toBe(401);

    // Nobody but an admin may unlock. (A new admin session: the hour just passed idled the old one out.)
    const adminNow = await as('admin');
    const notAdmin = await (
      await as('vn.supervisor')
    ).PATCH('/v1/users/{id}', { params: { path: { id } }, body: { locked: false } });
    expect(notAdmin.response.status).toBe(403);
    expect(
      ok(await adminNow.PATCH('/v1/users/{id}', { params: { path: { id } }, body: { locked: false } })),
    ).toMatchObject({ locked: false });
    expect((await attempt('fr.central', DEMO_PASSWORD)).status).toBe(200);

    const auditor = await as('auditor');
    const actions = async (action: string) =>
      ok(await auditor.GET('/v1/audit/events', { params: { query: { action } } })).items.filter(
        (entry) => entry.target.id === id,
      );
    expect(await actions('auth.lockout')).toHaveLength(1);
    expect((await actions('auth.unlock'))[0]).toMatchObject({ actor: { role: 'admin' } });
    expect((await actions('auth.login_failed')).map((entry) => entry.data.reason)).toContain(
      'account_locked',
    );
  });

  it('should not be outrun by parallel guesses: a session won inside a burst dies with the lockout', async () => {
    const results = await Promise.all([
      ...Array.from({ length: 20 }, (_, index) => attempt('vn.officer', `burst-guess-${index}-x`)),
      attempt('vn.officer', DEMO_PASSWORD),
    ]);
    expect(results.filter((response) => response.status === 401).length).toBeGreaterThanOrEqual(20);
    const admin = await as('admin');
    const id = await userId('vn.officer');
    expect(ok(await admin.GET('/v1/users')).find((user) => user.id === id)).toMatchObject({ locked: true });
    for (const response of results.filter((candidate) => candidate.status === 200)) {
      const { accessToken } = (await response.json()) as { accessToken: string };
      const me = await fetch(`${t.baseUrl}/v1/auth/me`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(me.status).toBe(401);
    }
    ok(await admin.PATCH('/v1/users/{id}', { params: { path: { id } }, body: { locked: false } }));
  });

  it('should count wrong current passwords on a password change: a stolen token is no password oracle', async () => {
    const stolen = await as('fr.contact');
    for (let index = 0; index < 5; index += 1) {
      const guess = await stolen.POST('/v1/auth/password', {
        body: {
          currentPassword: `guess-${index}-password`,
          newPassword: 'a brand new passphrase for spring',
        },
      });
      expect([400, 401]).toContain(guess.response.status);
    }
    expect((await stolen.GET('/v1/auth/me')).response.status).toBe(401);
    expect((await attempt('fr.contact', DEMO_PASSWORD)).status).toBe(401);
    const admin = await as('admin');
    ok(
      await admin.PATCH('/v1/users/{id}', {
        params: { path: { id: await userId('fr.contact') } },
        body: { locked: false },
      }),
    );
  });

  it('A4: should not lock when the failures are spread over more than 15 minutes, or broken by a success', async () => {
    for (let index = 0; index < 4; index += 1) await attempt('fr.executing', `wrong-${index}-password`);
    clock.advance(15 * MINUTE + 1_000);
    for (let index = 0; index < 4; index += 1) await attempt('fr.executing', `wrong-${index}-password`);
    expect((await attempt('fr.executing', DEMO_PASSWORD)).status).toBe(200);
    for (let index = 0; index < 4; index += 1) await attempt('fr.executing', `wrong-${index}-password`);
    expect((await attempt('fr.executing', DEMO_PASSWORD)).status).toBe(200);
  });

  it('A8 (SEC-09): should end a disabled account’s sessions at once, audit it, and let it in again once enabled', async () => {
    const victim = ok(
      await t.anonymous.POST('/v1/auth/login', { body: { username: 'de.officer', password: DEMO_PASSWORD } }),
    );
    const admin = await as('admin');
    const id = await userId('de.officer');
    expect(
      ok(await admin.PATCH('/v1/users/{id}', { params: { path: { id } }, body: { disabled: true } })),
    ).toMatchObject({ disabled: true });
    const me = await fetch(`${t.baseUrl}/v1/auth/me`, {
      headers: { authorization: `Bearer ${victim.accessToken}` },
    });
    expect(me.status).toBe(401);
    expect(
      (await t.anonymous.POST('/v1/auth/refresh', { body: { refreshToken: victim.refreshToken } })).response
        .status,
    ).toBe(401);
    expect((await attempt('de.officer', DEMO_PASSWORD)).status).toBe(401);
    ok(await admin.PATCH('/v1/users/{id}', { params: { path: { id } }, body: { disabled: false } }));
    expect((await attempt('de.officer', DEMO_PASSWORD)).status).toBe(200);
    const audit = ok(
      await (await as('auditor')).GET('/v1/audit/events', { params: { query: { action: 'user.disable' } } }),
    );
    expect(audit.items[0]).toMatchObject({
      actor: { role: 'admin' },
      target: { type: 'user', id },
      data: { sessionsEnded: 1 },
    });
  });

  it('should refuse empty, self-disabling and invalid administration requests', async () => {
    const admin = await as('admin');
    const self = ok(await admin.GET('/v1/auth/me')).id;
    expect(
      (await admin.PATCH('/v1/users/{id}', { params: { path: { id: self } }, body: {} })).response.status,
    ).toBe(400);
    expect(
      (await admin.PATCH('/v1/users/{id}', { params: { path: { id: self } }, body: { disabled: true } }))
        .response.status,
    ).toBe(409);
    const lockAttempt = await admin.PATCH('/v1/users/{id}', {
      params: { path: { id: self } },
      body: { locked: true as unknown as false },
    });
    expect(lockAttempt.response.status).toBe(400);
    const absent = await admin.PATCH('/v1/users/{id}', {
      params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
      body: { disabled: false },
    });
    expect(absent.response.status).toBe(404);
  });
});
