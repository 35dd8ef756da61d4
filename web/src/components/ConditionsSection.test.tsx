import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Schemas } from '@mla/api-client';
import { Session } from '../api';
import { I18nProvider } from '../i18n';
import { fakeFetch } from '../test/fake-api';
import { FR_AGENCY, meDto, REQUEST_ID, requestDto, VN_AGENCY } from '../test/request-fixture';
import { ConditionsSection } from './ConditionsSection';

const CONSENT: Schemas['ConsentDto'] = {
  id: 'c1',
  requestId: REQUEST_ID,
  kind: 'onward_transfer',
  purpose: 'Joint prosecution in Germany',
  legalBasis: 'UNCC art. 36',
  newProceeding: null,
  recipientStateCode: 'DE',
  recipientDescription: 'Prosecutor, Cologne',
  requestedBy: { id: 'u1', displayName: 'Ana' },
  requestedAt: '2026-11-10T08:00:00Z',
  decision: null,
  conditions: [],
  reasons: null,
  document: null,
  decidedBy: null,
  decidedAt: null,
};

const REQUEST = requestDto({
  status: 'accepted',
  conditions: [
    {
      id: 'k1',
      type: 'cond_speciality',
      text: 'Only for the proceedings named.',
      status: 'accepted',
      proposedAt: '2026-11-05T08:00:00Z',
      decidedAt: '2026-11-06T08:00:00Z',
    },
    {
      id: 'k2',
      type: 'cond_no_onward_transfer',
      text: 'Not to third states.',
      status: 'rejected',
      proposedAt: '2026-11-05T08:00:00Z',
      decidedAt: '2026-11-06T08:00:00Z',
    },
  ],
});

function renderSection(
  me: Schemas['MeDto'],
  consents: Schemas['ConsentDto'][] | (() => Schemas['ConsentDto'][]) = [CONSENT],
  decide: Parameters<typeof fakeFetch>[0] = () => undefined,
) {
  const api = fakeFetch((call) => {
    if (call.method === 'GET' && call.path === `/v1/requests/${REQUEST_ID}/consents`)
      return { status: 200, body: { items: typeof consents === 'function' ? consents() : consents } };
    const answer = decide(call);
    if (answer) return answer;
    if (call.method === 'POST' && call.path.endsWith('/decision'))
      return { status: 201, body: { ...CONSENT, decision: 'conditional' } };
    return undefined;
  });
  const session = new Session('http://portal.test', null, api.fetch);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={queryClient}>
      <I18nProvider language="en">
        <ConditionsSection request={REQUEST} me={me} client={session.client} />
      </I18nProvider>
    </QueryClientProvider>,
  );
  return api;
}

