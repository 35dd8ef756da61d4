import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORD, type DemoUser } from '../support/test-app';

const ROOT = resolve(__dirname, '../..');

/**
 * Debian's chromium (`apt-get install chromium`; .ci/run installs it): playwright-core drives it and
 * downloads no browser of its own. --no-sandbox because the tests run as root, where Chromium's
 * sandbox refuses to start.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** Each user's own time zone: dates on screen are in it, the counterpart's beside them. */
const TIME_ZONES: Partial<Record<DemoUser, string>> = {
  'vn.officer': 'Asia/Ho_Chi_Minh',
  'vn.supervisor': 'Asia/Ho_Chi_Minh',
  'vn.central': 'Asia/Ho_Chi_Minh',
  'fr.central': 'Europe/Paris',
  'fr.executing': 'Europe/Paris',
};

export interface UserPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and Content-Security-Policy violations the page reported: none is expected. */
  problems: string[];
}

/**
 * A browser context of its own for `user` (no cookie, storage or cache shared with another user),
 * at the portal's sign-in page. `bypassCSP` only for the accessibility scan, which injects axe-core
 * as an inline script; every other test runs the application under its real CSP.
 */
export async function openPortal(
  browser: Browser,
  baseUrl: string,
  user: DemoUser,
  options: { bypassCSP?: boolean; locale?: string } = {},
): Promise<UserPage> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    locale: options.locale ?? 'en-GB',
    timezoneId: TIME_ZONES[user] ?? 'UTC',
    viewport: { width: 1280, height: 800 },
    bypassCSP: options.bypassCSP ?? false,
  });
  // A step that waits for something the page never shows fails in 20 s, with the locator named,
  // well inside jest's 60 s per test.
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content[- ]Security[- ]Policy/i.test(message.text()))
      problems.push(`CSP: ${message.text()}`);
  });
  await page.goto('/');
  return { context, page, problems };
}

/**
 * Signs in through the form, as a person would, and waits for the first screen: the list of
 * requests, or for the auditor (who reads no request) the audit trail.
 */
export async function signIn(page: Page, user: DemoUser): Promise<void> {
  await page.locator('#login-username').fill(user);
  await page.locator('#login-password').fill(DEMO_PASSWORD);
  await page.locator('form button[type="submit"]').click();
  await page.locator(user === 'auditor' ? '#audit-heading' : '#list-heading').waitFor();
}

/** The request's page, opened from its row in the outbox or the inbox. */
export async function openFromList(
  page: Page,
  box: 'outgoing' | 'incoming',
  reference: string,
): Promise<void> {
  await page.locator(`#tab-${box}`).click();
  await page.locator(`#tab-${box}[aria-selected="true"]`).waitFor();
  await page.getByRole('link', { name: reference, exact: true }).click();
  await page.locator('#request-heading').waitFor();
}

/**
 * `user` signed in, in a browser context of their own (added to `pages`, whose problems each test
 * checks), on the request `reference` opened from their outbox or inbox.
 */
export async function openRequestAs(
  browser: Browser,
  baseUrl: string,
  pages: UserPage[],
  user: DemoUser,
  box: 'outgoing' | 'incoming',
  reference: string,
): Promise<Page> {
  const userPage = await openPortal(browser, baseUrl, user);
  pages.push(userPage);
  await signIn(userPage.page, user);
  await openFromList(userPage.page, box, reference);
  return userPage.page;
}

/** Waits until the request page's heading shows `status` (the label, in the page's language). */
export async function expectStatus(page: Page, reference: string, status: string): Promise<void> {
  await page.locator('#request-heading', { hasText: `${reference} · ${status}` }).waitFor();
}

/**
 * Fires an action from the action bar: its button in the "Actions" toolbar, the form it opens
 * (with a reason when the action needs one), then the confirmation; waits for "Done".
 */
export async function act(
  page: Page,
  labels: { action: string; confirm: string; done: string; reason?: string },
  reason?: string,
): Promise<void> {
  await page.getByRole('toolbar').getByRole('button', { name: labels.action, exact: true }).click();
  const form = page.getByRole('form', { name: labels.action, exact: true });
  if (reason !== undefined) await form.getByLabel(labels.reason ?? 'Reason').fill(reason);
  await form.getByRole('button', { name: labels.confirm, exact: true }).click();
  await page.getByRole('status').filter({ hasText: labels.done }).waitFor();
}

/**
 * The application's messages in `language`, read from its own catalogue (web/src/i18n), so the tests
 * look for what a user of that language reads. A key it does not have throws, naming it, rather than
 * leaving a step to wait for "undefined".
 */
export function catalogue(language: 'en' | 'fr' | 'vi' | 'ar'): Record<string, string> {
  const messages = JSON.parse(readFileSync(join(ROOT, 'web/src/i18n', `${language}.json`), 'utf8')) as Record<
    string,
    string
  >;
  return new Proxy(messages, {
    get(target, key) {
      if (typeof key !== 'string' || !Object.hasOwn(target, key))
        throw new Error(`no message ${String(key)} in web/src/i18n/${language}.json`);
      return target[key];
    },
  });
}

/** The labels `act` needs for `action`, in the language of `messages`. */
export function actionLabels(messages: Record<string, string>, action: string) {
  const label = messages[`action.${action}`];
  return {
    action: label,
    confirm: messages['actions.confirm'].replace('{action}', label),
    done: messages['actions.done'].replace('{action}', label),
    reason: messages['actions.reason'],
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * axe-core run in the page: the violations of serious or critical impact, each with the elements it
 * found. The page's context must bypass the CSP: the script goes in as an inline <script>.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  // A string, evaluated in the page: the tests' TypeScript knows Node's globals, not the DOM's.
  const violations = await page.evaluate('axe.run(document).then((results) => results.violations)');
  return (violations as AxeViolation[])
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map(({ target }) => ({ target })),
    }));
}

