import type { Browser, Locator, Page } from 'playwright-core';
import type { ApiClient, Schemas } from '@mla/api-client';
import { agencyId, mlaRequestBody, ok } from '../support/factories';
import { createTestApp, type DemoUser, type TestApp } from '../support/test-app';
import {
  act,
  actionLabels,
  catalogue,
  expectStatus,
  launchBrowser,
  openRequestAs,
  screenshot,
  type UserPage,
} from './support';

const en = catalogue('en');
const QUESTION = 'In which time zone are the connection times of the log given?';
const ANSWER = 'All times are Asia/Ho_Chi_Minh (UTC+7).';

/** Minutes east of UTC of `timeZone` at `instant` (from Intl's "GMT+07:00"), as Node's ICU knows it. */
function offsetMinutes(timeZone: string, instant: Date): number {
  const name = new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(instant)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!match) return 0; // "GMT" alone: UTC
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/** The time of day shown in a formatted date ("29 Nov 2026, 05:52 PM" or "17:52"), in minutes. */
function minutesOfDay(text: string): number {
  const match = /(\d{1,2}):(\d{2})(?:\s*([AP]M))?/i.exec(text);
  if (!match) throw new Error(`no time of day in "${text}"`);
  const hours =
    (Number(match[1]) % 12) +
    (match[3] ? (match[3].toUpperCase() === 'PM' ? 12 : 0) : Number(match[1]) >= 12 ? 12 : 0);
  return hours * 60 + Number(match[2]);
}

/**
 * Each timeline entry is on the user's clock, with the counterpart agency's beside it: the two
 * times of day differ by exactly the two zones' offsets at that instant, and the counterpart's is
 * named by the agency's code and carries its zone's name.
 */
async function expectDualClocks(
  timeline: Locator,
  own: string,
  counterpart: { code: string; timeZone: string },
): Promise<void> {
  const entries = await timeline.locator('li').all();
  expect(entries.length).toBeGreaterThan(0);
  for (const entry of entries) {
    const time = entry.locator('time');
    const iso = await time.getAttribute('datetime');
    const mine = (await time.textContent()) ?? '';
    const theirs = (await entry.locator('.counterpart-time').textContent()) ?? '';
    if (!iso) throw new Error('a timeline entry without its instant');
    expect(theirs).toMatch(new RegExp(`^\\(${counterpart.code}: .+ (GMT[+-]?[\\d:]*|[A-Z]{3,4})\\)$`));
    const instant = new Date(iso);
    const expected =
      (offsetMinutes(own, instant) - offsetMinutes(counterpart.timeZone, instant) + 1440) % 1440;
    expect((minutesOfDay(mine) - minutesOfDay(theirs) + 1440) % 1440).toBe(expected);
  }
}

