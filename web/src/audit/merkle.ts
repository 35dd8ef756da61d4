/**
 * RFC 9162 (RFC 6962) Merkle inclusion proofs, checked in the browser with SubtleCrypto, so the
 * auditor's screen does not take the portal's word that an entry is in the log it signed. The same
 * hashing and the same algorithm as the server (src/modules/audit/merkle/merkle.ts) and the offline
 * verifier (scripts/audit-verify-core.mjs): SHA-256(0x00 || leaf) for leaves, SHA-256(0x01 || left ||
 * right) for nodes; both are run over the transparency-dev vectors (test/fixtures/merkle).
 */

export const HASH_SIZE = 32;

/**
 * Why a check failed, as a code the screen translates (`audit.reason.<code>`), with the numbers the
 * message names: the verifier speaks no language of its own.
 */
export type MerkleReason =
  | 'badSize'
  | 'badLength'
  | 'indexBeyondTree'
  | 'proofTooLong'
  | 'proofTooShort'
  | 'rootMismatch'
  | 'otherEntry'
  | 'otherTree'
  | 'undecodable'
  | 'otherLeaf'
  | 'bodyMismatch'
  | 'bodyUnreadable'
  | 'fieldMismatch'
  | 'sizeOrder'
  | 'emptyTree'
  | 'equalSizesProof'
  | 'equalSizesRoots'
  | 'proofEmpty'
  | 'root1Mismatch'
  | 'root2Mismatch';

export type Failure<Reason extends string> = {
  ok: false;
  reason: Reason;
  values?: Record<string, string | number>;
};
export type Verification = { ok: true } | Failure<MerkleReason>;

const OK: Verification = { ok: true };
const fail = (reason: MerkleReason, values?: Record<string, string | number>): Failure<MerkleReason> =>
  values ? { ok: false, reason, values } : { ok: false, reason };

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
  if (idx === undefined || treeSize === undefined) return fail('badSize');
  if (leaf.length !== HASH_SIZE || root.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE))
    return fail('badLength');
  // 1.
  if (idx >= treeSize) return fail('indexBeyondTree');
  // 2., 3.
  let fn = idx;
  let sn = treeSize - 1n;
  let r = leaf;
  // 4.
  for (const p of proof) {
    if (sn === 0n) return fail('proofTooLong');
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
  if (sn !== 0n) return fail('proofTooShort');
  if (!equalBytes(r, root)) return fail('rootMismatch');
  return OK;
}

/**
 * RFC 9162 §2.1.4.2, step for step, as the server's verifier (src/modules/audit/merkle/merkle.ts):
 * that the tree of `size2` entries with root `root2` extends the tree of `size1` with `root1`, so a
 * newer checkpoint did not rewrite what an older one signed. The edges are the transparency-dev
 * vectors': equal sizes need an empty proof and equal roots, and size1 = 0 proves nothing.
 */
