import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Schemas } from '@mla/api-client';
import { formatDateTime } from '../format';
import { fakeFetch } from '../test/fake-api';
import { FR_AGENCY, VN_AGENCY } from '../test/request-fixture';
import { fakeSession, renderInPortal } from '../test/render';
import { RequestsList } from './RequestsList';

const HANOI = VN_AGENCY;
const PARIS = FR_AGENCY;

function deadline(dueAt: string, overdue: boolean): Schemas['DeadlineDto'] {
  return {
    name: 'response',
    status: 'open',
    startsAt: '2026-11-01T00:00:00.000Z',
    dueAt,
    dueAtRequestingSide: { local: '', timeZone: HANOI.timeZone },
    dueAtRequestedSide: { local: '', timeZone: PARIS.timeZone },
    overdue,
    onExpiry: 'remind',
  };
}

function summary(n: number, nextDeadline: Schemas['DeadlineDto'] | null): Schemas['RequestSummaryDto'] {
  return {
    id: `0b8f6a0e-5a8c-4c1e-9d55-3f3c2b9b7a1${n}`,
    reference: `C50-2026-000${n}`,
    title: `Request ${n}`,
    type: 'mla_general',
    legalBasis: 'budapest',
    profileVersion: 1,
    status: 'transmitted',
    version: 1,
    urgencyLevel: 'normal',
    confidential: false,
    language: 'en',
    contentVersion: 1,
    requestingAgency: HANOI,
    requestedAgency: PARIS,
    allowedActions: [],
    nextDeadline,
    createdAt: `2026-11-0${n}T00:00:00.000Z`,
    updatedAt: `2026-11-0${n}T00:00:00.000Z`,
  };
}

const LATE = summary(1, deadline('2026-11-20T09:00:00.000Z', true));
const DUE = summary(3, deadline('2027-01-29T15:30:00.000Z', false));
const NONE = summary(2, null);

function renderList() {
  const api = fakeFetch((call) => {
    if (call.method === 'GET' && call.path === '/v1/auth/me')
      return { status: 200, body: { id: 'u1', displayName: 'An', permissions: [] } };
    if (call.method === 'GET' && call.path === '/v1/requests') {
      const overdue = new URLSearchParams(call.search).get('overdue') === 'true';
      // Newest first, as the API lists them; the overdue query returns only the late one.
      return { status: 200, body: { items: overdue ? [LATE] : [DUE, NONE, LATE], nextCursor: null } };
    }
    return undefined;
  });
  renderInPortal(<RequestsList search="?box=outgoing" />, fakeSession(api.fetch));
  return api;
}

describe('RequestsList', () => {
  it('should show each row’s next deadline from the list itself, on both clocks, overdue first', async () => {
    const api = renderList();
    await waitFor(() => expect(screen.getByText('C50-2026-0003')).toBeTruthy());

    const rows = within(screen.getByRole('table')).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getByRole('rowheader').textContent)).toEqual([
      'C50-2026-0001',
      'C50-2026-0003',
      'C50-2026-0002',
    ]);
    const [late, due, none] = rows as [HTMLElement, HTMLElement, HTMLElement];
    expect(late.className).toBe('overdue');
    expect(within(late).getByText('Overdue')).toBeTruthy();
    expect(due.textContent).toContain(formatDateTime(DUE.nextDeadline!.dueAt, 'en'));
    // The counterpart (Paris, for an outgoing request) reads the same instant on its own clock.
    expect(due.textContent).toContain(
      `(FR-CA: ${formatDateTime(DUE.nextDeadline!.dueAt, 'en', 'Europe/Paris')})`,
    );
    expect(within(due).queryByText('Overdue')).toBeNull();
    expect(none.textContent).toContain('None');

    // Two list queries and the user: no request is fetched row by row.
    expect(api.calls.filter((call) => call.path.startsWith('/v1/requests/'))).toEqual([]);
  });
});
