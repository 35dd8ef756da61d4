import type { Schemas } from '@mla/api-client';
import { agencyId, ok, typedRequestBody } from '../support/factories';
import { createTestApp, type DemoUser, type TestApp } from '../support/test-app';

/**
 * Acceptance scenario 18 of domain.md §14 (BUD 26(2); domain.md §5.12): information offered without
 * a request, on condition that it stays confidential. Here Viet Nam offers it (vn.officer drafts,
 * vn.supervisor decides for the sender) and France receives it (fr.central).
 */
describe('Acceptance scenario 18: spontaneous information with conditions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  const fire = async (user: DemoUser, id: string, body: Schemas['TransitionDto']) =>
    (await t.as(user)).POST('/v1/requests/{id}/transitions', { params: { path: { id } }, body });
  const read = async (user: DemoUser, id: string) =>
    ok(await (await t.as(user)).GET('/v1/requests/{id}', { params: { path: { id } } }));
  /** Offered by Viet Nam and received by the French central authority. */
  const offered = async () => {
    const officer = await t.as('vn.officer');
    const frCa = await agencyId(officer, 'FR-CA');
    const { id } = ok(
      await officer.POST('/v1/requests', { body: typedRequestBody('spontaneous_information', frCa) }),
    );
    ok(await fire('vn.officer', id, { action: 'submit' }));
    ok(await fire('vn.supervisor', id, { action: 'approve' }));
    ok(await fire('vn.central', id, { action: 'transmit' }));
    ok(await fire('fr.central', id, { action: 'acknowledge' }));
    return id;
  };

  it('offers the receiver only to accept the conditions or say it cannot comply, never to assess or refuse', async () => {
    const id = await offered();
    const received = await read('fr.central', id);
    expect(received.allowedActions).toEqual(['accept_offer', 'cannot_comply']);
    expect(received.conditions).toEqual([
      expect.objectContaining({ type: 'cond_confidential', status: 'proposed' }),
    ]);
    const refuse = await fire('fr.central', id, {
      action: 'refuse',
      grounds: ['REF_ESSENTIAL_INTERESTS'],
      reason: 'No',
      consultationSkippedReason: 'No',
    });
    expect(refuse.response.status).toBe(409);
    expect(refuse.error).toMatchObject({
      code: 'request.invalid_transition',
      details: { allowedActions: ['accept_offer', 'cannot_comply'] },
    });
    expect((await fire('fr.central', id, { action: 'accept' })).response.status).toBe(409);
  });

  it('France cannot comply (court disclosure rules); Viet Nam decides to send anyway, and that is recorded', async () => {
    const id = await offered();
    expect((await fire('fr.central', id, { action: 'cannot_comply' })).response.status).toBe(400);
    const answered = ok(
      await fire('fr.central', id, {
        action: 'cannot_comply',
        reason: 'Our courts must disclose to the defence everything the prosecution holds.',
      }),
    );
    expect(answered.status).toBe('recipient_cannot_comply');
    expect(answered.conditions.map((condition) => condition.status)).toEqual(['rejected']);
    // The sender decides: the receiver has nothing more to do.
    expect(answered.allowedActions).toEqual([]);
    expect((await read('vn.supervisor', id)).allowedActions).toEqual(['provide_information', 'withdraw']);
    const thread = ok(
      await (await t.as('vn.supervisor')).GET('/v1/requests/{id}/messages', { params: { path: { id } } }),
    ).items;
    expect(thread.map((message) => [message.kind, message.authorAgency?.code])).toEqual([
      ['consultation', 'FR-CA'],
    ]);

    // The liaison officer may not decide for the sender.
    expect((await fire('vn.officer', id, { action: 'provide_information' })).response.status).toBe(403);
    const sent = ok(await fire('vn.supervisor', id, { action: 'provide_information' }));
    expect(sent.status).toBe('executed');
    const history = ok(
      await (await t.as('fr.central')).GET('/v1/requests/{id}/history', { params: { path: { id } } }),
    ).items;
    expect(history.find((entry) => entry.action === 'request.provide_information')?.data).toMatchObject({
      despiteCannotComply: true,
    });
  });

  it('or Viet Nam withdraws the offer', async () => {
    const id = await offered();
    ok(await fire('fr.central', id, { action: 'cannot_comply', reason: 'Defence disclosure rules.' }));
    const withdrawn = ok(
      await fire('vn.supervisor', id, { action: 'withdraw', reason: 'Not without the condition.' }),
    );
    expect(withdrawn.status).toBe('withdrawn');
    // Withdrawn: all that is left is to close the file.
    expect((await read('fr.central', id)).allowedActions).toEqual(['close']);
  });

  it('France accepts the condition: it is bound by it, and the information is then provided', async () => {
    const id = await offered();
    // Only the receiver's deciders accept for France.
    expect((await fire('fr.executing', id, { action: 'accept_offer' })).response.status).toBe(403);
    const accepted = ok(await fire('fr.central', id, { action: 'accept_offer' }));
    expect(accepted.status).toBe('accepted');
    const conditions = ok(
      await (await t.as('fr.central')).GET('/v1/requests/{id}/conditions', { params: { path: { id } } }),
    ).items;
    expect(conditions).toEqual([
      expect.objectContaining({
        type: 'cond_confidential',
        text: 'Keep the information confidential until we say otherwise.',
        status: 'accepted',
      }),
    ]);
    // Viet Nam offered it and is bound by nothing: there is no consent for it to ask.
    const consent = await (
      await t.as('vn.supervisor')
    ).POST('/v1/requests/{id}/consents', {
      params: { path: { id } },
      body: { kind: 'onward_transfer', purpose: 'Share', legalBasis: 'BUD 26', recipientStateCode: 'DE' },
    });
    expect(consent.response.status).toBe(409);
    expect(consent.error).toMatchObject({ code: 'request.consent_not_applicable' });
    const sent = ok(await fire('vn.central', id, { action: 'provide_information' }));
    expect(sent.status).toBe('executed');
    const history = ok(
      await (await t.as('vn.officer')).GET('/v1/requests/{id}/history', { params: { path: { id } } }),
    ).items;
    expect(history.find((entry) => entry.action === 'request.provide_information')?.data).toMatchObject({
      despiteCannotComply: false,
    });
  });
});
