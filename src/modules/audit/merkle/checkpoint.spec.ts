import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PortalSigner } from '../../../common/crypto/portal-signer';
import {
  type Checkpoint,
  formatCheckpoint,
  formatVerifierKey,
  type NoteVerifier,
  parseCheckpoint,
  parseVerifierKey,
  portalNoteSigner,
  signNote,
  verifyNote,
} from './checkpoint';
import { rootFromLeaves } from './merkle';

/** The reference note of golang.org/x/mod/sumdb/note, so that ours is checked against Go's bytes. */
const GO_SEED = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const ORIGIN = 'portal.example/audit-log';

function verifierOf(signer: PortalSigner): NoteVerifier {
  const parsed = parseVerifierKey(signer.publishedKeys()[0].noteVerifierKey);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

function newSigner(name = ORIGIN): PortalSigner {
  return new PortalSigner(randomBytes(32), name);
}

const checkpoint: Checkpoint = {
  origin: ORIGIN,
  treeSize: 3,
  rootHash: rootFromLeaves(['a', 'b', 'c']),
  extensions: [],
};

interface CoreNotes {
  verifyNote(note: string, verifiers: unknown[]): { ok: boolean; reason?: string; unknown: unknown[] };
  parseVerifierKey(vkey: string): { ok: true; value: unknown } | { ok: false; reason: string };
  parseCheckpoint(body: string): { ok: boolean; value?: { treeSize: number; rootHash: Buffer } };
}

describe('C2SP tlog-checkpoint', () => {
  it('should format the three lines and the extensions, each ending in a newline, and parse them back', () => {
    const body = formatCheckpoint({ ...checkpoint, extensions: ['Timestamp: 1700000000'] });
    expect(body).toBe(`${ORIGIN}\n3\n${checkpoint.rootHash.toString('base64')}\nTimestamp: 1700000000\n`);
    expect(parseCheckpoint(body)).toEqual({
      ok: true,
      value: { ...checkpoint, extensions: ['Timestamp: 1700000000'] },
    });
  });

  it.each([
    ['no final newline', `${ORIGIN}\n3\n${checkpoint.rootHash.toString('base64')}`],
    ['a leading zero', `${ORIGIN}\n03\n${checkpoint.rootHash.toString('base64')}\n`],
    ['a sign', `${ORIGIN}\n+3\n${checkpoint.rootHash.toString('base64')}\n`],
    ['a short root', `${ORIGIN}\n3\n${Buffer.alloc(31).toString('base64')}\n`],
    ['an empty origin', `\n3\n${checkpoint.rootHash.toString('base64')}\n`],
    ['an empty extension line', `${ORIGIN}\n3\n${checkpoint.rootHash.toString('base64')}\n\nx\n`],
    ['two lines only', `${ORIGIN}\n3\n`],
  ])('should refuse a body with %s', (_what, body) => {
    expect(parseCheckpoint(body).ok).toBe(false);
  });

  it('should refuse to format what it could not parse back', () => {
    expect(() => formatCheckpoint({ ...checkpoint, origin: 'a\nb' })).toThrow(RangeError);
    expect(() => formatCheckpoint({ ...checkpoint, extensions: [''] })).toThrow(RangeError);
    expect(() => formatCheckpoint({ ...checkpoint, treeSize: -1 })).toThrow(RangeError);
    expect(() => formatCheckpoint({ ...checkpoint, rootHash: Buffer.alloc(31) })).toThrow(RangeError);
  });
});

describe('C2SP signed-note with the portal key', () => {
  let core: CoreNotes;

  beforeAll(async () => {
    core = (await import(join(__dirname, '../../../../scripts/audit-verify-core.mjs'))) as CoreNotes;
  });

  it("should sign and verify byte for byte like Go's sumdb/note", () => {
    const signer = new PortalSigner(GO_SEED, 'PeterNeumann');
    expect(signer.publishedKeys()[0].noteVerifierKey).toBe(GO_VKEY);
    expect(formatVerifierKey('PeterNeumann', signer.rawPublicKey)).toBe(GO_VKEY);
    expect(signNote(GO_TEXT, [portalNoteSigner(signer)])).toBe(GO_NOTE);
    const parsed = parseVerifierKey(GO_VKEY);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(verifyNote(GO_NOTE, [parsed.value])).toMatchObject({ ok: true, text: GO_TEXT });
    const coreKey = core.parseVerifierKey(GO_VKEY);
    if (!coreKey.ok) throw new Error(coreKey.reason);
    expect(core.verifyNote(GO_NOTE, [coreKey.value])).toMatchObject({ ok: true, text: GO_TEXT });
  });

  it('should round-trip a signed checkpoint through both verifiers', () => {
    const signer = newSigner();
    const note = signNote(formatCheckpoint(checkpoint), [portalNoteSigner(signer)]);
    const opened = verifyNote(note, [verifierOf(signer)]);
    expect(opened).toMatchObject({ ok: true, unknown: [] });
    if (!opened.ok) return;
    expect(parseCheckpoint(opened.text)).toEqual({ ok: true, value: checkpoint });

    const coreKey = core.parseVerifierKey(signer.publishedKeys()[0].noteVerifierKey);
    if (!coreKey.ok) throw new Error(coreKey.reason);
    expect(core.verifyNote(note, [coreKey.value])).toMatchObject({ ok: true, text: opened.text });
    expect(core.parseCheckpoint(opened.text)).toEqual({ ok: true, value: checkpoint });
  });

  it('should reject a tampered body, size or root, as an invalid signature', () => {
    const signer = newSigner();
    const note = signNote(formatCheckpoint(checkpoint), [portalNoteSigner(signer)]);
    const tampered = [
      note.replace('\n3\n', '\n4\n'),
      note.replace(
        checkpoint.rootHash.toString('base64'),
        rootFromLeaves(['a', 'b', 'x']).toString('base64'),
      ),
      note.replace(ORIGIN, 'other.example/log'),
    ];
    for (const t of tampered) {
      expect(t).not.toBe(note);
      expect(verifyNote(t, [verifierOf(signer)])).toMatchObject({ ok: false, reason: 'invalid-signature' });
    }
    // A flipped signature byte fails as well.
    const sigStart = note.lastIndexOf(' ') + 1;
    const sig = Buffer.from(note.slice(sigStart, -1), 'base64');
    sig[10] ^= 1;
    const badSig = `${note.slice(0, sigStart)}${sig.toString('base64')}\n`;
    expect(verifyNote(badSig, [verifierOf(signer)])).toMatchObject({
      ok: false,
      reason: 'invalid-signature',
    });
  });

  it('should report a signature by an unknown key as such, naming it', () => {
    const stranger = newSigner();
    const note = signNote(formatCheckpoint(checkpoint), [portalNoteSigner(stranger)]);
    const result = verifyNote(note, [verifierOf(newSigner())]);
    expect(result).toMatchObject({ ok: false, reason: 'unknown-key', unknown: [{ name: ORIGIN }] });
    const coreKey = core.parseVerifierKey(newSigner().publishedKeys()[0].noteVerifierKey);
    if (!coreKey.ok) throw new Error(coreKey.reason);
    expect(core.verifyNote(note, [coreKey.value])).toMatchObject({ ok: false, reason: 'unknown-key' });
  });

  it('should verify a checkpoint signed by the old and the new key during a rotation with either key', () => {
    const oldKey = newSigner();
    const newKey = new PortalSigner(randomBytes(32), ORIGIN, [oldKey.rawPublicKey]);
    const note = signNote(formatCheckpoint(checkpoint), [portalNoteSigner(oldKey), portalNoteSigner(newKey)]);
    expect(verifyNote(note, [verifierOf(oldKey)])).toMatchObject({ ok: true, verified: [{}], unknown: [{}] });
    expect(verifyNote(note, [verifierOf(newKey)])).toMatchObject({ ok: true, verified: [{}], unknown: [{}] });
    // The rotated signer still publishes the retired key, and both verify.
    const published = newKey.publishedKeys().map((k) => {
      const parsed = parseVerifierKey(k.noteVerifierKey);
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.value;
    });
    expect(verifyNote(note, published)).toMatchObject({ ok: true, verified: [{}, {}], unknown: [] });
  });

  it('should refuse malformed notes and verifier keys', () => {
    const signer = newSigner();
    const note = signNote(formatCheckpoint(checkpoint), [portalNoteSigner(signer)]);
    const verifiers = [verifierOf(signer)];
    for (const bad of [
      note.replace('\u2014', '-'),
      note.slice(0, -1),
      note.replace('\n\n', '\n'),
      `\u0007${note}`,
    ]) {
      expect(verifyNote(bad, verifiers)).toMatchObject({ ok: false, reason: 'malformed' });
    }
    const vkey = signer.publishedKeys()[0].noteVerifierKey;
    const [name, hash, key] = vkey.split('+');
    expect(parseVerifierKey(`${name}+${hash.replace(/^./, hash[0] === '0' ? '1' : '0')}+${key}`).ok).toBe(
      false,
    );
    expect(parseVerifierKey(`${name}+${hash}`).ok).toBe(false);
    expect(() => signNote('no newline', [portalNoteSigner(signer)])).toThrow(RangeError);
  });

  it("should accept a verifier key whose base64 holds a '+'", () => {
    let signer = newSigner();
    while (signer.publishedKeys()[0].noteVerifierKey.split('+').length === 3) signer = newSigner();
    const vkey = signer.publishedKeys()[0].noteVerifierKey;
    expect(vkey.split('+').length).toBeGreaterThan(3);
    const note = signNote(formatCheckpoint(checkpoint), [portalNoteSigner(signer)]);
    const parsed = parseVerifierKey(vkey);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(verifyNote(note, [parsed.value]).ok).toBe(true);
    expect(core.parseVerifierKey(vkey).ok).toBe(true);
  });
});
