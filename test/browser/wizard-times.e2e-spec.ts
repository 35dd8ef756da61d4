import type { Browser } from 'playwright-core';
import { ok } from '../support/factories';
import { createTestApp, type TestApp } from '../support/test-app';
import { catalogue, launchBrowser, openPortal, signIn, type UserPage } from './support';

const en = catalogue('en');

/**
 * The wizard's times and lists in a real browser: Chromium's own `datetime-local` input and the
 * zone beside it, and "add another". The officer in Ha Noi drafts an expedited preservation to
 * France's 24/7 point with two identifiers, one IP address seen at a time in Paris, and two
 * offences; what the API stored is what she entered, each time with the zone she chose.
 */
describe('Browser: the wizard, times with their zones and more than one identifier', () => {
  let t: TestApp;
  let browser: Browser;
  let officer: UserPage;

  beforeAll(async () => {
    [t, browser] = await Promise.all([createTestApp(), launchBrowser()]);
    officer = await openPortal(browser, t.baseUrl, 'vn.officer');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('drafts a preservation whose times keep their zones, with two identifiers and two offences', async () => {
    const { page, problems } = officer;
    const field = (label: string) => page.getByLabel(label, { exact: true });
    const button = (label: string) => page.getByRole('button', { name: label, exact: true });
    /** A zoned time: the group named `label` (the first one, or the one `within`) gets both parts. */
    const zoned = async (group: string, local: string, zone: string) => {
      const box = page.getByRole('group', { name: group, exact: true });
      await box.getByLabel(en['wizard.localTime'], { exact: true }).fill(local);
      await box.getByLabel(en['wizard.timeZone'], { exact: true }).selectOption(zone);
    };

    await signIn(page, 'vn.officer');
    await page.getByRole('link', { name: en['list.newRequest'], exact: true }).click();
    await field(en['field.legalBasis']).selectOption('budapest');
    await field(en['field.type']).selectOption({ label: en['type.preservation'] });
    await button(en['wizard.next']).click();
    await field(en['field.title']).waitFor();

    // Each time starts in the user's own zone (her browser's: Ha Noi's).
    const fromZone = page
      .getByRole('group', { name: en['field.timeRange.from'], exact: true })
      .getByLabel(en['wizard.timeZone'], { exact: true });
    expect(await fromZone.inputValue()).toMatch(/^Asia\/(Ho_Chi_Minh|Saigon)$/);

    await field(en['field.requestedAgencyId']).selectOption({
      label: '24/7 Contact Point for Cybercrime (France) (FR)',
    });
    await field(en['field.reference']).fill('C50-2026-0300');
    await field(en['field.title']).fill('Preserve the logs of the phishing kit’s mailbox');
    await field(en['field.offences.provision']).fill('Penal Code art. 290');
    await field(en['field.offences.description']).fill('Fraud using computer networks');
    await button(en['wizard.add.offences']).click();
    // The new element's first field has the focus: typed into directly.
    await page.keyboard.type('Penal Code art. 289');
    await field(`${en['field.offences.description']} (2)`).fill('Unlawful access to a computer system');
    await field(en['field.factsSummary']).fill('A phishing kit sends the credentials to a French mailbox.');
    await field(en['field.assistanceSought.description']).fill('Preservation of the mailbox logs.');
    await field(en['field.purpose']).fill('To identify who collects the credentials.');

    // The first identifier is an IP address (the first kind), seen at 14:05 in Paris.
    await field(en['field.targets.value']).fill('203.0.113.7');
    await zoned(en['field.targets.timestamp'], '2026-03-01T14:05', 'Europe/Paris');
    await button(en['wizard.add.targets']).click();
    await field(`${en['field.targets.type']} (2)`).selectOption({ label: en['option.email'] });
    await field(`${en['field.targets.value']} (2)`).fill('collector@example.fr');
    // An e-mail address needs no time: no second timestamp was asked for.
    expect(await page.getByRole('group', { name: `${en['field.targets.timestamp']} (2)` }).count()).toBe(0);
    await zoned(en['field.timeRange.from'], '2026-03-01T00:00', 'Asia/Ho_Chi_Minh');
    await zoned(en['field.timeRange.to'], '2026-03-08T00:00', 'Asia/Ho_Chi_Minh');

    const categories = page.getByRole('group', { name: en['field.preservation.dataCategories'] });
    await categories.getByLabel(en['option.subscriber'], { exact: true }).check();
    await categories.getByLabel(en['option.traffic'], { exact: true }).check();
    await field(en['field.preservation.relationshipToOffence']).fill('The mailbox receives the stolen data.');
    await field(en['field.preservation.necessity']).fill('Providers keep such logs for 30 days only.');
    await field(en['field.preservation.intendedMeasure']).fill('Production order for the logs');
    await field(en['field.preservation.intentToRequestMla']).check();
    await button(en['wizard.next']).click();

    // The preview shows each time as entered, with its zone.
    const preview = page.getByRole('article');
    await preview.getByText('2026-03-01 14:05 (Europe/Paris)', { exact: true }).waitFor();
    await preview.getByText('collector@example.fr', { exact: true }).waitFor();
    await button(en['wizard.create']).click();
    await page.locator('#request-heading').waitFor();
    const id = /\/requests\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
    expect(id).toBeDefined();

    const stored = ok(
      await (await t.as('vn.officer')).GET('/v1/requests/{id}', { params: { path: { id: id! } } }),
    );
    expect(stored.type).toBe('preservation');
    expect(stored.offences.map((offence) => offence.provision)).toEqual([
      'Penal Code art. 290',
      'Penal Code art. 289',
    ]);
    expect(stored.targets).toEqual([
      expect.objectContaining({
        type: 'ip_address',
        value: '203.0.113.7',
        // 14:05 in Paris (UTC+1 in March) is 13:05 UTC, whatever the officer's own zone.
        timestamp: {
          local: '2026-03-01T14:05:00',
          timeZone: 'Europe/Paris',
          utc: '2026-03-01T13:05:00.000Z',
        },
      }),
      expect.objectContaining({ type: 'email', value: 'collector@example.fr' }),
    ]);
    expect(stored.timeRange).toEqual(
      expect.objectContaining({
        // Midnight in Ha Noi (UTC+7) is 17:00 UTC the day before.
        from: expect.objectContaining({ local: '2026-03-01T00:00:00', utc: '2026-02-28T17:00:00.000Z' }),
        to: expect.objectContaining({ local: '2026-03-08T00:00:00' }),
      }),
    );
    expect(problems).toEqual([]);
  });
});
