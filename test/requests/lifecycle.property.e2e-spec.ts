import fc from 'fast-check';
import {
  PartyRelation,
  REQUEST_ACTIONS,
  REQUEST_STATUSES,
  RequestAction,
  RequestStatus,
  Role,
  TRANSITIONS,
  actorMayFire,
  allowedActions,
  appliesTo,
  transitionFor,
  type ActorStanding,
  type TransitionInput,
} from '@mla/contracts';
import { agencyId, mlaRequestBody, ok, preservationRequestBody } from '../support/factories';
import { createTestApp, type DemoUser, type TestApp } from '../support/test-app';

/**
 * Issue 4: random sequences of actions by random users against the real app and database. After
 * every step the server must agree with a model built from the transition table, and nobody outside
 * the request's parties (above all the third state) may see it. A failure prints its seed:
 * reproduce with FC_SEED=<seed>; FC_NUM_RUNS raises the number of runs for a longer search.
 */

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 30);
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);
const MAX_STEPS = 12;

/** The demo accounts (demo-directory.ts), restated so the model does not ask the server who is who. */
const USERS: Record<DemoUser, { agency: string; role: Role }> = {
  'vn.officer': { agency: 'VN-C50', role: Role.LiaisonOfficer },
  'vn.supervisor': { agency: 'VN-C50', role: Role.Supervisor },
  'vn.central': { agency: 'VN-CA', role: Role.CentralAuthorityOfficer },
  'fr.central': { agency: 'FR-CA', role: Role.CentralAuthorityOfficer },
  'fr.executing': { agency: 'FR-CA', role: Role.ExecutingOfficer },
  'fr.contact': { agency: 'FR-247', role: Role.ContactPointOperator },
  'fr.investigator': { agency: 'FR-OFAC', role: Role.ExecutingOfficer },
  'de.officer': { agency: 'DE-BKA-CC', role: Role.LiaisonOfficer },
  auditor: { agency: 'VN-OVERSIGHT', role: Role.Auditor },
  admin: { agency: 'VN-PORTAL', role: Role.Admin },
};
const ALL_USERS = Object.keys(USERS) as DemoUser[];
/** Users who work on cases; auditors and admins are refused request content by permission (403). */
const CASE_USERS = ALL_USERS.filter((user) => user !== 'auditor' && user !== 'admin');

type Kind = 'mla_to_central' | 'preservation_to_central' | 'preservation_to_contact_point';
const REQUESTED_AGENCY: Record<Kind, string> = {
  mla_to_central: 'FR-CA',
  preservation_to_central: 'FR-CA',
  preservation_to_contact_point: 'FR-247',
};

/**
 * The items each kind of request asks for (factories.ts): partial execution gives the first one
 * executed and the rest impossible.
 */
const ITEMS: Record<Kind, string[]> = {
  mla_to_central: ['measure:access_stored_data', 'measure:take_evidence_statement'],
  preservation_to_central: ['data:subscriber', 'data:traffic'],
  preservation_to_contact_point: ['data:subscriber', 'data:traffic'],
};
/** MLA requests are routed by the French central authority to its executing agency when assessed. */
const ROUTED_TO = 'FR-OFAC';

/**
 * none: the bare action; required: exactly what the rule asks for (plus the reason for skipping a
 * consultation that did not happen, and the routing of an MLA request); all: reason and grounds always.
 */
type Inputs = 'none' | 'required' | 'all';

type Step =
  | { kind: 'random'; user: DemoUser; action: RequestAction; inputs: Inputs }
  /** The next step of the main line (submit ... mark_executed) by someone entitled to it. */
  | { kind: 'advance'; pick: number }
  /** One of the users the model lets act now, so runs get past the first states. */
  | { kind: 'guided'; pick: number; inputs: Inputs }
  /** Someone not entitled trying an action open in the current state: where a loose actor rule would show. */
  | { kind: 'probe'; pick: number; user: DemoUser; inputs: Inputs };

interface Model {
  kind: Kind;
  creator: DemoUser;
  status: RequestStatus;
  approved: boolean;
  transmitted: boolean;
  /** The status a consultation was opened from (refusal and postponement in it need no reason for skipping one). */
  consultedFrom: RequestStatus | null;
  routed: boolean;
  /** Who submitted the answer awaiting approval: four-eyes keeps them from approving it. */
  answeredBy: DemoUser | null;
}

