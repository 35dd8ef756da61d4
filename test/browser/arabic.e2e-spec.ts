import type { Browser, Locator, Page } from 'playwright-core';
import { ok } from '../support/factories';
import { createTestApp, type TestApp } from '../support/test-app';
import {
  act,
  actionLabels,
  catalogue,
  draftThroughWizard,
  expectStatus,
  launchBrowser,
  openFromList,
  openPortal,
  signIn,
  type UserPage,
} from './support';

const ar = catalogue('ar');

async function box(locator: Locator): Promise<{ x: number; width: number }> {
  const found = await locator.boundingBox();
  if (!found) throw new Error(`not laid out: ${locator.toString()}`);
  return found;
}

/** The document is Arabic and right to left, down to the computed direction of the main content. */
async function expectRightToLeft(page: Page): Promise<void> {
  await page.locator('html[lang="ar"][dir="rtl"]').waitFor({ state: 'attached' });
  expect(await page.evaluate("getComputedStyle(document.querySelector('main')).direction")).toBe('rtl');
  // The header is mirrored: the portal's name, first in the markup, stands right of the language
  // switcher, last in it.
  const title = await box(page.locator('.app-title'));
  const switcher = await box(page.locator('.language-switcher'));
  expect(title.x).toBeGreaterThan(switcher.x);
}

/**
 * The start of the demo chain in Arabic: Ana switches the portal to Arabic on the sign-in page and
 * drafts her request through the wizard and submits it; Sam, whose browser asks for Arabic, gets it without choosing, and approves. The
 * layout is right to left, mirrored, and the labels are the Arabic catalogue's.
 */
describe('Browser: the demo chain in Arabic, right to left', () => {
  let t: TestApp;
  let browser: Browser;
  const pages: UserPage[] = [];
  let reference: string;

  beforeAll(async () => {
    [t, browser] = await Promise.all([createTestApp(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  afterEach(() => {
    for (const { problems } of pages) expect(problems).toEqual([]);
  });

  it('the officer switches to Arabic on the sign-in page, drafts through the wizard and submits', async () => {
    const france = ok(await (await t.as('vn.officer')).GET('/v1/agencies')).find(
      (agency) => agency.code === 'FR-CA',
    );
    if (!france) throw new Error('no agency FR-CA in the directory');
    const ana = await openPortal(browser, t.baseUrl, 'vn.officer');
    pages.push(ana);
    const { page } = ana;
    await page.locator('html[dir="ltr"]').waitFor({ state: 'attached' });
    await page.getByLabel('Language').selectOption('ar');
    await expectRightToLeft(page);
    // The sign-in form speaks Arabic.
    await page.getByRole('heading', { name: ar['login.heading'], exact: true }).waitFor();
    await page.getByLabel(ar['login.username'], { exact: true }).waitFor();

    await signIn(page, 'vn.officer');
    // The wizard, in Arabic, right to left: its labels and messages are the Arabic catalogue's.
    ({ reference } = await draftThroughWizard(page, ar, `${france.name} (${france.stateCode})`));
    await expectRightToLeft(page);
    await expectStatus(page, reference, ar['status.draft']);
    await page.getByRole('link', { name: ar['request.back'], exact: true }).click();
    await page.getByRole('tab', { name: ar['list.outbox'], exact: true }).waitFor();
    await expect(page.getByRole('row').filter({ hasText: reference }).textContent()).resolves.toContain(
      ar['status.draft'],
    );
    await openFromList(page, 'outgoing', reference);
    await expectRightToLeft(page);
    await expectStatus(page, reference, ar['status.draft']);
    await page.getByRole('heading', { name: ar['actions.heading'], exact: true }).waitFor();
    await act(page, actionLabels(ar, 'submit'));
    await expectStatus(page, reference, ar['status.pending_approval']);
  });

  it("the supervisor's browser asks for Arabic: the portal opens in it, mirrored, and he approves", async () => {
    const sam = await openPortal(browser, t.baseUrl, 'vn.supervisor', { locale: 'ar-VN' });
    pages.push(sam);
    const { page } = sam;
    await expectRightToLeft(page);
    await signIn(page, 'vn.supervisor');
    await openFromList(page, 'outgoing', reference);
    await expectRightToLeft(page);
    await expectStatus(page, reference, ar['status.pending_approval']);

    // The toolbar runs right to left: its first action stands right of its last.
    const buttons = page.getByRole('toolbar').getByRole('button');
    expect(await buttons.count()).toBeGreaterThan(1);
    const first = await box(buttons.first());
    const last = await box(buttons.last());
    expect(first.x).toBeGreaterThan(last.x);
    expect(await buttons.allTextContents()).toContain(ar['action.approve']);

    await act(page, actionLabels(ar, 'approve'));
    await expectStatus(page, reference, ar['status.ready']);
  });
});
