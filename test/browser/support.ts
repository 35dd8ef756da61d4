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

/** Signs in through the form, as a person would, and waits for the list of requests. */
export async function signIn(page: Page, user: DemoUser): Promise<void> {
  await page.locator('#login-username').fill(user);
  await page.locator('#login-password').fill(DEMO_PASSWORD);
  await page.locator('form button[type="submit"]').click();
  await page.locator('#list-heading').waitFor();
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
