import type { Browser, Page } from 'playwright-core';
import { ok } from '../support/factories';
import { createTestApp, type TestApp } from '../support/test-app';
import {
  catalogue,
  launchBrowser,
  openFromList,
  openPortal,
  screenshot,
  seriousViolations,
  signIn,
  type UserPage,
} from './support';

const en = catalogue('en');
const ar = catalogue('ar');

/**
 * axe-core on the main screens, in English and in Arabic: no violation of serious or critical
 * impact. On the demo data (DEMO_REQUESTS=true), so the list and the request page are full, as a new
 * user sees them; the same run takes the README's screenshots (see `screenshot`).
 */
describe('Browser: accessibility of the main screens (axe-core)', () => {
  let t: TestApp;
  let browser: Browser;
  let officer: UserPage;

  beforeAll(async () => {
    [t, browser] = await Promise.all([createTestApp({ DEMO_REQUESTS: 'true' }), launchBrowser()]);
    // axe-core goes into the page as an inline script, which the application's CSP refuses: this
    // context alone bypasses it (the walks in the other files run under the real CSP).
    officer = await openPortal(browser, t.baseUrl, 'vn.officer', { bypassCSP: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const expectAccessible = async (page: Page) => expect(await seriousViolations(page)).toEqual([]);

  /** A request in execution, opened from its row: the demo data has moved it far along. */
  const openRequestInExecution = async (page: Page, status: string) => {
    await page.getByRole('row').filter({ hasText: status }).first().getByRole('link').click();
    await page.locator('#request-heading').waitFor();
    // The timeline has loaded: the page is complete.
    await page.locator('.timeline li').first().waitFor();
  };

  it('in English: the sign-in page, the outbox and a request page', async () => {
    const { page } = officer;
    await page.locator('#login-username').waitFor();
    await expectAccessible(page);
    await screenshot(page, 'login');

    await signIn(page, 'vn.officer');
    // The rows and their deadlines have loaded.
    await page.locator('table.requests tbody[aria-busy="false"] th a').first().waitFor();
    await expectAccessible(page);
    await screenshot(page, 'outbox');

    await openRequestInExecution(page, en['status.in_execution']);
    await expectAccessible(page);
    await screenshot(page, 'request');
  });

  it('in Arabic, right to left: the same request page, the outbox and the sign-in page', async () => {
    const { page } = officer;
    await page.getByLabel('Language').selectOption('ar');
    await page.locator('html[lang="ar"][dir="rtl"]').waitFor({ state: 'attached' });
    await page.getByRole('heading', { name: ar['request.timeline'], exact: true }).waitFor();
    await expectAccessible(page);
    await screenshot(page, 'request-ar');

    await page.getByRole('link', { name: ar['nav.requests'], exact: true }).click();
    await page.locator('table.requests tbody[aria-busy="false"] th a').first().waitFor();
    await expectAccessible(page);

    await page.getByRole('button', { name: ar['nav.logout'], exact: true }).click();
    await page.locator('#login-username').waitFor();
    await expectAccessible(page);
  });

  it("the counterpart's inbox", async () => {
    const carla = await openPortal(browser, t.baseUrl, 'fr.central', { bypassCSP: true });
    await signIn(carla.page, 'fr.central');
    await carla.page.locator('#tab-incoming').click();
    await carla.page.locator('table.requests tbody[aria-busy="false"] th a').first().waitFor();
    await expectAccessible(carla.page);
    await screenshot(carla.page, 'inbox');
    // Viet Nam asks consent to use the material of its requests in execution in another proceeding:
    // France's page then has the consent and its decision form to scan too.
    const officerApi = await t.as('vn.officer');
    const outbox = ok(await officerApi.GET('/v1/requests', { params: { query: { limit: 100 } } })).items;
    for (const { id } of outbox.filter((item) => item.status === 'in_execution'))
      ok(
        await officerApi.POST('/v1/requests/{id}/consents', {
          params: { path: { id } },
          body: {
            kind: 'further_use',
            purpose: 'Prosecution of the money mules',
            legalBasis: 'UNCC art. 25',
            newProceeding: 'Ha Noi case 2026/77',
          },
        }),
      );
    await openRequestInExecution(carla.page, en['status.in_execution']);
    await carla.page.getByRole('heading', { name: en['consents.decideHeading'], exact: true }).waitFor();
    await expectAccessible(carla.page);
  });

  it('the request wizard: its first step, and its second with the missing fields named', async () => {
    const { page } = officer;
    // The previous test left the sign-in page in Arabic, whose label for this menu is Arabic.
    await page.locator('.language-switcher select').selectOption('en');
    await signIn(page, 'vn.officer');
    await page.getByRole('link', { name: en['list.newRequest'], exact: true }).click();
    await page.getByLabel(en['field.legalBasis'], { exact: true }).selectOption('uncc');
    await expectAccessible(page);
    await page.getByLabel(en['field.type'], { exact: true }).selectOption({ label: en['type.mla_general'] });
    await page.getByRole('button', { name: en['wizard.next'], exact: true }).click();
    await page.getByLabel(en['field.title'], { exact: true }).waitFor();
    // Sent empty: the alert with its links to the fields, and the fields marked invalid, scanned too.
    await page.getByRole('button', { name: en['wizard.next'], exact: true }).click();
    await page.getByRole('alert').filter({ hasText: en['wizard.missing'] }).waitFor();
    await expectAccessible(page);
    await screenshot(page, 'wizard');
  });

  it('request pages with their thread, message box, conditions and linked requests', async () => {
    const { page } = officer;
    // The previous test left the officer in the wizard, in English.
    await page.getByRole('link', { name: en['nav.requests'], exact: true }).click();
    // Clarification asked and answered: both messages in the thread, and the box to write more.
    await openFromList(page, 'outgoing', 'C50-2026-0117');
    await page.getByRole('list', { name: en['thread.list'], exact: true }).locator('li').nth(1).waitFor();
    await page.getByLabel(en['thread.body'], { exact: true }).waitFor();
    await page.locator('.timeline li').first().waitFor();
    await expectAccessible(page);
    // France's conditions proposed in consultation: the conditions table, the consultation messages.
    await page.getByRole('link', { name: en['request.back'], exact: true }).click();
    await page.locator('table.requests tbody[aria-busy="false"] th a').first().waitFor();
    await openRequestInExecution(page, en['status.conditions_proposed']);
    await page.getByRole('table', { name: en['conditions.caption'], exact: true }).waitFor();
    await expectAccessible(page);
    // The production request that follows up a preservation: the link to the preservation's page.
    await page.getByRole('link', { name: en['request.back'], exact: true }).click();
    await openFromList(page, 'outgoing', 'C50-2026-0143');
    await page.getByRole('heading', { name: en['links.heading'], exact: true }).waitFor();
    await page.locator('.timeline li').first().waitFor();
    await expectAccessible(page);
  });

  it('the evidence section on both sides: uploaded and sealed by the executing officer, acknowledged by the officer', async () => {
    const executing = await openPortal(browser, t.baseUrl, 'fr.executing', { bypassCSP: true });
    await signIn(executing.page, 'fr.executing');
    await executing.page.locator('#tab-incoming').click();
    await executing.page.locator('table.requests tbody[aria-busy="false"] th a').first().waitFor();
    await openRequestInExecution(executing.page, en['status.in_execution']);
    const reference = ((await executing.page.locator('#request-heading').textContent()) ?? '').split(
      ' · ',
    )[0];
    // Uploaded through the form: the progress bar, then the portal's SHA-256 and the list of items.
    const file = {
      name: 'subscriber-records.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('id,name\n1,A\n'),
    };
    await executing.page.getByLabel(en['evidence.fileLabel'], { exact: true }).setInputFiles(file);
    await executing.page.getByRole('button', { name: en['evidence.upload'], exact: true }).click();
    await executing.page.getByTestId('upload-sha256').waitFor();
    await expectAccessible(executing.page);
    await executing.page.getByRole('button', { name: en['evidence.seal'], exact: true }).click();
    await executing.page
      .getByRole('status')
      .filter({ hasText: en['evidence.sealed'].replace('{sequence}', '1') })
      .waitFor();
    await expectAccessible(executing.page);
    await executing.context.close();

    // The requesting side: the package waiting for acknowledgement, then acknowledged and verified.
    const { page } = officer;
    await page.locator('.language-switcher select').selectOption('en');
    await page.getByRole('link', { name: en['nav.requests'], exact: true }).click();
    await openFromList(page, 'outgoing', reference);
    const acknowledge = page.getByRole('button', {
      name: en['evidence.acknowledge'].replace('{sequence}', '1'),
      exact: true,
    });
    await acknowledge.waitFor();
    await expectAccessible(page);
    await acknowledge.click();
    await page.getByRole('status').filter({ hasText: en['evidence.ackDone'] }).waitFor();
    await expectAccessible(page);
    await screenshot(page, 'evidence');
  });

  it("the auditor's Audit screen, with a verification and a proof shown, in English and in Arabic", async () => {
    const auditor = await openPortal(browser, t.baseUrl, 'auditor', { bypassCSP: true });
    const { page } = auditor;
    // Signed in, the auditor lands on the Audit screen: she reads no request.
    await signIn(page, 'auditor');
    expect(new URL(page.url()).pathname).toBe('/audit');
    expect(await page.getByRole('link', { name: en['nav.requests'], exact: true }).count()).toBe(0);
    const rows = page.locator('table.audit-events tbody[aria-busy="false"] th[scope="row"]');
    await rows.first().waitFor();
    await page.getByTestId('checkpoint-size').filter({ hasText: /^\d+$/ }).waitFor();
    // The outcome lines filled, so they are scanned too: the log verified, the newest entry's proof.
    await page.getByRole('button', { name: en['audit.verify'], exact: true }).click();
    await page.getByTestId('verify-result').waitFor();
    const seq = (await rows.first().textContent()) ?? '';
    await page.getByRole('button', { name: en['audit.proofOf'].replace('{seq}', seq), exact: true }).click();
    await page.getByTestId('proof-result').waitFor();
    expect(await page.getByTestId('proof-result').getAttribute('role')).toBe('status');
    // And a newer checkpoint's consistency with the first, verified, so that line is scanned filled.
    await page.getByRole('button', { name: en['audit.refreshCheckpoint'], exact: true }).click();
    await page.getByTestId('checkpoint-continuity').getByRole('status').waitFor();
    await expectAccessible(page);
    await screenshot(page, 'audit');

    await page.getByLabel('Language').selectOption('ar');
    await page.locator('html[lang="ar"][dir="rtl"]').waitFor({ state: 'attached' });
    await page.getByRole('heading', { name: ar['audit.heading'], exact: true }).waitFor();
    await expectAccessible(page);
    await auditor.context.close();
  });

  it('the account screen: an enrolment with its QR code, a refused password, and in Arabic', async () => {
    const { page } = officer;
    await page.getByRole('link', { name: en['nav.account'], exact: true }).click();
    await page.getByRole('heading', { level: 1, name: en['account.heading'] }).waitFor();
    await expectAccessible(page);
    // Starting an enrolment changes nothing until it is confirmed: the officer signs in as before.
    await page.getByRole('button', { name: en['account.mfa.start'], exact: true }).click();
    await page.getByRole('img', { name: en['account.enrol.qr'] }).waitFor();
    await expectAccessible(page);
    await screenshot(page, 'account');

    // The policy's refusal (the current password is right: nothing counts towards a lockout).
    await page.getByLabel(en['account.password.current'], { exact: true }).fill('Demo-Password-2026');
    await page.getByLabel(en['account.password.new'], { exact: true }).fill('password1234');
    await page.getByLabel(en['account.password.repeat'], { exact: true }).fill('password1234');
    await page.getByRole('button', { name: en['account.password.submit'], exact: true }).click();
    await page.getByRole('alert').filter({ hasText: en['account.password.refused'] }).waitFor();
    await expectAccessible(page);

    await page.locator('.language-switcher select').selectOption('ar');
    await page.getByRole('heading', { level: 1, name: ar['account.heading'] }).waitFor();
    await expectAccessible(page);
    await page.locator('.language-switcher select').selectOption('en');
  });

  it('the scan itself finds a serious violation when there is one (an image without a text alternative)', async () => {
    const { page } = officer;
    await page.evaluate("document.querySelector('main').append(document.createElement('img'))");
    expect((await seriousViolations(page)).map((violation) => violation.id)).toContain('image-alt');
  });
});
