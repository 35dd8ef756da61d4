import type { Schemas } from '@mla/api-client';
import { isMessageKey, type Translate } from '../i18n';

export type RequestType = Schemas['CreateRequestDto']['type'];
export type LegalBasis = Schemas['CreateRequestDto']['legalBasis'];
export type TypeRules = Schemas['RequestTypeRulesDto'];
export type FieldError = Schemas['FieldErrorDto'];

export interface Zoned {
  local: string;
  timeZone: string;
}
export type FieldValue = string | boolean | string[] | Zoned;
export type Values = Record<string, FieldValue | undefined>;

type Kind =
  | 'text'
  | 'textarea'
  | 'select'
  | 'multi'
  | 'bool'
  | 'number'
  | 'date'
  | 'datetime'
  | 'zoned'
  | 'list'
  | 'agency';

/**
 * One input of the wizard. `path` is where its value goes in the CreateRequestDto body, with `[i]`
 * for the element of a list (offences, subjects and targets can have several; members and
 * proposed conditions one).
 */
export interface FieldSpec {
  path: string;
  kind: Kind;
  options?: readonly string[];
  /** A checkbox that must be ticked (preservation.intentToRequestMla is `enum: [true]`). */
  mustBeTrue?: boolean;
}

const URGENCY = ['normal', 'urgent', 'emergency'] as const;
const MEASURES = [
  'take_evidence_statement',
  'serve_documents',
  'search_seize_freeze',
  'access_stored_data',
  'realtime_traffic',
  'intercept_content',
  'examine_objects_sites',
  'provide_info_evidence_expert',
  'provide_records',
  'trace_proceeds',
  'voluntary_appearance',
  'asset_recovery',
  'other_not_contrary_to_law',
] as const;
const DATA_CATEGORIES = [
  'subscriber',
  'user_identification',
  'traffic',
  'content',
  'other_stored',
  'domain_registration',
] as const;
export const TARGET_TYPES = [
  'ip_address',
  'phone_number',
  'email',
  'imei',
  'mac_address',
  'account_or_user_id',
  'domain_name',
  'url',
  'other',
] as const;
const SUBJECT_ROLES = ['suspect', 'victim', 'witness', 'account_holder', 'other'] as const;
const HEARING_ROLES = ['witness', 'expert', 'victim', 'suspect', 'other'] as const;
const FORMS_OF_PRODUCTION = ['certified_copy', 'original', 'forensic_image', 'provider_export'] as const;
const AUTHENTICATION = ['custodian_affidavit', 'business_records_certificate'] as const;
/** The types of condition on use a request, a consultation or a consent can carry (UseConditionDto). */
export const CONDITION_TYPES = [
  'cond_confidential',
  'cond_speciality',
  'cond_explain_use',
  'cond_personal_data',
  'cond_no_onward_transfer',
  'cond_return_originals',
  'cond_partial',
  'cond_costs',
] as const;

/** Types whose body carries no `details` (CreateRequestDto.details: "other than mla_general and preservation"). */
const WITHOUT_DETAILS: readonly RequestType[] = ['mla_general', 'preservation'];

const text = (path: string): FieldSpec => ({ path, kind: 'text' });
const area = (path: string): FieldSpec => ({ path, kind: 'textarea' });

/**
 * How each `details.*` path a profile can make mandatory is asked for: the profile says which
 * appear, the DTO says what kind of input each is. An object path asks for its required parts.
 */
