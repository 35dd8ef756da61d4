import {
  PartyRelation,
  REQUEST_ACTIONS,
  REQUEST_STATUSES,
  type RequestAction,
  RequestStatus,
  TRANSITIONS,
  allowedActions,
  type ActorStanding,
  type RequestStatus as Status,
} from './request-lifecycle';
import { hasPermission, Permission } from './permissions';
import { OFFER_TYPES } from './request-lifecycle';
import { REQUEST_TYPES, RequestType } from './request-vocabulary';
import { ROLES, Role } from './roles';

const P = PartyRelation;
const R = Role;
const S = RequestStatus;

const REQUESTED_DECIDERS: Array<[PartyRelation, Role]> = [
  [P.RequestedAgency, R.CentralAuthorityOfficer],
  [P.RequestedAgency, R.ContactPointOperator],
];
const EXECUTORS: Array<[PartyRelation, Role]> = [
  [P.RequestedAgency, R.ExecutingOfficer],
  [P.RequestedAgency, R.CentralAuthorityOfficer],
  [P.RequestedAgency, R.ContactPointOperator],
  [P.ExecutingAgency, R.ExecutingOfficer],
];
const REQUESTING_DECIDERS: Array<[PartyRelation, Role]> = [
  [P.RequestingAgency, R.Supervisor],
  [P.RequestingCentralAuthority, R.CentralAuthorityOfficer],
];

/**
 * The expected table, written out independently of TRANSITIONS: for every action, the states it
 * fires from, the state it leads to, and exactly which (relation, role) pairs may fire it.
 */
const EXPECTED: Record<
  RequestAction,
  { from: Status[]; to: Status; who: Array<[PartyRelation, Role]>; scope?: 'request' | 'offer' }
