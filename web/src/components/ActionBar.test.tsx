import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Schemas } from '@mla/api-client';
import { fakeFetch } from '../test/fake-api';
import { fakeSession, renderInPortal } from '../test/render';
import { ActionBar, type ActionBarRequest } from './ActionBar';

const REQUEST_ID = '0b8f6a0e-5a8c-4c1e-9d55-3f3c2b9b7a10';
const agency = (stateCode: string, timeZone: string): Schemas['AgencyDto'] => ({
  id: `00000000-0000-4000-8000-0000000000${stateCode === 'VN' ? '01' : '02'}`,
  code: `${stateCode}-CA`,
  name: `${stateCode} central authority`,
  stateCode,
  kind: 'central_authority',
  timeZone,
  active: true,
});

function requestWith(allowedActions: ActionBarRequest['allowedActions']): ActionBarRequest {
  return {
    id: REQUEST_ID,
    version: 3,
    type: 'stored_data_access',
    legalBasis: 'budapest',
    profileVersion: 1,
    allowedActions,
    requestedItems: ['data:subscriber', 'data:content'],
    requestedAgency: agency('FR', 'Europe/Paris'),
  };
}

function renderBar(
  request: ActionBarRequest,
  respond: Parameters<typeof fakeFetch>[0] = () => undefined,
  onStale?: () => void,
) {
  const api = fakeFetch(respond);
  const session = fakeSession(api.fetch);
  renderInPortal(<ActionBar request={request} client={session.client} onStale={onStale} />, session);
  return api;
}

