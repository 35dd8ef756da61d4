import { RequestType, type FieldError } from '@mla/contracts';
import { ValidationFailedError } from '../../common/errors/domain-error';
import { toUtcInstant } from '../../common/validation/decorators';
import type { CooperationRequestEntity } from './cooperation-request.entity';
import type { CreateRequestDto } from './dto/create-request.dto';
import type { ZonedTimeInputDto } from './dto/request-fields.dto';
import type { TargetIdentifier, TimeRange, ZonedTime } from './request.types';

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

  const targets: TargetIdentifier[] = (input.targets ?? []).map((target, index) => ({
    type: target.type,
    value: target.value,
    ...(target.label === undefined ? {} : { label: target.label }),
    ...(target.serviceProvider === undefined ? {} : { serviceProvider: target.serviceProvider }),
    ...(target.timestamp ? { timestamp: zoned(`targets[${index}].timestamp`, target.timestamp) } : {}),
  }));
  let timeRange: TimeRange | null = null;
  if (input.timeRange) {
    timeRange = {
      from: zoned('timeRange.from', input.timeRange.from),
      to: zoned('timeRange.to', input.timeRange.to),
    };
    if (timeRange.from.utc && timeRange.to.utc && timeRange.from.utc > timeRange.to.utc) {
      problems.push({ field: 'timeRange', messages: ['timeRange.from must not be after timeRange.to'] });
    }
  }

  // Which fields each type needs under each legal basis is the instrument profile's business
  // (checkAgainstProfile); here only what makes a request of the type at all.
  if (type === RequestType.MlaGeneral) {
    if (input.preservation) {
      problems.push({
        field: 'preservation',
        messages: ['preservation details belong only to a preservation request'],
      });
    }
  }
  if (type === RequestType.Preservation) {
    if (!input.preservation)
      problems.push({ field: 'preservation', messages: ['preservation details are required'] });
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
  };
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
  };
}