> = {
  submit: {
    from: [S.Draft],
    to: S.PendingApproval,
    who: [
      [P.RequestingAgency, R.LiaisonOfficer],
      [P.RequestingAgency, R.ContactPointOperator],
    ],
  },
  return_to_draft: {
    from: [S.PendingApproval, S.PendingTranslation],
    to: S.Draft,
    who: [[P.RequestingAgency, R.Supervisor]],
  },
  // Nobody: the portal fires it when the missing translation is attached.
  complete_translation: { from: [S.PendingTranslation], to: S.Ready, who: [] },
  approve: { from: [S.PendingApproval], to: S.Ready, who: [[P.RequestingAgency, R.Supervisor]] },
  transmit: {
    from: [S.Ready],
    to: S.Transmitted,
    who: [[P.RequestingCentralAuthority, R.CentralAuthorityOfficer]],
  },
  acknowledge: {
    from: [S.Transmitted],
    to: S.Received,
    who: [
      [P.RequestedAgency, R.CentralAuthorityOfficer],
      [P.RequestedAgency, R.ContactPointOperator],
    ],
  },
  assess: {
    scope: 'request',
    from: [S.Received],
    to: S.UnderAssessment,
    who: [
      [P.RequestedAgency, R.CentralAuthorityOfficer],
      [P.RequestedAgency, R.ContactPointOperator],
    ],
  },
  request_clarification: {
    scope: 'request',
    from: [S.Received, S.UnderAssessment],
    to: S.ClarificationRequested,
    who: EXECUTORS,
  },
  answer_clarification: {
    scope: 'request',
    from: [S.ClarificationRequested],
    to: S.UnderAssessment,
    who: [
      [P.RequestingAgency, R.LiaisonOfficer],
      [P.RequestingAgency, R.Supervisor],
      [P.RequestingAgency, R.ContactPointOperator],
      [P.RequestingCentralAuthority, R.CentralAuthorityOfficer],
    ],
  },
  submit_answer: {
    scope: 'request',
    from: [S.ClarificationRequested],
    to: S.AnswerPendingApproval,
    who: [
      [P.RequestingAgency, R.LiaisonOfficer],
      [P.RequestingAgency, R.Supervisor],
      [P.RequestingAgency, R.ContactPointOperator],
    ],
  },
  approve_answer: {
    scope: 'request',
    from: [S.AnswerPendingApproval],
    to: S.UnderAssessment,
    who: [[P.RequestingAgency, R.Supervisor]],
  },
  return_answer: {
    scope: 'request',
    from: [S.AnswerPendingApproval],
    to: S.ClarificationRequested,
    who: [[P.RequestingAgency, R.Supervisor]],
  },
  start_consultation: {
    scope: 'request',
    from: [S.UnderAssessment, S.Accepted, S.InExecution],
    to: S.InConsultation,
    who: REQUESTED_DECIDERS,
  },
  propose_conditions: {
    scope: 'request',
    from: [S.InConsultation],
    to: S.ConditionsProposed,
    who: REQUESTED_DECIDERS,
  },
  accept_conditions: {
    scope: 'request',
    from: [S.ConditionsProposed],
    to: S.Accepted,
    who: REQUESTING_DECIDERS,
  },
  reject_conditions: {
    scope: 'request',
    from: [S.ConditionsProposed],
    to: S.InConsultation,
    who: REQUESTING_DECIDERS,
  },
  accept: {
    scope: 'request',
    from: [S.Received, S.UnderAssessment, S.InConsultation],
    to: S.Accepted,
    who: REQUESTED_DECIDERS,
  },
  refuse: {
    scope: 'request',
    from: [S.Received, S.UnderAssessment, S.InConsultation],
    to: S.Refused,
    who: REQUESTED_DECIDERS,
  },
  start_execution: { scope: 'request', from: [S.Accepted], to: S.InExecution, who: EXECUTORS },
  postpone: {
    scope: 'request',
    from: [S.Accepted, S.InExecution, S.InConsultation],
    to: S.Postponed,
    who: REQUESTED_DECIDERS,
  },
  resume: { scope: 'request', from: [S.Postponed], to: S.InExecution, who: REQUESTED_DECIDERS },
  mark_partially_executed: {
    scope: 'request',
    from: [S.InExecution],
    to: S.PartiallyExecuted,
    who: EXECUTORS,
  },
  mark_executed: { scope: 'request', from: [S.InExecution], to: S.Executed, who: EXECUTORS },
  accept_offer: { scope: 'offer', from: [S.Received], to: S.Accepted, who: REQUESTED_DECIDERS },
  cannot_comply: { scope: 'offer', from: [S.Received], to: S.RecipientCannotComply, who: REQUESTED_DECIDERS },
  provide_information: {
    scope: 'offer',
    from: [S.Accepted, S.RecipientCannotComply],
    to: S.Executed,
    who: REQUESTING_DECIDERS,
  },
  withdraw: {
    from: [
      S.Draft,
      S.PendingApproval,
      S.PendingTranslation,
      S.Ready,
      S.Transmitted,
      S.Received,
      S.UnderAssessment,
      S.ClarificationRequested,
      S.AnswerPendingApproval,
      S.InConsultation,
      S.ConditionsProposed,
      S.Accepted,
      S.InExecution,
      S.Postponed,
      S.RecipientCannotComply,
    ],
    to: S.Withdrawn,
    who: [[P.RequestingAgency, R.Supervisor]],
  },
  // Nobody: only the deadline job lapses a request.
  lapse: {
    scope: 'request',
    from: [S.Accepted, S.InExecution, S.InConsultation, S.ConditionsProposed, S.Postponed],
    to: S.Lapsed,
    who: [],
  },
  close: {
    from: [S.Executed, S.PartiallyExecuted, S.Refused, S.Withdrawn, S.Lapsed],
    to: S.Closed,
    who: [
      [P.RequestingAgency, R.Supervisor],
      [P.RequestingCentralAuthority, R.CentralAuthorityOfficer],
      [P.RequestedAgency, R.CentralAuthorityOfficer],
    ],
  },
};

const RELATIONS = Object.values(PartyRelation);

function standing(role: Role, relations: PartyRelation[], isAuthor = false): ActorStanding {
  return { role, relations: new Set(relations), isAuthor };
}

