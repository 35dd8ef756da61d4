import { RequestType, UrgencyLevel, type FieldError } from '@mla/contracts';
import { ValidationFailedError } from '../../common/errors/domain-error';
import { toUtcInstant } from '../../common/validation/decorators';
import type { CooperationRequestEntity } from './cooperation-request.entity';
import type { CreateRequestDto } from './dto/create-request.dto';
import { isDetailedType, validateDetails } from './dto/request-details.dto';
import { TimeRangeInputDto, ZonedTimeInputDto } from './dto/request-fields.dto';
import type { TargetIdentifier, TimeRange, TypeDetails, ZonedTime } from './request.types';

/** The editable content of a request: everything a draft's author may set or replace. */
export type RequestContentInput = Omit<CreateRequestDto, 'type' | 'requestedAgencyId' | 'timeRange'> & {
  timeRange?: CreateRequestDto['timeRange'] | null;
};

export type RequestContent = Pick<
  CooperationRequestEntity,
  | 'reference'
  | 'title'
  | 'legalBasis'
  | 'urgency'
  | 'offences'
  | 'factsSummary'
  | 'assistanceSought'
  | 'purpose'
  | 'subjects'
  | 'targets'
  | 'timeRange'
  | 'confidentiality'
  | 'confidential'
  | 'language'
  | 'preservation'
  | 'details'
>;

const CONTENT_FIELDS = [
  'reference',
  'title',
  'legalBasis',
  'urgency',
  'offences',
  'factsSummary',
  'assistanceSought',
  'purpose',
  'subjects',
  'targets',
  'timeRange',
  'confidentiality',
  'confidential',
  'language',
  'preservation',
  // The per-type details are content too: a sent version (and its receipt's hash) must hold them.
  'details',
] as const satisfies ReadonlyArray<keyof RequestContent>;

/** The content of a stored request, as a plain value (what a content version keeps). */
export function contentOf(request: CooperationRequestEntity): RequestContent {
  return Object.fromEntries(CONTENT_FIELDS.map((field) => [field, request[field]])) as RequestContent;
}

/**
 * Checks the rules that span several fields and derives the UTC instant of every zoned time.
 * Field-level rules are on the DTOs; these are the ones that depend on the request type.
 */
