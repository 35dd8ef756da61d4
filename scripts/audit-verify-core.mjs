// The audit log's verification core for auditors: RFC 9162 hashing and proof checks, C2SP checkpoints
// and signed notes. One file, plain ESM, nothing but node:crypto, so that an auditor can read all of
// it and run it on a machine that has only Node. src/modules/audit/merkle/ holds the same algorithms
// in TypeScript; their unit tests run the shared vectors through both, so the two cannot drift.
import { createHash, createPublicKey, hash, verify as verifySignature } from 'node:crypto';

export const HASH_SIZE = 32;
const SIGNATURE_PREFIX = '\u2014 ';
const ED25519_TYPE = 0x01;
const MAX_SIGNATURES = 100;
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

// One-shot crypto.hash over the joined bytes: several times faster than a Hash object for inputs
// this small, and the verifier computes about two per entry. Node 20.12 and later have it.

/** RFC 9162 §2.1.1: SHA-256(0x00 || leaf). */
export function leafHash(leaf) {
  // U+0000 encodes as the single byte 0x00 in UTF-8: a string is hashed without a copy to a Buffer.
  if (typeof leaf === 'string') return hash('sha256', `\u0000${leaf}`, 'buffer');
  return hash('sha256', Buffer.concat([LEAF_PREFIX, leaf]), 'buffer');
}

/** RFC 9162 §2.1.1: SHA-256(0x01 || left || right). */
export function nodeHash(left, right) {
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer');
}

/** RFC 9162 §2.1.1: the hash of the empty tree, SHA-256 of nothing. */
export function emptyRoot() {
  return createHash('sha256').digest();
}

/**
 * The compact frontier of a growing tree: the roots of its perfect subtrees, largest first, one per
 * set bit of its size. Leaves are appended one at a time and the root of the tree so far is read at
 * any size, in O(log n) memory, so an export of any length is checked in one pass.
 */
export class CompactTree {
  size = 0;
  #stack = [];

