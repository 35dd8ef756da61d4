import { createApiClient } from '@mla/api-client';
import { ok } from '../support/factories';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../support/test-app';

describe('Changing a password', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  const login = (username: string, password: string) =>
    t.anonymous.POST('/v1/auth/login', { body: { username, password } });
  const clientOf = async (username: string, password: string) =>
    createApiClient({ baseUrl: t.baseUrl, token: ok(await login(username, password)).accessToken });
  const change = (client: ReturnType<typeof createApiClient>, currentPassword: string, newPassword: string) =>
    client.POST('/v1/auth/password', { body: { currentPassword, newPassword } });

  it('should refuse a wrong current password and a weak new one, saying why, and audit both', async () => {
    const client = await clientOf('fr.executing', DEMO_PASSWORD);
    const wrong = await change(client, 'not-my-password', 'a perfectly fine passphrase for 2026');
    expect(wrong.response.status).toBe(400);
    expect(wrong.error).toMatchObject({
      details: [{ field: 'currentPassword', messages: ['is not your current password'] }],
    });

    const short = await change(client, DEMO_PASSWORD, 'Tq9#vLm2$xR');
    expect(short.error).toMatchObject({
      details: [{ field: 'newPassword', messages: ['newPassword must be at least 12 characters long'] }],
    });
    const common = await change(client, DEMO_PASSWORD, 'password1234');
    expect(common.response.status).toBe(400);
    expect(JSON.stringify(common.error)).toContain('is too easy to guess');
    const same = await change(client, DEMO_PASSWORD, DEMO_PASSWORD);
    expect(JSON.stringify(same.error)).toContain('must differ from your current password');

    const audit = ok(
      await (
        await t.as('auditor')
      ).GET('/v1/audit/events', { params: { query: { action: 'auth.password_change' } } }),
    );
    expect(audit.items.map((entry) => [entry.outcome, entry.data.reason])).toEqual(
      expect.arrayContaining([
        ['failure', 'wrong_current_password'],
        ['failure', 'policy'],
      ]),
    );
    expect(JSON.stringify(audit.items)).not.toContain('password1234');
  });

  it('should change the password, end the other sessions and keep this one', async () => {
    const other = await clientOf('vn.supervisor', DEMO_PASSWORD);
    const current = await clientOf('vn.supervisor', DEMO_PASSWORD);
    const newPassword = 'river lanterns drift past the old citadel at dusk';
    expect((await change(current, DEMO_PASSWORD, newPassword)).response.status).toBe(204);

    expect((await current.GET('/v1/auth/me')).response.status).toBe(200);
    expect((await other.GET('/v1/auth/me')).response.status).toBe(401);
    expect((await login('vn.supervisor', DEMO_PASSWORD)).response.status).toBe(401);
    expect((await login('vn.supervisor', newPassword)).response.status).toBe(200);
  });

  it('A10 (SEC-04): should refuse 11 characters and a banned word with a reason, and accept 12 and a 128-character passphrase with spaces and emoji', async () => {
    const client = await clientOf('fr.contact', DEMO_PASSWORD);
    const eleven = await change(client, DEMO_PASSWORD, 'Zq8#wLn3$yT');
    expect(eleven.error?.details).toEqual([
      { field: 'newPassword', messages: ['newPassword must be at least 12 characters long'] },
    ]);
    const banned = await change(client, DEMO_PASSWORD, 'qwertyuiop123');
    expect(JSON.stringify(banned.error?.details)).toContain('is too easy to guess');

    const twelve = 'Zq8#wLn3$yTv';
    expect((await change(client, DEMO_PASSWORD, twelve)).response.status).toBe(204);
    const passphrase =
      `🌏 mangroves at Cần Giờ hum with tides 🌊 ${'and herons wade the silver shallows '.repeat(3)}`
        .padEnd(128, '.')
        .slice(0, 128);
    expect([...passphrase].length).toBeGreaterThanOrEqual(120);
    expect((await change(client, twelve, passphrase)).response.status).toBe(204);
    expect((await login('fr.contact', passphrase)).response.status).toBe(200);
  });

  it('A10 (SEC-04, SEC-05): should never truncate: two long passwords that differ only after byte 72 are not interchangeable', async () => {
    const client = await clientOf('vn.central', DEMO_PASSWORD);
    const prefix = 'an unusually long passphrase that keeps going well past seventy-two bytes, ';
    const first = `${prefix}ending one`;
    const second = `${prefix}ending two`;
    expect(Buffer.byteLength(prefix)).toBeGreaterThan(72);
    expect((await change(client, DEMO_PASSWORD, first)).response.status).toBe(204);
    expect((await login('vn.central', second)).response.status).toBe(401);
    expect((await login('vn.central', first)).response.status).toBe(200);
  });
});
