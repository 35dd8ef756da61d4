/**
 * RFC 8785 (JCS) canonical JSON for the values audit bodies hold: objects with keys sorted by
 * UTF-16 code units, arrays in order, strings and finite numbers as ECMAScript JSON.stringify
 * writes them (which is what JCS prescribes). `undefined` members are omitted, as in JSON.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('Non-finite numbers have no canonical JSON form');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, member]) => member !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`Cannot canonicalise a ${typeof value}`);
  }
}

/**
 * True when `text` is the canonical JSON of `parsed` (what JSON.parse gave for it). Checking a
 * million bodies is the verifier's main cost, so the common case takes a fast path: JSON.stringify
 * writes members in the parsed order, so when it reproduces the text and every object's keys are
 * already sorted, the text is canonical. Anything else (integer-like keys, which JavaScript reorders)
 * is decided by the full canonicalisation.
 */
export function isCanonicalJson(text: string, parsed: unknown): boolean {
  if (JSON.stringify(parsed) === text && keysSorted(parsed)) return true;
  return canonicalJson(parsed) === text;
}

function keysSorted(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(keysSorted);
  const keys = Object.keys(value);
  for (let i = 1; i < keys.length; i += 1) if (!(keys[i - 1] < keys[i])) return false;
  return keys.every((key) => keysSorted((value as Record<string, unknown>)[key]));
}
