import { login, type ApiClient, type Schemas } from '@mla/api-client';
import { DeadlineService } from '../../src/modules/requests/deadlines/deadline.service';
import { agencyId, mlaRequestBody, ok, typedRequestBody } from '../support/factories';
import { createTestApp, DEMO_PASSWORD, FakeClock, type DemoUser, type TestApp } from '../support/test-app';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

const fieldsOf = (error: unknown): string[] =>
  ((error as { details?: Array<{ field: string }> } | undefined)?.details ?? []).map((entry) => entry.field);

/**
 * Acceptance scenario 9 of domain.md §14, the emergency track of §6.6: Ana (vn.officer) asks Paul's
 * 24/7 point (fr.contact) for an emergency disclosure under BUD-P2 Art 9; Sam (vn.supervisor)
 * approves it and, once it is executed, records the post-event review. The clock is the test's.
 */
describe('Acceptance scenario 9: emergency disclosure (threat to life)', () => {
  let t: TestApp;
  const clock = new FakeClock();
  let job: DeadlineService;
  let fr247: string;

  beforeAll(async () => {
    t = await createTestApp({}, { clock });
    job = t.app.get(DeadlineService);
    fr247 = await agencyId(await as('vn.officer'), 'FR-247');
  });
  afterAll(() => t?.close());

  const as = (user: DemoUser): Promise<ApiClient> => login(t.baseUrl, user, DEMO_PASSWORD);
  const fire = async (user: DemoUser, id: string, action: Schemas['TransitionDto']['action']) =>
    (await as(user)).POST('/v1/requests/{id}/transitions', { params: { path: { id } }, body: { action } });
  const read = async (user: DemoUser, id: string) =>
    ok(await (await as(user)).GET('/v1/requests/{id}', { params: { path: { id } } }));
  const thread = async (user: DemoUser, id: string) =>
    ok(await (await as(user)).GET('/v1/requests/{id}/messages', { params: { path: { id } } })).items;
  const review = async (user: DemoUser, id: string, body: Schemas['RecordEmergencyReviewDto']) =>
    (await as(user)).POST('/v1/requests/{id}/emergency-review', { params: { path: { id } }, body });
  const createEmergency = async (overrides: Partial<Schemas['CreateRequestDto']> = {}) =>
    (await as('vn.officer')).POST('/v1/requests', {
      body: typedRequestBody('emergency_disclosure', fr247, overrides),
    });
  const transmitted = async (): Promise<string> => {
    const { id } = ok(await createEmergency());
    ok(await fire('vn.officer', id, 'submit'));
    ok(await fire('vn.supervisor', id, 'approve'));
    ok(await fire('vn.central', id, 'transmit'));
    return id;
  };

  it('should require a justification showing the imminent risk: an emergency level with reasons', async () => {
    const notEmergency = await createEmergency({ urgency: { level: 'urgent', reasons: 'Soon, please' } });
    expect(notEmergency.response.status).toBe(400);
    expect(fieldsOf(notEmergency.error)).toEqual(['urgency.level']);
    const unjustified = await createEmergency({ urgency: { level: 'emergency' } });
    expect(fieldsOf(unjustified.error)).toEqual(['urgency.reasons']);
    // Any request marked as an emergency needs it, not only an emergency disclosure.
    const ana = await as('vn.officer');
    const mla = await ana.POST('/v1/requests', {
      body: mlaRequestBody(await agencyId(ana, 'FR-CA'), { urgency: { level: 'emergency' } }),
    });
    expect(fieldsOf(mla.error)).toEqual(['urgency.reasons']);
    const blank = await createEmergency({ urgency: { level: 'emergency', reasons: '   ' } });
    expect(fieldsOf(blank.error)).toEqual(['urgency.reasons']);
  });

  it('should alert Paul’s 24/7 point on transmission with an hour-based deadline, then have Sam review it after execution', async () => {
    const id = await transmitted();
    const transmittedAt = (await read('vn.officer', id)).transmittedAt!;

    // Paul sees when the answer is due, in hours, on his own clock.
    const seenByPaul = await read('fr.contact', id);
    const response = seenByPaul.deadlines.find((deadline) => deadline.name === 'emergency_response');
    expect(response).toMatchObject({
      status: 'open',
      startsAt: transmittedAt,
      dueAt: new Date(new Date(transmittedAt).getTime() + 8 * HOUR).toISOString(),
      onExpiry: 'escalate_requested_side',
      dueAtRequestedSide: { timeZone: 'Europe/Paris' },
    });
    // The portal itself alerts the requested side's duty officers (paging and mail come later).
    const [alert] = (await thread('fr.contact', id)).filter((message) => message.kind === 'emergency_alert');
    expect(alert).toMatchObject({ author: null, authorAgency: null });
    expect(alert?.body).toContain('EMERGENCY');
    expect(alert?.body).toContain('8 hours');
    expect(alert?.body).toContain(response!.dueAt);
    expect(alert?.body).toContain('A child’s life is in imminent danger');

    // Nothing to review before the emergency is over.
    const early = await review('vn.supervisor', id, {
      justified: true,
      useLimitsRespected: true,
      notes: 'x',
    });
    expect(early.response.status).toBe(409);
    expect(early.error).toMatchObject({ code: 'request.emergency_review_not_due' });

    // Paul obtains the data from the provider within hours.
    clock.advance(3 * HOUR);
    for (const action of ['acknowledge', 'accept', 'start_execution', 'mark_executed'] as const)
      ok(await fire('fr.contact', id, action));
    const executed = await read('vn.officer', id);
    expect(executed.status).toBe('executed');
    expect(executed.deadlines.find((deadline) => deadline.name === 'emergency_response')?.status).toBe('met');
    const due = executed.deadlines.find((deadline) => deadline.name === 'emergency_review');
    expect(due).toMatchObject({ status: 'open' });
    expect(new Date(due!.dueAt).getTime() - new Date(due!.startsAt).getTime()).toBe(7 * DAY);
    expect(executed.emergencyReview).toBeNull();

    // Two days before it falls due, both sides are reminded.
    clock.advance(5 * DAY + 60_000);
    expect(await job.runDue()).toBe(1);
    expect(
      (await thread('vn.supervisor', id)).some(
        (message) => message.kind === 'deadline_reminder' && message.body.includes('emergency_review'),
      ),
    ).toBe(true);

    // Closing the file does not cancel the review still to come.
    ok(await fire('vn.supervisor', id, 'close'));
    expect(
      (await read('vn.supervisor', id)).deadlines.find((deadline) => deadline.name === 'emergency_review')
        ?.status,
    ).toBe('open');

    // Only the requesting supervisor records the review.
    const findings = {
      justified: true,
      useLimitsRespected: true,
      notes: 'The child was found; the data was used only to locate her.',
    };
    expect((await review('vn.officer', id, findings)).response.status).toBe(403);
    expect((await review('fr.contact', id, findings)).response.status).toBe(403);
    const reviewed = ok(await review('vn.supervisor', id, findings));
    expect(reviewed.emergencyReview).toMatchObject({
      ...findings,
      reviewedBy: { displayName: expect.any(String) },
    });
    expect(reviewed.deadlines.find((deadline) => deadline.name === 'emergency_review')?.status).toBe('met');
    expect((await review('vn.supervisor', id, findings)).response.status).toBe(409);
    // The review is the requesting side's record.
    expect((await read('fr.contact', id)).emergencyReview).toBeNull();

    const history = ok(
      await (await as('vn.supervisor')).GET('/v1/requests/{id}/history', { params: { path: { id } } }),
    ).items;
    expect(history.find((entry) => entry.action === 'request.emergency_review')).toMatchObject({
      actor: { role: 'supervisor' },
      data: { justified: true, useLimitsRespected: true, late: false },
    });
    expect(history.some((entry) => entry.action === 'request.emergency_alert')).toBe(true);
    const paulsHistory = ok(
      await (await as('fr.contact')).GET('/v1/requests/{id}/history', { params: { path: { id } } }),
    ).items.map((entry) => entry.action);
    expect(paulsHistory).toContain('request.emergency_alert');
    expect(paulsHistory).not.toContain('request.emergency_review');
  });

  it('should tell both sides when the hours pass without an answer, and show the request overdue', async () => {
    const id = await transmitted();
    clock.advance(8 * HOUR + 60_000);
    expect(await job.runDue()).toBeGreaterThanOrEqual(1);
    const seenByPaul = await read('fr.contact', id);
    expect(seenByPaul.deadlines.find((deadline) => deadline.name === 'emergency_response')).toMatchObject({
      status: 'expired',
    });
    expect(
      (await thread('vn.officer', id)).some(
        (message) => message.kind === 'deadline_reminder' && message.body.includes('emergency_response'),
      ),
    ).toBe(true);
  });

  it('should not alert anyone or ask for a review for a request that is no emergency', async () => {
    const ana = await as('vn.officer');
    const { id } = ok(
      await ana.POST('/v1/requests', {
        body: typedRequestBody('stored_data_access', await agencyId(ana, 'FR-CA')),
      }),
    );
    ok(await fire('vn.officer', id, 'submit'));
    ok(await fire('vn.supervisor', id, 'approve'));
    ok(await fire('vn.central', id, 'transmit'));
    for (const action of ['acknowledge', 'accept', 'start_execution', 'mark_executed'] as const)
      ok(await fire('fr.central', id, action));
    expect((await thread('fr.central', id)).map((message) => message.kind)).not.toContain('emergency_alert');
    expect((await read('vn.officer', id)).deadlines.map((deadline) => deadline.name)).not.toContain(
      'emergency_review',
    );
    const notDue = await review('vn.supervisor', id, {
      justified: true,
      useLimitsRespected: true,
      notes: 'x',
    });
    expect(notDue.response.status).toBe(409);
  });
});
