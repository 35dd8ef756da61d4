import { Role } from './roles';
import type { AgencyKind } from './directory';
import { MessageKind, RequestType } from './request-vocabulary';

/** Lifecycle of a cooperation request (domain.md §6.1). */
export const RequestStatus = {
  Draft: 'draft',
  PendingApproval: 'pending_approval',
  /** Approved, but in a language the requested state does not take: waits for a translation (§11). */
  PendingTranslation: 'pending_translation',
  Ready: 'ready',
  Transmitted: 'transmitted',
  Received: 'received',
  /** The requested central authority checks conformity, legality and grounds, and routes it (T7). */
  UnderAssessment: 'under_assessment',
  ClarificationRequested: 'clarification_requested',
  /** The requesting side changed the content to answer; its supervisor must approve the new version (T9). */
  AnswerPendingApproval: 'answer_pending_approval',
  /** Consultation before a refusal or postponement (UNCAC 46(26); BUD 27(6)) (T10). */
  InConsultation: 'in_consultation',
  /** Assistance offered subject to conditions; the requesting side accepts or rejects them (T11). */
  ConditionsProposed: 'conditions_proposed',
  Accepted: 'accepted',
  InExecution: 'in_execution',
  /** Execution deferred with grounds, reasons and an expected resume date (UNCAC 46(25)) (T17). */
  Postponed: 'postponed',
  /**
   * Spontaneous information: the receiver cannot comply with the sender's conditions; the sender
   * decides whether to provide it anyway or to withdraw (BUD 26(2); domain.md §5.12).
   */
  RecipientCannotComply: 'recipient_cannot_comply',
  /** Some items done, the rest refused or impossible, each with reasons (T19). */
  PartiallyExecuted: 'partially_executed',
  Executed: 'executed',
  Refused: 'refused',
  Withdrawn: 'withdrawn',
  /** Ran out: a preservation period passed with no extension or follow-up (domain.md §6.1, T21). */
  Lapsed: 'lapsed',
  Closed: 'closed',
} as const;
export type RequestStatus = (typeof RequestStatus)[keyof typeof RequestStatus];
export const REQUEST_STATUSES: readonly RequestStatus[] = Object.values(RequestStatus);

export const RequestAction = {
  Submit: 'submit',
  ReturnToDraft: 'return_to_draft',
  Approve: 'approve',
  /** Fired by the portal when the translations the requested state needs are attached. */
  CompleteTranslation: 'complete_translation',
  Transmit: 'transmit',
  Acknowledge: 'acknowledge',
  Assess: 'assess',
  RequestClarification: 'request_clarification',
  AnswerClarification: 'answer_clarification',
  SubmitAnswer: 'submit_answer',
  ApproveAnswer: 'approve_answer',
  ReturnAnswer: 'return_answer',
  StartConsultation: 'start_consultation',
  ProposeConditions: 'propose_conditions',
  AcceptConditions: 'accept_conditions',
  RejectConditions: 'reject_conditions',
  Accept: 'accept',
  Refuse: 'refuse',
  StartExecution: 'start_execution',
  Postpone: 'postpone',
  Resume: 'resume',
  MarkPartiallyExecuted: 'mark_partially_executed',
  MarkExecuted: 'mark_executed',
  /** Spontaneous information: the receiver accepts the offer and is bound by its conditions. */
  AcceptOffer: 'accept_offer',
  /** Spontaneous information: the receiver cannot comply with the conditions, and says why. */
  CannotComply: 'cannot_comply',
  /** Spontaneous information: the sender provides it, once accepted or despite the receiver's answer. */
  ProvideInformation: 'provide_information',
  Withdraw: 'withdraw',
  /** Fired by the deadline job only, never by a person. */
  Lapse: 'lapse',
  Close: 'close',
} as const;
export type RequestAction = (typeof RequestAction)[keyof typeof RequestAction];
export const REQUEST_ACTIONS: readonly RequestAction[] = Object.values(RequestAction);

/**
 * How a user stands to a request. The requesting side is the requesting agency, plus the central
 * authority of the requesting state once the request has been approved; the requested side is the
 * requested agency once the request has been transmitted, plus the executing agency of the
 * requested state that its central authority routed the request to.
 */