/**
 * Screenshots for the README, under docs/screenshots, written only when UPDATE_SCREENSHOTS=true: the
 * pictures carry dates and random ids, so writing them on every run would leave every developer's
 * tree with changed binary files after `npm test`. Refresh them with
 * `UPDATE_SCREENSHOTS=true TEST_DATABASE_URL= npm test -- test/browser` and commit what changed.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== 'true') return;
  const directory = join(ROOT, 'docs/screenshots');
  mkdirSync(directory, { recursive: true });
  // No caret or animation in the picture, and the page has settled (no pending request).
  await page.waitForLoadState('networkidle');
  await page.screenshot({
    path: join(directory, `${name}.png`),
    fullPage: true,
    animations: 'disabled',
    caret: 'hide',
  });
}

/** What the officer enters in the wizard for the demo request (UNCC, mutual legal assistance). */
export const WIZARD_ANSWERS = {
  reference: 'C50-2026-0142',
  title: 'Phishing campaign against customers of a Vietnamese bank',
  urgencyReasons: 'Funds are being moved abroad daily',
  provision: 'Penal Code art. 290',
  offence: 'Using computer networks to appropriate property',
  maxPenalty: '20 years',
  facts: 'Between January and March 2026 a phishing site hosted in France collected bank credentials.',
  assistance: 'Subscriber and log data of the hosting account; statement of the hosting provider.',
  purpose: 'To identify the operators of the phishing site and prosecute them in Viet Nam.',
};

/**
 * Drafts the demo request through the wizard, from the list of requests, in the language of
 * `messages`: "New request"; step 1 the UNCC and mutual legal assistance; step 2 first sent empty,
 * so the wizard names what is missing (the fields that profile asks for, not one more), then filled,
 * the requested agency chosen by its name in the list (`agency`: "name (state)"); step 3 the
 * preview; Create. Returns the new draft's reference and id, from the page the wizard opens.
 */
export async function draftThroughWizard(
  page: Page,
  messages: Record<string, string>,
  agency: string,
): Promise<{ reference: string; id: string }> {
  const field = (key: string) => page.getByLabel(messages[`field.${key}`], { exact: true });
  const button = (key: string) => page.getByRole('button', { name: messages[key], exact: true });
  const stepHeading = (step: 1 | 2 | 3) =>
    page.getByRole('heading', {
      name: `${messages['wizard.stepOf'].replace('{step}', String(step)).replace('{total}', '3')}: ${
        messages[`wizard.step${step}`]
      }`,
      exact: true,
    });

  await page.getByRole('link', { name: messages['list.newRequest'], exact: true }).click();
  await stepHeading(1).waitFor();
  // The instruments' titles come from their profiles (not the catalogue): chosen by value.
  await field('legalBasis').selectOption('uncc');
  await field('type').selectOption({ label: messages['type.mla_general'] });
  await button('wizard.next').click();

  await stepHeading(2).waitFor();
  await button('wizard.next').click();
  // Sent empty, step 2 stays, and names (as links to them) the fields still missing: the UNCC's
  // mandatory ones among them.
  const missing = page.getByRole('alert').filter({ hasText: messages['wizard.missing'] });
  await missing.waitFor();
  const named = await missing.getByRole('link').allTextContents();
  for (const key of [
    'requestedAgencyId',
    'title',
    'offences.maxPenalty',
    'assistanceSought.measures',
    'purpose',
  ])
    expect(named).toContain(messages[`field.${key}`]);
  await stepHeading(2).waitFor();

  await field('requestedAgencyId').selectOption({ label: agency });
  await field('reference').fill(WIZARD_ANSWERS.reference);
  await field('title').fill(WIZARD_ANSWERS.title);
  // Urgent: the wizard then asks for the reasons, which it did not before.
  expect(await field('urgency.reasons').count()).toBe(0);
  await field('urgency.level').selectOption({ label: messages['urgency.urgent'] });
  await field('urgency.reasons').fill(WIZARD_ANSWERS.urgencyReasons);
  await field('offences.provision').fill(WIZARD_ANSWERS.provision);
  await field('offences.description').fill(WIZARD_ANSWERS.offence);
  await field('offences.maxPenalty').fill(WIZARD_ANSWERS.maxPenalty);
  await field('factsSummary').fill(WIZARD_ANSWERS.facts);
  const measures = page.getByRole('group', { name: messages['field.assistanceSought.measures'] });
  await measures.getByLabel(messages['option.access_stored_data'], { exact: true }).check();
  await measures.getByLabel(messages['option.take_evidence_statement'], { exact: true }).check();
  await field('assistanceSought.description').fill(WIZARD_ANSWERS.assistance);
  await field('purpose').fill(WIZARD_ANSWERS.purpose);
  await field('confidentiality.keepFactConfidential').check();
  await button('wizard.next').click();

  await stepHeading(3).waitFor();
  // The preview is the formal request as France will read it: addressee, title and facts.
  const preview = page.getByRole('article');
  await preview.getByText(agency).first().waitFor();
  await preview.getByText(WIZARD_ANSWERS.title, { exact: true }).waitFor();
  await preview.getByText(WIZARD_ANSWERS.facts, { exact: true }).waitFor();
  await button('wizard.create').click();

  // The wizard opens the new draft's page: its heading is "<reference> · <status>".
  const heading = page.locator('#request-heading');
  await heading.waitFor();
  const [reference] = ((await heading.textContent()) ?? '').split(' · ');
  const id = /\/requests\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
  if (!reference || !id) throw new Error(`no request page after Create: ${page.url()}`);
  return { reference: reference.trim(), id };
}
