import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import en from '../i18n/en.json';
import { fakeFetch } from '../test/fake-api';
import { fakeSession, renderInPortal } from '../test/render';
import { buildBody, labelKey, removeItem, type TypeRules, visibleFields } from '../wizard/fields';
import { RequestWizard } from './RequestWizard';

const FR_AGENCY = '00000000-0000-4000-8000-000000000002';
const NEW_ID = '0b8f6a0e-5a8c-4c1e-9d55-3f3c2b9b7a10';

const rules = (mandatoryFields: string[]): TypeRules =>
  ({
    articles: ['29'],
    verification: 'V',
    mandatoryFields,
    channels: ['central_authority'],
    refusalGrounds: [],
    postponementGrounds: [],
    dualCriminality: 'not_required',
    deadlines: [],
  }) as unknown as TypeRules;

/** Budapest's rules as the shipped profile states them (GET /v1/profiles/budapest). */
const BUDAPEST = {
  legalBasis: 'budapest',
  version: 1,
  title: 'Council of Europe Convention on Cybercrime (ETS 185, Budapest)',
  languages: { '*': ['en'], FR: ['fr', 'en'] },
  requestTypes: {
    mla_general: rules(['assistanceSought.measures', 'offences.maxPenalty']),
    stored_data_access: rules([
      'targets',
      'timeRange',
      'details.dataCategories',
      'details.custodian',
      'details.formOfProduction',
      'details.basisForBelief',
      'offences.maxPenalty',
    ]),
  },
};

function renderWizard(
  post: (body: unknown) => { status: number; body: unknown } = () => ({ status: 201, body: { id: NEW_ID } }),
) {
  const api = fakeFetch((call) => {
    if (call.method === 'GET' && call.path === '/v1/profiles')
      return {
        status: 200,
        body: [
          {
            legalBasis: 'budapest',
            version: 1,
            title: BUDAPEST.title,
            requestTypes: ['mla_general', 'stored_data_access'],
            publishedAt: '2026-11-01T00:00:00Z',
          },
        ],
      };
    if (call.method === 'GET' && call.path === '/v1/profiles/budapest')
      return { status: 200, body: BUDAPEST };
    if (call.method === 'GET' && call.path === '/v1/agencies')
      return {
        status: 200,
        body: [
          {
            id: FR_AGENCY,
            code: 'FR-CA',
            name: 'French central authority',
            stateCode: 'FR',
            kind: 'central_authority',
            timeZone: 'Europe/Paris',
            active: true,
          },
          {
            id: '00000000-0000-4000-8000-000000000001',
            code: 'VN-C50',
            name: 'C50',
            stateCode: 'VN',
            kind: 'competent_authority',
            timeZone: 'Asia/Ho_Chi_Minh',
            active: true,
          },
        ],
      };
    if (call.method === 'GET' && call.path === '/v1/auth/me')
      return {
        status: 200,
        body: {
          id: 'u1',
          username: 'vn.officer',
          displayName: 'An',
          role: 'liaison_officer',
          permissions: ['request.create'],
          agency: { id: 'a1', code: 'VN-C50', name: 'C50', kind: 'competent_authority', stateCode: 'VN' },
        },
      };
    if (call.method === 'POST' && call.path === '/v1/requests') return post(call.body);
    return undefined;
  });
  renderInPortal(<RequestWizard />, fakeSession(api.fetch));
  return api;
}

async function chooseType(
  user: ReturnType<typeof userEvent.setup>,
  type: 'mla_general' | 'stored_data_access',
) {
  await waitFor(() => expect(screen.getByRole('option', { name: BUDAPEST.title })).toBeTruthy());
  await user.selectOptions(screen.getByLabelText('Legal basis'), 'budapest');
  await user.selectOptions(screen.getByLabelText('Request type'), type);
  await waitFor(() => expect(screen.getByText(/this profile requires/)).toBeTruthy());
  await user.click(screen.getByRole('button', { name: 'Next' }));
  await waitFor(() => expect(screen.getByRole('heading', { name: /Step 2 of 3/ })).toBeTruthy());
}

/** Focus and paste: typing character by character re-renders the whole form at each one. */
async function fill(user: ReturnType<typeof userEvent.setup>, element: HTMLElement, text: string) {
  await user.click(element);
  await user.paste(text);
}

