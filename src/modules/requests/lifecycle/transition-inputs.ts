import {
  RequestAction,
  checkRefusalGrounds,
  type FieldError,
  type RequestType,
  type RequestTypeRules,
  type TransitionInput,
  type TransitionRule,
} from '@mla/contracts';
import { ValidationFailedError } from '../../../common/errors/domain-error';
import type { CooperationRequestEntity } from '../cooperation-request.entity';
import type { TransitionDto } from '../dto/transition.dto';
import { ItemOutcomeKind, type ItemOutcome } from '../request.types';

/** The body fields each transition input is carried in. */
const INPUT_FIELDS: Record<TransitionInput, keyof TransitionDto> = {
  reason: 'reason',
  grounds: 'grounds',
  conditions: 'conditions',
  expectedResumeAt: 'expectedResumeAt',
  itemOutcomes: 'itemOutcomes',
  executingAgencyId: 'executingAgencyId',
  clarificationItems: 'clarificationItems',
  consultationSkippedReason: 'consultationSkippedReason',
};

/**
 * Checks that the body carries what the action requires and nothing it does not take: free text
 * goes into the permanent record, so it is taken only where the procedure asks for it. Ground
 * codes are checked against the pinned profile: refusal grounds to refuse, postponement grounds to
 * postpone, either to open a consultation about one or the other.
 */
export function checkTransitionInputs(
  rule: TransitionRule,
  type: RequestType,
  dto: TransitionDto,
  rules: Pick<RequestTypeRules, 'refusalGrounds' | 'postponementGrounds'> | undefined,
): void {
  const problems: FieldError[] = [];
  const optional = rule.optional ?? [];
  for (const [input, field] of Object.entries(INPUT_FIELDS) as Array<
    [TransitionInput, keyof TransitionDto]
  >) {
    const given = dto[field] !== undefined;
    if (rule.requires.includes(input) && !given) {
      problems.push({ field, messages: [`${field} is required to ${rule.action}`] });
    } else if (given && !rule.requires.includes(input) && !optional.includes(input)) {
      problems.push({ field, messages: [`${rule.action} takes no ${field}`] });
    }
  }
  if (rule.requires.includes('grounds') && dto.grounds) {
    const allowed = groundsFor(rule.action, rules);
    if (dto.grounds.length === 0) {
      problems.push({
        field: 'grounds',
        messages: [`at least one ground code is required to ${rule.action}`],
      });
    } else {
      const check = checkRefusalGrounds(allowed, dto.grounds);
      if (!check.ok) {
        problems.push({
          field: 'grounds',
          messages: [
            ...check.notGrounds.map((code) => `${code} may not be given as a ground`),
            ...check.invalid.map(
              (code) =>
                `${code} is not a ground to ${rule.action} a ${type} request under its profile (allowed: ${allowed.join(', ')})`,
            ),
          ],
        });
      }
    }
  }
  if (problems.length > 0) throw new ValidationFailedError(problems);
}

function groundsFor(
  action: RequestAction,
  rules: Pick<RequestTypeRules, 'refusalGrounds' | 'postponementGrounds'> | undefined,
): string[] {
  const refusal = rules?.refusalGrounds ?? [];
  const postponement = rules?.postponementGrounds ?? [];
  if (action === RequestAction.Postpone) return postponement;
  if (action === RequestAction.StartConsultation) return [...refusal, ...postponement];
  return refusal;
}

/**
 * The items of a request that execution gives one outcome each (T19): every measure asked for and
 * every category of data sought, e.g. `measure:take_evidence_statement`, `data:content`.
 */
export function requestedItems(
  request: Pick<CooperationRequestEntity, 'assistanceSought' | 'preservation' | 'details'>,
): string[] {
  // Production and similar types name their categories in their own fields (details).
  const detailCategories = request.details?.['dataCategories'];
  const items = [
    ...request.assistanceSought.measures.map((measure) => `measure:${measure}`),
    ...(request.preservation?.dataCategories ?? []).map((category) => `data:${category}`),
    ...(Array.isArray(detailCategories) ? detailCategories : []).map(
      (category) => `data:${String(category)}`,
    ),
  ];
  return [...new Set(items)];
}

/**
 * One outcome for every requested item and no other; a refused item names a refusal ground of the
 * pinned profile and its reasons, an impossible one its reasons; and a partial execution has at
 * least one item done and one not.
 */
export function checkItemOutcomes(
  request: Pick<CooperationRequestEntity, 'assistanceSought' | 'preservation' | 'details'>,
  outcomes: readonly ItemOutcome[],
  refusalGrounds: readonly string[],
): ItemOutcome[] {
  const problems: FieldError[] = [];
  const items = requestedItems(request);
  const seen = new Set<string>();
  outcomes.forEach((outcome, index) => {
    const at = `itemOutcomes[${index}]`;
    if (!items.includes(outcome.item)) {
      problems.push({
        field: `${at}.item`,
        messages: [`${outcome.item} is not a requested item (${items.join(', ')})`],
      });
    } else if (seen.has(outcome.item)) {
      problems.push({ field: `${at}.item`, messages: [`${outcome.item} is given more than one outcome`] });
    }
    seen.add(outcome.item);
    if (outcome.outcome === ItemOutcomeKind.Refused) {
      if (!outcome.groundCode) {
        problems.push({ field: `${at}.groundCode`, messages: ['a refused item names its refusal ground'] });
      } else if (!checkRefusalGrounds(refusalGrounds, [outcome.groundCode]).ok) {
        problems.push({
          field: `${at}.groundCode`,
          messages: [`${outcome.groundCode} is not a refusal ground under the request's profile`],
        });
      }
    } else if (outcome.groundCode !== undefined) {
      problems.push({ field: `${at}.groundCode`, messages: ['only a refused item takes a ground'] });
    }
    if (outcome.outcome !== ItemOutcomeKind.Executed && !outcome.reason) {
      problems.push({ field: `${at}.reason`, messages: [`a ${outcome.outcome} item needs its reasons`] });
    }
  });
  const missing = items.filter((item) => !seen.has(item));
  if (missing.length > 0) {
    problems.push({ field: 'itemOutcomes', messages: [`no outcome given for ${missing.join(', ')}`] });
  }
  const done = outcomes.filter((outcome) => outcome.outcome === ItemOutcomeKind.Executed).length;
  if (problems.length === 0 && (done === 0 || done === outcomes.length)) {
    problems.push({
      field: 'itemOutcomes',
      messages: ['a partial execution has at least one executed item and one that is not'],
    });
  }
  if (problems.length > 0) throw new ValidationFailedError(problems);
  return outcomes.map((outcome) => ({
    item: outcome.item,
    outcome: outcome.outcome,
    ...(outcome.groundCode === undefined ? {} : { groundCode: outcome.groundCode }),
    ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
  }));
}