export const PartyRelation = {
  RequestingAgency: 'requesting_agency',
  RequestingCentralAuthority: 'requesting_central_authority',
  RequestedAgency: 'requested_agency',
  ExecutingAgency: 'executing_agency',
} as const;
export type PartyRelation = (typeof PartyRelation)[keyof typeof PartyRelation];

export type RequestSide = 'requesting' | 'requested';

export function sideOf(relation: PartyRelation): RequestSide {
  return relation === PartyRelation.RequestedAgency || relation === PartyRelation.ExecutingAgency
    ? 'requested'
    : 'requesting';
}

/**
 * What may accompany an action. `reason` is free text; `grounds` are refusal or postponement codes
 * of the pinned profile; `conditions` are conditions on use (domain.md §8.1); `expectedResumeAt`
 * dates a postponement; `itemOutcomes` give one outcome per requested item; `executingAgencyId`
 * routes the request; `clarificationItems` name the fields a question is about;
 * `consultationSkippedReason` records why no consultation preceded a refusal or postponement.
 */
export type TransitionInput =
  | 'reason'
  | 'grounds'
  | 'conditions'
  | 'expectedResumeAt'
  | 'itemOutcomes'
  | 'executingAgencyId'
  | 'clarificationItems'
  | 'consultationSkippedReason';

export interface TransitionActor {
  readonly relation: PartyRelation;
  readonly roles: readonly Role[];
}

export interface TransitionRule {
  readonly action: RequestAction;
  readonly from: readonly RequestStatus[];
  readonly to: RequestStatus;
  readonly actors: readonly TransitionActor[];
  /** Inputs that must accompany the action; the server answers 400 naming the missing ones. */
  readonly requires: readonly TransitionInput[];
  /** Inputs the action takes when given; anything neither required nor optional is refused. */
  readonly optional?: readonly TransitionInput[];
  /**
   * Where the action leads instead when the request's language is not one the requested state
   * takes and no current translation is attached (domain.md §6.2 T3: approval leads to
   * PENDING_TRANSLATION rather than READY).
   */
  readonly untranslatedTo?: RequestStatus;
  /** Four-eyes principle: the author of the request may not fire it. */
  readonly notByAuthor?: boolean;
  /** The reason is also recorded as a message of this kind, visible to both sides. */
  readonly recordsMessage?: MessageKind;
  /**
   * Refusal and postponement must follow a consultation (UNCAC 46(26); BUD 27(6)): either the
   * request has been in consultation, or `consultationSkippedReason` records why not ("where
   * appropriate", BUD 27(6)).
   */
  readonly needsConsultation?: boolean;
  /**
   * Which requests the rule is for: `request` for requests for assistance (every type but an offer
   * of spontaneous information), `offer` for offers only; absent, for both.
   */
  readonly scope?: 'request' | 'offer';
}

/** Types that offer information rather than ask for assistance (BUD 26; domain.md §5.12). */
export const OFFER_TYPES: readonly RequestType[] = [RequestType.SpontaneousInformation];

/** Whether a rule applies to a request of `type` (ordinary requests when no type is given). */
export function appliesTo(rule: TransitionRule, type?: RequestType): boolean {
  if (!rule.scope) return true;
  const offer = type !== undefined && OFFER_TYPES.includes(type);
  return rule.scope === (offer ? 'offer' : 'request');
}

const S = RequestStatus;
const A = RequestAction;
const R = Role;
const P = PartyRelation;

const REQUESTED_DECIDERS = [R.CentralAuthorityOfficer, R.ContactPointOperator] as const;
const REQUESTED_EXECUTORS = [R.ExecutingOfficer, R.CentralAuthorityOfficer, R.ContactPointOperator] as const;
/** Who executes: the requested agency's staff, and the executing officers it routed the request to. */
const EXECUTORS: readonly TransitionActor[] = [
  { relation: P.RequestedAgency, roles: REQUESTED_EXECUTORS },
  { relation: P.ExecutingAgency, roles: [R.ExecutingOfficer] },
];
const REQUESTING_DRAFTERS = [R.LiaisonOfficer, R.Supervisor, R.ContactPointOperator] as const;
/** Who binds the requesting side to conditions: its supervisor, or its state's central authority. */
const REQUESTING_DECIDERS: readonly TransitionActor[] = [
  { relation: P.RequestingAgency, roles: [R.Supervisor] },
  { relation: P.RequestingCentralAuthority, roles: [R.CentralAuthorityOfficer] },
];