export function buildRequestContent(type: RequestType, input: RequestContentInput): RequestContent {
  const problems: FieldError[] = [];
  const zoned = (field: string, value: ZonedTimeInputDto): ZonedTime => {
    const utc = toUtcInstant(value.local, value.timeZone);
    if (!utc) problems.push({ field, messages: [`${field} is not a valid time in ${value.timeZone}`] });
    return { local: value.local, timeZone: value.timeZone, utc: utc ?? '' };
  };

  const range = (field: string, value: TimeRangeInputDto): TimeRange => {
    const derived = { from: zoned(`${field}.from`, value.from), to: zoned(`${field}.to`, value.to) };
    if (derived.from.utc && derived.to.utc && derived.from.utc > derived.to.utc) {
      problems.push({ field, messages: [`${field}.from must not be after ${field}.to`] });
    }
    return derived;
  };

  const targets: TargetIdentifier[] = (input.targets ?? []).map((target, index) => ({
    type: target.type,
    value: target.value,
    ...(target.label === undefined ? {} : { label: target.label }),
    ...(target.serviceProvider === undefined ? {} : { serviceProvider: target.serviceProvider }),
    ...(target.timestamp ? { timestamp: zoned(`targets[${index}].timestamp`, target.timestamp) } : {}),
  }));
  const timeRange: TimeRange | null = input.timeRange ? range('timeRange', input.timeRange) : null;

  // Which fields each type needs under each legal basis is the instrument profile's business
  // (checkAgainstProfile); here only what makes a request of the type at all.
  if (type === RequestType.Preservation) {
    if (!input.preservation)
      problems.push({ field: 'preservation', messages: ['preservation details are required'] });
  } else if (input.preservation) {
    problems.push({
      field: 'preservation',
      messages: ['preservation details belong only to a preservation request'],
    });
  }
  let details: TypeDetails | null = null;
  if (isDetailedType(type)) {
    if (input.details === undefined || input.details === null) {
      problems.push({ field: 'details', messages: [`details are required for a ${type} request`] });
    } else {
      const checked = validateDetails(type, input.details);
      problems.push(...checked.problems);
      if (checked.details) details = storedDetails(checked.details, 'details', zoned, range);
    }
  } else if (input.details !== undefined && input.details !== null) {
    problems.push({ field: 'details', messages: [`a ${type} request carries no details`] });
  }
  // The emergency track (domain.md §6.6): an emergency is shown, not asserted.
  const emergencyType = type === RequestType.EmergencyDisclosure;
  if (emergencyType && input.urgency.level !== UrgencyLevel.Emergency) {
    problems.push({
      field: 'urgency.level',
      messages: [
        'an emergency_disclosure request is made in an emergency: urgency.level must be emergency, with the imminent risk to life or safety in urgency.reasons',
      ],
    });
  }
  if (input.urgency.level === UrgencyLevel.Emergency && !input.urgency.reasons?.trim()) {
    problems.push({
      field: 'urgency.reasons',
      messages: ['an emergency needs a justification showing the imminent risk to life or safety'],
    });
  }
  if (problems.length > 0) throw new ValidationFailedError(problems);

  return {
    reference: input.reference,
    title: input.title,
    legalBasis: input.legalBasis,
    urgency: { ...input.urgency },
    offences: input.offences.map((offence) => ({ ...offence })),
    factsSummary: input.factsSummary,
    assistanceSought: {
      measures: [...input.assistanceSought.measures],
      description: input.assistanceSought.description,
    },
    purpose: input.purpose,
    subjects: (input.subjects ?? []).map((subject) => ({ ...subject })),
    targets,
    timeRange,
    confidentiality: { ...input.confidentiality },
    confidential: input.confidential ?? false,
    language: input.language ?? 'en',
    preservation: input.preservation
      ? {
          ...input.preservation,
          custodian: input.preservation.custodian ? { ...input.preservation.custodian } : undefined,
        }
      : null,
    details,
  };
}

/**
 * The validated details as stored: plain data, without the fields left out, and every zoned time
 * (and range of them) with its UTC instant derived, like the envelope's.
 */
function storedDetails(
  value: object,
  path: string,
  zoned: (field: string, value: ZonedTimeInputDto) => ZonedTime,
  range: (field: string, value: TimeRangeInputDto) => TimeRange,
): TypeDetails {
  const store = (item: unknown, at: string): unknown => {
    if (item instanceof ZonedTimeInputDto) return zoned(at, item);
    if (item instanceof TimeRangeInputDto) return range(at, item);
    if (Array.isArray(item)) return item.map((element, index) => store(element, `${at}[${index}]`));
    if (item !== null && typeof item === 'object') {
      return Object.fromEntries(
        Object.entries(item)
          .filter(([, field]) => field !== undefined)
          .map(([key, field]) => [key, store(field, `${at}.${key}`)]),
      );
    }
    return item;
  };
  return store(value, path) as TypeDetails;
}

/** Stored details in input form: zoned times lose the UTC instant derived from them. */
function detailsAsInput(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(detailsAsInput);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.local === 'string' && typeof record.timeZone === 'string' && 'utc' in record) {
      return { local: record.local, timeZone: record.timeZone };
    }
    return Object.fromEntries(Object.entries(record).map(([key, field]) => [key, detailsAsInput(field)]));
  }
  return value;
}

/** The stored content in input form, so a PATCH can overlay the fields it replaces. */
export function contentAsInput(request: CooperationRequestEntity): RequestContentInput {
  return {
    reference: request.reference,
    title: request.title,
    legalBasis: request.legalBasis,
    urgency: request.urgency,
    offences: request.offences,
    factsSummary: request.factsSummary,
    assistanceSought: request.assistanceSought,
    purpose: request.purpose,
    subjects: request.subjects,
    targets: request.targets,
    timeRange: request.timeRange ?? undefined,
    confidentiality: request.confidentiality,
    confidential: request.confidential,
    language: request.language,
    preservation: request.preservation ?? undefined,
    details: request.details
      ? (detailsAsInput(request.details) as RequestContentInput['details'])
      : undefined,
  };
}
