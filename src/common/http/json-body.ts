import type { IncomingMessage, ServerResponse } from 'node:http';

export const JSON_BODY_LIMIT = '1mb';
export const MAX_JSON_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Raised from body-parser's `verify` hook; body-parser turns it into a 400 carrying this type. */
export const BODY_REJECTED = 'entity.rejected';

export class BodyRejectedError extends Error {
  readonly status = 400;
  readonly expose = true;
  readonly type = BODY_REJECTED;
}

/**
 * One linear pass over the raw JSON before it is parsed, refusing what would otherwise reach the
 * application as a 500 or a silent surprise: nesting deeper than 32 (stack exhaustion in the
 * validators), keys that touch prototypes, and NUL characters (PostgreSQL cannot store them).
 * Malformed JSON is left to the parser itself.
 */
export function inspectJson(text: string): string | undefined {
  let depth = 0;
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    if (char === '{' || char === '[') {
      depth += 1;
      if (depth > MAX_JSON_DEPTH) return `JSON may not be nested deeper than ${MAX_JSON_DEPTH} levels`;
    } else if (char === '}' || char === ']') {
      depth -= 1;
    } else if (char === '"') {
      const start = index + 1;
      index += 1;
      while (index < text.length && text[index] !== '"') {
        if (text[index] === '\\') {
          if (text.startsWith('u0000', index + 1)) return 'Text may not contain NUL characters';
          index += 1;
        }
        index += 1;
      }
      const raw = text.slice(start, index);
      let next = index + 1;
      while (next < text.length && /\s/.test(text[next] ?? '')) next += 1;
      if (text[next] === ':' && FORBIDDEN_KEYS.has(raw)) return `The key "${raw}" is not allowed`;
    }
    index += 1;
  }
  return undefined;
}

export function verifyJsonBody(_request: IncomingMessage, _response: ServerResponse, body: Buffer): void {
  const problem = inspectJson(body.toString('utf8'));
  if (problem) throw new BodyRejectedError(problem);
}