const DETAIL_FIELDS: Record<string, FieldSpec[]> = {
  'details.preservationRef': [text('details.preservationRef')],
  'details.identifiedProvider': [text('details.identifiedProvider.name')],
  'details.pathDescription': [area('details.pathDescription')],
  'details.sufficiencyNote': [area('details.sufficiencyNote')],
  'details.dataCategories': [{ path: 'details.dataCategories', kind: 'multi', options: DATA_CATEGORIES }],
  'details.custodian': [text('details.custodian.provider')],
  'details.custodian.provider': [text('details.custodian.provider')],
  'details.formOfProduction': [
    { path: 'details.formOfProduction', kind: 'select', options: FORMS_OF_PRODUCTION },
  ],
  'details.authenticationRequested': [
    { path: 'details.authenticationRequested', kind: 'select', options: AUTHENTICATION },
  ],
  'details.basisForBelief': [area('details.basisForBelief')],
  'details.communications': [area('details.communications')],
  'details.ownerOrUser': [area('details.ownerOrUser')],
  'details.justification': [area('details.justification')],
  'details.collectionPeriod': [
    { path: 'details.collectionPeriod.from', kind: 'zoned' },
    { path: 'details.collectionPeriod.to', kind: 'zoned' },
  ],
  'details.durationReason': [area('details.durationReason')],
  'details.subject': [area('details.subject')],
  'details.durationDays': [{ path: 'details.durationDays', kind: 'number' }],
  'details.technicalData': [area('details.technicalData')],
  'details.relevance': [area('details.relevance')],
  'details.premisesOrDevices': [area('details.premisesOrDevices')],
  'details.itemsSought': [area('details.itemsSought')],
  'details.linkToOffence': [area('details.linkToOffence')],
  'details.reasonBelievedInTerritory': [area('details.reasonBelievedInTerritory')],
  'details.compulsoryMeasuresAvailable': [{ path: 'details.compulsoryMeasuresAvailable', kind: 'bool' }],
  'details.provider': [text('details.provider.name'), text('details.provider.address')],
  'details.provider.name': [text('details.provider.name')],
  'details.provider.address': [text('details.provider.address')],
  'details.emergencyFacts': [area('details.emergencyFacts')],
  'details.dataRelation': [area('details.dataRelation')],
  'details.dataDescription': [area('details.dataDescription')],
  'details.specialInstructions': [area('details.specialInstructions')],
  'details.dataSought': [area('details.dataSought')],
  'details.domesticLegalGrounds': [area('details.domesticLegalGrounds')],
  'details.returnInstructions': [area('details.returnInstructions')],
  'details.person': [
    text('details.person.name'),
    { path: 'details.person.role', kind: 'select', options: HEARING_ROLES },
  ],
  'details.language': [text('details.language')],
  'details.interpreter': [{ path: 'details.interpreter', kind: 'bool' }],
  'details.conductingAuthority': [text('details.conductingAuthority')],
  'details.proposedAt': [{ path: 'details.proposedAt', kind: 'zoned' }],
  'details.technicalContact': [text('details.technicalContact')],
  'details.recordingRules': [area('details.recordingRules')],
  'details.costArrangements': [area('details.costArrangements')],
  'details.parties': [{ path: 'details.parties', kind: 'list' }],
  'details.members': [text('details.members[0].name'), text('details.members[0].authority')],
  'details.scope': [area('details.scope')],
  'details.startDate': [{ path: 'details.startDate', kind: 'date' }],
  'details.durationMonths': [{ path: 'details.durationMonths', kind: 'number' }],
  'details.location': [text('details.location')],
  'details.leadership': [area('details.leadership')],
  'details.evidenceTerms': [area('details.evidenceTerms')],
  'details.dataProtectionTerms': [area('details.dataProtectionTerms')],
  'details.costTerms': [area('details.costTerms')],
  'details.summary': [area('details.summary')],
  'details.proposedConditions': [
    { path: 'details.proposedConditions[0].type', kind: 'select', options: CONDITION_TYPES },
    area('details.proposedConditions[0].text'),
  ],
};

/** The step-2 sections, in the order the wizard shows them. */
export type Section =
  'parties' | 'case' | 'subjects' | 'targets' | 'preservation' | 'details' | 'confidentiality';

/** The lists of the request the user can add elements to ("add another offence"). */
export const REPEATABLE = ['offences', 'subjects', 'targets'] as const;
export type Repeatable = (typeof REPEATABLE)[number];
export type Counts = Partial<Record<Repeatable, number>>;

/** Which element of which list a field belongs to. */
export interface ListItem {
  list: Repeatable;
  index: number;
}

export interface VisibleField extends FieldSpec {
  section: Section;
  item?: ListItem;
}

function count(counts: Counts, list: Repeatable): number {
  return Math.max(1, counts[list] ?? 1);
}

/**
 * The values after removing element `index` of `list`: the later elements move down one place, so
 * the list the API receives has no gap and each answer stays with its element.
 */
export function removeItem(values: Values, list: Repeatable, index: number): Values {
  const pattern = new RegExp(`^${list}\\[(\\d+)\\](\\..*)$`);
  const result: Values = {};
  for (const [path, value] of Object.entries(values)) {
    const match = pattern.exec(path);
    if (!match) {
      result[path] = value;
      continue;
    }
    const position = Number(match[1]);
    if (position === index) continue;
    result[position > index ? `${list}[${position - 1}]${match[2]}` : path] = value;
  }
  return result;
}

/**
 * The fields step 2 asks for: those CreateRequestDto always requires, and those the chosen
 * profile's `mandatoryFields` (or the DTO's own conditions) make required for this type: nothing else.
 */
