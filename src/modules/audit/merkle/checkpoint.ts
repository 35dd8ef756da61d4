import { createHash, createPublicKey, type KeyObject, verify as verifySignature } from 'node:crypto';
import type { PortalSigner } from '../../../common/crypto/portal-signer';
import { HASH_SIZE } from './merkle';

/**
 * C2SP tlog-checkpoint bodies wrapped in C2SP signed-notes, Ed25519 only.
 *
 * The formats are fixed by https://c2sp.org/tlog-checkpoint and https://c2sp.org/signed-note so that
 * an auditor can check our checkpoints with any existing witness or note tool, not only ours.
 */

/** U+2014 EM DASH and a space open every signature line. */
const SIGNATURE_PREFIX = '\u2014 ';
/** The signed-note signature type of Ed25519. */
const ED25519_TYPE = 0x01;
/** Go's note package refuses more; a cap keeps a hostile note from costing unbounded verifications. */
const MAX_SIGNATURES = 100;
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface Checkpoint {
  /** The log's unique name, conventionally a schema-less URL. */
  origin: string;
  treeSize: number;
  rootHash: Buffer;
  /** Opaque extra lines after the root, each non-empty. */
  extensions: string[];
}

/** tlog-checkpoint body: origin, decimal size, base64 root, then extension lines; every line ends in \n. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, treeSize, rootHash, extensions } = checkpoint;
  if (!isLine(origin) || origin.length === 0) throw new RangeError('The origin must be one non-empty line');
  if (!Number.isSafeInteger(treeSize) || treeSize < 0)
    throw new RangeError('The tree size must be a non-negative integer');
  if (rootHash.length !== HASH_SIZE) throw new RangeError(`The root hash has ${HASH_SIZE} bytes`);
  for (const line of extensions) {
    if (!isLine(line) || line.length === 0) throw new RangeError('Each extension must be one non-empty line');
  }
  return [origin, String(treeSize), rootHash.toString('base64'), ...extensions].map((l) => `${l}\n`).join('');
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export function parseCheckpoint(body: string): Parsed<Checkpoint> {
  if (!body.endsWith('\n')) return { ok: false, reason: 'checkpoint does not end with a newline' };
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) return { ok: false, reason: 'checkpoint has fewer than three lines' };
  const [origin, size, root, ...extensions] = lines;
  if (origin.length === 0) return { ok: false, reason: 'checkpoint origin is empty' };
  // No leading zeros, no sign: one size has exactly one spelling, so a body has one signature.
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size))) {
    return { ok: false, reason: 'checkpoint tree size is not a canonical decimal' };
  }
  const rootHash = strictBase64(root);
  if (!rootHash || rootHash.length !== HASH_SIZE) {
    return { ok: false, reason: `checkpoint root is not ${HASH_SIZE} bytes of base64` };
  }
  if (extensions.some((l) => l.length === 0)) return { ok: false, reason: 'checkpoint has an empty line' };
  return { ok: true, value: { origin, treeSize: Number(size), rootHash, extensions } };
}

// ---------------------------------------------------------------------------------------------
// Signed notes
// ---------------------------------------------------------------------------------------------

/** A key that can sign notes: `sign` returns the raw 64-byte Ed25519 signature. */
export interface NoteSigner {
  name: string;
  publicKey: Buffer;
  sign(message: Buffer): Buffer;
}

/** The portal's own key as a note signer; its name is the key name in every signature line. */
export function portalNoteSigner(signer: PortalSigner): NoteSigner {
  return {
    name: signer.name,
    publicKey: signer.rawPublicKey,
    sign: (message) => Buffer.from(signer.sign(message).value, 'base64'),
  };
}

export interface NoteVerifier {
  name: string;
  /** The 4-byte key hash, big-endian, as it prefixes each signature. */
  keyHash: Buffer;
  publicKey: KeyObject;
}

export interface NoteSignature {
  name: string;
  keyHash: Buffer;
}

export type NoteVerification =
  | { ok: true; text: string; verified: NoteSignature[]; unknown: NoteSignature[] }
  | {
      ok: false;
      reason: 'malformed' | 'unknown-key' | 'invalid-signature';
      detail: string;
      unknown: NoteSignature[];
    };

