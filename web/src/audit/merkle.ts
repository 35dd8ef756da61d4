/**
 * RFC 9162 (RFC 6962) Merkle inclusion proofs, checked in the browser with SubtleCrypto, so the
 * auditor's screen does not take the portal's word that an entry is in the log it signed. The same
 * hashing and the same algorithm as the server (src/modules/audit/merkle/merkle.ts) and the offline
 * verifier (scripts/audit-verify-core.mjs): SHA-256(0x00 || leaf) for leaves, SHA-256(0x01 || left ||
 * right) for nodes; both are run over the transparency-dev vectors (test/fixtures/merkle).
 */

export const HASH_SIZE = 32;

export type Verification = { ok: true } | { ok: false; reason: string };

const OK: Verification = { ok: true };
const fail = (reason: string): Verification => ({ ok: false, reason });

async function sha256(parts: readonly Uint8Array[]): Promise<Uint8Array> {
  const joined = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
}

/** RFC 9162 §2.1.1: MTH({d}) = SHA-256(0x00 || d). The prefix keeps a leaf from posing as a node. */
export function leafHash(leaf: Uint8Array): Promise<Uint8Array> {
  return sha256([Uint8Array.of(0x00), leaf]);
}

/** RFC 9162 §2.1.1: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256([Uint8Array.of(0x01), left, right]);
}

/**
 * RFC 9162 §2.1.3.2, step for step. Index and size may be bigints, so that a proof claiming an index
 * beyond 2^53 is rejected for what it says rather than after rounding to a float.
 */
export async function verifyInclusion(
  leaf: Uint8Array,
  index: number | bigint,
  size: number | bigint,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<Verification> {
  const idx = toBig(index);
  const treeSize = toBig(size);
  if (idx === undefined || treeSize === undefined)
    return fail('index and tree size must be non-negative integers');
  if (leaf.length !== HASH_SIZE) return fail(`leaf hash has ${leaf.length} bytes, not ${HASH_SIZE}`);
  if (root.length !== HASH_SIZE) return fail(`root hash has ${root.length} bytes, not ${HASH_SIZE}`);
  const badElement = proof.findIndex((p) => p.length !== HASH_SIZE);
  if (badElement >= 0) return fail(`proof element ${badElement} is not ${HASH_SIZE} bytes`);
  // 1.
  if (idx >= treeSize) return fail(`leaf index ${idx} is not below tree size ${treeSize}`);
  // 2., 3.
  let fn = idx;
  let sn = treeSize - 1n;
  let r = leaf;
  // 4.
  for (const p of proof) {
    if (sn === 0n) return fail('proof is longer than the path to the root');
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // 5.
  if (sn !== 0n) return fail('proof is shorter than the path to the root');
  if (!equalBytes(r, root)) return fail('computed root does not match the root hash');
  return OK;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function toBig(value: number | bigint): bigint | undefined {
  if (typeof value === 'bigint') return value >= 0n ? value : undefined;
  return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
}

/** Strict base64 (one spelling per value), or undefined: a hash that does not decode is no hash. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  const binary = atob(text);
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

export function fromHex(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^(?:[0-9a-f]{2})*$/i.test(text)) return undefined;
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

export function toHex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** What the screen checks a proof against: the entry as listed, and the checkpoint as signed. */
export interface ListedEntry {
  seq: number;
  /** Hex, as GET /v1/audit/events gives it. */
  leafHash: string;
}
export interface CheckpointRoot {
  treeSize: number;
  /** Base64, as GET /v1/audit/checkpoints/latest gives it. */
  rootHash: string;
}
export interface ServedProof {
  seq: number;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  proof: string[];
}

/**
 * Whether `served` proves the listed entry is in the checkpoint's tree. The leaf is the entry's hash
 * as listed and the root the checkpoint's, never the copies inside the proof answer: a proof that
 * only agrees with itself proves nothing.
 */
export async function checkEntryProof(
  entry: ListedEntry,
  checkpoint: CheckpointRoot,
  served: ServedProof,
): Promise<Verification> {
  if (served.seq !== entry.seq || served.leafIndex !== entry.seq - 1)
    return fail(`the proof is for entry ${served.seq}, not ${entry.seq}`);
  if (served.treeSize !== checkpoint.treeSize)
    return fail(`the proof is for a tree of ${served.treeSize}, not the checkpoint's ${checkpoint.treeSize}`);
  const leaf = fromHex(entry.leafHash);
  const root = fromBase64(checkpoint.rootHash);
  const path = served.proof.map(fromBase64);
  if (!leaf || !root || path.some((p) => p === undefined)) return fail('a hash does not decode');
  const servedLeaf = fromBase64(served.leafHash);
  if (!servedLeaf || !equalBytes(servedLeaf, leaf)) return fail('the proof names another leaf hash');
  return verifyInclusion(leaf, entry.seq - 1, checkpoint.treeSize, path as Uint8Array[], root);
}
