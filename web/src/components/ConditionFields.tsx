import type { Schemas } from '@mla/api-client';
import { useI18n } from '../i18n';
import { CONDITION_TYPES } from '../wizard/fields';

export type ConditionType = Schemas['UseConditionDto']['type'];

/**
 * A condition on use as both sides write one (proposed in consultation, attached to a consent):
 * its type, named in words, and its wording. `id` prefixes the inputs' ids, unique on the page.
 */
export function ConditionFields({
  id,
  type,
  text,
  onType,
  onText,
}: {
  id: string;
  type: ConditionType;
  text: string;
  onType: (type: ConditionType) => void;
  onText: (text: string) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-ctype`}>{t('consents.conditionType')}</label>
        <select
          id={`${id}-ctype`}
          value={type}
          onChange={(event) => onType(event.target.value as ConditionType)}
        >
          {CONDITION_TYPES.map((option) => (
            <option key={option} value={option}>
              {t(`option.${option}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-ctext`}>{t('consents.conditionText')}</label>
        {/* dir="auto": the wording keeps the direction it is written in. */}
        <textarea
          id={`${id}-ctext`}
          required
          maxLength={2000}
          dir="auto"
          value={text}
          onChange={(event) => onText(event.target.value)}
        />
      </div>
    </>
  );
}
