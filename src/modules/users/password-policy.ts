import { Injectable } from '@nestjs/common';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

/** Words anyone attacking this portal would try first. */
const CONTEXT_WORDS = [
  'mla',
  'portal',
  'mla-portal',
  'mutual',
  'legal',
  'assistance',
  'cybercrime',
  'interpol',
  'police',
];

const WARNINGS: Record<string, string> = {
  commonPasswords: 'it is one of the most commonly used passwords',
  similarToCommon: 'it is very close to a commonly used password',
  topTen: 'it is one of the ten most used passwords',
  topHundred: 'it is one of the hundred most used passwords',
  straightRow: 'it is a row of keys on the keyboard',
  keyPattern: 'it is a short keyboard pattern',
  simpleRepeat: 'it repeats a few characters',
  extendedRepeat: 'it repeats a pattern',
  sequences: 'it is a common sequence of characters',
  recentYears: 'it relies on a recent year',
  dates: 'it relies on a date',
  userInputs: 'it contains your name, username or a word of this portal',
  wordByItself: 'a single word is easy to guess',
  namesByThemselves: 'a single name is easy to guess',
};

/**
 * The password rules of CJIS IA-5(1)(a) and ASVS 6.2: at least 12 characters, long passphrases
 * welcome (up to 1024, spaces and any script included, never truncated), no composition rules, and
 * a check against commonly used and breached passwords (the zxcvbn-ts dictionaries, about 30,000
 * entries) that says why a password is refused.
 */
@Injectable()
export class PasswordPolicy {
  private readonly zxcvbn = new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs });

  /** The reasons this password is refused; empty when it is acceptable. */
  check(password: string, context: { username?: string; displayName?: string } = {}): string[] {
    const length = [...password].length;
    if (length < MIN_PASSWORD_LENGTH) return [`must be at least ${MIN_PASSWORD_LENGTH} characters long`];
    if (length > MAX_PASSWORD_LENGTH) return [`must be at most ${MAX_PASSWORD_LENGTH} characters long`];
    const reasons: string[] = [];
    const username = context.username?.toLowerCase();
    if (username && username.length >= 3 && password.toLowerCase().includes(username)) {
      reasons.push('must not contain your username');
    }
    if (builtFromContext(password)) reasons.push('is built from the name of this portal');
    const userInputs = [
      ...CONTEXT_WORDS,
      ...(username ? username.split(/[.@_-]/) : []),
      ...(context.displayName?.split(/\s+/) ?? []),
    ];
    const result = this.zxcvbn.check(
      password,
      userInputs.filter((word) => word.length >= 3),
    );
    if (result.score < 3) {
      const warning = result.feedback.warning ? WARNINGS[result.feedback.warning] : undefined;
      reasons.push(`is too easy to guess: ${warning ?? 'it resembles commonly used passwords'}`);
    }
    return reasons;
  }
}

/** True when the password leans on the portal's own words and, once they, digits and punctuation are taken out, almost nothing is left. */
function builtFromContext(password: string): boolean {
  const original = password.toLowerCase().replace(/[^\p{L}]/gu, '');
  let letters = original;
  for (const word of [...CONTEXT_WORDS].sort((a, b) => b.length - a.length))
    letters = letters.replaceAll(word.replace('-', ''), '');
  return letters !== original && letters.length < 4;
}