/** States from which the requesting supervisor may still withdraw (anything before execution ends). */
export const WITHDRAWABLE_STATUSES: readonly RequestStatus[] = [
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
];

/** The one transition table: the server enforces it and clients show `allowedActions` from it. */
export const TRANSITIONS: readonly TransitionRule[] = [
  {
    action: A.Submit,
    from: [S.Draft],
    to: S.PendingApproval,
    actors: [{ relation: P.RequestingAgency, roles: [R.LiaisonOfficer, R.ContactPointOperator] }],
    requires: [],
  },
  {
    action: A.ReturnToDraft,
    from: [S.PendingApproval, S.PendingTranslation],
    to: S.Draft,
    actors: [{ relation: P.RequestingAgency, roles: [R.Supervisor] }],
    requires: ['reason'],
  },
  {
    action: A.Approve,
    from: [S.PendingApproval],
    to: S.Ready,
    untranslatedTo: S.PendingTranslation,
    actors: [{ relation: P.RequestingAgency, roles: [R.Supervisor] }],
    requires: [],
    notByAuthor: true,
  },
  {
    // No person fires it: attaching the translation the requested state needs does (scenario 19).
    action: A.CompleteTranslation,
    from: [S.PendingTranslation],
    to: S.Ready,
    actors: [],
    requires: [],
  },
  {
    action: A.Transmit,
    from: [S.Ready],
    to: S.Transmitted,
    actors: [{ relation: P.RequestingCentralAuthority, roles: [R.CentralAuthorityOfficer] }],
    requires: [],
  },
  {
    action: A.Acknowledge,
    from: [S.Transmitted],
    to: S.Received,
    actors: [{ relation: P.RequestedAgency, roles: REQUESTED_DECIDERS }],
    requires: [],
  },
  {
    // T7: assessment starts, and the request may be routed to an executing agency of the state.
    action: A.Assess,
    scope: 'request',
    from: [S.Received],
    to: S.UnderAssessment,
    actors: [{ relation: P.RequestedAgency, roles: REQUESTED_DECIDERS }],
    requires: [],
    optional: ['executingAgencyId'],
  },
  {
    action: A.RequestClarification,
    scope: 'request',
    from: [S.Received, S.UnderAssessment],
    to: S.ClarificationRequested,
    actors: EXECUTORS,
    requires: ['reason'],
    optional: ['clarificationItems'],
    recordsMessage: MessageKind.ClarificationRequest,
  },
  {
    // An answer that leaves the content as it was goes straight back (T9).
    action: A.AnswerClarification,
    scope: 'request',
    from: [S.ClarificationRequested],
    to: S.UnderAssessment,
    actors: [
      { relation: P.RequestingAgency, roles: REQUESTING_DRAFTERS },
      { relation: P.RequestingCentralAuthority, roles: [R.CentralAuthorityOfficer] },
    ],
    requires: ['reason'],
    recordsMessage: MessageKind.ClarificationResponse,
  },
  {
    // An answer that changed the content waits for the supervisor: a new version goes out (T9).
    action: A.SubmitAnswer,
    scope: 'request',
    from: [S.ClarificationRequested],
    to: S.AnswerPendingApproval,
    actors: [{ relation: P.RequestingAgency, roles: REQUESTING_DRAFTERS }],
    requires: ['reason'],
  },
  {
    action: A.ApproveAnswer,
    scope: 'request',
    from: [S.AnswerPendingApproval],
    to: S.UnderAssessment,
    actors: [{ relation: P.RequestingAgency, roles: [R.Supervisor] }],
    requires: [],
    notByAuthor: true,
  },
  {
    action: A.ReturnAnswer,
    scope: 'request',
    from: [S.AnswerPendingApproval],
    to: S.ClarificationRequested,
    actors: [{ relation: P.RequestingAgency, roles: [R.Supervisor] }],
    requires: ['reason'],
  },
  {
    // T10: the requested side means to refuse or postpone, and says on which grounds, first.
    action: A.StartConsultation,
    scope: 'request',
    from: [S.UnderAssessment, S.Accepted, S.InExecution],
    to: S.InConsultation,
    actors: [{ relation: P.RequestedAgency, roles: REQUESTED_DECIDERS }],
    requires: ['grounds', 'reason'],
    recordsMessage: MessageKind.Consultation,
  },
  {
    action: A.ProposeConditions,
    scope: 'request',
    from: [S.InConsultation],
    to: S.ConditionsProposed,
    actors: [{ relation: P.RequestedAgency, roles: REQUESTED_DECIDERS }],
    requires: ['conditions', 'reason'],
    recordsMessage: MessageKind.Consultation,
  },
  {
    // T12: the conditions become binding on the requesting side (UNCAC 46(26)).
    action: A.AcceptConditions,
    scope: 'request',
    from: [S.ConditionsProposed],
    to: S.Accepted,
    actors: REQUESTING_DECIDERS,
    requires: [],
  },
  {
    // The consultation goes on: the requested side refuses, postpones, offers other conditions, or
    // provides the assistance anyway (BUD 28(3)).
    action: A.RejectConditions,
    scope: 'request',
    from: [S.ConditionsProposed],
    to: S.InConsultation,
    actors: REQUESTING_DECIDERS,
    requires: ['reason'],
    recordsMessage: MessageKind.Consultation,
  },
  {
    action: A.Accept,
    scope: 'request',
    from: [S.Received, S.UnderAssessment, S.InConsultation],
    to: S.Accepted,
    actors: [{ relation: P.RequestedAgency, roles: REQUESTED_DECIDERS }],
    requires: [],
  },
  {
    action: A.Refuse,
    scope: 'request',
    from: [S.Received, S.UnderAssessment, S.InConsultation],
    to: S.Refused,
    actors: [{ relation: P.RequestedAgency, roles: REQUESTED_DECIDERS }],
    // Refusal always carries ground codes and reasons (UNCAC 46(23); BUD 27(7)).
    requires: ['grounds', 'reason'],
    optional: ['consultationSkippedReason'],
    needsConsultation: true,
  },
  {
    action: A.StartExecution,
    scope: 'request',
    from: [S.Accepted],
    to: S.InExecution,
    actors: EXECUTORS,
    requires: [],
  },
  {
    action: A.Postpone,
    scope: 'request',
    from: [S.Accepted, S.InExecution, S.InConsultation],
    to: S.Postponed,
    actors: [{ relation: P.RequestedAgency, roles: REQUESTED_DECIDERS }],
    requires: ['grounds', 'reason', 'expectedResumeAt'],
    optional: ['consultationSkippedReason'],
    needsConsultation: true,
  },
  {
    action: A.Resume,
    scope: 'request',
    from: [S.Postponed],
    to: S.InExecution,
    actors: [{ relation: P.RequestedAgency, roles: REQUESTED_DECIDERS }],
    requires: ['reason'],
  },
  {
    action: A.MarkPartiallyExecuted,
    scope: 'request',
    from: [S.InExecution],
    to: S.PartiallyExecuted,
    actors: EXECUTORS,
    requires: ['itemOutcomes'],
  },
  {
    action: A.MarkExecuted,
    scope: 'request',
    from: [S.InExecution],
    to: S.Executed,
    actors: EXECUTORS,
    requires: [],
  },
  {
    // BUD 26(2): receiving it binds the receiver to the sender's conditions.
    action: A.AcceptOffer,
    scope: 'offer',
    from: [S.Received],
    to: S.Accepted,
    actors: [{ relation: P.RequestedAgency, roles: REQUESTED_DECIDERS }],
    requires: [],
  },
  {
    action: A.CannotComply,
    scope: 'offer',
    from: [S.Received],
    to: S.RecipientCannotComply,
    actors: [{ relation: P.RequestedAgency, roles: REQUESTED_DECIDERS }],
    requires: ['reason'],
    recordsMessage: MessageKind.Consultation,
  },
  {
    // The sender provides it: bound by the accepted conditions, or free of them (recorded as such).
    action: A.ProvideInformation,
    scope: 'offer',
    from: [S.Accepted, S.RecipientCannotComply],
    to: S.Executed,
    actors: REQUESTING_DECIDERS,
    requires: [],
  },
  {
    action: A.Withdraw,
    from: WITHDRAWABLE_STATUSES,
    to: S.Withdrawn,
    actors: [{ relation: P.RequestingAgency, roles: [R.Supervisor] }],
    requires: ['reason'],
  },
  {
    // No person fires it: the deadline job does, when the profile's period passes (T21).
    action: A.Lapse,
    scope: 'request',
    // A preservation confirmed, then in consultation or postponed, still runs out.
    from: [S.Accepted, S.InExecution, S.InConsultation, S.ConditionsProposed, S.Postponed],
    to: S.Lapsed,
    actors: [],
    requires: [],
  },
  {
    action: A.Close,
    from: [S.Executed, S.PartiallyExecuted, S.Refused, S.Withdrawn, S.Lapsed],
    to: S.Closed,
    actors: [
      { relation: P.RequestingAgency, roles: [R.Supervisor] },
      { relation: P.RequestingCentralAuthority, roles: [R.CentralAuthorityOfficer] },
      { relation: P.RequestedAgency, roles: [R.CentralAuthorityOfficer] },
    ],
    requires: [],
  },
];