  append(leaf) {
    let hash = leaf;
    // Each trailing 1 bit of the old size is a perfect subtree the new leaf completes a parent of.
    for (let n = this.size; (n & 1) === 1; n = Math.floor(n / 2)) hash = nodeHash(this.#stack.pop(), hash);
    this.#stack.push(hash);
    this.size += 1;
  }

  root() {
    if (this.#stack.length === 0) return emptyRoot();
    let hash = this.#stack[this.#stack.length - 1];
    for (let i = this.#stack.length - 2; i >= 0; i -= 1) hash = nodeHash(this.#stack[i], hash);
    return hash;
  }
}

/**
 * RFC 8785 (JCS) canonical JSON of what JSON.parse gives: keys sorted by UTF-16 code unit, no
 * whitespace, strings and numbers as JSON.stringify writes them. The portal hashes exactly this form
 * (src/modules/audit/canonical-json.ts); a body that is not in it was not written by the portal.
 */
export function canonicalJson(value) {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
}

/**
 * True when `text` is the canonical JSON of `parsed` (what JSON.parse gave for it). The fast path:
 * JSON.stringify writes members in the parsed order, so when it reproduces the text and every
 * object's keys are already sorted, the text is canonical. Anything else (integer-like keys, which
 * JavaScript reorders) is decided by the full canonicalisation.
 */
export function isCanonicalJson(text, parsed) {
  if (JSON.stringify(parsed) === text && keysSorted(parsed)) return true;
  return canonicalJson(parsed) === text;
}

function keysSorted(value) {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(keysSorted);
  const keys = Object.keys(value);
  for (let i = 1; i < keys.length; i += 1) if (!(keys[i - 1] < keys[i])) return false;
  return keys.every((key) => keysSorted(value[key]));
}

const OK = Object.freeze({ ok: true });
const fail = (reason) => ({ ok: false, reason });

function toBig(value) {
  if (typeof value === 'bigint') return value >= 0n ? value : undefined;
  return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
}

function equalBytes(a, b) {
  return Buffer.from(a).equals(Buffer.from(b));
}

/** RFC 9162 §2.1.3.2, step for step. Returns { ok: true } or { ok: false, reason }. */
export function verifyInclusion(leaf, index, size, proof, root) {
  const idx = toBig(index);
  const treeSize = toBig(size);
  if (idx === undefined || treeSize === undefined)
    return fail('index and tree size must be non-negative integers');
  if (leaf.length !== HASH_SIZE) return fail(`leaf hash has ${leaf.length} bytes, not ${HASH_SIZE}`);
  if (root.length !== HASH_SIZE) return fail(`root hash has ${root.length} bytes, not ${HASH_SIZE}`);
  const badElement = proof.findIndex((p) => p.length !== HASH_SIZE);
  if (badElement >= 0) return fail(`proof element ${badElement} is not ${HASH_SIZE} bytes`);
  if (idx >= treeSize) return fail(`leaf index ${idx} is not below tree size ${treeSize}`);
  let fn = idx;
  let sn = treeSize - 1n;
  let r = leaf;
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
  if (sn !== 0n) return fail('proof is shorter than the path to the root');
  if (!equalBytes(r, root)) return fail('computed root does not match the root hash');
  return OK;
}

/**
 * RFC 9162 §2.1.4.2, step for step, for 0 < size1 < size2. Equal sizes need an empty proof and equal
 * roots; size1 = 0 is rejected: a proof from the empty tree proves nothing.
 */
export function verifyConsistency(size1, size2, root1, root2, proof) {
  const first = toBig(size1);
  const second = toBig(size2);
  if (first === undefined || second === undefined) return fail('tree sizes must be non-negative integers');
  if (first > second) return fail(`size1 ${first} is above size2 ${second}`);
  if (first === 0n) return fail('a consistency proof from the empty tree is meaningless');
  if (first === second) {
    if (proof.length !== 0) return fail('tree sizes are equal but the proof is not empty');
    if (!equalBytes(root1, root2)) return fail('tree sizes are equal but the roots differ');
    return OK;
  }
  if (root1.length !== HASH_SIZE) return fail(`root1 has ${root1.length} bytes, not ${HASH_SIZE}`);
  if (root2.length !== HASH_SIZE) return fail(`root2 has ${root2.length} bytes, not ${HASH_SIZE}`);
  const badElement = proof.findIndex((p) => p.length !== HASH_SIZE);
  if (badElement >= 0) return fail(`proof element ${badElement} is not ${HASH_SIZE} bytes`);
  if (proof.length === 0) return fail('proof is empty');
  const path = (first & (first - 1n)) === 0n ? [root1, ...proof] : [...proof];
  let fn = first - 1n;
  let sn = second - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
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
  if (sn !== 0n) return fail('proof is shorter than needed');
  if (!equalBytes(fr, root1)) return fail('computed root1 does not match');
  if (!equalBytes(sr, root2)) return fail('computed root2 does not match');
  return OK;
}

/** Base64 that re-encodes to itself, so that each value has one spelling. */
function strictBase64(s) {
  if (s.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
  const bytes = Buffer.from(s, 'base64');
  return bytes.toString('base64') === s ? bytes : undefined;
}

function isValidKeyName(name) {
  return name.length > 0 && !/[\s+]/u.test(name);
}

/** C2SP tlog-checkpoint body → { ok, value: { origin, treeSize, rootHash, extensions } } or { ok: false, reason }. */
export function parseCheckpoint(body) {
  if (!body.endsWith('\n')) return fail('checkpoint does not end with a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) return fail('checkpoint has fewer than three lines');
  const [origin, size, root, ...extensions] = lines;
  if (origin.length === 0) return fail('checkpoint origin is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size))) {
    return fail('checkpoint tree size is not a canonical decimal');
  }
  const rootHash = strictBase64(root);
  if (!rootHash || rootHash.length !== HASH_SIZE)
    return fail(`checkpoint root is not ${HASH_SIZE} bytes of base64`);
  if (extensions.some((l) => l.length === 0)) return fail('checkpoint has an empty line');
  return { ok: true, value: { origin, treeSize: Number(size), rootHash, extensions } };
}

/** C2SP signed-note key hash: SHA-256(name || 0x0A || 0x01 || public key), first 4 bytes. */
export function noteKeyHash(name, publicKey) {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([ED25519_TYPE]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

/** `<name>+<hex key hash>+<base64(0x01 || public key)>` → { ok, value: { name, keyHash, publicKey } }. */
export function parseVerifierKey(vkey) {
  // Only the first two '+' separate fields: the base64 key may itself contain '+'.
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) return fail('verifier key is not name+hash+key');
  const [name, hashHex, keyB64] = [
    vkey.slice(0, first),
    vkey.slice(first + 1, second),
    vkey.slice(second + 1),
  ];
  if (!isValidKeyName(name)) return fail('verifier key name is not valid');
  if (!/^[0-9a-f]{8}$/.test(hashHex)) return fail('verifier key hash is not 8 hex digits');
  const key = strictBase64(keyB64);
  if (!key || key.length !== 33 || key[0] !== ED25519_TYPE) return fail('verifier key is not an Ed25519 key');
  const raw = key.subarray(1);
  const keyHash = noteKeyHash(name, raw);
  if (keyHash.toString('hex') !== hashHex) return fail('verifier key hash does not match its key');
  const publicKey = createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  });
  return { ok: true, value: { name, keyHash, publicKey } };
}

function textProblem(text) {
  if (!text.endsWith('\n')) return 'note text does not end with a newline';
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) return 'note text holds a control character';
  }
  if (!text.isWellFormed()) return 'note text is not valid UTF-8';
  return undefined;
}

/**
 * Opens a C2SP signed note. Every signature by a known key must verify, and there must be one;
 * signatures by unknown keys are listed in `unknown`. Failure reasons: 'malformed', 'unknown-key',
 * 'invalid-signature'.
 */
export function verifyNote(note, verifiers) {
  const unknown = [];
  const malformed = (detail) => ({ ok: false, reason: 'malformed', detail, unknown });
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return malformed('note has no signature block');
  const text = note.slice(0, split + 1);
  const problem = textProblem(text);
  if (problem) return malformed(problem);
  const block = note.slice(split + 2);
  if (!block.endsWith('\n')) return malformed('signature block does not end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) return malformed('note has too many signatures');
  const message = Buffer.from(text, 'utf8');
  const verified = [];
  const seen = new Set();
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) return malformed('signature line does not start with an em dash');
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = rest.slice(0, space);
    const blob = space > 0 ? strictBase64(rest.slice(space + 1)) : undefined;
    if (!isValidKeyName(name) || !blob || blob.length < 5) return malformed('signature line is malformed');
    const keyHash = blob.subarray(0, 4);
    const id = `${name} ${keyHash.toString('hex')}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const verifier = verifiers.find((v) => v.name === name && v.keyHash.equals(keyHash));
    if (!verifier) {
      unknown.push({ name, keyHash });
      continue;
    }
    if (!verifySignature(null, message, verifier.publicKey, blob.subarray(4))) {
      return {
        ok: false,
        reason: 'invalid-signature',
        detail: `signature by ${id} does not verify`,
        unknown,
      };
    }
    verified.push({ name, keyHash });
  }
  if (verified.length === 0)
    return { ok: false, reason: 'unknown-key', detail: 'no signature by a known key', unknown };
  return { ok: true, text, verified, unknown };
}

/** The key names of a signed note's signature lines (`— <name> <base64>`). */
export function noteSignatureNames(note) {
  const block = note.slice(note.lastIndexOf('\n\n') + 2);
  return [
    ...new Set(
      block
        .split('\n')
        .filter((line) => line.startsWith(SIGNATURE_PREFIX))
        .map((line) => line.slice(SIGNATURE_PREFIX.length).split(' ')[0]),
    ),
  ];
}

/**
 * The portal's published keys (GET /.well-known/mla-portal/keys saved as is, active and retired) or
 * one PEM Ed25519 public key, both ways they are used: `keyFor(keyId)` for the JSON documents the
 * portal signs, `noteVerifiersFor(note)` for checkpoints. A PEM key has no name, so it is tried
 * under each name the note signs with: the note's key hash still binds name and key. Throws on a
 * file that is neither.
 */
export function loadPublishedKeys(text) {
  if (text.trimStart().startsWith('-----BEGIN PUBLIC KEY')) {
    const key = createPublicKey(text);
    const raw = key.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length);
    return {
      name: undefined,
      origin: undefined,
      keyFor: () => ({ key, status: 'unknown' }),
      noteVerifiersFor: (note) =>
        noteSignatureNames(note).map((name) => ({ name, keyHash: noteKeyHash(name, raw), publicKey: key })),
    };
  }
  const published = JSON.parse(text);
  if (!Array.isArray(published?.keys) || published.keys.length === 0)
    throw new Error('the keys file lists no keys');
  const byId = new Map(published.keys.map((entry) => [entry.keyId, entry]));
  const verifiers = [];
  for (const entry of published.keys) {
    const parsed = parseVerifierKey(String(entry.noteVerifierKey));
    if (!parsed.ok) throw new Error(`key ${entry.keyId}: ${parsed.reason}`);
    verifiers.push(parsed.value);
  }
  const name = typeof published.name === 'string' ? published.name : undefined;
  return {
    name,
    // The log's name stays when the key is renamed (AUDIT_LOG_ORIGIN); `<name>/audit` before it was published.
    origin:
      typeof published.auditLogOrigin === 'string'
        ? published.auditLogOrigin
        : name !== undefined
          ? `${name}/audit`
          : undefined,
    keyFor: (keyId) => {
      const entry = byId.get(keyId);
      if (!entry) return undefined;
      const raw = Buffer.from(entry.publicKey, 'base64');
      const key = createPublicKey({
        key: Buffer.concat([SPKI_ED25519_PREFIX, raw]),
        format: 'der',
        type: 'spki',
      });
      return { key, status: entry.status };
    },
    noteVerifiersFor: () => verifiers,
  };
}

/** Checks a detached Ed25519 signature `{ algorithm, keyId, value }` over the canonical JSON of `document`. */
export function verifyDocumentSignature(document, signature, keys) {
  if (!signature || signature.algorithm !== 'Ed25519') return fail('the signature is missing or not Ed25519');
  const found = keys.keyFor(signature.keyId);
  if (!found) return fail(`key ${signature.keyId} is not among the published keys`);
  const ok = verifySignature(
    null,
    Buffer.from(canonicalJson(document), 'utf8'),
    found.key,
    Buffer.from(String(signature.value), 'base64'),
  );
  if (!ok) return fail('the signature does not verify: the document was changed, or signed by another key');
  return { ok: true, value: { keyId: signature.keyId, status: found.status } };
}

const MARKER_KEYS = ['id', 'leafHash', 'redacted', 'seq', 'ts', 'type'];

/**
 * An entry past retention, exported as `{"type":"entry","seq","body","leafHash","redacted":true}`:
 * its body was replaced by the canonical JSON `{"id","leafHash","redacted":true,"seq","ts","type"}`
 * (leafHash in hex) and its leaf hash kept. The marker does not hash to the leaf, so the leaf is
 * taken as given: the root recomputed at each signed checkpoint is what vouches for it (a forged
 * hash gives another root). This checks that the marker is exactly that, for this seq and this
 * hash. Returns { ok: true, leaf } or { ok: false, reason }.
 */
export function redactedLeaf(line) {
  const leaf = typeof line.leafHash === 'string' ? strictBase64(line.leafHash) : undefined;
  if (!leaf || leaf.length !== HASH_SIZE)
    return fail(`a redacted entry must carry its ${HASH_SIZE}-byte leaf hash in base64`);
  let marker;
  try {
    marker = JSON.parse(line.body);
  } catch {
    return fail('the redaction marker is not JSON');
  }
  if (
    marker === null ||
    typeof marker !== 'object' ||
    Array.isArray(marker) ||
    canonicalJson(marker) !== line.body ||
    Object.keys(marker).sort().join(',') !== MARKER_KEYS.join(',') ||
    marker.redacted !== true ||
    typeof marker.id !== 'string' ||
    typeof marker.type !== 'string' ||
    typeof marker.ts !== 'string' ||
    Number.isNaN(Date.parse(marker.ts))
  )
    return fail('the body of a redacted entry is not a well-formed redaction marker');
  if (marker.seq !== line.seq) return fail(`the redaction marker names seq ${marker.seq}, not ${line.seq}`);
  if (marker.leafHash !== leaf.toString('hex'))
    return fail('the redaction marker names another leaf hash than the line');
  return { ok: true, leaf };
}