export function visibleFields(
  type: RequestType,
  rules: TypeRules,
  values: Values,
  /** The languages the profile says the requested state accepts (`languages[state] ?? languages['*']`). */
  accepted: readonly string[] = [],
  /** How many offences, persons and identifiers the user has added (one of each to start with). */
  counts: Counts = {},
): VisibleField[] {
  const mandatory = new Set(rules.mandatoryFields);
  const asks = (prefix: string) =>
    [...mandatory].some((path) => path === prefix || path.startsWith(`${prefix}.`));
  const fields: VisibleField[] = [];
  const add = (section: Section, spec: FieldSpec, item?: ListItem) => {
    if (!fields.some((field) => field.path === spec.path))
      fields.push({ ...spec, section, ...(item ? { item } : {}) });
  };

  add('parties', { path: 'requestedAgencyId', kind: 'agency' });
  if (accepted.length > 0) add('parties', { path: 'language', kind: 'select', options: accepted });
  add('parties', text('reference'));
  add('parties', text('title'));
  add('case', { path: 'urgency.level', kind: 'select', options: URGENCY });
  if (mandatory.has('urgency.reasons') || (values['urgency.level'] ?? 'normal') !== 'normal')
    add('case', area('urgency.reasons'));
  if (mandatory.has('urgency.requestedBy')) add('case', { path: 'urgency.requestedBy', kind: 'datetime' });
  for (let i = 0; i < count(counts, 'offences'); i += 1) {
    const item = { list: 'offences' as const, index: i };
    add('case', text(`offences[${i}].provision`), item);
    add('case', area(`offences[${i}].description`), item);
    if (mandatory.has('offences.maxPenalty')) add('case', text(`offences[${i}].maxPenalty`), item);
    if (mandatory.has('offences.catalogueCode')) add('case', text(`offences[${i}].catalogueCode`), item);
  }
  add('case', area('factsSummary'));
  if (mandatory.has('assistanceSought.measures') || type === 'mla_general')
    add('case', { path: 'assistanceSought.measures', kind: 'multi', options: MEASURES });
  add('case', area('assistanceSought.description'));
  add('case', area('purpose'));

  if (asks('subjects')) {
    for (let i = 0; i < count(counts, 'subjects'); i += 1) {
      const item = { list: 'subjects' as const, index: i };
      add('subjects', text(`subjects[${i}].name`), item);
      add('subjects', { path: `subjects[${i}].role`, kind: 'select', options: SUBJECT_ROLES }, item);
      if (mandatory.has('subjects.nationality')) add('subjects', text(`subjects[${i}].nationality`), item);
      if (mandatory.has('subjects.location')) add('subjects', text(`subjects[${i}].location`), item);
      if (mandatory.has('subjects.dateOfBirth'))
        add('subjects', { path: `subjects[${i}].dateOfBirth`, kind: 'date' }, item);
    }
  }
  // Preservation requires at least one target and the time range (CreateRequestDto.targets, timeRange).
  if (asks('targets') || type === 'preservation') {
    for (let i = 0; i < count(counts, 'targets'); i += 1) {
      const item = { list: 'targets' as const, index: i };
      add('targets', { path: `targets[${i}].type`, kind: 'select', options: TARGET_TYPES }, item);
      add('targets', text(`targets[${i}].value`), item);
      // An IP address means nothing without its time and zone (TargetIdentifierInputDto.timestamp).
      if (
        mandatory.has('targets.timestamp') ||
        (values[`targets[${i}].type`] ?? 'ip_address') === 'ip_address'
      )
        add('targets', { path: `targets[${i}].timestamp`, kind: 'zoned' }, item);
    }
  }
  if (mandatory.has('timeRange') || type === 'preservation') {
    add('targets', { path: 'timeRange.from', kind: 'zoned' });
    add('targets', { path: 'timeRange.to', kind: 'zoned' });
  }
  if (type === 'preservation') {
    add('preservation', { path: 'preservation.dataCategories', kind: 'multi', options: DATA_CATEGORIES });
    add('preservation', area('preservation.relationshipToOffence'));
    add('preservation', area('preservation.necessity'));
    add('preservation', text('preservation.intendedMeasure'));
    if (mandatory.has('preservation.custodian')) add('preservation', text('preservation.custodian.provider'));
    add('preservation', { path: 'preservation.intentToRequestMla', kind: 'bool', mustBeTrue: true });
  }
  for (const path of rules.mandatoryFields) {
    if (!path.startsWith('details.')) continue;
    // A path this release does not know yet is still asked for, as free text.
    for (const spec of DETAIL_FIELDS[path] ?? [text(path)]) add('details', spec);
  }

  add('confidentiality', { path: 'confidentiality.keepFactConfidential', kind: 'bool' });
  add('confidentiality', { path: 'confidentiality.doNotNotifyUser', kind: 'bool' });
  if (mandatory.has('confidentiality.reasons')) add('confidentiality', area('confidentiality.reasons'));
  return fields;
}