describe('ConditionsSection', () => {
  it('names each condition type and state in words, never by code', async () => {
    renderSection(meDto(VN_AGENCY, 'liaison_officer'));
    const table = screen.getByRole('table', {
      name: 'Conditions on use: accepted ones bind the requesting side',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(within(rows[0] as HTMLElement).getByRole('rowheader').textContent).toBe(
      'Speciality (use only for this purpose)',
    );
    expect(rows[0]?.textContent).toContain('Accepted, binding');
    expect(within(rows[1] as HTMLElement).getByRole('rowheader').textContent).toBe('No onward transfer');
    expect(rows[1]?.textContent).toContain('Rejected');
    for (const row of rows) expect(row.textContent).not.toMatch(/cond_|\baccepted\b|\brejected\b/);
    await screen.findByRole('heading', { name: 'Onward transfer to a third state, asked by Ana' });
  });

  it('lists the consents with their state; the requesting side gets no decision form', async () => {
    renderSection(meDto(VN_AGENCY, 'liaison_officer'));
    const consent = await screen.findByRole('article', {
      name: 'Onward transfer to a third state, asked by Ana',
    });
    expect(consent.textContent).toContain('Awaiting decision');
    expect(consent.textContent).toContain('DE · Prosecutor, Cologne');
    expect(within(consent).queryByRole('button', { name: 'Record the decision' })).toBeNull();
  });

  it("lets the requested side's central authority grant it on conditions", async () => {
    const user = userEvent.setup();
    const api = renderSection(meDto(FR_AGENCY, 'central_authority_officer'));
    const consent = await screen.findByRole('article', {
      name: 'Onward transfer to a third state, asked by Ana',
    });
    await user.click(within(consent).getByLabelText('Granted on conditions'));
    await user.selectOptions(within(consent).getByLabelText('Condition'), 'Personal-data protection');
    await user.type(within(consent).getByLabelText('Wording of the condition'), 'GDPR applies.');
    await user.click(within(consent).getByRole('button', { name: 'Record the decision' }));
    await screen.findByText('Decision recorded.');
    const post = api.calls.find((call) => call.method === 'POST');
    expect(post?.path).toBe(`/v1/requests/${REQUEST_ID}/consents/c1/decision`);
    expect(post?.body).toEqual({
      decision: 'conditional',
      conditions: [{ type: 'cond_personal_data', text: 'GDPR applies.' }],
    });
  });

  it('asks for the reasons of a refusal, and sends them without conditions', async () => {
    const user = userEvent.setup();
    const api = renderSection(meDto(FR_AGENCY, 'central_authority_officer'));
    const consent = await screen.findByRole('article', {
      name: 'Onward transfer to a third state, asked by Ana',
    });
    await user.click(within(consent).getByLabelText('Refused'));
    await user.type(within(consent).getByLabelText('Reasons for the refusal'), 'Ongoing investigation.');
    await user.click(within(consent).getByRole('button', { name: 'Record the decision' }));
    await waitFor(() => expect(api.calls.some((call) => call.method === 'POST')).toBe(true));
    expect(api.calls.find((call) => call.method === 'POST')?.body).toEqual({
      decision: 'refused',
      reasons: 'Ongoing investigation.',
    });
  });

  it('names each pending consent’s form by its consent, and says the decision outlives the form', async () => {
    const user = userEvent.setup();
    const second: Schemas['ConsentDto'] = {
      ...CONSENT,
      id: 'c2',
      kind: 'further_use',
      requestedBy: { id: 'u2', displayName: 'Binh' },
    };
    let decided = false;
    renderSection(
      meDto(FR_AGENCY, 'central_authority_officer'),
      () => (decided ? [{ ...CONSENT, decision: 'granted' as const }, second] : [CONSENT, second]),
      (call) => {
        if (call.method !== 'POST') return undefined;
        decided = true;
        return { status: 201, body: { ...CONSENT, decision: 'granted' } };
      },
    );
    const forms = await screen.findAllByRole('form');
    expect(forms.map((form) => form.getAttribute('aria-labelledby')?.split(' ').length)).toEqual([2, 2]);
    const first = screen.getByRole('form', {
      name: 'Decide on this consent Onward transfer to a third state, asked by Ana',
    });
    expect(screen.getByRole('form', { name: /^Decide on this consent .*asked by Binh$/ })).toBeTruthy();
    await user.click(within(first).getByRole('button', { name: 'Record the decision' }));
    // The decided consent has no form any more; the news and the focus did not go with it.
    await waitFor(() => expect(screen.getAllByRole('form')).toHaveLength(1));
    expect(screen.getAllByRole('status').map((node) => node.textContent)).toContain('Decision recorded.');
    expect(document.activeElement).toBe(
      screen.getByRole('heading', { name: 'Onward transfer to a third state, asked by Ana' }),
    );
  });

  it('shows a refused decision in words, as an alert', async () => {
    const user = userEvent.setup();
    renderSection(meDto(FR_AGENCY, 'central_authority_officer'), [CONSENT], (call) =>
      call.method === 'POST'
        ? {
            status: 409,
            body: {
              statusCode: 409,
              code: 'request.consent_already_decided',
              message: 'Consent c1 was decided already',
              correlationId: 'c',
            },
          }
        : undefined,
    );
    await user.click(await screen.findByRole('button', { name: 'Record the decision' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe(
        'The decision could not be recorded: This consent has already been decided.',
      ),
    );
  });
});
