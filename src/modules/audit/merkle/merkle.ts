import { createHash, hash } from 'node:crypto';

/**
 * RFC 9162 §2.1 Merkle tree over the audit log, with the database kept out: hashing, proof
 * generation against an abstract store of subtree hashes, and proof verification.
 *
 * ## Storage layout
 *
 * A node row is the hash of one *perfect* subtree, keyed by (level, index): level 0 index i is the
 * leaf hash of entry i; level k index i is the hash of leaves [i·2^k, (i+1)·2^k). A row is written
 * once, when its last leaf is appended, and never changes afterwards: appending leaf n writes the
 * leaf row plus one row per trailing 1-bit of n (at most log2(n)+1 rows, 2 on average). This is
 * the "compact range" layout of Trillian and transparency-dev; Rekor serves its proofs from it.
 *
 * Every hash a proof for any past tree size needs is either such a perfect subtree (1 read) or the
 * root of a right-edge range [a, n) that is not perfect, whose hash is the right fold of the
 * perfect subtrees given by the binary digits of n − a. RFC 9162's recursion produces at most one
 * such imperfect range per proof (once it descends into a left, perfect half, everything below is
 * perfect), so a proof for a tree of size n reads at most ~2·log2(n) rows, and since the ids are
 * known before reading, the reader is asked for all of them in one batch (one SQL query).
 *
 * Leaf indexes are 0-based, as in the RFC; mapping to the log's sequence numbers is the caller's.
 */

export const HASH_SIZE = 32;

/** SHA-256 of the empty string: MTH({}) in RFC 9162 §2.1.1. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

// One-shot `crypto.hash` over the joined bytes: for inputs this small it is several times faster
// than a Hash object, and a full verification computes about two of these per entry.

/** RFC 9162 §2.1.1: MTH({d}) = SHA-256(0x00 || d). The prefix keeps a leaf from posing as a node. */
export function leafHash(leaf: Uint8Array | string): Buffer {
  // U+0000 encodes as the single byte 0x00 in UTF-8: the string is hashed without a copy to a Buffer.
  if (typeof leaf === 'string') return hash('sha256', `\u0000${leaf}`, 'buffer');
  return hash('sha256', Buffer.concat([LEAF_PREFIX, leaf]), 'buffer');
}

/** RFC 9162 §2.1.1: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer');
}

/** MTH over leaf hashes, bottom-up: equal to the RFC's top-down split at the largest power of 2 < n. */
export function rootFromLeafHashes(hashes: readonly Uint8Array[]): Buffer {
  let frontier = emptyFrontier();
  for (const h of hashes) frontier = appendLeaf(frontier, Buffer.from(h)).frontier;
  return frontierRoot(frontier);
}

/** MTH(D[n]) of RFC 9162 §2.1.1 over the raw leaves. */
export function rootFromLeaves(leaves: readonly (Uint8Array | string)[]): Buffer {
  return rootFromLeafHashes(leaves.map((leaf) => leafHash(leaf)));
}

// ---------------------------------------------------------------------------------------------
// Stored nodes and appends
// ---------------------------------------------------------------------------------------------

export interface NodeId {
  level: number;
  index: number;
}

export interface NodeRow extends NodeId {
  hash: Buffer;
}

/**
 * What proof generation needs from storage. All ids are asked for at once so that a database can
 * answer with one query; a missing id is a broken store and must throw, never yield a guess.
 */
export interface NodeReader {
  getNodes(ids: readonly NodeId[]): Promise<Buffer[]>;
}

/**
 * The perfect subtrees covering [0, size), largest (leftmost) first: all that an append needs to
 * know about the past, and all that a root needs. It has popcount(size) nodes.
 */
export interface Frontier {
  readonly size: number;
  readonly nodes: readonly Buffer[];
}

export function emptyFrontier(): Frontier {
  return { size: 0, nodes: [] };
}

/** The ids of the frontier of a tree of `size`: read them to resume appending after a restart. */
export function frontierIds(size: number): NodeId[] {
  assertSize(size, 'size');
  return perfectSubtrees(0, size);
}

export async function loadFrontier(reader: NodeReader, size: number): Promise<Frontier> {
  const ids = frontierIds(size);
  const nodes = ids.length === 0 ? [] : await readExactly(reader, ids);
  return { size, nodes };
}

/**
 * Appends one leaf hash. Returns the rows the leaf completes (the leaf itself, then each parent it
 * closes, bottom-up) for the caller to insert, and the new frontier. Pure: the caller persists.
 */
export function appendLeaf(frontier: Frontier, leaf: Buffer): { frontier: Frontier; rows: NodeRow[] } {
  if (leaf.length !== HASH_SIZE) throw new RangeError(`A leaf hash has ${HASH_SIZE} bytes`);
  const n = frontier.size;
  assertSize(n + 1, 'size');
  const nodes = [...frontier.nodes];
  const rows: NodeRow[] = [{ level: 0, index: n, hash: leaf }];
  let hash = leaf;
  let level = 0;
  let index = n;
  // Each trailing 1-bit of n is a completed left sibling waiting on the frontier.
  while (index % 2 === 1) {
    const left = nodes.pop();
    if (!left) throw new Error('Frontier does not match its size');
    hash = nodeHash(left, hash);
    level += 1;
    index = (index - 1) / 2;
    rows.push({ level, index, hash });
  }
  nodes.push(hash);
  return { frontier: { size: n + 1, nodes }, rows };
}

