import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { ok } from '../support/factories';
import { createTestApp, type DemoUser, type TestApp } from '../support/test-app';
import {
  act,
  actionLabels,
  catalogue,
  draftThroughWizard,
  expectStatus,
  launchBrowser,
  openFromList,
  openRequestAs,
  openPortal,
  signIn,
  type UserPage,
} from './support';

const en = catalogue('en');

/**
 * The demo chain of issue 8 in a real browser (Debian's chromium), each user in a browser context of
 * their own, through the screens and the action bar, the application under its real CSP: Ana
 * (vn.officer) drafts the request through the wizard and submits it, Sam (vn.supervisor) approves,
 * Victor (vn.central) transmits, Carla (fr.central) acknowledges and accepts, Eve (fr.executing)
 * executes, uploads the evidence with progress and delivers it sealed, Ana acknowledges the package
 * with the hashes her browser computed, and the auditor, on the Audit screen, finds the walk's entries,
 * a log that verifies, and an entry's inclusion proof that her browser checks against the signed root.
 */
describe('Browser: the demo chain, officer to auditor', () => {
  let t: TestApp;
  let browser: Browser;
  const pages: UserPage[] = [];
  let id: string;
  let reference: string;
  // The evidence France returns: a few MiB, so the upload's progress has something to show, and
  // its SHA-256 as computed here, which the portal and then the officer's browser must both find.
  const evidence = {
    name: 'hosting-account-logs.bin',
    mimeType: 'application/octet-stream',
    buffer: randomBytes(3 * 1024 * 1024),
  };
  const evidenceSha256 = createHash('sha256').update(evidence.buffer).digest('hex');

  beforeAll(async () => {
    [t, browser] = await Promise.all([createTestApp(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  afterEach(() => {
    // No page may have thrown, or been refused a script or a style by the CSP, along the way.
    for (const { problems } of pages) expect(problems).toEqual([]);
  });

  /** `user` signed in, on the request's page opened from their outbox or inbox. */
  const requestPageOf = (user: DemoUser, box: 'outgoing' | 'incoming') =>
    openRequestAs(browser, t.baseUrl, pages, user, box, reference);

  it('the officer drafts the request through the wizard and submits it for approval', async () => {
    // The requested agency as the wizard lists it: its name in the directory, and its state.
    const france = ok(await (await t.as('vn.officer')).GET('/v1/agencies')).find(
      (agency) => agency.code === 'FR-CA',
    );
    if (!france) throw new Error('no agency FR-CA in the directory');
    const ana = await openPortal(browser, t.baseUrl, 'vn.officer');
    pages.push(ana);
    const { page } = ana;
    await signIn(page, 'vn.officer');
    // Her header links to the requests, not to the audit trail, which is not hers to read.
    await page.getByRole('link', { name: en['nav.requests'], exact: true }).waitFor();
    expect(await page.getByRole('link', { name: en['nav.audit'], exact: true }).count()).toBe(0);
    ({ reference, id } = await draftThroughWizard(page, en, `${france.name} (${france.stateCode})`));
    await expectStatus(page, reference, en['status.draft']);
    // What the wizard sent is what the portal holds.
    const held = ok(await (await t.as('vn.officer')).GET('/v1/requests/{id}', { params: { path: { id } } }));
    expect(held).toMatchObject({
      legalBasis: 'uncc',
      type: 'mla_general',
      requestedAgency: { code: 'FR-CA' },
      urgency: { level: 'urgent' },
    });
    // And it is in her outbox, as a draft.
    await page.getByRole('link', { name: en['request.back'] }).click();
    await openFromList(page, 'outgoing', reference);
    await expectStatus(page, reference, en['status.draft']);
    await act(page, actionLabels(en, 'submit'));
    await expectStatus(page, reference, en['status.pending_approval']);
    // The timeline shows the change at once; approving is her supervisor's, not offered to her.
    await page.locator('.timeline li', { hasText: en['event.request.submit'] }).waitFor();
    expect(await page.getByRole('button', { name: en['action.approve'], exact: true }).count()).toBe(0);
  });

  it('the supervisor approves it', async () => {
    const page = await requestPageOf('vn.supervisor', 'outgoing');
    await expectStatus(page, reference, en['status.pending_approval']);
    await act(page, actionLabels(en, 'approve'));
    await expectStatus(page, reference, en['status.ready']);
  });

  it("the officer's own page now says it is ready, with nothing for her to do", async () => {
    const page = await requestPageOf('vn.officer', 'outgoing');
    await expectStatus(page, reference, en['status.ready']);
    await page.getByText(en['actions.none']).waitFor();
  });

  it("Viet Nam's central authority transmits it", async () => {
    const page = await requestPageOf('vn.central', 'outgoing');
    await expectStatus(page, reference, en['status.ready']);
    await act(page, actionLabels(en, 'transmit'));
    await expectStatus(page, reference, en['status.transmitted']);
  });

  it("France's central authority finds it in the inbox, acknowledges and accepts it", async () => {
    const page = await requestPageOf('fr.central', 'incoming');
    await expectStatus(page, reference, en['status.transmitted']);
    await act(page, actionLabels(en, 'acknowledge'));
    await expectStatus(page, reference, en['status.received']);
    await act(page, actionLabels(en, 'accept'));
    await expectStatus(page, reference, en['status.accepted']);
  });

  it("France's executing officer starts and completes the execution", async () => {
    const page = await requestPageOf('fr.executing', 'incoming');
    await expectStatus(page, reference, en['status.accepted']);
    await act(page, actionLabels(en, 'start_execution'));
    await expectStatus(page, reference, en['status.in_execution']);
    // The evidence, through the upload form: the progress bar shows, then the portal's SHA-256.
    await page.getByLabel(en['evidence.fileLabel'], { exact: true }).setInputFiles(evidence);
    await page.getByRole('button', { name: en['evidence.upload'], exact: true }).click();
    await page.getByRole('progressbar', { name: en['evidence.progress'], exact: true }).waitFor();
    await expect(page.getByTestId('upload-sha256').textContent()).resolves.toBe(evidenceSha256);
    // Then delivered to Viet Nam in a sealed package.
    await page.getByRole('button', { name: en['evidence.seal'], exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: en['evidence.sealed'].replace('{sequence}', '1') })
      .waitFor();
    await act(page, actionLabels(en, 'mark_executed'));
    await expectStatus(page, reference, en['status.executed']);
  });

  it('the officer acknowledges the package, and the hashes her browser computed match', async () => {
    const page = await requestPageOf('vn.officer', 'outgoing');
    // The browser downloads and hashes every item of the package, and the portal finds them equal
    // to its sealed manifest.
    await page
      .getByRole('button', { name: en['evidence.acknowledge'].replace('{sequence}', '1'), exact: true })
      .click();
    await page.getByRole('status').filter({ hasText: en['evidence.ackDone'] }).waitFor();
    await page.getByText(en['evidence.packageStatus.acknowledged']).waitFor();
    await expect(page.getByTestId('evidence-sha256').textContent()).resolves.toBe(evidenceSha256);
    // Downloaded from its row, the file's hash is the one recorded on receipt, and the test's own.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByRole('button', {
          name: en['evidence.downloadNamed'].replace('{file}', evidence.name),
          exact: true,
        })
        .click(),
    ]);
    expect(download.suggestedFilename()).toBe(evidence.name);
    await page.getByRole('status').filter({ hasText: en['evidence.hashMatches'] }).waitFor();
    await expect(page.getByTestId('download-sha256').textContent()).resolves.toBe(evidenceSha256);
  });

  it('the officer sees it executed, and its whole timeline', async () => {
    const page = await requestPageOf('vn.officer', 'outgoing');
    await expectStatus(page, reference, en['status.executed']);
    // The history loads after the request itself (and beside the evidence): read once it is in.
    await page.locator('.timeline li', { hasText: en['event.request.mark_executed'] }).waitFor();
    const timeline = await page.locator('.timeline li .event-action').allTextContents();
    for (const action of [
      'submit',
      'approve',
      'transmit',
      'acknowledge',
      'accept',
      'start_execution',
      'mark_executed',
    ])
      expect(timeline).toContain(en[`event.request.${action}`]);
  });

  it("the auditor opens Audit, finds the walk's entries, verifies the log and one entry's proof", async () => {
    const auditor = await openPortal(browser, t.baseUrl, 'auditor');
    pages.push(auditor);
    const { page } = auditor;
    // Signed in, the auditor lands on the Audit screen: she reads no request.
    await signIn(page, 'auditor');
    expect(new URL(page.url()).pathname).toBe('/audit');
    expect(await page.getByRole('link', { name: en['nav.requests'], exact: true }).count()).toBe(0);
    await page.getByRole('link', { name: en['nav.audit'], exact: true }).waitFor();

    // The walk's entries: the trail narrowed to this request, through the filter form.
    await page.getByLabel(en['audit.requestFilter'], { exact: true }).fill(id);
    await page.getByRole('button', { name: en['audit.apply'], exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('requestId') === id);
    const table = page.getByRole('table', { name: en['audit.caption'] });
    // The form is rebuilt for the new filters: focus goes to the results, not back to the page.
    await page.waitForFunction("document.activeElement?.tagName === 'CAPTION'");
    // Newest first: the reads of the request pages opened since the last step come before it.
    await table.locator('tbody[aria-busy="false"] .event-action').first().waitFor();
    // Every read of the request is in its trail too: "Show more" down to the submission, page by page.
    const submit = table.locator('.event-action', { hasText: /^request\.submit$/ });
    const more = page.getByRole('button', { name: en['audit.more'], exact: true });
    for (let pages = 1; (await submit.count()) === 0; pages += 1) {
      expect(pages).toBeLessThan(20);
      const shown = await table.locator('tbody tr').count();
      await more.click();
      await table.locator('tbody tr').nth(shown).waitFor();
    }
    const actions = await table.locator('.event-action').allTextContents();
    for (const action of [
      'submit',
      'approve',
      'transmit',
      'acknowledge',
      'accept',
      'start_execution',
      'mark_executed',
    ])
      expect(actions).toContain(`request.${action}`);

    // The whole log verifies, every entry checked (the head the API reports included).
    await page.getByRole('button', { name: en['audit.verify'], exact: true }).click();
    const verdict = page.getByRole('status').filter({ hasText: en['audit.valid'].split('{')[0] });
    await verdict.waitFor();
    const [, checked, head] = /(\d+)\D+(\d+)/.exec((await verdict.textContent()) ?? '') ?? [];
    expect(Number(checked)).toBeGreaterThan(0);
    expect(checked).toBe(head);

    // The latest checkpoint's signature, checked by her browser with the key the portal publishes.
    await page
      .getByTestId('checkpoint-signature')
      .filter({ hasText: en['audit.signatureVerified'].split('{key}')[0] })
      .waitFor();
    // The transmission's inclusion proof, checked by the auditor's browser against the signed root.
    const transmit = table
      .getByRole('row')
      .filter({ has: page.locator('.event-action', { hasText: /^request\.transmit$/ }) });
    const seq = (await transmit.getByRole('rowheader').textContent()) ?? '';
    await transmit
      .getByRole('button', { name: en['audit.proofOf'].replace('{seq}', seq), exact: true })
      .click();
    await page
      .getByRole('status')
      .filter({ hasText: en['audit.proofVerified'].split('{treeSize}')[0].replace('{seq}', seq) })
      .waitFor();
    // A newer checkpoint (her reads since are in the log) is proved, in her browser, to extend the
    // one she verified first.
    await page.getByRole('button', { name: en['audit.refreshCheckpoint'], exact: true }).click();
    await page
      .getByTestId('checkpoint-continuity')
      .getByRole('status')
      .filter({ hasText: en['audit.consistent'].split('{to}')[0] })
      .waitFor();
    // The export, downloaded through the client under the real CSP: a checkpoint first, then the
    // entries up to it, the walk's among them.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: en['audit.export'], exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^audit-export-\d+\.ndjson$/);
    const lines = readFileSync(await download.path(), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type: string; treeSize?: number; seq?: number });
    expect(lines[0]).toMatchObject({ type: 'checkpoint' });
    expect(lines.at(-1)).toMatchObject({ type: 'entry', seq: lines[0]?.treeSize });
    expect(lines.some((line) => line.type === 'entry' && String(line.seq) === seq)).toBe(true);
    await page.getByRole('status').filter({ hasText: download.suggestedFilename() }).waitFor();
    // The server agrees on what the browser found: the API's own verification, after the screen's.
    const result = ok(await (await t.as('auditor')).GET('/v1/audit/verify'));
    expect(result).toMatchObject({ ok: true });
  });
});
