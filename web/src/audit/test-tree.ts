import { createHash } from 'node:crypto';

/**
 * For tests only: an RFC 6962 Merkle tree built the plain recursive way (RFC 6962 §2.1, MTH, PATH
 * and PROOF), independent of the verifier under test, so a test can serve genuine proofs for entries
 * whose bodies it chose. Node's own crypto, not SubtleCrypto, for the same reason.
 */
const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

export const leafOf = (body: string): Buffer => sha256(Buffer.from([0x00]), Buffer.from(body, 'utf8'));

/** The largest power of two smaller than n. */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function rootOf(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0]!;
  const k = split(leaves.length);
  return sha256(Buffer.from([0x01]), rootOf(leaves.slice(0, k)), rootOf(leaves.slice(k)));
}

/** The inclusion path of leaf index m. */
export function pathOf(m: number, leaves: readonly Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k
    ? [...pathOf(m, leaves.slice(0, k)), rootOf(leaves.slice(k))]
    : [...pathOf(m - k, leaves.slice(k)), rootOf(leaves.slice(0, k))];
}

/** The consistency proof from the first m leaves to all of them. */
export function consistencyOf(m: number, leaves: readonly Buffer[], whole = true): Buffer[] {
  if (m === leaves.length) return whole ? [] : [rootOf(leaves)];
  const k = split(leaves.length);
  return m <= k
    ? [...consistencyOf(m, leaves.slice(0, k), whole), rootOf(leaves.slice(k))]
    : [...consistencyOf(m - k, leaves.slice(k), false), rootOf(leaves.slice(0, k))];
}

/** An audit body as the server hashes it (keys in RFC 8785 order), for entry `seq`. */
export function auditBody(seq: number, overrides: Record<string, unknown> = {}): string {
  const body = {
    actor: {
      agency: '00000000-0000-4000-8000-0000000000aa',
      auth: 'password',
      role: 'central_authority_officer',
      user: '5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f',
    },
    corr: null,
    data: {},
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    outcome: 'success',
    seq,
    src: { ip: null },
    target: {
      id: '0b8f6a0e-5a8c-4c1e-9d55-3f3c2b9b7a10',
      request: '0b8f6a0e-5a8c-4c1e-9d55-3f3c2b9b7a10',
      type: 'request',
    },
    ts: '2026-03-02T09:30:00.000Z',
    type: 'request.transmit',
    v: 1,
    ...overrides,
  };
  return JSON.stringify(body);
}