export function frontierRoot(frontier: Frontier): Buffer {
  return foldRight(frontier.nodes) ?? EMPTY_ROOT;
}

// ---------------------------------------------------------------------------------------------
// Proof generation (RFC 9162 §2.1.3.1 and §2.1.4.1)
// ---------------------------------------------------------------------------------------------

/** A half-open range of leaves [start, end) whose MTH is one element of a proof. */
export interface LeafRange {
  start: number;
  end: number;
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]) as ranges, bottom-up (the order the proof is sent in). */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  assertSize(size, 'size');
  assertSize(index, 'index');
  if (index >= size) throw new RangeError(`index ${index} is not below tree size ${size}`);
  const out: LeafRange[] = [];
  const path = (m: number, start: number, end: number): void => {
    const n = end - start;
    if (n <= 1) return;
    const k = largestPowerOfTwoBelow(n);
    if (m < k) {
      path(m, start, start + k);
      out.push({ start: start + k, end });
    } else {
      path(m - k, start + k, end);
      out.push({ start, end: start + k });
    }
  };
  path(index, 0, size);
  return out;
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) as ranges. Defined for 0 < m <= n; empty when m == n. */
export function consistencyRanges(size1: number, size2: number): LeafRange[] {
  assertSize(size1, 'size1');
  assertSize(size2, 'size2');
  if (size1 === 0) throw new RangeError('A consistency proof from the empty tree is meaningless');
  if (size1 > size2) throw new RangeError(`size1 ${size1} is above size2 ${size2}`);
  const out: LeafRange[] = [];
  const subproof = (m: number, start: number, end: number, complete: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!complete) out.push({ start, end });
      return;
    }
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      subproof(m, start, start + k, complete);
      out.push({ start: start + k, end });
    } else {
      subproof(m - k, start + k, end, false);
      out.push({ start, end: start + k });
    }
  };
  subproof(size1, 0, size2, true);
  return out;
}

export async function inclusionProof(reader: NodeReader, index: number, size: number): Promise<Buffer[]> {
  return hashRanges(reader, inclusionRanges(index, size));
}

export async function consistencyProof(reader: NodeReader, size1: number, size2: number): Promise<Buffer[]> {
  return hashRanges(reader, consistencyRanges(size1, size2));
}

/** The root of the tree as it was at `size`: popcount(size) reads. */
export async function rootAt(reader: NodeReader, size: number): Promise<Buffer> {
  return frontierRoot(await loadFrontier(reader, size));
}

/** The stored nodes a list of ranges needs; exported so that tests can count reads per proof. */
export function nodesForRanges(ranges: readonly LeafRange[]): NodeId[] {
  const seen = new Set<string>();
  const ids: NodeId[] = [];
  for (const range of ranges) {
    for (const id of perfectSubtrees(range.start, range.end)) {
      const key = `${id.level}:${id.index}`;
      if (!seen.has(key)) {
        seen.add(key);
        ids.push(id);
      }
    }
  }
  return ids;
}

async function hashRanges(reader: NodeReader, ranges: readonly LeafRange[]): Promise<Buffer[]> {
  if (ranges.length === 0) return [];
  const ids = nodesForRanges(ranges);
  const hashes = await readExactly(reader, ids);
  const byId = new Map(ids.map((id, i) => [`${id.level}:${id.index}`, hashes[i]]));
  return ranges.map((range) => {
    const parts = perfectSubtrees(range.start, range.end).map((id) => byId.get(`${id.level}:${id.index}`)!);
    return foldRight(parts)!;
  });
}

async function readExactly(reader: NodeReader, ids: readonly NodeId[]): Promise<Buffer[]> {
  const hashes = await reader.getNodes(ids);
  if (hashes.length !== ids.length || hashes.some((h) => !h || h.length !== HASH_SIZE)) {
    throw new Error('Node store returned a missing or malformed hash');
  }
  return hashes;
}

/**
 * [start, end) split into perfect subtrees, left to right. Every range RFC 9162 asks for starts at
 * a multiple of a power of two at least as large as the range, so the split follows the binary
 * digits of end − start from the highest down and each piece is aligned.
 */
function perfectSubtrees(start: number, end: number): NodeId[] {
  const ids: NodeId[] = [];
  let at = start;
  let remaining = end - start;
  while (remaining > 0) {
    const size = highestPowerOfTwoAtMost(remaining);
    const level = Math.log2(size);
    if (at % size !== 0) throw new Error(`Range [${start}, ${end}) is not aligned to stored subtrees`);
    ids.push({ level, index: at / size });
    at += size;
    remaining -= size;
  }
  return ids;
}

