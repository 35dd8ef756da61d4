import type { Browser, Page } from 'playwright-core';
import { ok } from '../support/factories';
import { codeAt, nextStep } from '../support/second-factor';
import { createTestApp, DEMO_PASSWORD, FakeClock, type DemoUser, type TestApp } from '../support/test-app';
import { catalogue, launchBrowser, openPortal, signIn, type UserPage } from './support';

const en = catalogue('en');

/**
 * The account screen in a real browser, under the application's real CSP (the QR code must draw
 * with nothing inline): Nadia (fr.investigator) enrols an authenticator app by reading the key on
 * screen, as a person typing it into an app would, and from then on signs in with her password and
 * a code, or a recovery code; Jonas (de.officer) changes his password, his other session ends, and
 * the new password is the one that works; Sophie (fr.contact), whose password an administrator
 * reset, is taken straight to the password change and can use the portal only after it; and where
 * the portal requires a second factor, Sam's (vn.supervisor) first sign-in is taken to the enrolment.
 */
describe('Browser: the account screen (password, authenticator app)', () => {
  let t: TestApp;
  let browser: Browser;
  // The server's time, which the codes are computed at: frozen, moved only by nextStep().
  const clock = new FakeClock();
  const pages: UserPage[] = [];

  beforeAll(async () => {
    [t, browser] = await Promise.all([createTestApp({}, { clock }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  afterEach(() => {
    // No page may have thrown, or been refused a script, a style or an image by the CSP.
    for (const { problems } of pages) expect(problems).toEqual([]);
  });

  const open = async (user: DemoUser) => {
    const userPage = await openPortal(browser, t.baseUrl, user);
    pages.push(userPage);
    return userPage.page;
  };
  const button = (page: Page, key: string) => page.getByRole('button', { name: en[key], exact: true });
  const toAccount = async (page: Page) => {
    await page.getByRole('link', { name: en['nav.account'], exact: true }).click();
    await page.getByRole('heading', { level: 1, name: en['account.heading'] }).waitFor();
  };
  const signOut = async (page: Page) => {
    await button(page, 'nav.logout').click();
    await page.locator('#login-username').waitFor();
  };
  /** Username and password; then, once the portal asks for it, the second factor. */
  const signInWithSecondFactor = async (
    page: Page,
    user: DemoUser,
    factor: { totp: string } | { recovery: string },
  ) => {
    await page.locator('#login-username').fill(user);
    await page.locator('#login-password').fill(DEMO_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.getByRole('alert').filter({ hasText: en['login.mfaRequired'] }).waitFor();
    if ('totp' in factor) await page.locator('#login-totp').fill(factor.totp);
    else {
      await button(page, 'login.useRecoveryCode').click();
      await page.getByLabel(en['login.recoveryCode'], { exact: true }).fill(factor.recovery);
    }
    await page.locator('form button[type="submit"]').click();
    // Signed in, on the screen the address names (the account screen, where the user left).
    await button(page, 'nav.logout').waitFor();
  };

  it('the investigator enrols an authenticator app, then signs in with a code, and with a recovery code', async () => {
    const page = await open('fr.investigator');
    await signIn(page, 'fr.investigator');
    await toAccount(page);
    await page.getByText(en['account.mfa.none'], { exact: true }).waitFor();

    await button(page, 'account.mfa.start').click();
    await page.getByRole('img', { name: en['account.enrol.qr'] }).waitFor();
    // The key as the screen shows it, in groups of four for typing: an app takes it without spaces.
    const secret = ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    await page.getByLabel(en['account.enrol.code'], { exact: true }).fill(codeAt(secret, clock));
    await button(page, 'account.enrol.confirm').click();
    const codes = page.getByRole('list', { name: en['account.codes.heading'] });
    await codes.waitFor();
    await page.getByText(en['account.codes.warning'], { exact: true }).waitFor();
    const recoveryCodes = await codes.getByRole('listitem').allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    await button(page, 'account.codes.stored').click();
    await page.getByText(en['account.mfa.enrolled'].replace('{count}', '10'), { exact: true }).waitFor();

    // From now on the password alone opens no session: the portal asks for the code.
    await signOut(page);
    nextStep(clock);
    await signInWithSecondFactor(page, 'fr.investigator', { totp: codeAt(secret, clock) });
    await page.getByRole('heading', { level: 1, name: en['account.heading'] }).waitFor();

    // The phone left at home: one recovery code instead, spent by this sign-in.
    await signOut(page);
    await signInWithSecondFactor(page, 'fr.investigator', { recovery: recoveryCodes[0] });
    await page.getByText(en['account.mfa.enrolled'].replace('{count}', '9'), { exact: true }).waitFor();
  });

  it("the officer's new password is refused with the policy's reasons, then a good one ends his other session", async () => {
    // His session elsewhere (another browser, the API): the change must end it.
    const elsewhere = await t.as('de.officer');
    expect((await elsewhere.GET('/v1/auth/me')).response.status).toBe(200);

    const page = await open('de.officer');
    await signIn(page, 'de.officer');
    await toAccount(page);
    const current = page.getByLabel(en['account.password.current'], { exact: true });
    const fresh = page.getByLabel(en['account.password.new'], { exact: true });
    const repeat = page.getByLabel(en['account.password.repeat'], { exact: true });
    const refusal = page.getByRole('alert').filter({ hasText: en['account.password.refused'] });

    await current.fill(DEMO_PASSWORD);
    await fresh.fill('Berlin2026');
    await repeat.fill('Berlin2026');
    await button(page, 'account.password.submit').click();
    await refusal
      .getByText(en['account.policy.tooShort'].replace('{count}', '12'), { exact: true })
      .waitFor();

    await fresh.fill('qwertyuiopasdf');
    await repeat.fill('qwertyuiopasdf');
    await button(page, 'account.password.submit').click();
    await refusal.getByText(en['account.policy.guessable'].split(':')[0]).waitFor();

    const newPassword = 'Seven swans glide past the Reichstag at dawn';
    await fresh.fill(newPassword);
    await repeat.fill(newPassword);
    await button(page, 'account.password.submit').click();
    await page.getByRole('status').filter({ hasText: en['account.password.changed'] }).waitFor();
    // As the screen says: the other session has ended, this one goes on.
    expect((await elsewhere.GET('/v1/auth/me')).response.status).toBe(401);
    await page.getByRole('link', { name: en['nav.requests'], exact: true }).click();
    await page.locator('#list-heading').waitFor();

    await signOut(page);
    await page.locator('#login-username').fill('de.officer');
    await page.locator('#login-password').fill(DEMO_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.getByRole('alert').filter({ hasText: en['login.invalid'] }).waitFor();
    await page.locator('#login-password').fill(newPassword);
    await page.locator('form button[type="submit"]').click();
    await page.locator('#list-heading').waitFor();
  });

  it('an account whose password an administrator reset is taken to the password change, and only then to the portal', async () => {
    const admin = await t.as('admin');
    const id = ok(await admin.GET('/v1/users')).find((user) => user.username === 'fr.contact')?.id;
    if (!id) throw new Error('no account fr.contact');
    const { temporaryPassword } = ok(
      await admin.POST('/v1/users/{id}/password-reset', { params: { path: { id } } }),
    );

    const page = await open('fr.contact');
    await page.locator('#login-username').fill('fr.contact');
    await page.locator('#login-password').fill(temporaryPassword);
    await page.locator('form button[type="submit"]').click();
    await page.getByRole('alert').filter({ hasText: en['account.restricted.password'] }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/account');
    // The second factor's actions are refused to this session: none is offered, the reason is given.
    await page.getByText(en['account.mfa.passwordFirst'], { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: en['account.mfa.start'], exact: true }).count()).toBe(0);
    // The requests are closed to this session: the link leads back to the account screen.
    await page.getByRole('link', { name: en['nav.requests'], exact: true }).click();
    await page.getByRole('heading', { level: 1, name: en['account.heading'] }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/account');

    const newPassword = 'Lighthouses blink over the Brittany coast';
    await page.getByLabel(en['account.password.current'], { exact: true }).fill(temporaryPassword);
    await page.getByLabel(en['account.password.new'], { exact: true }).fill(newPassword);
    await page.getByLabel(en['account.password.repeat'], { exact: true }).fill(newPassword);
    await button(page, 'account.password.submit').click();
    await page.getByRole('status').filter({ hasText: en['account.password.changed'] }).waitFor();
    await expectGone(page.getByRole('alert').filter({ hasText: en['account.restricted.password'] }));
    await button(page, 'account.mfa.start').waitFor();
    await page.getByRole('link', { name: en['nav.requests'], exact: true }).click();
    await page.locator('#list-heading').waitFor();
  });

  it('where the portal requires a second factor, a first sign-in is taken to the enrolment, and only then to the portal', async () => {
    // The portal as in production (MFA_REQUIRED), on a database of its own.
    const strict = await createTestApp({ MFA_REQUIRED: 'true' }, { clock });
    try {
      const userPage = await openPortal(browser, strict.baseUrl, 'vn.supervisor');
      pages.push(userPage);
      const { page } = userPage;
      await page.locator('#login-username').fill('vn.supervisor');
      await page.locator('#login-password').fill(DEMO_PASSWORD);
      await page.locator('form button[type="submit"]').click();
      await page.getByRole('alert').filter({ hasText: en['account.restricted.mfa'] }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/account');
      await page.getByText(en['account.mfa.requiredNone'], { exact: true }).waitFor();

      await button(page, 'account.mfa.start').click();
      const secret = ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s/g, '');
      await page.getByLabel(en['account.enrol.code'], { exact: true }).fill(codeAt(secret, clock));
      await button(page, 'account.enrol.confirm').click();
      await page.getByRole('list', { name: en['account.codes.heading'] }).waitFor();
      await button(page, 'account.codes.stored').click();
      // The end is announced, and the focus is back on the button that began it (not the body).
      await page.getByRole('status').filter({ hasText: en['account.mfa.done'] }).waitFor();
      await expect(page.evaluate('document.activeElement && document.activeElement.tagName')).resolves.toBe(
        'BUTTON',
      );
      await expectGone(page.getByRole('alert').filter({ hasText: en['account.restricted.mfa'] }));
      // This session has proved both factors now: the portal is open to it.
      await page.getByRole('link', { name: en['nav.requests'], exact: true }).click();
      await page.locator('#list-heading').waitFor();
    } finally {
      await strict.close();
    }
  });
});

async function expectGone(locator: ReturnType<Page['locator']>): Promise<void> {
  await locator.waitFor({ state: 'detached' });
}