/** relationsOf (request.policy.ts), restated over the demo directory. */
function standing(model: Model, user: DemoUser): ActorStanding {
  const { agency, role } = USERS[user];
  const relations = new Set<PartyRelation>();
  if (agency === 'VN-C50') relations.add(PartyRelation.RequestingAgency);
  if (agency === 'VN-CA' && model.approved) relations.add(PartyRelation.RequestingCentralAuthority);
  if (agency === REQUESTED_AGENCY[model.kind] && model.transmitted)
    relations.add(PartyRelation.RequestedAgency);
  if (agency === ROUTED_TO && model.routed && model.transmitted) relations.add(PartyRelation.ExecutingAgency);
  // request.policy.ts's standingOf: the author of the content, or of the answer awaiting approval.
  return { role, relations, isAuthor: user === model.creator || user === model.answeredBy };
}

function expectedStatusCode(model: Model, user: DemoUser, action: RequestAction, inputs: Inputs): number {
  const rule = transitionFor(action);
  const who = standing(model, user);
  if (who.role === Role.Auditor || who.role === Role.Admin) return 403;
  if (who.relations.size === 0) return 404;
  if (!rule.from.includes(model.status) || !appliesTo(rule)) return 409;
  if (!actorMayFire(rule, who)) return 403;
  const given = inputsGiven(model, action, inputs);
  const takes = [...rule.requires, ...(rule.optional ?? [])];
  const exact =
    rule.requires.every((input) => given.includes(input)) && given.every((input) => takes.includes(input));
  if (!exact) return 400;
  // Preservation may not be postponed: its profiles give no postponement ground (BUD 29(5)).
  if (action === RequestAction.Postpone && model.kind !== 'mla_to_central') return 400;
  const consulting = model.status === RequestStatus.InConsultation;
  if (rule.needsConsultation && !consulting && !given.includes('consultationSkippedReason')) return 400;
  // Postponement defers execution: from a consultation only when it was opened after acceptance.
  const afterAcceptance: readonly (RequestStatus | null)[] = [
    RequestStatus.Accepted,
    RequestStatus.InExecution,
  ];
  if (action === RequestAction.Postpone && consulting && !afterAcceptance.includes(model.consultedFrom))
    return 409;
  return 200;
}

function inputsGiven(model: Model, action: RequestAction, inputs: Inputs): TransitionInput[] {
  const rule = transitionFor(action);
  if (inputs === 'all') return ['reason', 'grounds'];
  if (inputs === 'none') return [];
  return [
    ...rule.requires,
    ...(rule.needsConsultation && model.status !== RequestStatus.InConsultation
      ? (['consultationSkippedReason'] as const)
      : []),
    ...(action === RequestAction.Assess && model.kind === 'mla_to_central'
      ? (['executingAgencyId'] as const)
      : []),
  ];
}

function resolve(step: Step, model: Model): { user: DemoUser; action: RequestAction; inputs: Inputs } {
  if (step.kind === 'random') return step;
  const open = TRANSITIONS.filter((rule) => rule.from.includes(model.status) && appliesTo(rule));
  if (step.kind === 'advance') {
    const next = open.find((rule) => MAIN_LINE.includes(rule.action)) ?? transitionFor(RequestAction.Close);
    const entitled = CASE_USERS.filter((user) => actorMayFire(next, standing(model, user)));
    const user = entitled.length === 0 ? 'vn.officer' : entitled[step.pick % entitled.length];
    return { user, action: next.action, inputs: 'required' };
  }
  if (step.kind === 'probe') {
    if (open.length === 0) return { user: step.user, action: RequestAction.Close, inputs: step.inputs };
    const rule = open[step.pick % open.length];
    // A party the table does not list for this action: the one a loosened actor rule would let through.
    const outsiders = CASE_USERS.filter((user) => {
      const who = standing(model, user);
      return who.relations.size > 0 && !actorMayFire(rule, who);
    });
    const user =
      outsiders.length === 0 || step.pick % 5 === 0
        ? step.user
        : outsiders[Math.floor(step.pick / open.length) % outsiders.length];
    return { user, action: rule.action, inputs: step.inputs };
  }
  const choices = open.flatMap((rule) =>
    CASE_USERS.filter((user) => actorMayFire(rule, standing(model, user))).map((user) => ({
      user,
      action: rule.action,
    })),
  );
  // Withdrawal ends a run early; it is chosen only one guided step in six.
  const forward = choices.filter((choice) => choice.action !== RequestAction.Withdraw);
  const pool = forward.length === 0 || step.pick % 6 === 0 ? choices : forward;
  if (pool.length === 0) return { user: 'vn.supervisor', action: RequestAction.Close, inputs: step.inputs };
  return { ...pool[step.pick % pool.length], inputs: step.inputs };
}

