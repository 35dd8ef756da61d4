import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Schemas } from '@mla/api-client';
import { Session } from '../api';
import { I18nProvider, type Language } from '../i18n';
import { fakeFetch } from '../test/fake-api';
import { FR_AGENCY, meDto, REQUEST_ID, requestDto, VN_AGENCY } from '../test/request-fixture';
import { MessageThread } from './MessageThread';

const MESSAGES: Schemas['MessageDto'][] = [
  {
    id: 'm1',
    requestId: REQUEST_ID,
    kind: 'clarification_request',
    body: 'Which time zone is the log timestamp in?',
    author: { id: 'u5', displayName: 'Carla' },
    authorAgency: FR_AGENCY,
    createdAt: '2026-11-03T09:00:00Z',
  },
  {
    id: 'm2',
    requestId: REQUEST_ID,
    kind: 'deadline_reminder',
    body: 'The answer is due in 2 days.',
    author: null,
    authorAgency: null,
    createdAt: '2026-11-04T09:00:00Z',
  },
];

function renderThread(
  request: Schemas['RequestDto'],
  me: Schemas['MeDto'],
  respond: Parameters<typeof fakeFetch>[0] = () => undefined,
  language: Language = 'en',
) {
  const api = fakeFetch((call) => {
    const answer = respond(call);
    if (answer) return answer;
    if (call.method === 'GET' && call.path === `/v1/requests/${REQUEST_ID}/messages`)
      return { status: 200, body: { items: MESSAGES, nextCursor: null } };
    return undefined;
  });
  const session = new Session('http://portal.test', null, api.fetch);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const onTransition = vi.fn();
  render(
    <QueryClientProvider client={queryClient}>
      <I18nProvider language={language}>
        <MessageThread request={request} me={me} client={session.client} onTransition={onTransition} />
      </I18nProvider>
    </QueryClientProvider>,
  );
  return { api, onTransition, queryClient };
}

const refusal = (
  status: number,
  code: string,
  message = 'The request was changed by someone else meanwhile',
) => ({
  status,
  body: { statusCode: status, code, message, correlationId: 'c' },
});

