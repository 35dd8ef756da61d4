import { login, type ApiClient, type Schemas } from '@mla/api-client';
import { agencyId, mlaRequestBody, ok } from '../support/factories';
import { createTestApp, DEMO_PASSWORD, FakeClock, type DemoUser, type TestApp } from '../support/test-app';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Acceptance scenarios 4, 5, 6 and 8 of domain.md §14: the deeper lifecycle of §6.2, through the
 * generated client. Ana is vn.officer, Sam vn.supervisor; Carla is fr.central, Eve fr.executing;
 * Nadia (fr.investigator) works in the French executing agency the central authority routes to.
 */
describe('Acceptance scenarios: assessment, clarification, consultation, postponement, partial execution', () => {
  let t: TestApp;
  const clock = new FakeClock();
  let frCa: string;
  let frOfac: string;

  beforeAll(async () => {
    t = await createTestApp({}, { clock });
    const ana = await as('vn.officer');
    frCa = await agencyId(ana, 'FR-CA');
    frOfac = await agencyId(ana, 'FR-OFAC');
  });
  afterAll(() => t?.close());

  const as = (user: DemoUser): Promise<ApiClient> => login(t.baseUrl, user, DEMO_PASSWORD);
  const fire = async (user: DemoUser, id: string, body: Schemas['TransitionDto']) => {
    // The clock is frozen: a second between steps keeps messages and history in order.
    clock.advance(1_000);
    return (await as(user)).POST('/v1/requests/{id}/transitions', { params: { path: { id } }, body });
  };
  const read = async (user: DemoUser, id: string) =>
    ok(await (await as(user)).GET('/v1/requests/{id}', { params: { path: { id } } }));
  const history = async (user: DemoUser, id: string) =>
    ok(await (await as(user)).GET('/v1/requests/{id}/history', { params: { path: { id } } })).items;
  const create = async (body: Partial<Schemas['CreateRequestDto']> = {}) =>
    ok(await (await as('vn.officer')).POST('/v1/requests', { body: mlaRequestBody(frCa, body) })).id;
  /** Created, approved, transmitted and acknowledged by the French central authority. */
  const received = async (body: Partial<Schemas['CreateRequestDto']> = {}) => {
    const id = await create(body);
    ok(await fire('vn.officer', id, { action: 'submit' }));
    ok(await fire('vn.supervisor', id, { action: 'approve' }));
    ok(await fire('vn.central', id, { action: 'transmit' }));
    ok(await fire('fr.central', id, { action: 'acknowledge' }));
    return id;
  };

  it('Scenario 4: a question about the IP time zone, an answer that changes the request, re-approval, version 2 with its diff, then execution', async () => {
    const id = await received();
    // T7: Carla routes it to the executing agency, whose officer now sees it; nobody else new does.
    expect(
      (await (await as('fr.investigator')).GET('/v1/requests/{id}', { params: { path: { id } } })).response
        .status,
    ).toBe(404);
    const assessed = ok(await fire('fr.central', id, { action: 'assess', executingAgencyId: frOfac }));
    expect(assessed).toMatchObject({ status: 'under_assessment', executingAgency: { code: 'FR-OFAC' } });
    expect((await read('fr.investigator', id)).allowedActions).toEqual(['request_clarification']);
    let deOfficer = await as('de.officer');
    expect((await deOfficer.GET('/v1/requests/{id}', { params: { path: { id } } })).response.status).toBe(
      404,
    );

    ok(
      await fire('fr.investigator', id, {
        action: 'request_clarification',
        reason: 'In which time zone is the connection time of the IP address given?',
        clarificationItems: [
          {
            field: 'targets[0].timestamp.timeZone',
            question: 'Please confirm the time zone of the log time.',
          },
        ],
      }),
    );
    const asked = await read('vn.officer', id);
    expect(asked.clarification).toMatchObject({
      rounds: 1,
      open: true,
      items: [{ field: 'targets[0].timestamp.timeZone' }],
    });

    // Three days later Ana corrects the request: the logs were in UTC.
    clock.advance(3 * DAY);
    const ana = await as('vn.officer');
    const targets = [
      { ...mlaRequestBody(frCa).targets![0], timestamp: { local: '2026-03-01T07:05:00', timeZone: 'UTC' } },
    ];
    const edited = await ana.PATCH('/v1/requests/{id}', {
      params: { path: { id }, header: { 'If-Match': `"${asked.version}"` } },
      body: { targets },
    });
    expect(edited.response.status).toBe(200);
    expect(edited.data?.contentVersion).toBe(asked.contentVersion + 1);
    // What was sent stays addressed as sent.
    const moved = await ana.PATCH('/v1/requests/{id}', {
      params: { path: { id }, header: { 'If-Match': `"${edited.data!.version}"` } },
      body: { legalBasis: 'budapest' },
    });
    expect(moved.response.status).toBe(400);

    // The content changed, so answering straight back is refused: the supervisor must approve it.
    const direct = await fire('vn.officer', id, {
      action: 'answer_clarification',
      reason: 'UTC, see version 2',
    });
    expect(direct.response.status).toBe(409);
    expect(direct.error).toMatchObject({ code: 'request.reapproval_required' });
    ok(
      await fire('vn.officer', id, {
        action: 'submit_answer',
        reason: 'The log time is UTC; corrected in the request.',
      }),
    );
    // Ana edited it, and Sam did not: four-eyes lets only Sam approve.
    expect((await fire('vn.officer', id, { action: 'approve_answer' })).response.status).toBe(403);
    // The requested side does not see the answer before it is approved.
    // A French translation of the new version waits with it.
    ok(
      await ana.PUT('/v1/requests/{id}/translations/{language}', {
        params: { path: { id, language: 'fr' } },
        body: { text: 'Les heures de connexion sont en UTC.' },
      }),
    );
    const frTranslations = async () =>
      ok(
        await (
          await as('fr.investigator')
        ).GET('/v1/requests/{id}/translations', { params: { path: { id } } }),
      ).items;
    expect(await frTranslations()).toEqual([]);
    // Nor the new content: until Sam approves, France keeps version 1 and its question stays open.
    const waiting = await read('fr.investigator', id);
    expect(waiting).toMatchObject({
      status: 'clarification_requested',
      contentVersion: 1,
      targets: [{ timestamp: { timeZone: 'Asia/Ho_Chi_Minh' } }],
      clarification: { answerAwaitingApproval: false, pendingAnswer: null },
    });
    // Sam reads the answer he is asked to approve, and whose it is.
    expect(await read('vn.supervisor', id)).toMatchObject({
      status: 'answer_pending_approval',
      clarification: {
        answerAwaitingApproval: true,
        pendingAnswer: { text: 'The log time is UTC; corrected in the request.' },
      },
    });
    expect((await read('vn.officer', id)).status).toBe('answer_pending_approval');
    const frList = ok(await (await as('fr.investigator')).GET('/v1/requests'));
    expect(frList.items.find((item) => item.id === id)).toMatchObject({
      status: 'clarification_requested',
      contentVersion: 1,
    });
    const frThreadBefore = ok(
      await (await as('fr.investigator')).GET('/v1/requests/{id}/messages', { params: { path: { id } } }),
    ).items;
    expect(frThreadBefore.map((message) => message.kind)).toEqual(['clarification_request']);
    const approved = ok(await fire('vn.supervisor', id, { action: 'approve_answer' }));
    expect(approved.status).toBe('under_assessment');
    expect((await read('fr.investigator', id)).targets).toMatchObject([{ timestamp: { timeZone: 'UTC' } }]);
    expect(await frTranslations()).toEqual([expect.objectContaining({ language: 'fr', stale: false })]);
    expect(approved.clarification).toMatchObject({
      rounds: 1,
      open: false,
      daysWaitingOnRequestingSide: 3,
      pendingAnswer: null,
    });

    // Both sides see the versions sent and the diff between them.
    const investigator = await as('fr.investigator');
    const versions = ok(await investigator.GET('/v1/requests/{id}/versions', { params: { path: { id } } }));
    expect(versions.items.map((version) => version.contentVersion)).toEqual([1, approved.contentVersion]);
    const diff = ok(
      await investigator.GET('/v1/requests/{id}/versions/diff', {
        params: { path: { id }, query: { from: 1, to: approved.contentVersion } },
      }),
    );
    // The UTC instant is the same (14:05 in Ho Chi Minh City is 07:05 UTC): only how it was written changed.
    expect(diff.changes).toEqual([
      { path: 'targets[0].timestamp.local', before: '2026-03-01T14:05:00', after: '2026-03-01T07:05:00' },
      { path: 'targets[0].timestamp.timeZone', before: 'Asia/Ho_Chi_Minh', after: 'UTC' },
    ]);
    const v1 = ok(
      await investigator.GET('/v1/requests/{id}/versions/{contentVersion}', {
        params: { path: { id, contentVersion: 1 } },
      }),
    );
    expect(v1.content).toMatchObject({ targets: [{ timestamp: { timeZone: 'Asia/Ho_Chi_Minh' } }] });
    const thread = ok(
      await investigator.GET('/v1/requests/{id}/messages', { params: { path: { id } } }),
    ).items;
    expect(thread.map((message) => message.kind)).toEqual([
      'clarification_request',
      'clarification_response',
    ]);
    expect(thread[1]).toMatchObject({
      body: 'The log time is UTC; corrected in the request.',
      author: { displayName: 'Nguyen Van An' },
    });
    // A third state learns nothing, not even that versions exist.
    deOfficer = await as('de.officer');
    expect(
      (await deOfficer.GET('/v1/requests/{id}/versions', { params: { path: { id } } })).response.status,
    ).toBe(404);
    expect(
      (
        await deOfficer.GET('/v1/requests/{id}/versions/diff', {
          params: { path: { id }, query: { from: 1, to: 2 } },
        })
      ).response.status,
    ).toBe(404);

    ok(await fire('fr.central', id, { action: 'accept' }));
    ok(await fire('fr.investigator', id, { action: 'start_execution' }));
    const done = ok(await fire('fr.investigator', id, { action: 'mark_executed' }));
    expect(done.status).toBe('executed');
    expect(done.itemOutcomes).toEqual([
      { item: 'measure:access_stored_data', outcome: 'executed' },
      { item: 'measure:take_evidence_statement', outcome: 'executed' },
    ]);
    const trail = (await history('fr.central', id)).map((entry) => entry.action);
    expect(trail).toEqual(
      expect.arrayContaining([
        'request.assess',
        'request.request_clarification',
        'request.approve_answer',
        'request.mark_executed',
      ]),
    );
    // The requesting side's internal steps stay its own.
    expect(trail).not.toContain('request.submit_answer');
  });

  it('Scenario 5 A: consultation on essential interests, conditions offered and accepted by Sam; they bind Viet Nam', async () => {
    const id = await received();
    ok(await fire('fr.central', id, { action: 'assess' }));
    const consulting = ok(
      await fire('fr.central', id, {
        action: 'start_consultation',
        grounds: ['REF_ESSENTIAL_INTERESTS'],
        reason: 'Executing this could harm essential interests unless the material stays confidential.',
      }),
    );
    expect(consulting).toMatchObject({
      status: 'in_consultation',
      consultation: { grounds: ['REF_ESSENTIAL_INTERESTS'] },
    });
    // A postponement code is no ground for refusal, and a condition needs its words.
    expect(
      (await fire('fr.central', id, { action: 'propose_conditions', reason: 'Conditions' })).response.status,
    ).toBe(400);
    const offered = ok(
      await fire('fr.central', id, {
        action: 'propose_conditions',
        reason: 'France can assist on these conditions.',
        conditions: [
          { type: 'cond_confidential', text: 'Keep the material and the fact of the request confidential.' },
          { type: 'cond_speciality', text: 'Use only in the phishing proceedings named in the request.' },
        ],
      }),
    );
    expect(offered.status).toBe('conditions_proposed');
    expect(offered.conditions.map((condition) => [condition.type, condition.status])).toEqual([
      ['cond_confidential', 'proposed'],
      ['cond_speciality', 'proposed'],
    ]);
    // Ana may not bind her state; Sam may.
    expect((await fire('vn.officer', id, { action: 'accept_conditions' })).response.status).toBe(403);
    const accepted = ok(await fire('vn.supervisor', id, { action: 'accept_conditions' }));
    expect(accepted.status).toBe('accepted');
    expect(accepted.conditions.every((condition) => condition.status === 'accepted')).toBe(true);
    const seenByFrance = ok(
      await (await as('fr.central')).GET('/v1/requests/{id}/conditions', { params: { path: { id } } }),
    );
    expect(seenByFrance.items.map((condition) => condition.status)).toEqual(['accepted', 'accepted']);
    const thread = ok(
      await (await as('vn.officer')).GET('/v1/requests/{id}/messages', { params: { path: { id } } }),
    ).items;
    expect(thread.map((message) => message.kind)).toEqual(['consultation', 'consultation']);

    // The accepted conditions travel with the material: an onward transfer France later consents to
    // carries them, before the consent's own (domain.md §8.1).
    ok(await fire('fr.executing', id, { action: 'start_execution' }));
    const sam = await as('vn.supervisor');
    const consent = ok(
      await sam.POST('/v1/requests/{id}/consents', {
        params: { path: { id } },
        body: {
          kind: 'onward_transfer',
          purpose: 'German prosecutors hold the co-accused',
          legalBasis: 'UNCC art. 36',
          recipientStateCode: 'DE',
        },
      }),
    );
    ok(
      await (
        await as('fr.central')
      ).POST('/v1/requests/{id}/consents/{consentId}/decision', {
        params: { path: { id, consentId: consent.id } },
        body: { decision: 'granted' },
      }),
    );
    const transfer = ok(
      await sam.POST('/v1/requests/{id}/onward-transfers', {
        params: { path: { id } },
        body: { recipientStateCode: 'DE', recipientDescription: 'Staatsanwaltschaft', purpose: 'Co-accused' },
      }),
    );
    expect(transfer.conditions.map((condition) => condition.type)).toEqual([
      'cond_confidential',
      'cond_speciality',
    ]);
  });

  it('Scenario 5 B: Sam rejects the conditions; Carla cannot refuse without reasons, then refuses after the consultation', async () => {
    const id = await received();
    ok(await fire('fr.central', id, { action: 'assess' }));
    ok(
      await fire('fr.central', id, {
        action: 'start_consultation',
        grounds: ['REF_ESSENTIAL_INTERESTS'],
        reason: 'Essential interests are at stake.',
      }),
    );
    ok(
      await fire('fr.central', id, {
        action: 'propose_conditions',
        reason: 'Only on these terms.',
        conditions: [{ type: 'cond_confidential', text: 'Keep it confidential.' }],
      }),
    );
    const rejected = ok(
      await fire('vn.supervisor', id, {
        action: 'reject_conditions',
        reason: 'Our courts require disclosure to the defence.',
      }),
    );
    expect(rejected.status).toBe('in_consultation');
    expect(rejected.conditions.map((condition) => condition.status)).toEqual(['rejected']);

    const noReason = await fire('fr.central', id, { action: 'refuse', grounds: ['REF_ESSENTIAL_INTERESTS'] });
    expect(noReason.response.status).toBe(400);
    expect(noReason.error).toMatchObject({ details: [expect.objectContaining({ field: 'reason' })] });
    const refused = ok(
      await fire('fr.central', id, {
        action: 'refuse',
        grounds: ['REF_ESSENTIAL_INTERESTS'],
        reason: 'Disclosure to the defence would harm the essential interests of France.',
      }),
    );
    expect(refused).toMatchObject({
      status: 'refused',
      refusal: { grounds: ['REF_ESSENTIAL_INTERESTS'], consultation: { held: true } },
    });
  });

  it('Scenario 5: a refusal with no consultation must record why none was appropriate', async () => {
    const id = await received();
    ok(await fire('fr.central', id, { action: 'assess' }));
    const bare = await fire('fr.central', id, {
      action: 'refuse',
      grounds: ['REF_ESSENTIAL_INTERESTS'],
      reason: 'Essential interests.',
    });
    expect(bare.response.status).toBe(400);
    expect(bare.error).toMatchObject({
      details: [expect.objectContaining({ field: 'consultationSkippedReason' })],
    });
    const refused = ok(
      await fire('fr.central', id, {
        action: 'refuse',
        grounds: ['REF_ESSENTIAL_INTERESTS'],
        reason: 'Essential interests.',
        consultationSkippedReason:
          'No condition could meet the objection: the matter is covered by defence secrecy.',
      }),
    );
    expect(refused.refusal?.consultation).toEqual({
      held: false,
      skippedBecause: 'No condition could meet the objection: the matter is covered by defence secrecy.',
    });
    const audit = (await history('vn.officer', id)).find((entry) => entry.action === 'request.refuse');
    expect(audit?.data).toMatchObject({ consultationHeld: false });
  });

  it('Scenario 6: postponement for ongoing proceedings, a status enquiry on day 20 that changes nothing, then resumption', async () => {
    const id = await received();
    ok(await fire('fr.central', id, { action: 'accept' }));
    ok(await fire('fr.executing', id, { action: 'start_execution' }));
    ok(
      await fire('fr.central', id, {
        action: 'start_consultation',
        grounds: ['POST_ONGOING_PROCEEDINGS'],
        reason: 'Execution now would interfere with French proceedings against the same host.',
      }),
    );
    const resumeBy = new Date(clock.now().getTime() + 45 * DAY).toISOString();
    // A refusal ground is not a postponement ground.
    const wrong = await fire('fr.central', id, {
      action: 'postpone',
      grounds: ['REF_ESSENTIAL_INTERESTS'],
      reason: 'Ongoing proceedings',
      expectedResumeAt: resumeBy,
    });
    expect(wrong.response.status).toBe(400);
    const past = await fire('fr.central', id, {
      action: 'postpone',
      grounds: ['POST_ONGOING_PROCEEDINGS'],
      reason: 'Ongoing proceedings',
      expectedResumeAt: new Date(clock.now().getTime() - DAY).toISOString(),
    });
    expect(past.response.status).toBe(400);
    const postponed = ok(
      await fire('fr.central', id, {
        action: 'postpone',
        grounds: ['POST_ONGOING_PROCEEDINGS'],
        reason: 'A French investigation of the same host must not be alerted before its searches.',
        expectedResumeAt: resumeBy,
      }),
    );
    expect(postponed).toMatchObject({
      status: 'postponed',
      postponement: {
        grounds: ['POST_ONGOING_PROCEEDINGS'],
        expectedResumeAt: resumeBy,
        consultation: { held: true },
      },
    });

    clock.advance(20 * DAY);
    const ana = await as('vn.officer');
    ok(
      await ana.POST('/v1/requests/{id}/messages', {
        params: { path: { id } },
        body: { kind: 'status_enquiry', body: 'Is the resume date still 45 days out?' },
      }),
    );
    clock.advance(1_000);
    ok(
      await (
        await as('fr.central')
      ).POST('/v1/requests/{id}/messages', {
        params: { path: { id } },
        body: { kind: 'status_update', body: 'Yes; the searches are planned for next month.' },
      }),
    );
    expect((await read('vn.officer', id)).status).toBe('postponed');

    clock.advance(25 * DAY);
    const resumed = ok(
      await fire('fr.central', id, { action: 'resume', reason: 'The French searches are done.' }),
    );
    expect(resumed.status).toBe('in_execution');
    expect(resumed.postponement).toMatchObject({ resumeNote: 'The French searches are done.' });
    expect(Date.parse(resumed.postponement!.resumedAt!)).toBeGreaterThan(
      Date.parse(resumed.postponement!.postponedAt),
    );
    const trail = await history('vn.officer', id);
    const postpone = trail.find((entry) => entry.action === 'request.postpone');
    const resume = trail.find((entry) => entry.action === 'request.resume');
    expect(postpone?.data).toMatchObject({
      reason: expect.stringContaining('French investigation'),
      expectedResumeAt: resumeBy,
    });
    expect(resume?.data).toMatchObject({ reason: 'The French searches are done.' });
    expect(Date.parse(resume!.ts)).toBeGreaterThan(Date.parse(postpone!.ts));
  });

  it('Scenario 8: Eve delivers the records but refuses the interception; Ana follows up only for the refused item', async () => {
    const id = await received({
      assistanceSought: {
        measures: ['provide_records', 'intercept_content'],
        description: 'Subscriber records of the hosting account; interception of its mailbox.',
      },
    });
    ok(await fire('fr.central', id, { action: 'accept' }));
    ok(await fire('fr.executing', id, { action: 'start_execution' }));
    const incomplete = await fire('fr.executing', id, {
      action: 'mark_partially_executed',
      itemOutcomes: [{ item: 'measure:provide_records', outcome: 'executed' }],
    });
    expect(incomplete.response.status).toBe(400);
    const unfounded = await fire('fr.executing', id, {
      action: 'mark_partially_executed',
      itemOutcomes: [
        { item: 'measure:provide_records', outcome: 'executed' },
        { item: 'measure:intercept_content', outcome: 'refused', reason: 'Not allowed' },
      ],
    });
    expect(unfounded.error).toMatchObject({
      details: [expect.objectContaining({ field: 'itemOutcomes[1].groundCode' })],
    });
    const partial = ok(
      await fire('fr.executing', id, {
        action: 'mark_partially_executed',
        itemOutcomes: [
          { item: 'measure:provide_records', outcome: 'executed' },
          {
            item: 'measure:intercept_content',
            outcome: 'refused',
            groundCode: 'REF_DOMESTIC_PROHIBITION',
            reason: 'French law allows interception only for offences punishable by two years or more.',
          },
        ],
      }),
    );
    expect(partial.status).toBe('partially_executed');
    expect((await read('vn.officer', id)).itemOutcomes).toEqual(partial.itemOutcomes);

    const ana = await as('vn.officer');
    const again = await ana.POST('/v1/requests', {
      body: mlaRequestBody(frCa, {
        assistanceSought: { measures: ['provide_records', 'intercept_content'], description: 'Again' },
        links: [{ requestId: id, relation: 'split_from' }],
      }),
    });
    expect(again.response.status).toBe(400);
    expect(JSON.stringify(again.error)).toContain('measure:provide_records was already executed');
    const followUp = ok(
      await ana.POST('/v1/requests', {
        body: mlaRequestBody(frCa, {
          assistanceSought: {
            measures: ['intercept_content'],
            description: 'Interception, with the offence reclassified.',
          },
          links: [{ requestId: id, relation: 'split_from' }],
        }),
      }),
    );
    expect(followUp.links).toEqual([expect.objectContaining({ requestId: id, relation: 'split_from' })]);
    ok(await fire('vn.supervisor', id, { action: 'close' }));
  });
});