const MAIN_LINE: readonly RequestAction[] = [
  RequestAction.Submit,
  RequestAction.Approve,
  RequestAction.Transmit,
  RequestAction.Acknowledge,
  RequestAction.Accept,
  RequestAction.StartExecution,
  RequestAction.MarkExecuted,
];

const inputsArb = fc.constantFrom<Inputs>('required', 'required', 'required', 'none', 'all');
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('guided' as const),
      pick: fc.noBias(fc.nat()),
      inputs: inputsArb,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('probe' as const),
      pick: fc.noBias(fc.nat()),
      user: fc.constantFrom(...ALL_USERS),
      inputs: inputsArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('random' as const),
      user: fc.constantFrom(...ALL_USERS),
      action: fc.constantFrom(...REQUEST_ACTIONS),
      inputs: inputsArb,
    }),
  },
);

/** Spelled out so every state and both sides are exercised on every run, whatever the seed. */
function by(user: DemoUser, action: RequestAction, inputs: Inputs = 'required'): Step {
  return { kind: 'random', user, action, inputs };
}
const TO_TRANSMITTED = [
  by('vn.officer', 'submit'),
  by('vn.supervisor', 'approve'),
  by('vn.central', 'transmit'),
];
const EXAMPLES: Array<[Kind, DemoUser, Step[], Step[]]> = [
  [
    'mla_to_central',
    'vn.officer',
    [],
    [
      ...TO_TRANSMITTED,
      by('fr.central', 'acknowledge'),
      by('fr.executing', 'accept'),
      by('fr.central', 'accept'),
      by('fr.executing', 'start_execution'),
      by('fr.executing', 'mark_executed'),
      by('vn.supervisor', 'close'),
    ],
  ],
  [
    'preservation_to_contact_point',
    'vn.officer',
    [],
    [
      ...TO_TRANSMITTED,
      by('fr.contact', 'acknowledge'),
      by('fr.contact', 'request_clarification'),
      by('vn.central', 'answer_clarification', 'none'),
      by('vn.central', 'answer_clarification'),
      by('fr.contact', 'refuse', 'none'),
      by('fr.contact', 'refuse'),
      by('fr.central', 'close'),
      by('vn.supervisor', 'close'),
    ],
  ],
  [
    'mla_to_central',
    'vn.officer',
    [],
    [
      ...TO_TRANSMITTED,
      by('fr.central', 'acknowledge'),
      by('fr.central', 'assess'),
      by('fr.investigator', 'request_clarification'),
      by('vn.officer', 'submit_answer'),
      by('vn.supervisor', 'return_answer'),
      by('vn.officer', 'submit_answer'),
      by('vn.supervisor', 'approve_answer'),
      by('fr.central', 'refuse', 'all'),
      by('fr.central', 'start_consultation'),
      by('fr.central', 'propose_conditions'),
      by('vn.officer', 'accept_conditions'),
      by('vn.supervisor', 'reject_conditions'),
      by('fr.central', 'propose_conditions'),
      by('vn.central', 'accept_conditions'),
      by('fr.investigator', 'start_execution'),
      by('fr.central', 'postpone', 'none'),
      by('fr.central', 'postpone'),
      by('fr.central', 'resume'),
      by('fr.investigator', 'mark_partially_executed'),
      by('fr.central', 'close'),
    ],
  ],
  [
    'preservation_to_central',
    'vn.supervisor',
    [],
    [
      by('vn.officer', 'submit'),
      by('vn.supervisor', 'approve'),
      by('vn.supervisor', 'return_to_draft'),
      by('vn.supervisor', 'withdraw'),
      by('vn.central', 'close'),
      by('vn.supervisor', 'close'),
    ],
  ],
];