export async function verifyConsistency(
  size1: number | bigint,
  size2: number | bigint,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): Promise<Verification> {
  const first = toBig(size1);
  const second = toBig(size2);
  if (first === undefined || second === undefined) return fail('badSize');
  if (first > second) return fail('sizeOrder');
  if (first === 0n) return fail('emptyTree');
  if (first === second) {
    if (proof.length !== 0) return fail('equalSizesProof');
    if (!equalBytes(root1, root2)) return fail('equalSizesRoots');
    return OK;
  }
  if (root1.length !== HASH_SIZE || root2.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE))
    return fail('badLength');
  // 1.
  if (proof.length === 0) return fail('proofEmpty');
  // 2. A power-of-two size1 is a whole subtree: its root is the proof's implicit first node.
  const path: Uint8Array[] = (first & (first - 1n)) === 0n ? [root1, ...proof] : [...proof];
  // 3.
  let fn = first - 1n;
  let sn = second - 1n;
  // 4.
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  // 5.
  let fr = path[0]!;
  let sr = path[0]!;
  // 6.
  for (const c of path.slice(1)) {
    if (sn === 0n) return fail('proofTooLong');
    if ((fn & 1n) === 1n || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // 7.
  if (sn !== 0n) return fail('proofTooShort');
  if (!equalBytes(fr, root1)) return fail('root1Mismatch');
  if (!equalBytes(sr, root2)) return fail('root2Mismatch');
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

/** What the screen checks a proof against: the entry as its row shows it, and the checkpoint as signed. */
export interface ListedEntry {
  seq: number;
  /** Hex, as GET /v1/audit/events gives it. */
  leafHash: string;
  ts: string;
  action: string;
  outcome: string;
  actor: { userId: string; agencyId: string; role: string } | null;
  requestId: string | null;
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
  /** The entry's canonical JSON, exactly as hashed (or, `redacted`, its redaction marker). */
  body: string;
  redacted?: true;
  proof: string[];
}

export type EntryVerification = { ok: true; redacted: boolean } | Failure<MerkleReason>;

/** The fields of the hashed body (src/modules/audit/audit.types.ts, AuditBody) the row shows. */
interface HashedBody {
  seq?: unknown;
  ts?: unknown;
  type?: unknown;
  outcome?: unknown;
  actor?: { user?: unknown; agency?: unknown; role?: unknown } | null;
  target?: { request?: unknown } | null;
  leafHash?: unknown;
}

/** The first field the row shows that the hashed body does not say, if any. */
function mismatchedField(entry: ListedEntry, body: HashedBody, redacted: boolean): string | undefined {
  if (body.seq !== entry.seq) return 'seq';
  if (body.ts !== entry.ts) return 'ts';
  if (body.type !== entry.action) return 'action';
  // The redaction marker keeps only seq, ts, type and the leaf hash: the rest is gone with the body.
  if (redacted) return body.leafHash === entry.leafHash.toLowerCase() ? undefined : 'leafHash';
  if (body.outcome !== entry.outcome) return 'outcome';
  const actor = body.actor ?? null;
  if ((actor === null) !== (entry.actor === null)) return 'actor';
  if (actor && entry.actor) {
    if (actor.user !== entry.actor.userId || actor.agency !== entry.actor.agencyId) return 'actor';
    if (actor.role !== entry.actor.role) return 'actor';
  }
  if ((body.target?.request ?? null) !== entry.requestId) return 'request';
  return undefined;
}

/**
 * Whether `served` proves the entry, as its row shows it, is in the checkpoint's tree. The leaf hash
 * is recomputed here from the body the portal hands out, compared with the listed one, and the row's
 * fields are compared with the body's: the proof then vouches for what the auditor reads, not only
 * for a hash. The root is the checkpoint's, never the copy inside the proof answer: a proof that only
 * agrees with itself proves nothing. A redacted entry's body is its marker, which names the leaf hash
 * it replaced but cannot hash to it: the proof then vouches for the leaf alone, and says so.
 */
export async function checkEntryProof(
  entry: ListedEntry,
  checkpoint: CheckpointRoot,
  served: ServedProof,
): Promise<EntryVerification> {
  if (served.seq !== entry.seq || served.leafIndex !== entry.seq - 1)
    return fail('otherEntry', { served: served.seq, listed: entry.seq });
  if (served.treeSize !== checkpoint.treeSize)
    return fail('otherTree', { served: served.treeSize, signed: checkpoint.treeSize });
  const leaf = fromHex(entry.leafHash);
  const root = fromBase64(checkpoint.rootHash);
  const path = served.proof.map(fromBase64);
  if (!leaf || !root || path.some((p) => p === undefined)) return fail('undecodable');
  const servedLeaf = fromBase64(served.leafHash);
  if (!servedLeaf || !equalBytes(servedLeaf, leaf)) return fail('otherLeaf');
  const redacted = served.redacted === true;
  if (!redacted && !equalBytes(await leafHash(new TextEncoder().encode(served.body)), leaf))
    return fail('bodyMismatch');
  let body: HashedBody;
  try {
    body = JSON.parse(served.body) as HashedBody;
  } catch {
    return fail('bodyUnreadable');
  }
  if (!body || typeof body !== 'object') return fail('bodyUnreadable');
  const field = mismatchedField(entry, body, redacted);
  if (field) return fail('fieldMismatch', { field });
  const included = await verifyInclusion(
    leaf,
    entry.seq - 1,
    checkpoint.treeSize,
    path as Uint8Array[],
    root,
  );
  return included.ok ? { ok: true, redacted } : included;
}
