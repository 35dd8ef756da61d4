import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Schemas } from '@mla/api-client';
import { Session } from '../api';
import { I18nProvider, type Language } from '../i18n';
import { SessionProvider } from '../session';
import { fakeFetch } from '../test/fake-api';
import { FR_AGENCY, meDto, REQUEST_ID, requestDto, VN_AGENCY } from '../test/request-fixture';
import { RequestPage } from './RequestPage';

const event = (seq: number, action: string, role: string | null, outcome = 'success') => ({
  seq,
  id: `e${seq}`,
  ts: `2026-11-0${seq}T10:00:00Z`,
  action,
  outcome,
  actor: role ? { userId: 'u', agencyId: 'a', role } : null,
  target: { type: 'request', id: REQUEST_ID },
  requestId: REQUEST_ID,
  correlationId: null,
  data: {},
  leafHash: 'x',
  chainHash: 'y',
  redacted: false,
});

const HISTORY = [
  event(4, 'request.request_clarification', 'central_authority_officer'),
  event(3, 'request.acknowledge', 'central_authority_officer'),
  event(2, 'request.transmit', 'central_authority_officer'),
  event(1, 'request.some_future_event', null, 'failure'),
];

function renderPage(request: Schemas['RequestDto'], me: Schemas['MeDto'], language: Language = 'en') {
  const api = fakeFetch((call) => {
    if (call.path === '/v1/auth/me') return { status: 200, body: me };
    if (call.path === `/v1/requests/${REQUEST_ID}`) return { status: 200, body: request };
    if (call.path === `/v1/requests/${REQUEST_ID}/history`)
      return { status: 200, body: { items: HISTORY, nextCursor: null } };
    if (call.path === `/v1/requests/${REQUEST_ID}/messages`)
      return { status: 200, body: { items: [], nextCursor: null } };
    if (call.path === `/v1/requests/${REQUEST_ID}/consents`) return { status: 200, body: { items: [] } };
    if (call.path === `/v1/requests/${REQUEST_ID}/evidence`) return { status: 200, body: { items: [] } };
    if (call.path === `/v1/requests/${REQUEST_ID}/evidence-packages`)
      return { status: 200, body: { items: [] } };
    return undefined;
  });
  const storage = {
    getItem: () => JSON.stringify({ accessToken: 'a', refreshToken: 'r' }),
    setItem: () => undefined,
    removeItem: () => undefined,
  };
  const session = new Session('http://portal.test', storage, api.fetch);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <SessionProvider session={session}>
      <QueryClientProvider client={queryClient}>
        <I18nProvider language={language}>
          <RequestPage id={REQUEST_ID} />
        </I18nProvider>
      </QueryClientProvider>
    </SessionProvider>,
  );
  return api;
}

async function timelineItems(name = 'Timeline'): Promise<HTMLElement[]> {
  const heading = await screen.findByRole('heading', { level: 2, name });
  const section = heading.closest('section') as HTMLElement;
  await waitFor(() => expect(section.querySelectorAll('li').length).toBe(HISTORY.length));
  return within(section).getAllByRole('listitem');
}