describe('MessageThread', () => {
  it('lists the messages oldest first, with kind, author and agency, and both clocks', async () => {
    renderThread(requestDto(), meDto(VN_AGENCY, 'liaison_officer'));
    const list = await screen.findByRole('list', { name: 'Messages, oldest first' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]?.textContent).toContain('Request for clarification');
    expect(items[0]?.textContent).toContain('Carla, French central authority (FR-CA)');
    expect(items[0]?.textContent).toContain('Which time zone is the log timestamp in?');
    // Viet Nam's officer reads it on her clock, and on France's beside it, its zone named.
    expect(within(items[0] as HTMLElement).getByText(/^\(FR-CA: .*(CET|GMT\+1)\)$/)).toBeTruthy();
    expect(items[0]?.querySelector('time')?.getAttribute('dateTime')).toBe('2026-11-03T09:00:00Z');
    // A reminder the portal wrote has no author: the portal is named, not a blank.
    expect(items[1]?.textContent).toContain('Deadline reminder');
    expect(items[1]?.textContent).toContain('The portal');
    // No kind shows as its code.
    expect(list.textContent).not.toMatch(/clarification_request|deadline_reminder/);
  });

  it('writes a clarification request through its transition, with the version shown', async () => {
    const user = userEvent.setup();
    const updated = requestDto({ status: 'clarification_requested', version: 8 });
    const { api, onTransition } = renderThread(
      requestDto({ allowedActions: ['request_clarification', 'accept'] }),
      meDto(FR_AGENCY, 'central_authority_officer'),
      (call) =>
        call.method === 'POST' && call.path.endsWith('/transitions')
          ? { status: 200, body: updated }
          : undefined,
    );
    await screen.findByRole('list', { name: 'Messages, oldest first' });
    const kind = screen.getByLabelText('Kind of message');
    // The transition first, then the plain messages; "accept" is the action bar's, not the thread's.
    expect(
      within(kind)
        .getAllByRole('option')
        .map((option) => option.getAttribute('value')),
    ).toEqual(['request_clarification', 'status_enquiry', 'status_update', 'note']);
    expect(
      screen.getByText('Sending this also moves the request to “Clarification requested”.'),
    ).toBeTruthy();
    await user.type(screen.getByLabelText('Message'), 'Please give the time zone.');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(onTransition).toHaveBeenCalledWith(updated));
    const post = api.calls.find((call) => call.method === 'POST');
    expect(post?.path).toBe(`/v1/requests/${REQUEST_ID}/transitions`);
    expect(post?.body).toEqual({ action: 'request_clarification', reason: 'Please give the time zone.' });
    expect(post?.headers.get('If-Match')).toBe('"7"');
    expect(
      screen.getByText('Sent: Request for clarification (questions to the requesting side).'),
    ).toBeTruthy();
  });

  it('posts a plain note as a message, which changes no state', async () => {
    const user = userEvent.setup();
    const { api, onTransition } = renderThread(requestDto(), meDto(VN_AGENCY, 'liaison_officer'), (call) =>
      call.method === 'POST' && call.path.endsWith('/messages')
        ? { status: 201, body: { ...MESSAGES[0], id: 'm3', kind: 'note', body: 'Thanks' } }
        : undefined,
    );
    await screen.findByRole('list', { name: 'Messages, oldest first' });
    await user.selectOptions(screen.getByLabelText('Kind of message'), 'note');
    expect(screen.queryByText(/Sending this also moves/)).toBeNull();
    await user.type(screen.getByLabelText('Message'), 'Thanks');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findByText('Sent: Note.');
    const post = api.calls.find((call) => call.method === 'POST');
    expect(post?.path).toBe(`/v1/requests/${REQUEST_ID}/messages`);
    expect(post?.body).toEqual({ kind: 'note', body: 'Thanks' });
    expect(onTransition).not.toHaveBeenCalled();
  });

  it('shows the open question to the requesting side and offers both ways to answer', async () => {
    const user = userEvent.setup();
    renderThread(
      requestDto({
        status: 'clarification_requested',
        allowedActions: ['answer_clarification', 'submit_answer', 'withdraw'],
        clarification: {
          rounds: 1,
          open: true,
          openedAt: '2026-11-03T09:00:00Z',
          items: [
            { field: 'targets[0].timestamp.timeZone', question: 'Which zone?' },
            { field: 'offences[1].description', question: 'What was taken?' },
          ],
          daysWaitingOnRequestingSide: 1,
          answerAwaitingApproval: false,
          pendingAnswer: null,
        },
      }),
      meDto(VN_AGENCY, 'liaison_officer'),
      (call) =>
        call.path.endsWith('/transitions')
          ? {
              status: 409,
              body: {
                statusCode: 409,
                code: 'request.reapproval_required',
                message: 'The answer changed the request',
                correlationId: 'c',
              },
            }
          : undefined,
    );
    await screen.findByText(
      'Clarification round 1 is open: the questions are waiting for the requesting side.',
    );
    // The field asked about in words (the wizard's label), not its path in the request's body.
    expect(screen.getByText('Identifier: time observed, with its zone: Which zone?')).toBeTruthy();
    expect(screen.getByText('Offence: description (2): What was taken?')).toBeTruthy();
    const options = within(screen.getByLabelText('Kind of message')).getAllByRole('option');
    expect(options.map((option) => option.textContent)).toEqual([
      'Answer to the clarification (request unchanged)',
      'Answer with changes to the request (for the supervisor’s approval)',
      'Status enquiry',
      'Status update',
      'Note',
    ]);
    // An answer sent as "unchanged" after the request was edited: the user is told which to use.
    await user.type(screen.getByLabelText('Message'), 'Indochina Time.');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findByText(
      'The request was changed since the question: send the answer for approval instead.',
    );
  });

  it('has no message box before transmission, and says when messages open', async () => {
    renderThread(
      requestDto({ status: 'draft', transmittedAt: null, submittedAt: null }),
      meDto(VN_AGENCY, 'liaison_officer'),
    );
    await screen.findByText('Messages open once the request is transmitted and close with it.');
    expect(screen.queryByLabelText('Message')).toBeNull();
  });
  it('shows the requesting supervisor the answer waiting for approval', async () => {
    renderThread(
      requestDto({
        status: 'answer_pending_approval',
        allowedActions: ['approve_answer', 'return_answer'],
        clarification: {
          rounds: 1,
          open: true,
          openedAt: '2026-11-03T09:00:00Z',
          items: [],
          daysWaitingOnRequestingSide: 1,
          answerAwaitingApproval: true,
          pendingAnswer: {
            text: 'UTC, corrected in the request.',
            writtenById: 'u1',
            writtenAt: '2026-11-04T09:00:00Z',
          },
        },
      }),
      meDto(VN_AGENCY, 'supervisor'),
    );
    await screen.findByText('An answer is waiting for the requesting supervisor’s approval.');
    expect(screen.getByText('UTC, corrected in the request.')).toBeTruthy();
    // Approving or returning it is the action bar's: the thread offers only plain messages.
    expect(
      within(screen.getByLabelText('Kind of message'))
        .getAllByRole('option')
        .map((option) => option.getAttribute('value')),
    ).toEqual(['status_enquiry', 'status_update', 'note']);
  });

  it('on a version conflict reloads the request and says so, as an alert, in the user’s language', async () => {
    const user = userEvent.setup();
    const { api, queryClient } = renderThread(
      requestDto({ allowedActions: ['request_clarification'] }),
      meDto(FR_AGENCY, 'central_authority_officer'),
      (call) =>
        call.method === 'POST' && call.path.endsWith('/transitions')
          ? refusal(409, 'request.version_conflict')
          : undefined,
      'fr',
    );
    // What the page shows of the request (its own query): a conflict must mark it stale.
    queryClient.setQueryData(['request', REQUEST_ID], requestDto());
    await screen.findByRole('list', { name: 'Messages, du plus ancien au plus récent' });
    const readsBefore = api.calls.filter((call) => call.path.endsWith('/messages')).length;
    await user.type(screen.getByLabelText('Message'), 'Quel fuseau ?');
    await user.click(screen.getByRole('button', { name: 'Envoyer' }));
    const alert = await screen.findByRole('alert');
    await waitFor(() =>
      expect(alert.textContent).toBe(
        'La demande a changé depuis que vous l’avez ouverte ; elle a été rechargée. Vérifiez-la et envoyez à nouveau.',
      ),
    );
    expect(document.body.textContent).not.toContain('someone else');
    expect(queryClient.getQueryState(['request', REQUEST_ID])?.isInvalidated).toBe(true);
    // The thread itself is read again.
    await waitFor(() =>
      expect(api.calls.filter((call) => call.path.endsWith('/messages')).length).toBeGreaterThan(readsBefore),
    );
  });

  it('shows another refusal in words, not the API’s English message', async () => {
    const user = userEvent.setup();
    renderThread(
      requestDto(),
      meDto(VN_AGENCY, 'liaison_officer'),
      (call) =>
        call.method === 'POST' && call.path.endsWith('/messages')
          ? refusal(409, 'message.not_allowed', 'The request is closed')
          : undefined,
      'fr',
    );
    await screen.findByRole('list', { name: 'Messages, du plus ancien au plus récent' });
    await user.selectOptions(screen.getByLabelText('Type de message'), 'note');
    await user.type(screen.getByLabelText('Message'), 'Merci');
    await user.click(screen.getByRole('button', { name: 'Envoyer' }));
    await waitFor(() =>
      expect(screen.getAllByRole('alert').map((node) => node.textContent)).toContain(
        'Le message n’a pas pu être envoyé : Aucun message ne peut être envoyé sur cette demande pour l’instant.',
      ),
    );
    expect(document.body.textContent).not.toContain('The request is closed');
  });

  it('reads a long thread a page at a time, offering the later messages', async () => {
    const user = userEvent.setup();
    const later: Schemas['MessageDto'] = {
      ...(MESSAGES[1] as Schemas['MessageDto']),
      id: 'm3',
      kind: 'note',
      body: 'Page two',
    };
    const { api } = renderThread(requestDto(), meDto(VN_AGENCY, 'liaison_officer'), (call) => {
      if (call.method !== 'GET' || !call.path.endsWith('/messages')) return undefined;
      return new URLSearchParams(call.search).get('cursor') === 'c2'
        ? { status: 200, body: { items: [later], nextCursor: null } }
        : { status: 200, body: { items: MESSAGES, nextCursor: 'c2' } };
    });
    const list = await screen.findByRole('list', { name: 'Messages, oldest first' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: 'Show later messages (2 shown)' }));
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(3));
    expect(list.textContent).toContain('Page two');
    expect(screen.queryByRole('button', { name: /Show later messages/ })).toBeNull();
    expect(api.calls.filter((call) => call.path.endsWith('/messages')).map((call) => call.search)).toEqual([
      '?limit=100',
      '?limit=100&cursor=c2',
    ]);
  });
});
