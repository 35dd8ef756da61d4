import { createHash } from 'node:crypto';

export const GENESIS_CHAIN_HASH = '0'.repeat(64);

/** RFC 9162 §2.1.1 leaf hash: SHA-256(0x00 || entry). */
export function leafHash(body: string): string {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(body, 'utf8')
    .digest('hex');
}

/** The chain link: SHA-256(previous chain hash || leaf hash), both as raw 32-byte values. */
export function chainHash(previousChainHash: string, leaf: string): string {
  return createHash('sha256')
    .update(Buffer.from(previousChainHash, 'hex'))
    .update(Buffer.from(leaf, 'hex'))
    .digest('hex');
}