describe('the transition table', () => {
  it('should define exactly one rule per action, with the expected target state', () => {
    expect(TRANSITIONS.map((rule) => rule.action).sort()).toEqual([...REQUEST_ACTIONS].sort());
    for (const rule of TRANSITIONS) expect(rule.to).toBe(EXPECTED[rule.action].to);
  });

  it('should allow exactly the expected actions: every action, from every state, for every role and relation', () => {
    const mismatches: string[] = [];
    let checked = 0;
    // A request for assistance, and an offer of spontaneous information.
    const types = [
      [RequestType.MlaGeneral, 'request'],
      [RequestType.SpontaneousInformation, 'offer'],
    ] as const;
    for (const [type, kind] of types) {
      for (const action of REQUEST_ACTIONS) {
        for (const status of REQUEST_STATUSES) {
          for (const role of ROLES) {
            for (const relations of [...RELATIONS.map((relation) => [relation]), []]) {
              const expected = EXPECTED[action];
              const permitted =
                (expected.scope === undefined || expected.scope === kind) &&
                expected.from.includes(status) &&
                expected.who.some(
                  ([relation, allowedRole]) => relations.includes(relation) && allowedRole === role,
                );
              const actual = allowedActions(status, standing(role, relations), type).includes(action);
              checked += 1;
              if (actual !== permitted)
                mismatches.push(
                  `${type}: ${action} from ${status} by ${role} as [${relations.join()}]: ${actual}`,
                );
            }
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(
      2 * REQUEST_ACTIONS.length * REQUEST_STATUSES.length * ROLES.length * (RELATIONS.length + 1),
    );
    // Every type but spontaneous information is a request for assistance.
    for (const type of REQUEST_TYPES.filter((candidate) => !OFFER_TYPES.includes(candidate)))
      expect(
        allowedActions(S.Received, standing(R.CentralAuthorityOfficer, [P.RequestedAgency]), type),
      ).toContain('accept');
  });

  it('should never let the author approve their own request, whatever else they are', () => {
    const author = standing(R.Supervisor, [P.RequestingAgency], true);
    expect(allowedActions(S.PendingApproval, author)).toEqual(['return_to_draft', 'withdraw']);
    expect(allowedActions(S.PendingApproval, standing(R.Supervisor, [P.RequestingAgency], false))).toContain(
      'approve',
    );
  });

  it('should offer nothing once a request is closed, and nothing to someone with no relation to it', () => {
    for (const role of ROLES) {
      expect(allowedActions(S.Closed, standing(role, RELATIONS))).toEqual([]);
      for (const status of REQUEST_STATUSES) expect(allowedActions(status, standing(role, []))).toEqual([]);
    }
  });

  it('should give auditors and admins no action at all, whatever their relation', () => {
    for (const status of REQUEST_STATUSES) {
      expect(allowedActions(status, standing(R.Auditor, RELATIONS))).toEqual([]);
      expect(allowedActions(status, standing(R.Admin, RELATIONS))).toEqual([]);
    }
  });

  it('should require grounds and a reason to refuse, and a reason to withdraw or return a draft', () => {
    // Refusal and postponement follow a consultation, or say why there was none.
    expect(
      TRANSITIONS.filter((rule) => rule.needsConsultation)
        .map((rule) => rule.action)
        .sort(),
    ).toEqual(['postpone', 'refuse']);
    const requires = Object.fromEntries(TRANSITIONS.map((rule) => [rule.action, [...rule.requires].sort()]));
    expect(requires).toMatchObject({
      refuse: ['grounds', 'reason'],
      postpone: ['expectedResumeAt', 'grounds', 'reason'],
      start_consultation: ['grounds', 'reason'],
      propose_conditions: ['conditions', 'reason'],
      mark_partially_executed: ['itemOutcomes'],
      withdraw: ['reason'],
      return_to_draft: ['reason'],
      request_clarification: ['reason'],
      answer_clarification: ['reason'],
      approve: [],
      accept: [],
    });
  });
});

describe('the role table and the transition table together', () => {
  it('should let every role that may create a request also submit or withdraw its draft', () => {
    for (const role of ROLES.filter((candidate) => hasPermission(candidate, Permission.RequestCreate))) {
      const own = standing(role, [P.RequestingAgency], true);
      const canMove = TRANSITIONS.some(
        (rule) =>
          rule.from.includes(S.Draft) &&
          rule.actors.some((actor) => actor.relation === P.RequestingAgency && actor.roles.includes(role)),
      );
      expect({ role, canMove, offered: allowedActions(S.Draft, own) }).toMatchObject({ role, canMove: true });
    }
  });
});