describe('RequestPage', () => {
  it('names timeline events and roles in words, on both clocks, never by code', async () => {
    renderPage(requestDto(), meDto(VN_AGENCY, 'liaison_officer'));
    const items = await timelineItems();
    expect(items.map((item) => item.querySelector('.event-action')?.textContent)).toEqual([
      'Clarification requested',
      'Receipt acknowledged',
      'Transmitted',
      // An action this screen does not know yet: said to be another event, code in brackets.
      'Other event (request.some_future_event)',
    ]);
    expect(items[0]?.textContent).toContain('by central authority officer');
    expect(items[3]?.textContent).toContain('(failed)');
    for (const item of items.slice(0, 3)) {
      expect(item.textContent).not.toMatch(/request\.|central_authority_officer/);
      // Viet Nam's officer: France's clock beside hers.
      expect(within(item).getByText(/^\(FR-CA: .*(CET|GMT\+1)\)$/)).toBeTruthy();
    }
  });

  it('uses the language of the page for event names (French)', async () => {
    renderPage(requestDto(), meDto(FR_AGENCY, 'central_authority_officer'), 'fr');
    const items = await timelineItems('Historique');
    expect(items[2]?.querySelector('.event-action')?.textContent).toBe('Transmise');
    expect(items[2]?.textContent).toContain('par agent de l’autorité centrale');
    // France's central authority sees Viet Nam's clock beside its own.
    expect(within(items[2] as HTMLElement).getByText(/^\(VN-C50 : .*\)$/)).toBeTruthy();
  });

  it('links the linked requests to their pages, relation and status in words', async () => {
    renderPage(
      requestDto({
        links: [
          {
            requestId: '11111111-2222-4333-8444-555555555555',
            relation: 'follow_up_of_preservation',
            direction: 'outgoing',
            title: 'Preserve the hosting account',
            status: 'accepted',
          },
        ],
      }),
      meDto(VN_AGENCY, 'liaison_officer'),
    );
    const section = (await screen.findByRole('heading', { name: 'Linked requests' })).closest(
      'section',
    ) as HTMLElement;
    const link = within(section).getByRole('link', { name: 'Preserve the hosting account' });
    expect(link.getAttribute('href')).toBe('/requests/11111111-2222-4333-8444-555555555555');
    expect(section.textContent).toContain('Follow-up of the preservation');
    expect(section.textContent).toContain('(Accepted)');
  });

  it("leads the action bar's clarification request to the thread's message box", async () => {
    const user = userEvent.setup();
    renderPage(
      requestDto({ allowedActions: ['request_clarification', 'accept'] }),
      meDto(FR_AGENCY, 'central_authority_officer'),
    );
    const toolbar = await screen.findByRole('toolbar', { name: 'Actions' });
    await screen.findByLabelText('Kind of message');
    await user.selectOptions(screen.getByLabelText('Kind of message'), 'note');
    await user.click(within(toolbar).getByRole('button', { name: 'Request clarification' }));
    // No second form for the same thing: the thread's box, with that kind chosen, has the focus.
    expect(screen.queryByRole('form', { name: 'Request clarification' })).toBeNull();
    expect(screen.getByLabelText<HTMLSelectElement>('Kind of message').value).toBe('request_clarification');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Message')));
    expect(screen.getByText('Write it in the messages below.')).toBeTruthy();
  });

  it('names deadlines and the grounds of a refusal or postponement in words, an unknown one as "Other"', async () => {
    const deadline = (name: string) =>
      ({
        name,
        dueAt: '2026-12-01T10:00:00Z',
        startsAt: '2026-11-01T10:00:00Z',
        status: 'open',
        overdue: false,
        onExpiry: 'notify',
      }) as unknown as Schemas['DeadlineDto'];
    renderPage(
      requestDto({
        status: 'refused',
        refusal: {
          grounds: ['REF_ESSENTIAL_INTERESTS', 'REF_FROM_A_LATER_PROFILE'],
          reason: 'Sécurité nationale',
        },
        postponement: {
          grounds: ['POST_ONGOING_INVESTIGATION'],
          reason: 'Enquête',
          expectedResumeAt: '2027-01-01T10:00:00Z',
        } as unknown as Schemas['PostponementDto'],
        deadlines: [deadline('preservation_minimum'), deadline('some_new_deadline')],
      }),
      meDto(FR_AGENCY, 'central_authority_officer'),
      'fr',
    );
    const deadlines = await screen.findByRole('region', { name: 'Échéances' });
    const rows = within(deadlines)
      .getAllByRole('rowheader')
      .map((cell) => cell.textContent);
    expect(rows).toEqual(['Durée minimale de conservation', 'Autre (some_new_deadline)']);
    const details = screen.getByRole('region', { name: 'Détails' });
    expect(details.textContent).toContain(
      'Souveraineté, sécurité, ordre public ou autres intérêts essentiels; Autre (REF_FROM_A_LATER_PROFILE): Sécurité nationale',
    );
    expect(details.textContent).toContain('Elle nuirait à une enquête en cours: Enquête');
    expect(document.body.textContent).not.toMatch(
      /preservation_minimum|REF_ESSENTIAL_INTERESTS|POST_ONGOING/,
    );
  });
});