/** The value a field starts with: the first choice of a list, the user's own time zone for times. */
export function initialValue(spec: FieldSpec, timeZone: string): FieldValue {
  switch (spec.kind) {
    case 'bool':
      return false;
    case 'multi':
      return [];
    case 'zoned':
      return { local: '', timeZone };
    case 'select':
      // The language of the request: English (the DTO's default) where the counterpart accepts it.
      if (spec.path === 'language' && spec.options?.includes('en')) return 'en';
      return spec.options?.[0] ?? '';
    default:
      return '';
  }
}

export function isEmpty(spec: FieldSpec, value: FieldValue | undefined): boolean {
  if (value === undefined) return spec.kind !== 'bool';
  if (typeof value === 'boolean') return spec.mustBeTrue === true && !value;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return value.local.trim() === '' || value.timeZone.trim() === '';
}

/** Every field shown is required (only required ones are shown); checkboxes count as answered. */
export function missingFields(fields: readonly FieldSpec[], values: Values): FieldSpec[] {
  return fields.filter((field) => isEmpty(field, values[field.path]));
}

/** `2026-03-01T14:05` from an <input type="datetime-local"> is sent as ZonedTimeInputDto.local with seconds. */
function localWithSeconds(local: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local) ? `${local}:00` : local;
}

function converted(spec: FieldSpec, value: FieldValue): unknown {
  if (spec.kind === 'number' && typeof value === 'string') return Number(value);
  if (spec.kind === 'datetime' && typeof value === 'string') return new Date(value).toISOString();
  if (spec.kind === 'list' && typeof value === 'string')
    return value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
  if (spec.kind === 'zoned' && typeof value === 'object' && !Array.isArray(value))
    return { local: localWithSeconds(value.local), timeZone: value.timeZone };
  if (typeof value === 'string') return value.trim();
  return value;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  let node: Record<string, unknown> = target;
  segments.forEach((segment, index) => {
    const list = /^(\w+)\[(\d+)\]$/.exec(segment);
    const last = index === segments.length - 1;
    if (list?.[1]) {
      const items = (node[list[1]] ??= []) as Record<string, unknown>[];
      if (last) throw new Error(`a list element is not a leaf: ${path}`);
      node = items[Number(list[2])] ??= {};
    } else if (last) {
      node[segment] = value;
    } else {
      node = (node[segment] ??= {}) as Record<string, unknown>;
    }
  });
}

/** The POST /v1/requests body: exactly the shown fields that hold a value, where the DTO puts them. */
export function buildBody(
  legalBasis: LegalBasis,
  type: RequestType,
  fields: readonly FieldSpec[],
  values: Values,
): Schemas['CreateRequestDto'] {
  const body: Record<string, unknown> = { legalBasis, type };
  for (const field of fields) {
    const value = values[field.path] ?? (field.kind === 'bool' ? false : undefined);
    if (value === undefined || (typeof value !== 'boolean' && isEmpty(field, value))) continue;
    setPath(body, field.path, converted(field, value));
  }
  // Required by the DTO even when the profile asks for no measure (then: none listed).
  setPath(
    body,
    'assistanceSought.measures',
    (body.assistanceSought as { measures?: string[] } | undefined)?.measures ?? [],
  );
  if (!WITHOUT_DETAILS.includes(type)) body.details ??= {};
  return body as unknown as Schemas['CreateRequestDto'];
}

/**
 * The API's field errors that concern a field: the same path, a part of it
 * (`targets[0].timestamp.timeZone` for the timestamp), or the whole it belongs to (`targets`).
 */
export function errorsFor(path: string, errors: readonly FieldError[]): string[] {
  const related = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
  return errors
    .filter((error) => related(error.field, path) || related(path, error.field))
    .flatMap((error) => error.messages);
}

/** The catalogue key of a field's label: its path without list positions. */
export function labelKey(path: string): string {
  return `field.${path.replace(/\[\d+\]/g, '')}`;
}

/**
 * The field's label; in the second and later element of a list, with its position ("… (2)"). Here
 * rather than in the wizard, as the thread names the fields a clarification asks about.
 */
export function fieldLabel(t: Translate, path: string): string {
  // A part the catalogue does not name (`targets[0].timestamp.timeZone`) takes its whole's label.
  let key = labelKey(path);
  while (!isMessageKey(key) && key.lastIndexOf('.') > 'field'.length)
    key = key.slice(0, key.lastIndexOf('.'));
  const label = isMessageKey(key) ? t(key) : path;
  const position = laterPosition(path);
  return position === undefined ? label : `${label} (${position})`;
}

/** The position (from 1) of the list element a path is in, beyond the first; else undefined. */
export function laterPosition(path: string): number | undefined {
  const match = /\[(\d+)\]/.exec(path);
  const index = match ? Number(match[1]) : 0;
  return index > 0 ? index + 1 : undefined;
}
