import { login, type ApiClient } from '@mla/api-client';
import { DeadlineService } from '../../src/modules/requests/deadlines/deadline.service';
import type { DemoUser } from '../support/test-app';
import { agencyId, mlaRequestBody, ok, preservationRequestBody } from '../support/factories';
import { createTestApp, DEMO_PASSWORD, FakeClock, type TestApp } from '../support/test-app';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Deadlines from the request's profile (issue 4 items 4 and 6; domain.md §6.3): computed when their
 * starting event happens, stored in UTC and shown on both sides' clocks; warnings and expiry posted
 * as portal messages by the job; a preservation period nobody extends or follows up lapses.
 */
describe('Deadlines', () => {
  let t: TestApp;
  const clock = new FakeClock();
  let job: DeadlineService;

  beforeAll(async () => {
    t = await createTestApp({}, { clock });
    job = t.app.get(DeadlineService);
  });
  afterAll(() => t?.close());

  // A fresh session for every call: the fake clock moves by days, far past any idle timeout.
  const as = (user: DemoUser): Promise<ApiClient> => login(t.baseUrl, user, DEMO_PASSWORD);
  const fire = async (
    user: DemoUser,
    id: string,
    action: 'submit' | 'approve' | 'transmit' | 'acknowledge' | 'accept',
  ) =>
    ok(
      await (
        await as(user)
      ).POST('/v1/requests/{id}/transitions', { params: { path: { id } }, body: { action } }),
    );
  const reminders = async (user: DemoUser, id: string) =>
    ok(await (await as(user)).GET('/v1/requests/{id}/messages', { params: { path: { id } } })).items.filter(
      (message) => message.kind === 'deadline_reminder',
    );

  it('Scenario 3 (nobody acts): should start the 60-day preservation period at confirmation, warn both sides at 10 and 3 days, then lapse it', async () => {
    const officer = await as('vn.officer');
    const fr247 = await agencyId(officer, 'FR-247');
    const { id } = ok(await officer.POST('/v1/requests', { body: preservationRequestBody(fr247) }));
    await fire('vn.officer', id, 'submit');
    await fire('vn.supervisor', id, 'approve');
    const transmitted = await fire('vn.central', id, 'transmit');
    expect(transmitted.deadlines).toEqual([]);
    await fire('fr.contact', id, 'acknowledge');
    const confirmedAt = clock.now().getTime();
    const accepted = await fire('fr.contact', id, 'accept');

    expect(accepted.deadlines).toHaveLength(1);
    const [deadline] = accepted.deadlines;
    expect(accepted.nextDeadline).toEqual(deadline);
    expect(deadline).toMatchObject({
      name: 'preservation_minimum',
      status: 'open',
      overdue: false,
      onExpiry: 'lapse_unless_extended_or_followed_up',
      dueAt: new Date(confirmedAt + 60 * DAY).toISOString(),
      dueAtRequestingSide: { timeZone: 'Asia/Ho_Chi_Minh' },
      dueAtRequestedSide: { timeZone: 'Europe/Paris' },
    });
    // The same instant on two clocks: Ha Noi is 6 or 5 hours ahead of Paris.
    const hanoi = new Date(`${deadline.dueAtRequestingSide.local}Z`).getTime();
    const paris = new Date(`${deadline.dueAtRequestedSide.local}Z`).getTime();
    expect([5, 6]).toContain((hanoi - paris) / 3_600_000);

    expect(await job.runDue()).toBe(0);
    clock.advance(50 * DAY + 60_000);
    expect(await job.runDue()).toBe(1);
    expect((await reminders('vn.officer', id)).map((message) => message.body)).toEqual([
      expect.stringContaining('(in 10 days)'),
    ]);
    clock.advance(7 * DAY);
    expect(await job.runDue()).toBe(1);
    expect(await job.runDue()).toBe(0);

    clock.advance(3 * DAY);
    // Past due and not yet handled by the job: the overdue filter finds it on either side.
    const overdue = ok(
      await (await as('fr.contact')).GET('/v1/requests', { params: { query: { overdue: 'true' } } }),
    );
    expect(overdue.items.map((item) => item.id)).toEqual([id]);
    // The list carries the next open deadline itself, as the view shows it, now overdue.
    expect(overdue.items[0]?.nextDeadline).toMatchObject({
      name: 'preservation_minimum',
      status: 'open',
      overdue: true,
      dueAt: deadline.dueAt,
      dueAtRequestingSide: deadline.dueAtRequestingSide,
      dueAtRequestedSide: deadline.dueAtRequestedSide,
    });

    expect(await job.runDue()).toBe(1);
    const lapsed = ok(await (await as('vn.officer')).GET('/v1/requests/{id}', { params: { path: { id } } }));
    expect(lapsed.status).toBe('lapsed');
    expect(lapsed.deadlines[0]).toMatchObject({ status: 'expired', overdue: false });
    // No deadline is open any more: neither the view nor the list has a next one.
    expect(lapsed.nextDeadline).toBeNull();
    const listed = ok(
      await (await as('vn.officer')).GET('/v1/requests', { params: { query: { box: 'outgoing' } } }),
    );
    expect(listed.items.find((item) => item.id === id)?.nextDeadline).toBeNull();
    const seenInParis = await reminders('fr.contact', id);
    expect(seenInParis.map((message) => message.body)).toEqual([
      expect.stringContaining('(in 10 days)'),
      expect.stringContaining('(in 3 days)'),
      expect.stringContaining('the request has lapsed'),
    ]);
    expect(seenInParis[0]).toMatchObject({ author: null, authorAgency: null });
    const audit = ok(
      await (await as('auditor')).GET('/v1/audit/events', { params: { query: { requestId: id } } }),
    ).items.map((entry) => [entry.action, entry.actor]);
    expect(audit).toEqual(
      expect.arrayContaining([
        ['request.lapse', null],
        ['request.deadline_expired', null],
        ['request.deadline_warning', null],
      ]),
    );
    // Lapsed, it can only be closed; nobody may lapse a request by hand.
    expect(lapsed.allowedActions).toEqual([]);
    const byHand = await (
      await as('fr.contact')
    ).POST('/v1/requests/{id}/transitions', {
      params: { path: { id } },
      body: { action: 'lapse' },
    });
    expect(byHand.response.status).toBe(409);
  });

  it('should hold the requesting side’s suggested date as a deadline from transmission, and cancel it on refusal', async () => {
    const officer = await as('vn.officer');
    const frCa = await agencyId(officer, 'FR-CA');
    const requestedBy = new Date(clock.now().getTime() + 20 * DAY).toISOString();
    const { id } = ok(
      await officer.POST('/v1/requests', {
        body: mlaRequestBody(frCa, {
          urgency: { level: 'urgent', reasons: 'Trial date set', requestedBy },
        }),
      }),
    );
    await fire('vn.officer', id, 'submit');
    await fire('vn.supervisor', id, 'approve');
    const transmitted = await fire('vn.central', id, 'transmit');
    expect(transmitted.deadlines).toEqual([
      expect.objectContaining({ name: 'requester_suggested', dueAt: requestedBy, status: 'open' }),
    ]);
    await fire('fr.central', id, 'acknowledge');
    const refused = ok(
      await (
        await as('fr.central')
      ).POST('/v1/requests/{id}/transitions', {
        params: { path: { id } },
        body: {
          action: 'refuse',
          grounds: ['REF_ESSENTIAL_INTERESTS'],
          reason: 'Essential interests',
          consultationSkippedReason: 'Nothing could be agreed',
        },
      }),
    );
    expect(refused.deadlines[0]).toMatchObject({ status: 'cancelled' });
    clock.advance(30 * DAY);
    expect(await job.runDue()).toBe(0);
  });
});
