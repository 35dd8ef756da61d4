import { type FormEvent, Fragment, type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schemas } from '@mla/api-client';
import { isMessageKey, type Translate, useI18n } from '../i18n';
import { errorText } from '../errors';
import { navigate } from '../router';
import { useApi, useMe } from '../session';
import {
  buildBody,
  type Counts,
  errorsFor,
  type FieldError,
  fieldLabel,
  type FieldSpec,
  type FieldValue,
  initialValue,
  type LegalBasis,
  type ListItem,
  missingFields,
  removeItem,
  type Repeatable,
  type RequestType,
  type Section,
  type Values,
  type VisibleField,
  visibleFields,
  type Zoned,
} from '../wizard/fields';

type Step = 1 | 2 | 3;
const SECTIONS: readonly Section[] = [
  'parties',
  'case',
  'subjects',
  'targets',
  'preservation',
  'details',
  'confidentiality',
];

/** The user's own zone: the default for every time entered (each can be changed). */
function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

let zoneList: string[] | undefined;
/** The IANA zones the browser knows (computed once: some 400 names). */
function timeZones(): string[] {
  if (!zoneList) {
    const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    zoneList = zones.includes('UTC') ? zones : ['UTC', ...zones];
  }
  return zoneList;
}

export function fieldId(path: string): string {
  return `wiz-${path.replace(/[^a-zA-Z0-9]+/g, '-')}`;
}

/** The API's limits on each list (CreateRequestDto: ArrayMaxSize). */
const MAX_ITEMS: Record<Repeatable, number> = { offences: 50, subjects: 100, targets: 200 };

/** The section's fields, those of one list element kept together so they can be framed as one. */
function groupByItem(fields: VisibleField[]): { item?: ListItem; fields: VisibleField[] }[] {
  const groups: { item?: ListItem; fields: VisibleField[] }[] = [];
  for (const field of fields) {
    const last = groups[groups.length - 1];
    const same =
      last && last.item?.list === field.item?.list && last.item?.index === field.item?.index && field.item;
    if (same) last.fields.push(field);
    else groups.push({ ...(field.item ? { item: field.item } : {}), fields: [field] });
  }
  return groups;
}

function optionLabel(t: Translate, spec: FieldSpec, option: string, language = 'en'): string {
  if (spec.path === 'language') {
    try {
      return new Intl.DisplayNames([language], { type: 'language' }).of(option) ?? option;
    } catch {
      return option;
    }
  }
  const urgency = `urgency.${option}`;
  if (spec.path === 'urgency.level' && isMessageKey(urgency)) return t(urgency);
  const key = `option.${option}`;
  return isMessageKey(key) ? t(key) : option;
}

/**
 * The guided request wizard: 1. legal basis and type (the instrument profiles the API publishes),
 * 2. only the fields that profile asks for this type, the missing ones named before going on,
 * 3. a preview of the formal request; then the draft is created and its page opened.
 */