export interface ActorStanding {
  readonly role: Role;
  readonly relations: ReadonlySet<PartyRelation>;
  /** Created or edited the request's content (four-eyes: may not approve it). */
  readonly isAuthor: boolean;
}

export function transitionFor(action: RequestAction): TransitionRule {
  const rule = TRANSITIONS.find((candidate) => candidate.action === action);
  if (!rule) throw new Error(`No transition rule for action ${action}`);
  return rule;
}

/** Whether the caller's role, in one of its relations to the request, is among `actors`. */
export function isActor(
  actors: readonly TransitionActor[],
  standing: { readonly role: Role; readonly relations: ReadonlySet<PartyRelation> },
): boolean {
  return actors.some(
    (actor) => standing.relations.has(actor.relation) && actor.roles.includes(standing.role),
  );
}

/** Whether the actor's role and relation to the request let them fire the rule at all. */
export function actorMayFire(rule: TransitionRule, standing: ActorStanding): boolean {
  if (rule.notByAuthor && standing.isAuthor) return false;
  return isActor(rule.actors, standing);
}

/** The actions this actor may take now on a request of `type` in `status`. */
export function allowedActions(
  status: RequestStatus,
  standing: ActorStanding,
  type?: RequestType,
): RequestAction[] {
  return TRANSITIONS.filter(
    (rule) => rule.from.includes(status) && appliesTo(rule, type) && actorMayFire(rule, standing),
  ).map((rule) => rule.action);
}

