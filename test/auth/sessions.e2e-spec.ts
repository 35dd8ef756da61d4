import { createApiClient } from '@mla/api-client';
import { ok } from '../support/factories';
import { createTestApp, DEMO_PASSWORD, FakeClock, type TestApp } from '../support/test-app';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('Sessions: refresh rotation, logout, idle and absolute timeouts', () => {
  const clock = new FakeClock();
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({}, { clock });
  });
  afterAll(() => t?.close());

  async function login(username = 'vn.officer') {
    return ok(await t.anonymous.POST('/v1/auth/login', { body: { username, password: DEMO_PASSWORD } }));
  }
  const me = (accessToken: string) =>
    createApiClient({ baseUrl: t.baseUrl, token: accessToken }).GET('/v1/auth/me');
  const refresh = (refreshToken: string) => t.anonymous.POST('/v1/auth/refresh', { body: { refreshToken } });
  const auditActions = async (action: string) =>
    ok(await (await t.as('auditor')).GET('/v1/audit/events', { params: { query: { action } } })).items;

  it('SEC-08: should issue new, different tokens at every login (no fixation)', async () => {
    const first = await login();
    const second = await login();
    expect(first.accessToken).not.toBe(second.accessToken);
    expect(first.refreshToken).not.toBe(second.refreshToken);
    expect(first.refreshToken).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);
  });

  it('should rotate the refresh token, and revoke the whole session when a spent one is presented again', async () => {
    const tokens = await login();
    const rotated = ok(await refresh(tokens.refreshToken));
    expect(rotated.refreshToken).not.toBe(tokens.refreshToken);
    expect((await me(rotated.accessToken)).response.status).toBe(200);

    // The old refresh token, copied by someone, is presented again.
    const reuse = await refresh(tokens.refreshToken);
    expect(reuse.response.status).toBe(401);
    // Both holders lose the session: the fresh refresh token and the access tokens die with it.
    expect((await refresh(rotated.refreshToken)).response.status).toBe(401);
    expect((await me(rotated.accessToken)).response.status).toBe(401);
    expect((await me(tokens.accessToken)).response.status).toBe(401);
    expect((await auditActions('auth.refresh_reuse')).length).toBeGreaterThan(0);
  });

  it('A7 (SEC-08): should end the session at logout, for the access and the refresh token alike', async () => {
    const tokens = await login();
    const client = createApiClient({ baseUrl: t.baseUrl, token: tokens.accessToken });
    expect((await client.POST('/v1/auth/logout')).response.status).toBe(204);
    expect((await me(tokens.accessToken)).response.status).toBe(401);
    expect((await refresh(tokens.refreshToken)).response.status).toBe(401);
    expect((await auditActions('auth.logout')).length).toBeGreaterThan(0);
  });

  it('should refuse unknown and malformed refresh tokens', async () => {
    expect((await refresh('rt_not-a-real-token')).response.status).toBe(401);
    expect(
      (await t.anonymous.POST('/v1/auth/refresh', { body: {} as { refreshToken: string } })).response.status,
    ).toBe(400);
  });

  it('A5 (SEC-06): should time a session out after 30 idle minutes, not before', async () => {
    const tokens = await login();
    clock.advance(29 * MINUTE + 59_000);
    expect((await me(tokens.accessToken)).response.status).toBe(200);
    clock.advance(30 * MINUTE + 1_000);
    const idle = await me(tokens.accessToken);
    expect(idle.response.status).toBe(401);
    expect(idle.error?.code).toBe('auth.reauth_required');
    // The refresh token alone cannot revive an idle session.
    expect((await refresh(tokens.refreshToken)).response.status).toBe(401);
  });

  it('A6 (SEC-07): should end a session after 12 hours however active it is', async () => {
    let { accessToken, refreshToken } = await login();
    for (let elapsed = 5 * MINUTE; elapsed < 12 * HOUR; elapsed += 5 * MINUTE) {
      clock.advance(5 * MINUTE);
      // Refreshing every hour, as a client would, must not stretch the absolute lifetime.
      if (elapsed % HOUR === 0) ({ accessToken, refreshToken } = ok(await refresh(refreshToken)));
      expect({ elapsed, status: (await me(accessToken)).response.status }).toEqual({ elapsed, status: 200 });
    }
    clock.advance(5 * MINUTE - 1_000);
    expect((await me(accessToken)).response.status).toBe(200);
    clock.advance(2_000);
    const expired = await me(accessToken);
    expect(expired.response.status).toBe(401);
    expect(expired.error?.code).toBe('auth.reauth_required');
    expect((await refresh(refreshToken)).response.status).toBe(401);
  });
});
