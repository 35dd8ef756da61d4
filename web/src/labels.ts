import { isMessageKey, type Translate } from './i18n';

/**
 * Labels for codes the API sends as strings (audit actions, custody events, roles): the
 * catalogue's wording when it has one. An action the portal learns later than this screen shows
 * as "Other event (code)" rather than breaking the page or passing for a known one.
 */
export function eventLabel(t: Translate, action: string): string {
  const key = `event.${action}`;
  return isMessageKey(key) ? t(key) : t('event.other', { code: action });
}

/** A role as the people reading the trail call it; an unknown one stays its code. */
export function roleLabel(t: Translate, role: string): string {
  const key = `role.${role}`;
  return isMessageKey(key) ? t(key) : role;
}

/** "failed" or "denied" beside an event that did not succeed; nothing for a success. */
export function outcomeLabel(t: Translate, outcome: string): string | null {
  if (outcome === 'success') return null;
  const key = `eventOutcome.${outcome}`;
  return isMessageKey(key) ? t(key) : outcome;
}

/** A deadline by the profile's name for it; one the catalogue does not know yet is "Other (name)". */
export function deadlineLabel(t: Translate, name: string): string {
  const key = `deadline.${name}`;
  return isMessageKey(key) ? t(key) : t('label.other', { code: name });
}

/** A ground of refusal or postponement (REF_*, POST_*) in words; an unknown one is "Other (code)". */
export function groundLabel(t: Translate, code: string): string {
  const key = `ground.${code}`;
  return isMessageKey(key) ? t(key) : t('label.other', { code });
}