/** The event names of the timeline, which must all be words of the catalogue, never an action code. */
async function expectTranslatedEvents(page: Page, expected: string[]): Promise<void> {
  const names = await page.locator('.timeline li .event-action').allTextContents();
  for (const name of expected) expect(names).toContain(en[name]);
  for (const name of names) expect(name).not.toMatch(/^[a-z_]+\.[a-z_]+$|\(request\./);
}

/**
 * The request page's thread in a real browser, a clarification round trip through it: Carla
 * (fr.central) routes the request to an executing agency and asks, from the action bar, a question
 * written in the thread; Ana (vn.officer) reads it in her thread, with France's clock beside hers,
 * and answers there (her answer leaves the request unchanged, so it needs no approval); Carla reads
 * the answer. Both timelines name the events in words, on both clocks. A second question Ana answers
 * by changing the request: the page steers her from the plain answer (refused) to the one for
 * approval, which Sam (vn.supervisor) reads in the thread and approves from the action bar.
 */
describe('Browser: the request page, a clarification round in the thread', () => {
  let t: TestApp;
  let browser: Browser;
  const pages: UserPage[] = [];
  let request: Schemas['RequestDto'];
  let executing: Schemas['AgencyDto'];

  const fire = async (user: DemoUser, action: Schemas['TransitionDto']['action']) => {
    const client: ApiClient = await t.as(user);
    return ok(
      await client.POST('/v1/requests/{id}/transitions', {
        params: { path: { id: request.id } },
        body: { action },
      }),
    );
  };

  beforeAll(async () => {
    [t, browser] = await Promise.all([createTestApp(), launchBrowser()]);
    // Drafted, approved and transmitted through the API (the wizard and the action bar have their
    // own walk in demo-chain); France has acknowledged it.
    const officer = await t.as('vn.officer');
    request = ok(
      await officer.POST('/v1/requests', { body: mlaRequestBody(await agencyId(officer, 'FR-CA')) }),
    );
    await fire('vn.officer', 'submit');
    await fire('vn.supervisor', 'approve');
    await fire('vn.central', 'transmit');
    request = await fire('fr.central', 'acknowledge');
    const agencies = ok(
      await (await t.as('fr.central')).GET('/v1/agencies', { params: { query: { stateCode: 'FR' } } }),
    );
    const ofac = agencies.find((agency) => agency.code === 'FR-OFAC');
    if (!ofac) throw new Error('no agency FR-OFAC in the directory');
    executing = ofac;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  afterEach(() => {
    for (const { problems } of pages) expect(problems).toEqual([]);
  });

  const requestPageOf = (user: DemoUser, box: 'outgoing' | 'incoming') =>
    openRequestAs(browser, t.baseUrl, pages, user, box, request.reference);
  const thread = (page: Page) => page.getByRole('list', { name: en['thread.list'], exact: true });

  it("France's central authority routes the request, then asks for clarification in the thread", async () => {
    const page = await requestPageOf('fr.central', 'incoming');
    await expectStatus(page, request.reference, en['status.received']);
    // Routing is part of starting the assessment: the form says so and lists France's agencies.
    const toolbar = page.getByRole('toolbar');
    await toolbar.getByRole('button', { name: en['action.assess'], exact: true }).click();
    const form = page.getByRole('form', { name: en['action.assess'], exact: true });
    await form.getByRole('group', { name: en['actions.routing'] }).waitFor();
    await form.getByLabel(en['actions.routeTo'].replace('{state}', 'FR'), { exact: true }).check();
    await form
      .getByLabel(en['actions.executingAgency'], { exact: true })
      .selectOption({ label: `${executing.name} (${executing.code})` });
    await form
      .getByRole('button', { name: en['actions.confirm'].replace('{action}', en['action.assess']) })
      .click();
    await expectStatus(page, request.reference, en['status.under_assessment']);
    await page.locator('.details dd', { hasText: executing.name }).waitFor();

    // "Request clarification" in the action bar leads to the thread's box, that kind chosen.
    await toolbar.getByRole('button', { name: en['action.request_clarification'], exact: true }).click();
    const kind = page.getByLabel(en['thread.kind'], { exact: true });
    await expect(kind.inputValue()).resolves.toBe('request_clarification');
    const box = page.getByLabel(en['thread.body'], { exact: true });
    // A string, evaluated in the page: the tests' TypeScript knows Node's globals, not the DOM's.
    await expect(page.evaluate('document.activeElement && document.activeElement.id')).resolves.toBe(
      await box.getAttribute('id'),
    );
    await box.fill(QUESTION);
    await page.getByRole('button', { name: en['thread.send'], exact: true }).click();
    await expectStatus(page, request.reference, en['status.clarification_requested']);
    const question = thread(page).locator('li', { hasText: QUESTION });
    await question.waitFor();
    await expect(question.textContent()).resolves.toContain(en['messageKind.clarification_request']);
  });

  it('the officer reads the question in her thread, on both clocks, and answers it there', async () => {
    const page = await requestPageOf('vn.officer', 'outgoing');
    await expectStatus(page, request.reference, en['status.clarification_requested']);
    const question = thread(page).locator('li', { hasText: QUESTION });
    await question.waitFor();
    const author = (await question.locator('.message-author').textContent()) ?? '';
    expect(author).toContain('(FR-CA)');
    await expect(question.locator('.counterpart-time').textContent()).resolves.toMatch(/^\(FR-CA: /);
    await page.getByText(en['thread.openRound'].replace('{round}', '1')).waitFor();

    // Her answer leaves the request as it was: it goes straight back, no supervisor's approval.
    const kind = page.getByLabel(en['thread.kind'], { exact: true });
    await expect(kind.inputValue()).resolves.toBe('answer_clarification');
    await page.getByLabel(en['thread.body'], { exact: true }).fill(ANSWER);
    await page.getByRole('button', { name: en['thread.send'], exact: true }).click();
    await expectStatus(page, request.reference, en['status.under_assessment']);
    await thread(page).locator('li', { hasText: ANSWER }).waitFor();

    const timeline = page.locator('.timeline').first();
    await page.locator('.timeline li', { hasText: en['event.request.answer_clarification'] }).waitFor();
    await expectTranslatedEvents(page, [
      'event.request.submit',
      'event.request.transmit',
      'event.request.request_clarification',
      'event.request.answer_clarification',
    ]);
    await expectDualClocks(timeline, 'Asia/Ho_Chi_Minh', { code: 'FR-CA', timeZone: 'Europe/Paris' });
    await screenshot(page, 'request-thread');
  });

  it('France reads the answer, and its timeline in words on its clock and Viet Nam’s', async () => {
    const page = await requestPageOf('fr.central', 'incoming');
    await expectStatus(page, request.reference, en['status.under_assessment']);
    const answer = thread(page).locator('li', { hasText: ANSWER });
    await answer.waitFor();
    await expect(answer.textContent()).resolves.toContain(en['messageKind.clarification_response']);
    await page.locator('.timeline li', { hasText: en['event.request.answer_clarification'] }).waitFor();
    await expectTranslatedEvents(page, [
      'event.request.transmit',
      'event.request.assess',
      'event.request.request_clarification',
      'event.request.answer_clarification',
    ]);
    await expectDualClocks(page.locator('.timeline').first(), 'Europe/Paris', {
      code: 'VN-C50',
      timeZone: 'Asia/Ho_Chi_Minh',
    });
  });
  it('a second question, answered by changing the request: the answer waits for the supervisor', async () => {
    const question = 'Which provider account is meant: the reseller or the end customer?';
    const answer = 'The end customer; the purpose now names the account.';
    ok(
      await (
        await t.as('fr.central')
      ).POST('/v1/requests/{id}/transitions', {
        params: { path: { id: request.id } },
        body: { action: 'request_clarification', reason: question },
      }),
    );
    // Ana has the page open when she changes the request to answer (the portal has no screen for
    // that edit yet: the API), so the page still holds the version before the change.
    const page = await requestPageOf('vn.officer', 'outgoing');
    await expectStatus(page, request.reference, en['status.clarification_requested']);
    await thread(page).locator('li', { hasText: question }).waitFor();
    const officer = await t.as('vn.officer');
    const current = ok(await officer.GET('/v1/requests/{id}', { params: { path: { id: request.id } } }));
    ok(
      await officer.PATCH('/v1/requests/{id}', {
        params: { path: { id: request.id }, header: { 'If-Match': `"${current.version}"` } },
        body: { purpose: `${current.purpose} The account is the end customer's.` },
      }),
    );

    const box = page.getByLabel(en['thread.body'], { exact: true });
    await box.fill(answer);
    // Sent with the old version: refused, and the page reloads the request and says so.
    await page.getByRole('button', { name: en['thread.send'], exact: true }).click();
    await page.getByRole('alert').filter({ hasText: en['thread.stale'] }).waitFor();
    // The page shows the request as it is now (the user checks it before sending again).
    await page.locator('dd', { hasText: "The account is the end customer's." }).waitFor();
    // Sent again, with the version reloaded: "unchanged" is refused now for what it says, and the
    // page says which answer to send instead.
    await page.getByRole('button', { name: en['thread.send'], exact: true }).click();
    await page.getByRole('alert').filter({ hasText: en['thread.reapproval'] }).waitFor();
    await page.getByLabel(en['thread.kind'], { exact: true }).selectOption('submit_answer');
    await page.getByRole('button', { name: en['thread.send'], exact: true }).click();
    await expectStatus(page, request.reference, en['status.answer_pending_approval']);

    // Sam reads the answer in the thread's notice, and approves it from the action bar.
    const sam = await requestPageOf('vn.supervisor', 'outgoing');
    await sam.getByText(en['thread.answerAwaitingApproval']).waitFor();
    await sam.locator('.info-box blockquote', { hasText: answer }).waitFor();
    await act(sam, actionLabels(en, 'approve_answer'));
    await expectStatus(sam, request.reference, en['status.under_assessment']);
    await thread(sam).locator('li', { hasText: answer }).waitFor();

    // France receives the answer once approved, in its thread, as its writer's (Ana's) message.
    const carla = await requestPageOf('fr.central', 'incoming');
    const received = thread(carla).locator('li', { hasText: answer });
    await received.waitFor();
    await expect(received.locator('.message-author').textContent()).resolves.toContain('(VN-C50)');
    await carla.locator('.timeline li', { hasText: en['event.request.approve_answer'] }).waitFor();
  });
});