describe('ActionBar', () => {
  it('offers exactly the actions the API allows, in its order', () => {
    renderBar(requestWith(['approve', 'return_to_draft']));
    const toolbar = screen.getByRole('toolbar', { name: 'Actions' });
    expect(
      within(toolbar)
        .getAllByRole('button')
        .map((button) => button.textContent),
    ).toEqual(['Approve', 'Return to draft']);
  });

  it('says so when nothing is allowed, with no buttons', () => {
    renderBar(requestWith([]));
    expect(screen.queryByRole('toolbar')).toBeNull();
    expect(screen.getByText('Nothing for you to do on this request now.')).toBeTruthy();
  });

  it('posts the action with the version it was shown, after confirmation', async () => {
    const user = userEvent.setup();
    const api = renderBar(requestWith(['approve']), (call) =>
      call.method === 'POST' ? { status: 200, body: { id: REQUEST_ID, status: 'ready' } } : undefined,
    );
    await user.click(screen.getByRole('button', { name: 'Approve' }));
    expect(api.calls).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Confirm: Approve' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Done: Approve.'));
    expect(api.calls).toHaveLength(1);
    const [call] = api.calls;
    expect(call?.method).toBe('POST');
    expect(call?.path).toBe(`/v1/requests/${REQUEST_ID}/transitions`);
    expect(call?.body).toEqual({ action: 'approve' });
    expect(call?.headers.get('If-Match')).toBe('"3"');
    expect(call?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('asks for the reason an action needs and sends it', async () => {
    const user = userEvent.setup();
    const api = renderBar(requestWith(['approve', 'return_to_draft']), (call) =>
      call.method === 'POST' ? { status: 200, body: { id: REQUEST_ID, status: 'draft' } } : undefined,
    );
    await user.click(screen.getByRole('button', { name: 'Return to draft' }));
    const form = screen.getByRole('form', { name: 'Return to draft' });
    await user.type(within(form).getByLabelText('Reason'), 'The time zone of the IP address is missing');
    await user.click(within(form).getByRole('button', { name: 'Confirm: Return to draft' }));
    await waitFor(() => expect(api.calls).toHaveLength(1));
    expect(api.calls[0]?.body).toEqual({
      action: 'return_to_draft',
      reason: 'The time zone of the IP address is missing',
    });
  });

  it('offers only the refusal grounds of the request’s profile and sends those chosen', async () => {
    const user = userEvent.setup();
    const api = renderBar(requestWith(['accept', 'refuse']), (call) => {
      if (call.method === 'GET' && call.path === '/v1/profiles/budapest')
        return {
          status: 200,
          body: {
            legalBasis: 'budapest',
            version: 1,
            requestTypes: {
              stored_data_access: {
                refusalGrounds: ['REF_POLITICAL', 'REF_ESSENTIAL_INTERESTS'],
                postponementGrounds: ['POST_ONGOING_INVESTIGATION'],
              },
            },
          },
        };
      if (call.method === 'POST') return { status: 200, body: { id: REQUEST_ID, status: 'refused' } };
      return undefined;
    });
    await user.click(screen.getByRole('button', { name: 'Refuse' }));
    const form = screen.getByRole('form', { name: 'Refuse' });
    const grounds = within(form).getByRole('group', { name: 'Grounds' });
    await waitFor(() => expect(within(grounds).getAllByRole('checkbox')).toHaveLength(2));
    expect(within(grounds).queryByLabelText('POST_ONGOING_INVESTIGATION')).toBeNull();
    expect(api.calls[0]?.search).toBe('?version=1');
    // Each ground in words, its code beside it; one the catalogue does not know is "Other (code)".
    expect(within(grounds).getByLabelText('Other (REF_POLITICAL) (REF_POLITICAL)')).toBeTruthy();
    await user.click(
      within(grounds).getByLabelText(
        'Sovereignty, security, public order or other essential interests (REF_ESSENTIAL_INTERESTS)',
      ),
    );
    await user.type(within(form).getByLabelText('Reason'), 'Would prejudice essential interests');
    await user.click(within(form).getByRole('button', { name: 'Confirm: Refuse' }));
    await waitFor(() => expect(api.calls.filter((call) => call.method === 'POST')).toHaveLength(1));
    expect(api.calls.find((call) => call.method === 'POST')?.body).toEqual({
      action: 'refuse',
      reason: 'Would prejudice essential interests',
      grounds: ['REF_ESSENTIAL_INTERESTS'],
    });
  });

  it('on a version conflict has the page read the request again, and says so', async () => {
    const user = userEvent.setup();
    const onStale = vi.fn();
    renderBar(
      requestWith(['transmit']),
      () => ({
        status: 412,
        body: {
          statusCode: 412,
          code: 'request.precondition_failed',
          message: 'The request changed since it was read',
          correlationId: 'c1',
        },
      }),
      onStale,
    );
    await user.click(screen.getByRole('button', { name: 'Transmit' }));
    await user.click(screen.getByRole('button', { name: 'Confirm: Transmit' }));
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe(
        'The request has changed since you opened it; it has been reloaded. Check it and act again.',
      ),
    );
    expect(onStale).toHaveBeenCalledTimes(1);
  });

  it('shows the API’s refusal of the action in words, not its English message', async () => {
    const user = userEvent.setup();
    renderBar(requestWith(['transmit']), () => ({
      status: 403,
      body: {
        statusCode: 403,
        code: 'auth.permission_denied',
        message: 'Your role may not transmit',
        correlationId: 'c1',
      },
    }));
    await user.click(screen.getByRole('button', { name: 'Transmit' }));
    await user.click(screen.getByRole('button', { name: 'Confirm: Transmit' }));
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe(
        'The action failed: You are not allowed to do this.',
      ),
    );
  });
  it('routes to an executing agency of the requested state only when asked, at assessment', async () => {
    const user = userEvent.setup();
    const ofac = {
      ...agency('FR', 'Europe/Paris'),
      id: '00000000-0000-4000-8000-000000000003',
      code: 'FR-OFAC',
      name: 'Cybercrime office',
      kind: 'competent_authority',
    };
    const api = renderBar(requestWith(['assess']), (call) => {
      if (call.method === 'GET' && call.path === '/v1/agencies')
        return { status: 200, body: [agency('FR', 'Europe/Paris'), ofac] };
      if (call.method === 'POST')
        return { status: 200, body: { id: REQUEST_ID, status: 'under_assessment' } };
      return undefined;
    });
    await user.click(screen.getByRole('button', { name: 'Start assessment' }));
    const form = screen.getByRole('form', { name: 'Start assessment' });
    const routing = within(form).getByRole('group', { name: 'Route for execution' });
    // Keeping it is the default: no agency asked for, none sent.
    expect(within(routing).getByLabelText('Keep it with FR central authority')).toHaveProperty(
      'checked',
      true,
    );
    expect(within(form).queryByLabelText('Executing agency')).toBeNull();
    await user.click(within(routing).getByLabelText('Route it to an executing agency of FR'));
    const select = within(form).getByLabelText('Executing agency');
    // Agencies of the requested state, the requested agency itself left out.
    await waitFor(() =>
      expect(
        within(select)
          .getAllByRole('option')
          .map((option) => option.textContent),
      ).toEqual(['—', 'Cybercrime office (FR-OFAC)']),
    );
    expect(api.calls.find((call) => call.path === '/v1/agencies')?.search).toBe('?stateCode=FR');
    await user.selectOptions(select, 'Cybercrime office (FR-OFAC)');
    await user.click(within(form).getByRole('button', { name: 'Confirm: Start assessment' }));
    await waitFor(() => expect(api.calls.filter((call) => call.method === 'POST')).toHaveLength(1));
    expect(api.calls.find((call) => call.method === 'POST')?.body).toEqual({
      action: 'assess',
      executingAgencyId: ofac.id,
    });
  });

  it('names the condition types in words when proposing conditions', async () => {
    const user = userEvent.setup();
    renderBar(requestWith(['propose_conditions']));
    await user.click(screen.getByRole('button', { name: 'Propose conditions' }));
    const options = within(screen.getByLabelText('Condition')).getAllByRole('option');
    expect(options[1]?.textContent).toBe('Speciality (use only for this purpose)');
    for (const option of options) expect(option.textContent).not.toMatch(/^cond_/);
  });
});