describe('The request lifecycle under random actions by random users (property)', () => {
  let t: TestApp;
  const agencies = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp();
    const officer = await t.as('vn.officer');
    for (const code of ['FR-CA', 'FR-247', ROUTED_TO]) agencies.set(code, await agencyId(officer, code));
    // Log everyone in once, outside the timed runs.
    await Promise.all(ALL_USERS.map((user) => t.as(user)));
  });
  afterAll(() => t?.close());

  async function create(kind: Kind, creator: DemoUser): Promise<string> {
    const target = agencies.get(REQUESTED_AGENCY[kind])!;
    const body = kind === 'mla_to_central' ? mlaRequestBody(target) : preservationRequestBody(target);
    return ok(await (await t.as(creator)).POST('/v1/requests', { body })).id;
  }

  async function attempt(model: Model, id: string, user: DemoUser, action: RequestAction, inputs: Inputs) {
    // A ground the request's profile allows, so a complete refusal is refused for no other reason.
    const ground =
      action === RequestAction.Postpone
        ? 'POST_ONGOING_PROCEEDINGS'
        : model.kind === 'mla_to_central'
          ? 'REF_ESSENTIAL_INTERESTS'
          : 'REF_PRES_ESSENTIAL_INTERESTS';
    const given = inputsGiven(model, action, inputs);
    const wants = (input: TransitionInput) => given.includes(input);
    const [first, ...rest] = ITEMS[model.kind];
    return (await t.as(user)).POST('/v1/requests/{id}/transitions', {
      params: { path: { id } },
      body: {
        action,
        ...(wants('reason') ? { reason: `Reason given with ${action}` } : {}),
        ...(wants('grounds') ? { grounds: [ground] } : {}),
        ...(wants('consultationSkippedReason')
          ? { consultationSkippedReason: 'Urgent; no time to consult' }
          : {}),
        ...(wants('conditions')
          ? { conditions: [{ type: 'cond_confidential' as const, text: 'Keep the material confidential' }] }
          : {}),
        ...(wants('expectedResumeAt') ? { expectedResumeAt: '2099-01-01T00:00:00Z' } : {}),
        ...(wants('executingAgencyId') ? { executingAgencyId: agencies.get(ROUTED_TO)! } : {}),
        ...(wants('itemOutcomes')
          ? {
              itemOutcomes: [
                { item: first, outcome: 'executed' as const },
                ...rest.map((item) => ({
                  item,
                  outcome: 'impossible' as const,
                  reason: 'The data no longer exists',
                })),
              ],
            }
          : {}),
      },
    });
  }

  /** Each of `users` sees the request exactly as the model says, or not at all. */
  async function checkEveryone(
    model: Model,
    id: string,
    trace: string,
    users: readonly DemoUser[] = CASE_USERS,
  ): Promise<void> {
    await Promise.all(
      users.map(async (user) => {
        const client = await t.as(user);
        const who = standing(model, user);
        const path = { params: { path: { id } } };
        const seen = await client.GET('/v1/requests/{id}', path);
        if (who.relations.size > 0) {
          expect({ trace, user, code: seen.response.status }).toEqual({ trace, user, code: 200 });
          expect({
            trace,
            user,
            status: seen.data?.status,
            allowed: [...(seen.data?.allowedActions ?? [])].sort(),
          }).toEqual({
            trace,
            user,
            // The requested side does not see that an answer waits for the requesting supervisor.
            status:
              model.status === RequestStatus.AnswerPendingApproval &&
              !who.relations.has(PartyRelation.RequestingAgency) &&
              !who.relations.has(PartyRelation.RequestingCentralAuthority)
                ? RequestStatus.ClarificationRequested
                : model.status,
            allowed: allowedActions(model.status, who).sort(),
          });
          return;
        }
        const [messages, history, list] = await Promise.all([
          client.GET('/v1/requests/{id}/messages', path),
          client.GET('/v1/requests/{id}/history', path),
          client.GET('/v1/requests'),
        ]);
        expect({
          trace,
          user,
          codes: [seen.response.status, messages.response.status, history.response.status],
          listed: ok(list).items.some((item) => item.id === id),
        }).toEqual({ trace, user, codes: [404, 404, 404], listed: false });
      }),
    );
  }

  const visited = new Set<RequestStatus>([RequestStatus.Draft]);

  it('should keep the server in step with the transition table, and the request out of sight of non-parties', async () => {
    const property = fc.asyncProperty(
      fc.constantFrom<Kind>('mla_to_central', 'preservation_to_central', 'preservation_to_contact_point'),
      // The supervisor as author can never approve (four-eyes): those runs stop before `ready`.
      fc.constantFrom<DemoUser>('vn.officer', 'vn.officer', 'vn.supervisor'),
      // A head start along the main line, so the random part begins as often in `accepted` as in `draft`.
      fc.array(fc.record({ kind: fc.constant('advance' as const), pick: fc.noBias(fc.nat()) }), {
        maxLength: MAIN_LINE.length,
        size: 'max',
      }),
      fc.array(stepArb, { minLength: 1, maxLength: MAX_STEPS, size: 'max' }),
      async (kind, creator, head: Step[], tail) => {
        const steps = [...head, ...tail];
        const id = await create(kind, creator);
        const model: Model = {
          kind,
          creator,
          status: RequestStatus.Draft,
          approved: false,
          transmitted: false,
          consultedFrom: null,
          routed: false,
          answeredBy: null,
        };
        const trace: string[] = [`${creator} creates ${kind}`];
        await checkEveryone(model, id, trace.join(' / '));
        for (const step of steps) {
          const { user, action, inputs } = resolve(step, model);
          const expected = expectedStatusCode(model, user, action, inputs);
          const result = await attempt(model, id, user, action, inputs);
          trace.push(`${user} ${action} (${inputs}) from ${model.status}: ${result.response.status}`);
          const where = trace.join(' / ');
          // Never a 5xx, whatever the order of actions: the server always knows why it says no.
          expect([200, 400, 403, 404, 409]).toContain(result.response.status);
          expect({ where, code: result.response.status }).toEqual({ where, code: expected });
          if (expected === 200) {
            if (action === RequestAction.StartConsultation) model.consultedFrom = model.status;
            if (action === RequestAction.SubmitAnswer) model.answeredBy = user;
            if (action === RequestAction.ApproveAnswer || action === RequestAction.ReturnAnswer)
              model.answeredBy = null;
            model.status = transitionFor(action).to;
            model.approved ||= action === RequestAction.Approve;
            model.transmitted ||= action === RequestAction.Transmit;
            model.routed ||= inputsGiven(model, action, inputs).includes('executingAgencyId');
            visited.add(model.status);
            expect(result.data?.status).toBe(model.status);
          }
          // Who sees what changes only with the state; de.officer is asked at every step regardless.
          await checkEveryone(model, id, where, expected === 200 ? CASE_USERS : ['vn.officer', 'de.officer']);
        }
      },
    );
    try {
      // Shrinking replays whole runs against the app (minutes): the trace of the first failure is
      // usually enough, and FC_SHRINK=1 asks for the smallest one.
      await fc.assert(property, {
        numRuns: NUM_RUNS,
        seed: SEED,
        examples: EXAMPLES,
        endOnFailure: process.env.FC_SHRINK !== '1',
        // Idle, 30 runs take 70-100 s; on a 2-core machine shared with other work they have taken
        // over 240 s. Past 180 s the search stops where it is instead of timing the test out: the
        // examples run first and, with the check below, must still reach every state.
        interruptAfterTimeLimit: 180_000,
      });
    } catch (error) {
      throw new Error(`Reproduce with FC_SEED=${SEED}\n${String(error)}`, { cause: error });
    }
    // The examples alone reach every state people can reach (`lapsed` is the deadline job's, tested
    // in deadlines.e2e-spec; `pending_translation` needs a language the requested state does not
    // take, scenario 19; `recipient_cannot_comply` belongs to offers of spontaneous information,
    // scenario 18): a lifecycle state added later without a path here fails.
    const reachable = REQUEST_STATUSES.filter(
      (status) =>
        status === RequestStatus.Draft ||
        TRANSITIONS.some((rule) => rule.to === status && rule.actors.length > 0 && appliesTo(rule)),
    );
    expect([...visited].sort()).toEqual([...reachable].sort());
  }, 240_000);

  it('should leave an audit log that verifies after all those runs', async () => {
    const result = ok(await (await t.as('auditor')).GET('/v1/audit/verify'));
    expect(result).toMatchObject({ ok: true });
    expect(result.checked).toBe(result.headSequence);
  });
});
