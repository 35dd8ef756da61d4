import { describe, expect, it } from 'vitest';
import type { MessageKey, Translate } from './i18n';
import en from './i18n/en.json';
import fr from './i18n/fr.json';
import { errorText, isStale } from './errors';

const translate =
  (catalogue: Record<string, string>): Translate =>
  (key: MessageKey, values = {}) =>
    (catalogue[key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));

describe('errorText', () => {
  it('puts a known envelope code in words, in the user’s language, whatever the English message', () => {
    const envelope = { code: 'request.version_conflict', message: 'The request was changed by someone else' };
    expect(errorText(translate(en), envelope)).toBe(
      'The request has changed since you opened it. Reload it and try again.',
    );
    expect(errorText(translate(fr), envelope)).toBe(
      'La demande a changé depuis que vous l’avez ouverte. Rechargez-la et réessayez.',
    );
    expect(errorText(translate(en), { code: 'validation.failed' })).toBe(
      'Some of what was entered was refused. Check the form and try again.',
    );
    expect(errorText(translate(en), { code: 'auth.permission_denied' })).toBe(
      'You are not allowed to do this.',
    );
  });

  it('reads the code a query threw as its Error, or a bare code', () => {
    expect(errorText(translate(en), new Error('common.not_found'))).toBe(
      'It no longer exists, or you may not see it.',
    );
    expect(errorText(translate(en), 'common.rate_limited')).toBe(en['login.rateLimited']);
  });

  it('names a network failure (no envelope) as such', () => {
    expect(errorText(translate(en), undefined)).toBe(en['error.network']);
    expect(errorText(translate(en), 'network')).toBe(en['error.network']);
  });

  it('falls back to the generic message with the code for a code it does not know', () => {
    expect(errorText(translate(en), { code: 'evidence.legal_hold' })).toBe(
      'Something went wrong: evidence.legal_hold',
    );
    // An inherited property of a plain object is not a known code.
    expect(errorText(translate(en), { code: 'toString' })).toBe('Something went wrong: toString');
  });

  it('tells a request out of date (old version, or a status changed meanwhile) from other refusals', () => {
    expect(isStale({ code: 'request.version_conflict' })).toBe(true);
    expect(isStale({ code: 'request.precondition_failed' })).toBe(true);
    expect(isStale({ code: 'request.invalid_transition' })).toBe(true);
    expect(isStale({ code: 'request.reapproval_required' })).toBe(false);
    expect(isStale(undefined)).toBe(false);
  });
});