/**
 * Which kinds of agency may receive each request type (the default channel matrix of domain.md
 * §6.5): MLA and the coercive measures that need an MLA request go central authority to central
 * authority; preservation, the traffic disclosure it leads to and emergency disclosure usually go
 * 24/7 point to 24/7 point, or through the central authority. A direct order to a provider
 * (`subscriber_direct`, BUD-P2 Art 7) is addressed, in the portal, to the requested state's central
 * authority as its designated authority: providers are not agencies of the directory yet.
 * Instrument profiles will refine this per state.
 */
const POINT_OR_CENTRAL = ['contact_point_24_7', 'central_authority'] as const;
const CENTRAL = ['central_authority'] as const;
export const RECEIVING_AGENCY_KINDS = {
  mla_general: CENTRAL,
  preservation: POINT_OR_CENTRAL,
  traffic_disclosure: POINT_OR_CENTRAL,
  emergency_disclosure: POINT_OR_CENTRAL,
  stored_data_access: CENTRAL,
  realtime_traffic: CENTRAL,
  interception: CENTRAL,
  search_seizure: CENTRAL,
  subscriber_direct: CENTRAL,
  video_hearing: CENTRAL,
  joint_investigation: CENTRAL,
  spontaneous_information: CENTRAL,
} as const satisfies Record<RequestType, readonly AgencyKind[]>;
