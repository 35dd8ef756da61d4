import { login, type ApiClient, type Schemas } from '@mla/api-client';
import { DeadlineService } from '../../src/modules/requests/deadlines/deadline.service';
import { agencyId, mlaRequestBody, ok, preservationRequestBody } from '../support/factories';
import { createTestApp, DEMO_PASSWORD, FakeClock, type DemoUser, type TestApp } from '../support/test-app';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Acceptance scenarios of domain.md §14, as far as the portal carries them today, through the
 * generated client. Ana is vn.officer, Sam vn.supervisor; Carla is fr.central, Paul fr.contact,
 * Eve fr.executing. The clock is the test's, so days pass in an instant.
 */
describe('Acceptance scenarios (domain.md §14)', () => {
  let t: TestApp;
  const clock = new FakeClock();
  let job: DeadlineService;

  beforeAll(async () => {
    t = await createTestApp({}, { clock });
    job = t.app.get(DeadlineService);
  });
  afterAll(() => t?.close());

  const as = (user: DemoUser): Promise<ApiClient> => login(t.baseUrl, user, DEMO_PASSWORD);
  const fire = async (user: DemoUser, id: string, body: Schemas['TransitionDto']) =>
    (await as(user)).POST('/v1/requests/{id}/transitions', { params: { path: { id } }, body });
  const send = async (id: string, requested: DemoUser) => {
    ok(await fire('vn.officer', id, { action: 'submit' }));
    ok(await fire('vn.supervisor', id, { action: 'approve' }));
    ok(await fire('vn.central', id, { action: 'transmit' }));
    ok(await fire(requested, id, { action: 'acknowledge' }));
  };
  const read = async (user: DemoUser, id: string) =>
    ok(await (await as(user)).GET('/v1/requests/{id}', { params: { path: { id } } }));
  const thread = async (user: DemoUser, id: string) =>
    ok(await (await as(user)).GET('/v1/requests/{id}/messages', { params: { path: { id } } })).items;

  it('Scenario 24: a date needed for trial is held as a deadline; Carla is reminded with the reason; an enquiry changes nothing', async () => {
    const ana = await as('vn.officer');
    const frCa = await agencyId(ana, 'FR-CA');
    const neededBy = new Date(clock.now().getTime() + 30 * DAY).toISOString();
    const { id } = ok(
      await ana.POST('/v1/requests', {
        body: mlaRequestBody(frCa, {
          urgency: { level: 'urgent', reasons: 'Trial date set for the suspect', requestedBy: neededBy },
        }),
      }),
    );
    await send(id, 'fr.central');
    const received = await read('fr.central', id);
    expect(received.deadlines).toEqual([
      expect.objectContaining({ name: 'requester_suggested', dueAt: neededBy, status: 'open' }),
    ]);

    clock.advance(16 * DAY + 60_000);
    expect(await job.runDue()).toBe(1);
    const reminder = (await thread('fr.central', id)).find((message) => message.kind === 'deadline_reminder');
    expect(reminder?.body).toContain('(in 14 days)');
    expect(reminder?.body).toContain('Reasons given: Trial date set for the suspect');

    // The clock is frozen: a second between messages keeps their order unambiguous.
    clock.advance(1_000);
    const before = await read('vn.officer', id);
    ok(
      await (
        await as('vn.officer')
      ).POST('/v1/requests/{id}/messages', {
        params: { path: { id } },
        body: { kind: 'status_enquiry', body: 'Will the records arrive before the trial?' },
      }),
    );
    clock.advance(1_000);
    ok(
      await (
        await as('fr.central')
      ).POST('/v1/requests/{id}/messages', {
        params: { path: { id } },
        body: { kind: 'status_update', body: 'The provider answers next week.' },
      }),
    );
    const after = await read('vn.officer', id);
    expect({ status: after.status, version: after.version }).toEqual({
      status: before.status,
      version: before.version,
    });
    expect((await thread('vn.officer', id)).map((message) => message.kind)).toEqual([
      'deadline_reminder',
      'status_enquiry',
      'status_update',
    ]);
  });

  it('Scenario 15: Sam withdraws a pending request as no longer required; B sees it, its deadlines are cancelled, it can do nothing more', async () => {
    const ana = await as('vn.officer');
    const fr247 = await agencyId(ana, 'FR-247');
    const { id } = ok(await ana.POST('/v1/requests', { body: preservationRequestBody(fr247) }));
    await send(id, 'fr.contact');
    ok(await fire('fr.contact', id, { action: 'accept' }));
    expect((await read('fr.contact', id)).deadlines[0]).toMatchObject({ status: 'open' });

    ok(await fire('vn.supervisor', id, { action: 'withdraw', reason: 'Assistance no longer required' }));
    const seenByB = await read('fr.contact', id);
    expect(seenByB.status).toBe('withdrawn');
    expect(seenByB.deadlines[0]).toMatchObject({ status: 'cancelled' });
    expect(seenByB.allowedActions).toEqual([]);
    const late = await fire('fr.contact', id, { action: 'start_execution' });
    expect(late.response.status).toBe(409);
    const history = ok(
      await (await as('fr.contact')).GET('/v1/requests/{id}/history', { params: { path: { id } } }),
    ).items;
    expect(history.find((entry) => entry.action === 'request.withdraw')?.data).toMatchObject({
      reason: 'Assistance no longer required',
    });
    // Nobody is reminded about a period that no longer runs.
    clock.advance(61 * DAY);
    await job.runDue();
    expect(
      (await thread('fr.contact', id)).filter((message) => message.kind === 'deadline_reminder'),
    ).toEqual([]);
    expect((await read('vn.officer', id)).status).toBe('withdrawn');
  });

  /** A preservation request to Paul's 24/7 point, confirmed (accepted) by him. */
  async function confirmedPreservation(afterCall?: (id: string) => Promise<void>): Promise<string> {
    const ana = await as('vn.officer');
    const fr247 = await agencyId(ana, 'FR-247');
    const { id } = ok(await ana.POST('/v1/requests', { body: preservationRequestBody(fr247) }));
    if (afterCall) await afterCall(id);
    await send(id, 'fr.contact');
    ok(await fire('fr.contact', id, { action: 'accept' }));
    return id;
  }

  it('Scenario 3: Ana asks for an extension before day 60 and Paul records the new expiry; warnings follow the new date', async () => {
    const id = await confirmedPreservation();
    const first = (await read('vn.officer', id)).deadlines[0];
    clock.advance(50 * DAY + 60_000);
    expect(await job.runDue()).toBeGreaterThanOrEqual(1);
    ok(
      await (
        await as('vn.officer')
      ).POST('/v1/requests/{id}/messages', {
        params: { path: { id } },
        body: { kind: 'note', body: 'Please extend the preservation: the MLA request is being translated.' },
      }),
    );
    const byAna = await (
      await as('vn.officer')
    ).POST('/v1/requests/{id}/preservation/extension', {
      params: { path: { id } },
    });
    expect(byAna.response.status).toBe(403);
    const extended = ok(
      await (
        await as('fr.contact')
      ).POST('/v1/requests/{id}/preservation/extension', {
        params: { path: { id } },
      }),
    );
    const expiry = extended.deadlines[0];
    expect(new Date(expiry.dueAt).getTime()).toBe(new Date(first.dueAt).getTime() + 60 * DAY);
    expect(expiry.status).toBe('open');
    // Day 61: the old end has passed, but nothing lapses.
    clock.advance(11 * DAY);
    await job.runDue();
    expect((await read('vn.officer', id)).status).toBe('accepted');
    const history = ok(
      await (await as('vn.officer')).GET('/v1/requests/{id}/history', { params: { path: { id } } }),
    ).items;
    expect(history.map((entry) => entry.action)).toContain('request.preservation_extended');
  });

  it('Scenario 1: a 02:00 call to Paul, confirmed in writing within the window; a follow-up on day 40 holds the data and no warning fires', async () => {
    const preservationId = await confirmedPreservation(async (id) => {
      // Ana called Paul at 02:00 and records it on the draft she is writing up.
      const calledAt = new Date(clock.now().getTime() - 60 * 60 * 1000).toISOString();
      const recorded = ok(
        await (
          await as('vn.officer')
        ).POST('/v1/requests/{id}/oral-contacts', {
          params: { path: { id } },
          body: {
            counterpart: 'Paul, FR 24/7 point',
            contactedAt: calledAt,
            summary: 'Asked to preserve the hosting logs',
          },
        }),
      );
      expect(recorded.oralContacts).toEqual([
        expect.objectContaining({ counterpart: 'Paul, FR 24/7 point', contactedAt: calledAt }),
      ]);
      expect(recorded.deadlines).toEqual([
        expect.objectContaining({
          name: 'written_confirmation',
          status: 'open',
          dueAt: new Date(new Date(calledAt).getTime() + 24 * 60 * 60 * 1000).toISOString(),
        }),
      ]);
    });
    const confirmed = await read('fr.contact', preservationId);
    expect(confirmed.deadlines.map((deadline) => [deadline.name, deadline.status])).toEqual([
      ['written_confirmation', 'met'],
      ['preservation_minimum', 'open'],
    ]);
    expect(confirmed.oralContacts).toHaveLength(1);
    clock.advance(40 * DAY);
    const ana = await as('vn.officer');
    const frCa = await agencyId(ana, 'FR-CA');
    const followUp = ok(
      await ana.POST('/v1/requests', {
        body: mlaRequestBody(frCa, {
          links: [{ requestId: preservationId, relation: 'follow_up_of_preservation' }],
        }),
      }),
    );
    expect(followUp.links).toEqual([
      expect.objectContaining({
        requestId: preservationId,
        relation: 'follow_up_of_preservation',
        direction: 'outgoing',
      }),
    ]);
    await send(followUp.id, 'fr.central');

    const preservation = await read('vn.officer', preservationId);
    expect(preservation.deadlines.find((deadline) => deadline.name === 'preservation_minimum')).toMatchObject(
      {
        status: 'held',
      },
    );
    expect(preservation.links).toEqual([
      expect.objectContaining({ requestId: followUp.id, direction: 'incoming' }),
    ]);
    clock.advance(30 * DAY);
    await job.runDue();
    const bodies = (await thread('fr.contact', preservationId))
      .filter((message) => message.kind === 'deadline_reminder')
      .map((message) => message.body);
    expect(bodies).toEqual([expect.stringContaining('stays preserved until a decision')]);
    expect((await read('vn.officer', preservationId)).status).toBe('accepted');

    // A follow-up must name a preservation, sent to the state that preserves the data.
    const wrong = await (
      await as('vn.officer')
    ).POST('/v1/requests', {
      body: mlaRequestBody(frCa, {
        links: [{ requestId: followUp.id, relation: 'follow_up_of_preservation' }],
      }),
    });
    expect({ status: wrong.response.status, details: wrong.error?.details }).toEqual({
      status: 400,
      details: [
        {
          field: 'links[0].requestId',
          messages: ['a follow-up of preservation names a preservation request'],
        },
      ],
    });
  });

  it('Scenario 19: English to a state that takes only French or Spanish waits for a translation; an edit makes it stale again', async () => {
    // The lawyer records that France takes requests under the UN convention in French or Spanish.
    const admin = await as('admin');
    const current = ok(
      await admin.GET('/v1/profiles/{legalBasis}', { params: { path: { legalBasis: 'uncc' } } }),
    );
    const { title, source, requestTypes, languages } = current;
    ok(
      await admin.POST('/v1/profiles/{legalBasis}/versions', {
        params: { path: { legalBasis: 'uncc' } },
        body: { title, source, requestTypes, languages: { ...languages, FR: ['fr', 'es'] } },
      }),
    );

    const ana = await as('vn.officer');
    const frCa = await agencyId(ana, 'FR-CA');
    const draft = ok(await ana.POST('/v1/requests', { body: mlaRequestBody(frCa, { language: 'en' }) }));
    const translate = async (user: DemoUser, text: string) =>
      (await as(user)).PUT('/v1/requests/{id}/translations/{language}', {
        params: { path: { id: draft.id, language: 'fr' } },
        body: { text },
      });
    ok(await translate('vn.officer', 'Demande d’entraide : campagne d’hameçonnage…'));
    // Ana edits the English source afterwards: the French text no longer says the same thing.
    ok(
      await ana.PATCH('/v1/requests/{id}', {
        params: { path: { id: draft.id }, header: { 'If-Match': `"${draft.version}"` } },
        body: { title: 'Phishing campaign against two Vietnamese banks' },
      }),
    );
    const listed = ok(
      await ana.GET('/v1/requests/{id}/translations', { params: { path: { id: draft.id } } }),
    );
    expect(listed).toMatchObject({
      acceptedLanguages: ['fr', 'es'],
      items: [{ language: 'fr', stale: true }],
    });

    ok(await fire('vn.officer', draft.id, { action: 'submit' }));
    // Approved, but France cannot read it yet: it waits for the translation (domain.md §6.2 T3).
    const approved = ok(await fire('vn.supervisor', draft.id, { action: 'approve' }));
    expect(approved).toMatchObject({
      status: 'pending_translation',
      allowedActions: ['return_to_draft', 'withdraw'],
    });
    const blocked = await fire('vn.central', draft.id, { action: 'transmit' });
    expect(blocked.response.status).toBe(409);
    expect(blocked.error).toMatchObject({ code: 'request.invalid_transition' });

    // The central authority's translator attaches a French version of the current text: it is ready.
    ok(await translate('vn.central', 'Demande d’entraide : campagne visant deux banques vietnamiennes…'));
    const ready = await read('vn.central', draft.id);
    expect(ready.status).toBe('ready');
    const trail = ok(
      await (await as('vn.officer')).GET('/v1/requests/{id}/history', { params: { path: { id: draft.id } } }),
    ).items.map((entry) => [entry.action, entry.data.to]);
    expect(trail).toEqual(
      expect.arrayContaining([
        ['request.approve', 'pending_translation'],
        ['request.complete_translation', 'ready'],
      ]),
    );
    expect(ok(await fire('vn.central', draft.id, { action: 'transmit' })).status).toBe('transmitted');
    // Gone out: nothing more is attached to it.
    expect((await translate('vn.central', 'Trop tard')).response.status).toBe(409);
  });
});