export function RequestWizard() {
  const { t } = useI18n();
  const client = useApi();
  const queryClient = useQueryClient();
  const [step, setStep] = useState<Step>(1);
  const [legalBasis, setLegalBasis] = useState<LegalBasis | ''>('');
  const [type, setType] = useState<RequestType | ''>('');
  const [values, setValues] = useState<Values>({});
  const [counts, setCounts] = useState<Counts>({});
  const [announcement, setAnnouncement] = useState('');
  const [missing, setMissing] = useState<string[]>([]);
  const [apiErrors, setApiErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const zone = useMemo(() => browserTimeZone(), []);

  const profiles = useQuery({
    queryKey: ['profiles'],
    queryFn: async () => {
      const { data, error } = await client.GET('/v1/profiles');
      if (!data) throw new Error(error?.code ?? 'profiles');
      return data;
    },
  });
  const summary = profiles.data?.find((profile) => profile.legalBasis === legalBasis);
  const profile = useQuery({
    queryKey: ['profile', legalBasis, summary?.version],
    enabled: summary !== undefined,
    queryFn: async () => {
      const { data, error } = await client.GET('/v1/profiles/{legalBasis}', {
        params: {
          path: { legalBasis: legalBasis as LegalBasis },
          query: { version: String(summary?.version) },
        },
      });
      if (!data) throw new Error(error?.code ?? 'profile');
      return data;
    },
  });
  const agencies = useQuery({
    queryKey: ['agencies'],
    queryFn: async () => {
      const { data, error } = await client.GET('/v1/agencies');
      if (!data) throw new Error(error?.code ?? 'agencies');
      return data;
    },
  });
  const me = useMe();

  const rules = type ? profile.data?.requestTypes[type] : undefined;
  const chosenAgency = agencies.data?.find((agency) => agency.id === values.requestedAgencyId);
  const languages = profile.data?.languages;
  // The languages the requested state accepts under this instrument (the profile's `languages`).
  const accepted = useMemo(
    () => (chosenAgency && languages ? (languages[chosenAgency.stateCode] ?? languages['*'] ?? []) : []),
    [chosenAgency, languages],
  );
  const fields = useMemo(
    () => (type && rules ? visibleFields(type, rules, values, accepted, counts) : []),
    [type, rules, values, accepted, counts],
  );
  // Counterparts only: the agencies of other states that can receive a request.
  const counterparts = (agencies.data ?? []).filter(
    (agency) =>
      agency.active &&
      agency.stateCode !== me.data?.agency.stateCode &&
      agency.kind !== 'portal_operator' &&
      agency.kind !== 'oversight_body',
  );

  // A new step's heading takes the focus, so keyboard and screen-reader users start at its top
  // (not on arrival: the page starts where every page does).
  const firstStep = useRef(true);
  useEffect(() => {
    if (firstStep.current) {
      firstStep.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);

  // The agencies' own zones first (ICU lists some under older names, e.g. Asia/Saigon), then the rest.
  const zones = useMemo(
    () => [...new Set([zone, ...(agencies.data ?? []).map((agency) => agency.timeZone), ...timeZones()])],
    [zone, agencies.data],
  );
  const valueOf = (spec: FieldSpec): FieldValue => values[spec.path] ?? initialValue(spec, zone);
  const setValue = (path: string, value: FieldValue) => {
    setValues((current) => ({ ...current, [path]: value }));
    setMissing((current) => current.filter((item) => item !== path));
  };
  const currentValues = (): Values => Object.fromEntries(fields.map((field) => [field.path, valueOf(field)]));
  const countOf = (list: Repeatable) => counts[list] ?? 1;
  // A new element's first input takes the focus, so the user types straight into it.
  const focusNext = useRef<string | null>(null);
  useEffect(() => {
    if (!focusNext.current) return;
    document.getElementById(focusNext.current)?.focus();
    focusNext.current = null;
  });
  const addItem = (list: Repeatable) => {
    const index = countOf(list);
    const first = visibleFields(type as RequestType, rules!, values, accepted, {
      ...counts,
      [list]: index + 1,
    }).find((field) => field.item?.list === list && field.item.index === index);
    focusNext.current = first ? fieldId(first.path) : null;
    setCounts((current) => ({ ...current, [list]: index + 1 }));
  };
  const dropItem = ({ list, index }: ListItem) => {
    const remaining = Math.max(1, countOf(list) - 1);
    const nextValues = removeItem(values, list, index);
    // The focused button goes with its element: the focus moves to the element now in its place
    // (or the one before, when the last was removed), and the removal is announced.
    const stay = Math.min(index, remaining - 1);
    const first = visibleFields(type as RequestType, rules!, nextValues, accepted, {
      ...counts,
      [list]: remaining,
    }).find((field) => field.item?.list === list && field.item.index === stay);
    focusNext.current = first ? fieldId(first.path) : null;
    setValues(nextValues);
    setCounts((current) => ({ ...current, [list]: Math.max(1, (current[list] ?? 1) - 1) }));
    setAnnouncement(t('wizard.itemRemoved', { item: t(`wizard.item.${list}`, { n: index + 1 }) }));
    // Errors and missing marks name positions that have moved: they are asked for again on Next.
    setMissing([]);
    setApiErrors([]);
  };

  function next(event: FormEvent) {
    event.preventDefault();
    setFailure(null);
    if (step === 1) {
      const absent = [...(legalBasis ? [] : ['legalBasis']), ...(type ? [] : ['type'])];
      setMissing(absent);
      if (absent.length === 0 && rules) setStep(2);
      return;
    }
    if (step === 2) {
      const absent = missingFields(fields, currentValues()).map((field) => field.path);
      setMissing(absent);
      if (absent.length === 0) setStep(3);
    }
  }

  async function create() {
    if (!legalBasis || !type) return;
    setSending(true);
    setFailure(null);
    try {
      const { data, error } = await client.POST('/v1/requests', {
        body: buildBody(legalBasis, type, fields, currentValues()),
      });
      if (data) {
        void queryClient.invalidateQueries({ queryKey: ['requests'] });
        navigate(`/requests/${data.id}`);
        return;
      }
      const details = Array.isArray(error?.details) ? (error.details as FieldError[]) : [];
      setApiErrors(details);
      setFailure(errorText(t, error));
      // Field errors are shown next to their fields, so the user is taken back to them.
      if (details.length > 0) setStep(2);
    } catch {
      setFailure(errorText(t, 'network'));
    } finally {
      setSending(false);
    }
  }

  const stepTitle = t(step === 1 ? 'wizard.step1' : step === 2 ? 'wizard.step2' : 'wizard.step3');
  const unplaced = apiErrors.filter(
    (error) => !fields.some((field) => errorsFor(field.path, [error]).length > 0),
  );

  return (
    <section aria-labelledby="wizard-heading" className="wizard">
      <h1 id="wizard-heading">{t('wizard.heading')}</h1>
      <h2 ref={headingRef} tabIndex={-1}>
        {t('wizard.stepOf', { step, total: 3 })}: {stepTitle}
      </h2>
      {missing.length > 0 && (
        <div role="alert" className="error missing">
          <p>{t('wizard.missing')}</p>
          <ul>
            {missing.map((path) => (
              <li key={path}>
                <a href={`#${fieldId(path)}`}>{fieldLabel(t, path)}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {failure !== null && (
        <div role="alert" className="error">
          <p>{t('wizard.createFailed', { message: failure })}</p>
          {unplaced.length > 0 && (
            <ul>
              {unplaced.map((error) => (
                <li key={error.field}>
                  {error.field}: {error.messages.join('; ')}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {profiles.error && (
        <p role="alert" className="error">
          {errorText(t, profiles.error)}
        </p>
      )}

      {step === 1 && (
        <form onSubmit={next} aria-labelledby="wizard-heading" noValidate>
          <div className="field">
            <label htmlFor={fieldId('legalBasis')}>{t('field.legalBasis')}</label>
            <select
              id={fieldId('legalBasis')}
              value={legalBasis}
              aria-invalid={missing.includes('legalBasis') || undefined}
              onChange={(event) => {
                setLegalBasis(event.target.value as LegalBasis | '');
                setType('');
                setMissing([]);
              }}
            >
              <option value="">{t('wizard.choose')}</option>
              {(profiles.data ?? []).map((item) => (
                <option key={item.legalBasis} value={item.legalBasis}>
                  {item.title}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={fieldId('type')}>{t('field.type')}</label>
            <select
              id={fieldId('type')}
              value={type}
              disabled={!summary}
              aria-invalid={missing.includes('type') || undefined}
              onChange={(event) => {
                setType(event.target.value as RequestType | '');
                setMissing([]);
              }}
            >
              <option value="">{t('wizard.choose')}</option>
              {(summary?.requestTypes ?? []).map((item) => (
                <option key={item} value={item}>
                  {t(`type.${item}`)}
                </option>
              ))}
            </select>
          </div>
          {rules && (
            <p className="hint">
              {t('wizard.profileSays', {
                articles: rules.articles.join(', ') || '–',
                count: rules.mandatoryFields.length,
              })}
              {rules.note && <> {rules.note}</>}
            </p>
          )}
          {type && profile.isPending && <p>{t('app.loading')}</p>}
          <div className="buttons">
            {/* Until the profile is in, step 2 would not know which fields to ask for. */}
            <button type="submit" disabled={summary !== undefined && profile.isPending}>
              {t('wizard.next')}
            </button>
          </div>
        </form>
      )}

      {step === 2 && (
        <form onSubmit={next} aria-labelledby="wizard-heading" noValidate>
          <p role="status" className="visually-hidden">
            {announcement}
          </p>
          {SECTIONS.map((section) => {
            const inSection = fields.filter((field) => field.section === section);
            if (inSection.length === 0) return null;
            return (
              <fieldset key={section}>
                <legend>{t(`wizard.section.${section}`)}</legend>
                {groupByItem(inSection).map(({ item, fields: group }) => {
                  const inputs = group.map((field) => (
                    <Field
                      key={field.path}
                      spec={field}
                      value={valueOf(field)}
                      onChange={(value) => setValue(field.path, value)}
                      missing={missing.includes(field.path)}
                      errors={errorsFor(field.path, apiErrors)}
                      agencies={counterparts}
                      zones={zones}
                    />
                  ));
                  if (!item) return <Fragment key={group[0]?.path}>{inputs}</Fragment>;
                  const name = t(`wizard.item.${item.list}`, { n: item.index + 1 });
                  const lastOfList = item.index === countOf(item.list) - 1;
                  return (
                    <div key={`${item.list}-${item.index}`}>
                      <fieldset className="list-item">
                        <legend>{name}</legend>
                        {inputs}
                        {countOf(item.list) > 1 && (
                          <button type="button" onClick={() => dropItem(item)}>
                            {t('wizard.removeItem', { item: name })}
                          </button>
                        )}
                      </fieldset>
                      {lastOfList && countOf(item.list) < MAX_ITEMS[item.list] && (
                        <button type="button" onClick={() => addItem(item.list)}>
                          {t(`wizard.add.${item.list}`)}
                        </button>
                      )}
                    </div>
                  );
                })}
              </fieldset>
            );
          })}
          <div className="buttons">
            <button type="button" onClick={() => setStep(1)}>
              {t('wizard.back')}
            </button>
            <button type="submit">{t('wizard.next')}</button>
          </div>
        </form>
      )}

      {step === 3 && legalBasis && type && (
        <>
          <Preview
            fields={fields}
            values={currentValues()}
            profileTitle={profile.data?.title ?? legalBasis}
            type={type}
            from={me.data?.agency}
            to={counterparts.find((agency) => agency.id === values.requestedAgencyId)}
          />
          <div className="buttons">
            <button type="button" onClick={() => setStep(2)}>
              {t('wizard.back')}
            </button>
            <button type="button" className="primary" disabled={sending} onClick={() => void create()}>
              {sending ? t('wizard.creating') : t('wizard.create')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

function Field({
  spec,
  value,
  onChange,
  missing,
  errors,
  agencies,
  zones,
}: {
  spec: VisibleField;
  value: FieldValue;
  onChange: (value: FieldValue) => void;
  missing: boolean;
  errors: string[];
  agencies: Schemas['AgencyDto'][];
  zones: string[];
}) {
  const { t, language } = useI18n();
  const id = fieldId(spec.path);
  const label = fieldLabel(t, spec.path);
  const invalid = missing || errors.length > 0;
  const messageId = `${id}-message`;
  const common = {
    id,
    'aria-invalid': invalid || undefined,
    'aria-describedby': invalid ? messageId : undefined,
    required: spec.kind !== 'bool' || spec.mustBeTrue,
  };
  const message = invalid && (
    <p id={messageId} className="field-error">
      {[...(missing ? [t('wizard.required')] : []), ...errors].join(' ')}
    </p>
  );
  const str = typeof value === 'string' ? value : '';

  let control: ReactNode;
  switch (spec.kind) {
    case 'bool':
      return (
        <div className="field check">
          <label>
            <input
              type="checkbox"
              {...common}
              checked={value === true}
              onChange={(event) => onChange(event.target.checked)}
            />{' '}
            {label}
          </label>
          {message}
        </div>
      );
    case 'multi': {
      const chosen = Array.isArray(value) ? value : [];
      return (
        <fieldset
          className="field"
          id={id}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? messageId : undefined}
          tabIndex={-1}
        >
          <legend>{label}</legend>
          {(spec.options ?? []).map((option) => (
            <label key={option} className="check">
              <input
                type="checkbox"
                checked={chosen.includes(option)}
                onChange={(event) =>
                  onChange(
                    event.target.checked ? [...chosen, option] : chosen.filter((item) => item !== option),
                  )
                }
              />{' '}
              {optionLabel(t, spec, option, language)}
            </label>
          ))}
          {message}
        </fieldset>
      );
    }
    case 'zoned': {
      const zoned: Zoned =
        typeof value === 'object' && !Array.isArray(value) ? value : { local: '', timeZone: '' };
      return (
        <fieldset className="field zoned" aria-describedby={invalid ? messageId : undefined}>
          <legend>{label}</legend>
          <label htmlFor={id}>{t('wizard.localTime')}</label>
          <input
            type="datetime-local"
            {...common}
            value={zoned.local}
            onChange={(event) => onChange({ ...zoned, local: event.target.value })}
          />
          <label htmlFor={`${id}-zone`}>{t('wizard.timeZone')}</label>
          <select
            id={`${id}-zone`}
            value={zoned.timeZone}
            onChange={(event) => onChange({ ...zoned, timeZone: event.target.value })}
          >
            {(zones.includes(zoned.timeZone) ? zones : [zoned.timeZone, ...zones]).map((tz) => (
              <option key={tz} value={tz}>
                {tz}
              </option>
            ))}
          </select>
          {message}
        </fieldset>
      );
    }
    case 'select':
      control = (
        <select {...common} value={str} onChange={(event) => onChange(event.target.value)}>
          {(spec.options ?? []).map((option) => (
            <option key={option} value={option}>
              {optionLabel(t, spec, option, language)}
            </option>
          ))}
        </select>
      );
      break;
    case 'agency':
      control = (
        <select {...common} value={str} onChange={(event) => onChange(event.target.value)}>
          <option value="">{t('wizard.choose')}</option>
          {agencies.map((agency) => (
            <option key={agency.id} value={agency.id}>
              {agency.name} ({agency.stateCode})
            </option>
          ))}
        </select>
      );
      break;
    case 'textarea':
      control = (
        <textarea {...common} dir="auto" value={str} onChange={(event) => onChange(event.target.value)} />
      );
      break;
    default: {
      const inputType =
        spec.kind === 'number'
          ? 'number'
          : spec.kind === 'date'
            ? 'date'
            : spec.kind === 'datetime'
              ? 'datetime-local'
              : 'text';
      control = (
        <input
          type={inputType}
          {...common}
          dir={inputType === 'text' ? 'auto' : undefined}
          value={str}
          onChange={(event) => onChange(event.target.value)}
        />
      );
    }
  }
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {control}
      {spec.kind === 'list' && <p className="hint">{t('wizard.listHint')}</p>}
      {message}
    </div>
  );
}

/** The formal request as the counterpart will read it: every answer under its label. */
function Preview({
  fields,
  values,
  profileTitle,
  type,
  from,
  to,
}: {
  fields: VisibleField[];
  values: Values;
  profileTitle: string;
  type: RequestType;
  from: { name: string; stateCode: string } | undefined;
  to: Schemas['AgencyDto'] | undefined;
}) {
  const { t, language } = useI18n();
  const shown = (spec: FieldSpec): string => {
    const value = values[spec.path];
    if (value === undefined) return '';
    if (typeof value === 'boolean') return value ? t('wizard.yes') : t('wizard.no');
    if (Array.isArray(value)) return value.map((option) => optionLabel(t, spec, option, language)).join(', ');
    if (typeof value === 'object') return `${value.local.replace('T', ' ')} (${value.timeZone})`;
    if (spec.kind === 'agency') return to ? `${to.name} (${to.stateCode})` : value;
    return spec.kind === 'select' ? optionLabel(t, spec, value, language) : value;
  };
  return (
    <article aria-labelledby="preview-heading" className="preview">
      <h3 id="preview-heading">{t('wizard.formalTitle', { type: t(`type.${type}`) })}</h3>
      <p>{t('wizard.under', { instrument: profileTitle })}</p>
      <p>
        {t('wizard.fromTo', {
          from: from ? `${from.name} (${from.stateCode})` : '',
          to: to ? `${to.name} (${to.stateCode})` : '',
        })}
      </p>
      {SECTIONS.map((section) => {
        const inSection = fields.filter((field) => field.section === section);
        if (inSection.length === 0) return null;
        return (
          <section key={section} aria-label={t(`wizard.section.${section}`)}>
            <h4>{t(`wizard.section.${section}`)}</h4>
            <dl className="details">
              {inSection.map((field) => (
                <div key={field.path}>
                  <dt>{fieldLabel(t, field.path)}</dt>
                  <dd dir="auto">{shown(field)}</dd>
                </div>
              ))}
            </dl>
          </section>
        );
      })}
    </article>
  );
}
