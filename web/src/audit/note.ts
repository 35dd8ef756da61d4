import { equalBytes, type Failure, fromBase64, toHex } from './merkle';

/**
 * The checkpoint's signature, checked in the browser: a C2SP signed note (https://c2sp.org/signed-note)
 * over a C2SP tlog-checkpoint body, Ed25519 through SubtleCrypto, against the keys the portal
 * publishes (GET /.well-known/mla-portal/keys). The same format the server writes
 * (src/modules/audit/merkle/checkpoint.ts) and the offline verifier reads. Without it the root a
 * proof is checked against would be only the portal's word; with it, the root is the one the
 * published key signed (compare that key with the one you hold out of band).
 */

/** U+2014 EM DASH and a space open every signature line. */
const SIGNATURE_PREFIX = '\u2014 ';
const ED25519_TYPE = 0x01;

export interface NoteKey {
  keyId: string;
  /** `<name>+<hex key hash>+<base64(0x01 || public key)>` */
  noteVerifierKey: string;
}

/** Why a note does not verify, as a code the screen translates (`audit.reason.<code>`). */
export type NoteReason =
  | 'noSignatureBlock'
  | 'otherOrigin'
  | 'otherTreeSize'
  | 'otherRoot'
  | 'blockNoNewline'
  | 'badSignatureLine'
  | 'signatureInvalid'
  | 'noPublishedSignature';

export type NoteCheck = { ok: true; keyName: string; keyHash: string; keyId: string } | Failure<NoteReason>;

const fail = (reason: NoteReason, values?: Record<string, string | number>): Failure<NoteReason> =>
  values ? { ok: false, reason, values } : { ok: false, reason };

interface Verifier {
  name: string;
  keyHash: Uint8Array;
  publicKey: Uint8Array<ArrayBuffer>;
  keyId: string;
}

/** C2SP key hash: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key). */
export async function noteKeyHash(name: string, publicKey: Uint8Array): Promise<Uint8Array> {
  const prefix = new TextEncoder().encode(`${name}\n`);
  const message = new Uint8Array(prefix.length + 1 + publicKey.length);
  message.set(prefix);
  message[prefix.length] = ED25519_TYPE;
  message.set(publicKey, prefix.length + 1);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', message)).subarray(0, 4);
}

async function parseVerifierKey(key: NoteKey): Promise<Verifier | undefined> {
  // Only the first two '+' separate fields: the base64 key may itself hold '+'.
  const first = key.noteVerifierKey.indexOf('+');
  const second = first < 0 ? -1 : key.noteVerifierKey.indexOf('+', first + 1);
  if (second < 0) return undefined;
  const name = key.noteVerifierKey.slice(0, first);
  const hashHex = key.noteVerifierKey.slice(first + 1, second);
  const raw = fromBase64(key.noteVerifierKey.slice(second + 1));
  if (!raw || raw.length !== 33 || raw[0] !== ED25519_TYPE || !/^[0-9a-f]{8}$/.test(hashHex))
    return undefined;
  const publicKey = raw.subarray(1);
  const keyHash = await noteKeyHash(name, publicKey);
  // A hash that disagrees with its key means the string was edited: no such key.
  if (toHex(keyHash) !== hashHex) return undefined;
  return { name, keyHash, publicKey, keyId: key.keyId };
}

/**
 * Whether `note` is the checkpoint of `expected` (origin, tree size and root as shown) signed by one
 * of `keys`. Every signature by a known key must verify; signatures by unknown keys (a witness's
 * cosignature) are skipped; at least one known key must have signed.
 */
export async function verifyCheckpointNote(
  note: string,
  keys: readonly NoteKey[],
  expected: { origin: string; treeSize: number; rootHash: string },
): Promise<NoteCheck> {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return fail('noSignatureBlock');
  const text = note.slice(0, split + 1);
  const [origin, size, root] = text.slice(0, -1).split('\n');
  if (origin !== expected.origin) return fail('otherOrigin', { origin: origin ?? '' });
  if (size !== String(expected.treeSize)) return fail('otherTreeSize', { size: size ?? '' });
  if (root !== expected.rootHash) return fail('otherRoot');
  const block = note.slice(split + 2);
  if (!block.endsWith('\n')) return fail('blockNoNewline');
  const verifiers = (await Promise.all(keys.map(parseVerifierKey))).filter((v) => v !== undefined);
  const message = new TextEncoder().encode(text);
  let signer: Verifier | undefined;
  for (const line of block.slice(0, -1).split('\n')) {
    if (!line.startsWith(SIGNATURE_PREFIX)) return fail('badSignatureLine');
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = rest.slice(0, space);
    const blob = space > 0 ? fromBase64(rest.slice(space + 1)) : undefined;
    if (!blob || blob.length !== 4 + 64) continue;
    const keyHash = blob.subarray(0, 4);
    const verifier = verifiers.find((v) => v.name === name && equalBytes(v.keyHash, keyHash));
    if (!verifier) continue;
    const key = await crypto.subtle.importKey('raw', verifier.publicKey, { name: 'Ed25519' }, false, [
      'verify',
    ]);
    if (!(await crypto.subtle.verify({ name: 'Ed25519' }, key, blob.subarray(4), message)))
      return fail('signatureInvalid', { name });
    signer ??= verifier;
  }
  if (!signer) return fail('noPublishedSignature');
  return { ok: true, keyName: signer.name, keyHash: toHex(signer.keyHash), keyId: signer.keyId };
}