describe('RequestWizard', () => {
  beforeEach(() => window.history.replaceState(null, '', '/requests/new'));

  it('asks only for the fields the chosen profile and type require', async () => {
    const user = userEvent.setup();
    renderWizard();
    await chooseType(user, 'mla_general');
    expect(screen.getByRole('group', { name: 'Measures sought' })).toBeTruthy();
    expect(screen.getByLabelText('Offence: maximum penalty')).toBeTruthy();
    expect(screen.queryByLabelText('Identifier: value')).toBeNull();
    expect(screen.queryByRole('group', { name: 'Details for this type' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Back' }));
    await user.selectOptions(screen.getByLabelText('Request type'), 'stored_data_access');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(screen.queryByRole('group', { name: 'Measures sought' })).toBeNull();
    expect(screen.getByLabelText('Identifier: value')).toBeTruthy();
    // An IP address (the first kind offered) comes with its time and zone.
    const stamp = screen.getByRole('group', { name: 'Identifier: time observed, with its zone' });
    expect(within(stamp).getByLabelText('Time zone')).toBeTruthy();
    const details = screen.getByRole('group', { name: 'Details for this type' });
    expect(within(details).getByRole('group', { name: 'Categories of data sought' })).toBeTruthy();
    expect(within(details).getByLabelText('Form of production')).toBeTruthy();
    expect(within(details).getByLabelText('Provider or custodian holding the data')).toBeTruthy();
    expect(
      within(details).getByLabelText('Why the data is believed to be in the requested state'),
    ).toBeTruthy();
    // Another kind of identifier needs no timestamp.
    await user.selectOptions(screen.getByLabelText('Identifier: kind'), 'email');
    expect(screen.queryByRole('group', { name: 'Identifier: time observed, with its zone' })).toBeNull();
  });

  it('names the missing required fields before anything is sent', async () => {
    const user = userEvent.setup();
    const api = renderWizard();
    await user.click(await screen.findByRole('button', { name: 'Next' }));
    expect(
      within(screen.getByRole('alert'))
        .getAllByRole('link')
        .map((link) => link.textContent),
    ).toEqual(['Legal basis', 'Request type']);
    await chooseType(user, 'stored_data_access');
    await fill(user, screen.getByLabelText('Title'), 'Phishing campaign');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    const names = within(screen.getByRole('alert'))
      .getAllByRole('link')
      .map((link) => link.textContent);
    expect(names).toContain('Requested agency');
    expect(names).toContain('Offence: maximum penalty');
    expect(names).toContain('Identifier: time observed, with its zone');
    expect(names).toContain('Why the data is believed to be in the requested state');
    expect(names).not.toContain('Title');
    expect(screen.getByLabelText('Requested agency').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('heading', { name: /Step 2 of 3/ })).toBeTruthy();
    expect(api.calls.filter((call) => call.method === 'POST')).toEqual([]);
  });

  it('posts the body CreateRequestDto describes, after the preview', { timeout: 20_000 }, async () => {
    const user = userEvent.setup();
    const api = renderWizard();
    await chooseType(user, 'stored_data_access');
    await waitFor(() =>
      expect(screen.getByRole('option', { name: 'French central authority (FR)' })).toBeTruthy(),
    );
    expect(screen.queryByLabelText('Language of the request')).toBeNull();
    await user.selectOptions(screen.getByLabelText('Requested agency'), FR_AGENCY);
    // The languages France accepts under this profile, English (the default) preselected.
    const language = screen.getByLabelText<HTMLSelectElement>('Language of the request');
    expect([...language.options].map((option) => option.value)).toEqual(['fr', 'en']);
    expect(language.value).toBe('en');
    await fill(user, screen.getByLabelText('Your file number'), 'C50-2026-0142');
    await fill(user, screen.getByLabelText('Title'), 'Phishing campaign');
    await fill(user, screen.getByLabelText('Offence: national provision'), 'Penal Code art. 290');
    await fill(user, screen.getByLabelText('Offence: description'), 'Fraud using computer networks');
    await fill(user, screen.getByLabelText('Offence: maximum penalty'), '20 years');
    await fill(user, screen.getByLabelText('Summary of facts'), 'Customers were phished');
    await fill(user, screen.getByLabelText('Assistance sought'), 'Subscriber data of the IP');
    await fill(user, screen.getByLabelText('Purpose: why the evidence is needed'), 'Identify the suspects');
    await fill(user, screen.getByLabelText('Identifier: value'), '203.0.113.7');
    const stamp = screen.getByRole('group', { name: 'Identifier: time observed, with its zone' });
    fireEvent.change(within(stamp).getByLabelText('Local date and time'), {
      target: { value: '2026-03-01T14:05' },
    });
    await user.selectOptions(within(stamp).getByLabelText('Time zone'), 'Asia/Ho_Chi_Minh');
    const from = screen.getByRole('group', { name: 'Period: from' });
    fireEvent.change(within(from).getByLabelText('Local date and time'), {
      target: { value: '2026-03-01T00:00' },
    });
    await user.selectOptions(within(from).getByLabelText('Time zone'), 'Asia/Ho_Chi_Minh');
    const to = screen.getByRole('group', { name: 'Period: to' });
    fireEvent.change(within(to).getByLabelText('Local date and time'), {
      target: { value: '2026-03-02T00:00' },
    });
    await user.selectOptions(within(to).getByLabelText('Time zone'), 'Asia/Ho_Chi_Minh');
    const categories = screen.getByRole('group', { name: 'Categories of data sought' });
    await user.click(within(categories).getByLabelText('Subscriber data'));
    await user.click(within(categories).getByLabelText('Traffic data'));
    await fill(user, screen.getByLabelText('Provider or custodian holding the data'), 'Example Hosting SAS');
    await user.selectOptions(screen.getByLabelText('Form of production'), 'provider_export');
    await fill(
      user,
      screen.getByLabelText('Why the data is believed to be in the requested state'),
      'The IP belongs to a French host',
    );
    await user.click(screen.getByLabelText('Do not notify the person concerned'));
    await user.click(screen.getByRole('button', { name: 'Next' }));

    const preview = await screen.findByRole('article');
    expect(
      within(preview).getByText('Request for mutual legal assistance: Access to stored data'),
    ).toBeTruthy();
    expect(within(preview).getByText('2026-03-01 14:05 (Asia/Ho_Chi_Minh)')).toBeTruthy();
    expect(api.calls.filter((call) => call.method === 'POST')).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Create' }));

    await waitFor(() => expect(window.location.pathname).toBe(`/requests/${NEW_ID}`));
    const post = api.calls.find((call) => call.method === 'POST');
    expect(post?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(post?.body).toEqual({
      legalBasis: 'budapest',
      type: 'stored_data_access',
      requestedAgencyId: FR_AGENCY,
      language: 'en',
      reference: 'C50-2026-0142',
      title: 'Phishing campaign',
      urgency: { level: 'normal' },
      offences: [
        {
          provision: 'Penal Code art. 290',
          description: 'Fraud using computer networks',
          maxPenalty: '20 years',
        },
      ],
      factsSummary: 'Customers were phished',
      assistanceSought: { description: 'Subscriber data of the IP', measures: [] },
      purpose: 'Identify the suspects',
      targets: [
        {
          type: 'ip_address',
          value: '203.0.113.7',
          timestamp: { local: '2026-03-01T14:05:00', timeZone: 'Asia/Ho_Chi_Minh' },
        },
      ],
      timeRange: {
        from: { local: '2026-03-01T00:00:00', timeZone: 'Asia/Ho_Chi_Minh' },
        to: { local: '2026-03-02T00:00:00', timeZone: 'Asia/Ho_Chi_Minh' },
      },
      details: {
        dataCategories: ['subscriber', 'traffic'],
        custodian: { provider: 'Example Hosting SAS' },
        formOfProduction: 'provider_export',
        basisForBelief: 'The IP belongs to a French host',
      },
      confidentiality: { keepFactConfidential: false, doNotNotifyUser: true },
    });
  });

  it('shows the API’s field errors next to their fields, back on the form', async () => {
    const user = userEvent.setup();
    renderWizard(() => ({
      status: 400,
      body: {
        statusCode: 400,
        code: 'validation.failed',
        message: 'The request is not valid',
        correlationId: 'c1',
        details: [
          { field: 'offences[0].maxPenalty', messages: ['maxPenalty must be shorter than 200 characters'] },
        ],
      },
    }));
    await chooseType(user, 'mla_general');
    await waitFor(() =>
      expect(screen.getByRole('option', { name: 'French central authority (FR)' })).toBeTruthy(),
    );
    await user.selectOptions(screen.getByLabelText('Requested agency'), FR_AGENCY);
    for (const label of [
      'Your file number',
      'Title',
      'Offence: national provision',
      'Offence: description',
      'Offence: maximum penalty',
      'Summary of facts',
      'Assistance sought',
      'Purpose: why the evidence is needed',
    ])
      await fill(user, screen.getByLabelText(label), 'x');
    await user.click(
      within(screen.getByRole('group', { name: 'Measures sought' })).getByLabelText(
        'Originals or certified copies of records',
      ),
    );
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await user.click(await screen.findByRole('button', { name: 'Create' }));
    const field = await screen.findByLabelText('Offence: maximum penalty');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(field.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'maxPenalty must be shorter than 200 characters',
    );
    // The refusal in words, not the API's English message.
    expect(screen.getByRole('alert').textContent).toContain(
      'Some of what was entered was refused. Check the form and try again.',
    );
    expect(screen.getByRole('alert').textContent).not.toContain('The request is not valid');
  });

  it('adds another offence, focused and numbered, and removes one without leaving a gap', async () => {
    const user = userEvent.setup();
    renderWizard();
    await chooseType(user, 'stored_data_access');
    const offences = () => screen.getAllByRole('group', { name: /^Offence \d$/ });
    expect(offences()).toHaveLength(1);
    // One offence cannot be removed: the API requires at least one.
    expect(screen.queryByRole('button', { name: /^Remove Offence/ })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Add another offence' }));
    expect(offences()).toHaveLength(2);
    const second = screen.getByLabelText('Offence: national provision (2)');
    expect(document.activeElement).toBe(second);
    await user.click(screen.getByRole('button', { name: 'Add another identifier' }));
    expect(screen.getAllByRole('group', { name: /^Identifier \d$/ })).toHaveLength(2);

    // The missing fields of the second element are named as such.
    await user.click(screen.getByRole('button', { name: 'Next' }));
    const names = within(screen.getByRole('alert'))
      .getAllByRole('link')
      .map((link) => link.textContent);
    expect(names).toContain('Offence: national provision');
    expect(names).toContain('Offence: national provision (2)');
    expect(names).toContain('Identifier: value (2)');

    await fill(user, screen.getByLabelText('Offence: national provision'), 'art. 290');
    await fill(user, screen.getByLabelText('Offence: national provision (2)'), 'art. 289');
    await user.click(screen.getByRole('button', { name: 'Remove Offence 1' }));
    expect(offences()).toHaveLength(1);
    // The focus moves to the element now in its place, and the removal is announced.
    expect(document.activeElement).toBe(screen.getByLabelText('Offence: national provision'));
    expect(screen.getByRole('status').textContent).toBe('Offence 1 removed');
    // The second offence moved up, its answer with it.
    expect(screen.getByLabelText<HTMLInputElement>('Offence: national provision').value).toBe('art. 289');
  });

  it('builds every added element into its list, in order', () => {
    const profile = rules(['offences.maxPenalty']);
    const fields = visibleFields('mla_general', profile, {}, [], { offences: 3 });
    expect(fields.filter((field) => field.item?.list === 'offences').map((field) => field.path)).toEqual([
      'offences[0].provision',
      'offences[0].description',
      'offences[0].maxPenalty',
      'offences[1].provision',
      'offences[1].description',
      'offences[1].maxPenalty',
      'offences[2].provision',
      'offences[2].description',
      'offences[2].maxPenalty',
    ]);
    const values = removeItem(
      {
        'offences[0].provision': 'a',
        'offences[1].provision': 'b',
        'offences[2].provision': 'c',
        'offences[2].description': 'third',
        title: 'kept',
      },
      'offences',
      1,
    );
    expect(values).toEqual({
      'offences[0].provision': 'a',
      'offences[1].provision': 'c',
      'offences[1].description': 'third',
      title: 'kept',
    });
    const body = buildBody(
      'budapest',
      'mla_general',
      visibleFields('mla_general', profile, values, [], { offences: 2 }),
      values,
    );
    expect(body.offences).toEqual([{ provision: 'a' }, { provision: 'c', description: 'third' }]);
    expect(body.title).toBe('kept');
  });

  it('has a label in the catalogue for every field any shipped path can show', () => {
    const everything = rules([
      ...Object.keys(en)
        .filter((key) => key.startsWith('field.details.'))
        .map((key) => key.slice('field.'.length).split('.').slice(0, 2).join('.')),
      'subjects.nationality',
      'subjects.location',
      'subjects.dateOfBirth',
      'urgency.reasons',
      'urgency.requestedBy',
      'offences.catalogueCode',
      'confidentiality.reasons',
      'preservation.custodian',
    ]);
    const shown = [
      ...visibleFields('preservation', everything, { 'urgency.level': 'urgent' }),
      ...visibleFields('stored_data_access', everything, {}),
    ];
    const unlabelled = shown.map((field) => labelKey(field.path)).filter((key) => !(key in en));
    expect(unlabelled).toEqual([]);
  });
});
