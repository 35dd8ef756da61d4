/**
 * Conditions on use, confidentiality and consent (domain.md §8). A condition is proposed by the side
 * that provides material and becomes binding on the receiving side once accepted (UNCAC 46(26);
 * BUD 28(3)). The vocabulary is shared by the lifecycle (conditions offered before refusal or
 * postponement), consent decisions and spontaneous information.
 */
export const ConditionType = {
  /** Keep the material, and/or the fact of the request, confidential (BUD 28(2)(a), 27(8)). */
  Confidential: 'cond_confidential',
  /** Use only for the proceedings named in the request; other use needs prior consent (UNCAC 46(19)). */
  Speciality: 'cond_speciality',
  /** The provider of the material may ask how it was used (BUD 28(4)). */
  ExplainUse: 'cond_explain_use',
  /** Data-protection conditions under the sender's law (UNCC 36). */
  PersonalData: 'cond_personal_data',
  /** No onward transfer to a third state or organisation without prior authorisation (UNCC 36). */
  NoOnwardTransfer: 'cond_no_onward_transfer',
  /** Return originals or exhibits after use (practice). */
  ReturnOriginals: 'cond_return_originals',
  /** Assistance limited to part of the request (BUD 27(6)). */
  Partial: 'cond_partial',
  /** Cost arrangement for extraordinary expenses (UNCAC 46(28)). */
  Costs: 'cond_costs',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];
export const CONDITION_TYPES: readonly ConditionType[] = Object.values(ConditionType);

/** Lifecycle of one condition (domain.md §8.1): proposed, then accepted (binding) or rejected. */
export const ConditionStatus = {
  Proposed: 'proposed',
  Accepted: 'accepted',
  Rejected: 'rejected',
} as const;
export type ConditionStatus = (typeof ConditionStatus)[keyof typeof ConditionStatus];

/** A condition as the API carries it: its type and the words that bind. */
export interface UseCondition {
  readonly type: ConditionType;
  readonly text: string;
}
