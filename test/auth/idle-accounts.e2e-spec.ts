import { login } from '@mla/api-client';
import { AccountMaintenanceService } from '../../src/modules/users/account-maintenance.service';
import { ok } from '../support/factories';
import { createTestApp, DEMO_PASSWORD, FakeClock, type TestApp } from '../support/test-app';

const DAY = 24 * 60 * 60 * 1000;

describe('Accounts idle for 90 days (SEC-23)', () => {
  const clock = new FakeClock();
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({}, { clock });
  });
  afterAll(() => t?.close());

  const attempt = (username: string) =>
    t.anonymous.POST('/v1/auth/login', { body: { username, password: DEMO_PASSWORD } });

  it('should disable accounts unused for more than 90 days, not before, and end their sessions', async () => {
    const job = t.app.get(AccountMaintenanceService);
    ok(await attempt('vn.officer'));
    const session = ok(await attempt('fr.central'));

    clock.advance(89 * DAY);
    expect(await job.disableIdleAccounts()).toEqual([]);
    // fr.central comes back on day 89: the clock restarts for that account only.
    ok(await attempt('fr.central'));

    clock.advance(2 * DAY);
    const disabled = await job.disableIdleAccounts();
    expect(disabled.length).toBeGreaterThan(0);
    expect((await attempt('vn.officer')).response.status).toBe(401);
    expect(ok(await attempt('fr.central')).accessToken).toBeDefined();
    // The old session of an idle account is over too (it was idle anyway: the point is the account).
    expect(
      (await t.anonymous.POST('/v1/auth/refresh', { body: { refreshToken: session.refreshToken } })).response
        .status,
    ).toBe(401);

    // Running again changes nothing: each account is disabled once, and audited once.
    expect(await job.disableIdleAccounts()).toEqual([]);
    const admin = await login(t.baseUrl, 'admin', DEMO_PASSWORD).catch(() => undefined);
    expect(admin).toBeUndefined(); // the admin account was idle too
    const entries = await t.dataSource.query<Array<{ body: string }>>(
      `SELECT "body" FROM "audit_entry" WHERE "action" = 'user.disable' ORDER BY "seq"`,
    );
    expect(entries).toHaveLength(disabled.length);
    expect(JSON.parse(entries[0].body)).toMatchObject({
      actor: null,
      data: { reason: 'idle', idleDays: 90 },
    });
  });
});