/** C2SP signed-note key hash: SHA-256(name || 0x0A || type || public key), first 4 bytes. */
export function noteKeyHash(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([ED25519_TYPE]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

/** `<name>+<hex key hash>+<base64(0x01 || public key)>`, as PortalSigner publishes it. */
export function formatVerifierKey(name: string, publicKey: Buffer): string {
  const key = Buffer.concat([Buffer.from([ED25519_TYPE]), publicKey]);
  return `${name}+${noteKeyHash(name, publicKey).toString('hex')}+${key.toString('base64')}`;
}

export function parseVerifierKey(vkey: string): Parsed<NoteVerifier> {
  // Only the first two '+' separate fields: the base64 key may itself contain '+'.
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) return { ok: false, reason: 'verifier key is not name+hash+key' };
  const [name, hashHex, keyB64] = [
    vkey.slice(0, first),
    vkey.slice(first + 1, second),
    vkey.slice(second + 1),
  ];
  if (!isValidKeyName(name)) return { ok: false, reason: 'verifier key name is not valid' };
  if (!/^[0-9a-f]{8}$/.test(hashHex)) return { ok: false, reason: 'verifier key hash is not 8 hex digits' };
  const key = strictBase64(keyB64);
  if (!key || key.length !== 33 || key[0] !== ED25519_TYPE) {
    return { ok: false, reason: 'verifier key is not an Ed25519 key' };
  }
  const publicKey = key.subarray(1);
  const keyHash = noteKeyHash(name, publicKey);
  // A hash that disagrees with the key means the string was edited: refuse rather than guess.
  if (keyHash.toString('hex') !== hashHex)
    return { ok: false, reason: 'verifier key hash does not match its key' };
  return {
    ok: true,
    value: {
      name,
      keyHash,
      publicKey: createPublicKey({
        key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]),
        format: 'der',
        type: 'spki',
      }),
    },
  };
}

/** Signs `text` (which must end in a newline) with each signer, in order. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  const problem = textProblem(text);
  if (problem) throw new RangeError(problem);
  if (signers.length === 0) throw new RangeError('A signed note needs at least one signature');
  const message = Buffer.from(text, 'utf8');
  const lines = signers.map((signer) => {
    if (!isValidKeyName(signer.name)) throw new RangeError(`Key name ${signer.name} is not valid`);
    const signature = signer.sign(message);
    if (signature.length !== 64) throw new Error('An Ed25519 signature has 64 bytes');
    const blob = Buffer.concat([noteKeyHash(signer.name, signer.publicKey), signature]);
    return `${SIGNATURE_PREFIX}${signer.name} ${blob.toString('base64')}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/**
 * Opens a signed note: every signature by a known key must verify and at least one must exist.
 * Signatures by keys we do not know are not errors (a witness may cosign), but are reported; a
 * note signed only by unknown keys fails as `unknown-key`.
 */
export function verifyNote(note: string, verifiers: readonly NoteVerifier[]): NoteVerification {
  const unknown: NoteSignature[] = [];
  const malformed = (detail: string): NoteVerification => ({
    ok: false,
    reason: 'malformed',
    detail,
    unknown,
  });
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
  const verified: NoteSignature[] = [];
  const seen = new Set<string>();
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
  if (verified.length === 0) {
    return { ok: false, reason: 'unknown-key', detail: 'no signature by a known key', unknown };
  }
  return { ok: true, text, verified, unknown };
}

/** Signed-note text: non-empty, ends in a newline, no control characters but newlines. */
function textProblem(text: string): string | undefined {
  if (!text.endsWith('\n')) return 'note text does not end with a newline';
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) return 'note text holds a control character';
  }
  if (!text.isWellFormed()) return 'note text is not valid UTF-8';
  return undefined;
}

/** Key names: non-empty, no whitespace, no '+' (it separates verifier key fields). */
function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}

function isLine(s: string): boolean {
  return !s.includes('\n');
}

/** Base64 that decodes and re-encodes to itself: one encoding per value, as the specs want. */
function strictBase64(s: string): Buffer | undefined {
  if (s.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
  const bytes = Buffer.from(s, 'base64');
  return bytes.toString('base64') === s ? bytes : undefined;
}
