import { createHash, randomBytes } from 'node:crypto';

/** Lower case: Node lower-cases incoming header names. */
export const API_KEY_HEADER = 'x-api-key';

const KEY_FORMAT = /^mla_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;

export interface GeneratedApiKey {
  /** The whole key, for its holder only: shown once and never stored. */
  key: string;
  prefix: string;
  secretHash: string;
}

/**
 * `mla_<prefix>_<secret>`: 48 random bits of public prefix, for telling keys apart in lists and
 * logs, and 256 random bits of secret.
 */
export function generateApiKey(): GeneratedApiKey {
  const prefix = randomBytes(6).toString('hex');
  const key = `mla_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, secretHash: hashApiKey(key) };
}

export function isWellFormedApiKey(value: string): boolean {
  return KEY_FORMAT.test(value);
}

/**
 * A plain SHA-256, not a password hash: the key carries 256 bits from the CSPRNG, so there is no
 * dictionary to slow down, and a fast hash keeps the per-request check cheap. Keys are looked up by
 * this hash alone, never by prefix, so response times say nothing about which prefixes exist.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