/** MTH of consecutive perfect subtrees, largest first: the RFC split puts the big one on the left. */
function foldRight(nodes: readonly Buffer[]): Buffer | undefined {
  let acc: Buffer | undefined;
  for (let i = nodes.length - 1; i >= 0; i -= 1) acc = acc ? nodeHash(nodes[i], acc) : nodes[i];
  return acc;
}

function largestPowerOfTwoBelow(n: number): number {
  // n >= 2 here; safe integers only, so no 32-bit bit operations.
  return highestPowerOfTwoAtMost(n - 1);
}

function highestPowerOfTwoAtMost(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

function assertSize(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${what} must be a non-negative safe integer`);
}

// ---------------------------------------------------------------------------------------------
// Proof verification (RFC 9162 §2.1.3.2 and §2.1.4.2)
// ---------------------------------------------------------------------------------------------

export type Verification = { ok: true } | { ok: false; reason: string };

const OK: Verification = { ok: true };
const fail = (reason: string): Verification => ({ ok: false, reason });

/**
 * RFC 9162 §2.1.3.2, step for step. Index and size may be bigints so that a proof claiming a
 * 64-bit index is rejected for what it is rather than after rounding to a float.
 */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number | bigint,
  size: number | bigint,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Verification {
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
  let r: Uint8Array = leaf;
  // 4.
  for (const p of proof) {
    if (sn === 0n) return fail('proof is longer than the path to the root');
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // 5.
  if (sn !== 0n) return fail('proof is shorter than the path to the root');
  if (!Buffer.from(r).equals(root)) return fail('computed root does not match the root hash');
  return OK;
}

/**
 * RFC 9162 §2.1.4.2, step for step, for 0 < size1 < size2. The RFC leaves the edges to the
 * caller; the transparency-dev vectors fix them: size1 == size2 needs an empty proof and equal
 * roots (compared as given, whatever their length), and size1 == 0 is always rejected, because
 * "consistent with the empty tree" proves nothing.
 */
export function verifyConsistency(
  size1: number | bigint,
  size2: number | bigint,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): Verification {
  const first = toBig(size1);
  const second = toBig(size2);
  if (first === undefined || second === undefined) return fail('tree sizes must be non-negative integers');
  if (first > second) return fail(`size1 ${first} is above size2 ${second}`);
  if (first === 0n) return fail('a consistency proof from the empty tree is meaningless');
  if (first === second) {
    if (proof.length !== 0) return fail('tree sizes are equal but the proof is not empty');
    if (!Buffer.from(root1).equals(root2)) return fail('tree sizes are equal but the roots differ');
    return OK;
  }
  if (root1.length !== HASH_SIZE) return fail(`root1 has ${root1.length} bytes, not ${HASH_SIZE}`);
  if (root2.length !== HASH_SIZE) return fail(`root2 has ${root2.length} bytes, not ${HASH_SIZE}`);
  const badElement = proof.findIndex((p) => p.length !== HASH_SIZE);
  if (badElement >= 0) return fail(`proof element ${badElement} is not ${HASH_SIZE} bytes`);
  // 1.
  if (proof.length === 0) return fail('proof is empty');
  // 2.
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
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  // 6.
  for (const c of path.slice(1)) {
    if (sn === 0n) return fail('proof is longer than needed');
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // 7.
  if (sn !== 0n) return fail('proof is shorter than needed');
  if (!Buffer.from(fr).equals(root1)) return fail('computed root1 does not match');
  if (!Buffer.from(sr).equals(root2)) return fail('computed root2 does not match');
  return OK;
}

function toBig(value: number | bigint): bigint | undefined {
  if (typeof value === 'bigint') return value >= 0n ? value : undefined;
  return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
}

/** An in-memory node store, for tests and for the offline verifier's replay of an export. */
export class MemoryNodeStore implements NodeReader {
  private readonly nodes = new Map<string, Buffer>();
  private frontier = emptyFrontier();
  /** Rows handed out by getNodes, so tests can hold proofs to their O(log n) budget. */
  reads = 0;

  get size(): number {
    return this.frontier.size;
  }

  append(leaf: Buffer): NodeRow[] {
    const { frontier, rows } = appendLeaf(this.frontier, leaf);
    for (const row of rows) this.nodes.set(`${row.level}:${row.index}`, row.hash);
    this.frontier = frontier;
    return rows;
  }

  root(): Buffer {
    return frontierRoot(this.frontier);
  }

  getNodes(ids: readonly NodeId[]): Promise<Buffer[]> {
    this.reads += ids.length;
    const hashes: Buffer[] = [];
    for (const id of ids) {
      const hash = this.nodes.get(`${id.level}:${id.index}`);
      // Rejected, not thrown: a caller sees a miss the way it would see a failed query.
      if (!hash) return Promise.reject(new Error(`No stored node at level ${id.level} index ${id.index}`));
      hashes.push(hash);
    }
    return Promise.resolve(hashes);
  }
}
