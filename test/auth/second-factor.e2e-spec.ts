import { createApiClient, type ApiClient } from '@mla/api-client';
import { UserEntity } from '../../src/modules/users/user.entity';
import { ok } from '../support/factories';
import { codeAt, enrol as enrolThroughApi, nextStep } from '../support/second-factor';
import { createTestApp, DEMO_PASSWORD, FakeClock, type TestApp } from '../support/test-app';

describe('Second factor (TOTP), recovery codes and step-up, with a second factor required', () => {
  let t: TestApp;
  const clock = new FakeClock();

  beforeAll(async () => {
    t = await createTestApp({ MFA_REQUIRED: 'true' }, { clock });
    auditorSecret = (await enrol('auditor')).secret;
    auditor = clientOf(ok(await login('auditor', { totp: codeAt(auditorSecret, clock) })).accessToken);
  });
  afterAll(() => t?.close());

  const login = (username: string, extra: { totp?: string; recoveryCode?: string } = {}) =>
    t.anonymous.POST('/v1/auth/login', { body: { username, password: DEMO_PASSWORD, ...extra } });
  const clientOf = (accessToken: string): ApiClient =>
    createApiClient({ baseUrl: t.baseUrl, token: accessToken });
  let auditor: ApiClient;
  let auditorSecret: string;
  const auditOf = async (action: string) =>
    ok(await auditor.GET('/v1/audit/events', { params: { query: { action } } })).items;

  const enrol = (username: string) => enrolThroughApi(t, clock, username);

  it('should let an account without a second factor only enrol one, then lift the restriction', async () => {
    const session = ok(await login('vn.officer'));
    expect(session.restriction).toBe('mfa_enrolment');
    const client = clientOf(session.accessToken);

    const blocked = await client.GET('/v1/requests');
    expect(blocked.response.status).toBe(403);
    expect(blocked.error?.code).toBe('auth.mfa_enrolment_required');
    expect(ok(await client.GET('/v1/auth/me')).secondFactor).toEqual({
      enrolled: false,
      required: true,
      recoveryCodesLeft: 0,
      sessionRestriction: 'mfa_enrolment',
    });

    const enrolment = ok(await client.POST('/v1/auth/mfa/totp'));
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(enrolment.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(enrolment.secret);
    expect(uri.searchParams.get('issuer')).toBe('MLA Portal');

    const wrong = await client.POST('/v1/auth/mfa/totp/confirm', { body: { code: '000000' } });
    expect(wrong.response.status).toBe(400);
    expect(wrong.error?.details).toEqual([
      { field: 'code', messages: [expect.stringContaining('not the current code')] },
    ]);

    const confirmed = ok(
      await client.POST('/v1/auth/mfa/totp/confirm', { body: { code: codeAt(enrolment.secret, clock) } }),
    );
    expect(confirmed.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.recoveryCodes).size).toBe(10);
    // The session just proved both factors: it is no longer restricted.
    expect((await client.GET('/v1/requests')).response.status).toBe(200);
    expect(ok(await client.GET('/v1/auth/me')).secondFactor).toMatchObject({
      enrolled: true,
      recoveryCodesLeft: 10,
      sessionRestriction: null,
    });

    // The secret is stored sealed, never as the value the app was given.
    const raw = await t.dataSource.query<{ totp_secret: string }[]>(
      `SELECT totp_secret FROM user_account WHERE username = 'vn.officer'`,
    );
    expect(raw[0].totp_secret).toMatch(/^v1\./);
    expect(raw[0].totp_secret).not.toContain(enrolment.secret);
    const enrolled = await auditOf('auth.mfa_enrolled');
    // Newest first: this enrolment's success and failure, then the auditor's enrolment.
    expect(enrolled.map((entry) => entry.outcome)).toEqual(['success', 'failure', 'success']);
  });

  it('A1: a right password without the second factor opens no session (401 auth.mfa_required, audited)', async () => {
    await enrol('fr.central');
    const sessionsBefore = await countSessions('fr.central');
    const attempt = await login('fr.central');
    expect(attempt.response.status).toBe(401);
    expect(attempt.error?.code).toBe('auth.mfa_required');
    expect(await countSessions('fr.central')).toBe(sessionsBefore);
    const failures = await auditOf('auth.login_failed');
    expect(failures.some((entry) => entry.data.reason === 'mfa_required')).toBe(true);

    // A wrong code answers like a wrong password, and is audited as a failed second factor.
    const wrongCode = await login('fr.central', { totp: '000000' });
    expect(wrongCode.response.status).toBe(401);
    expect(wrongCode.error?.code).toBe('auth.invalid_credentials');
    expect((await auditOf('auth.mfa_failed')).map((entry) => entry.data.reason)).toContain('wrong_code');
  });

  it('A2: a TOTP code works once; the same code again in its window is a replay (401, audited)', async () => {
    const { secret } = await enrol('fr.executing');
    const code = codeAt(secret, clock);
    expect((await login('fr.executing', { totp: code })).response.status).toBe(200);
    clock.advance(5_000);
    const replay = await login('fr.executing', { totp: code });
    expect(replay.response.status).toBe(401);
    expect(replay.error?.code).toBe('auth.invalid_credentials');
    const failed = await auditOf('auth.mfa_failed');
    expect(failed.find((entry) => entry.data.reason === 'replay')).toMatchObject({
      target: { id: expect.any(String) },
      data: { during: 'login' },
    });
    nextStep(clock);
    expect((await login('fr.executing', { totp: codeAt(secret, clock) })).response.status).toBe(200);
  });

  it('should refuse an older code still in its window, yet accept codes after the clock went back an hour (F13)', async () => {
    const { secret } = await enrol('fr.investigator');
    expect((await login('fr.investigator', { totp: codeAt(secret, clock) })).response.status).toBe(200);
    // The previous step's code still matches (one step of tolerance) but is older than the spent one.
    clock.advance(-30_000);
    const older = codeAt(secret, clock);
    clock.advance(30_000);
    expect((await login('fr.investigator', { totp: older })).response.status).toBe(401);

    // The server's clock jumps back an hour: the codes of that time are fresh, not replays, and each
    // still works only once. A monotonic rule would refuse every code for the next hour.
    clock.advance(-3600_000);
    try {
      const code = codeAt(secret, clock);
      expect((await login('fr.investigator', { totp: code })).response.status).toBe(200);
      expect((await login('fr.investigator', { totp: code })).response.status).toBe(401);
      nextStep(clock);
      expect((await login('fr.investigator', { totp: codeAt(secret, clock) })).response.status).toBe(200);
    } finally {
      clock.advance(3600_000);
    }
    nextStep(clock);
  });

  it('should accept each recovery code once, in place of the TOTP code', async () => {
    const { recoveryCodes } = await enrol('fr.contact');
    const [first] = recoveryCodes;
    const session = ok(await login('fr.contact', { recoveryCode: first.toUpperCase() }));
    expect(ok(await clientOf(session.accessToken).GET('/v1/auth/me')).secondFactor.recoveryCodesLeft).toBe(9);
    expect((await login('fr.contact', { recoveryCode: first })).response.status).toBe(401);
  });

  it('A13: a privileged action needs an authentication under 5 minutes old (401 auth.step_up_required, audited)', async () => {
    const { secret } = await enrol('de.officer');
    const session = ok(await login('de.officer', { totp: codeAt(secret, clock) }));
    const client = clientOf(session.accessToken);
    expect((await client.POST('/v1/auth/mfa/recovery-codes')).response.status).toBe(200);

    clock.advance(5 * 60_000 + 1_000);
    const stale = await client.POST('/v1/auth/mfa/recovery-codes');
    expect(stale.response.status).toBe(401);
    expect(stale.error?.code).toBe('auth.step_up_required');
    // Replacing the authenticator is held to the same rule (ASVS 7.5.1).
    expect((await client.POST('/v1/auth/mfa/totp')).error?.code).toBe('auth.step_up_required');
    const denied = await auditOf('access.denied');
    expect(denied.some((entry) => entry.data.reason === 'step_up_required')).toBe(true);

    // The password is not a step-up for an account with a second factor; a spent code is refused.
    const withPassword = await client.POST('/v1/auth/step-up', { body: { password: DEMO_PASSWORD } });
    expect(withPassword.response.status).toBe(400);
    nextStep(clock);
    const code = codeAt(secret, clock);
    const stepUp = ok(await client.POST('/v1/auth/step-up', { body: { totp: code } }));
    expect(new Date(stepUp.validUntil).getTime()).toBe(clock.now().getTime() + 300_000);
    expect((await client.POST('/v1/auth/step-up', { body: { totp: code } })).response.status).toBe(401);
    expect((await client.POST('/v1/auth/mfa/recovery-codes')).response.status).toBe(200);
    const stepUps = await auditOf('auth.step_up');
    expect(stepUps[0]).toMatchObject({ outcome: 'success', data: { method: 'password+totp' } });
  });

  it('should lock after 10 wrong codes in a row, however slowly they come (password known, code guessed)', async () => {
    const { secret } = await enrol('vn.central');
    const guess = () => login('vn.central', { totp: '000000' });
    // Four guesses per quarter hour stay under the 5-in-15-minutes rule; the run still adds up.
    for (const round of [4, 4, 2]) {
      for (let index = 0; index < round; index += 1) expect((await guess()).response.status).toBe(401);
      clock.advance(16 * 60_000);
    }
    nextStep(clock);
    const right = await login('vn.central', { totp: codeAt(secret, clock) });
    expect(right.response.status).toBe(401);
    expect(right.error?.code).toBe('auth.invalid_credentials');
    // The long pauses idled the auditor's session out: a new one.
    nextStep(clock);
    auditor = clientOf(ok(await login('auditor', { totp: codeAt(auditorSecret, clock) })).accessToken);
    expect((await auditOf('auth.lockout'))[0]).toMatchObject({
      data: { reason: 'second_factor_failures', failures: 10 },
    });
  });

  async function countSessions(username: string): Promise<number> {
    const user = await t.dataSource.manager.findOneByOrFail(UserEntity, { username });
    const [row] = await t.dataSource.query<{ n: string }[]>(
      'SELECT count(*) AS n FROM user_session WHERE user_id = $1',
      [user.id],
    );
    return Number(row.n);
  }
});

describe('Step-up where no second factor is required (demo mode)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('should open full sessions with the password alone, and take the password again as step-up', async () => {
    const session = ok(
      await t.anonymous.POST('/v1/auth/login', { body: { username: 'admin', password: DEMO_PASSWORD } }),
    );
    expect(session.restriction).toBeNull();
    const admin = createApiClient({ baseUrl: t.baseUrl, token: session.accessToken });
    expect((await admin.POST('/v1/auth/step-up', { body: {} })).response.status).toBe(400);
    expect(
      (await admin.POST('/v1/auth/step-up', { body: { password: 'not the password' } })).response.status,
    ).toBe(401);
    expect(
      ok(await admin.POST('/v1/auth/step-up', { body: { password: DEMO_PASSWORD } })).validUntil,
    ).toEqual(expect.any(String));
  });
});
