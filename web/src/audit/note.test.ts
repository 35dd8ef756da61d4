import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyCheckpointNote } from './note';

/**
 * Notes signed here with Node's Ed25519, in the C2SP signed-note layout the server writes
 * (src/modules/audit/merkle/checkpoint.ts); the browser test checks a note the portal itself signed.
 */
function keyPair(name: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const keyHash = createHash('sha256')
    .update(`${name}\n`)
    .update(Buffer.from([0x01]))
    .update(raw)
    .digest()
    .subarray(0, 4);
  const vkey = `${name}+${keyHash.toString('hex')}+${Buffer.concat([Buffer.from([0x01]), raw]).toString('base64')}`;
  const signLine = (text: string) =>
    `\u2014 ${name} ${Buffer.concat([keyHash, sign(null, Buffer.from(text), privateKey)]).toString('base64')}\n`;
  return { key: { keyId: `${name}-id`, noteVerifierKey: vkey }, keyHash: keyHash.toString('hex'), signLine };
}

const ROOT = Buffer.alloc(32, 7).toString('base64');
const expected = { origin: 'portal.test/audit', treeSize: 42, rootHash: ROOT };
const TEXT = `portal.test/audit\n42\n${ROOT}\n`;

describe('verifyCheckpointNote', () => {
  const portal = keyPair('portal.test');
  const witness = keyPair('witness.example');

  it("accepts the portal's signature, naming the key, and skips a cosigner it does not know", async () => {
    const note = `${TEXT}\n${portal.signLine(TEXT)}${witness.signLine(TEXT)}`;
    await expect(verifyCheckpointNote(note, [portal.key], expected)).resolves.toEqual({
      ok: true,
      keyName: 'portal.test',
      keyHash: portal.keyHash,
      keyId: 'portal.test-id',
    });
  });

  it('rejects a signature that does not verify (one bit changed)', async () => {
    const line = portal.signLine(TEXT);
    const blob = Buffer.from(line.trim().split(' ')[2]!, 'base64');
    blob[10] = blob[10]! ^ 0x01;
    const note = `${TEXT}\n\u2014 portal.test ${blob.toString('base64')}\n`;
    expect(await verifyCheckpointNote(note, [portal.key], expected)).toEqual({
      ok: false,
      reason: 'signatureInvalid',
      values: { name: 'portal.test' },
    });
  });

  it('rejects a note signed only by a key the portal does not publish', async () => {
    const note = `${TEXT}\n${witness.signLine(TEXT)}`;
    expect(await verifyCheckpointNote(note, [portal.key], expected)).toEqual({
      ok: false,
      reason: 'noPublishedSignature',
    });
  });

  it('rejects a genuine note of another tree, root or log than the one shown', async () => {
    const note = `${TEXT}\n${portal.signLine(TEXT)}`;
    expect((await verifyCheckpointNote(note, [portal.key], { ...expected, treeSize: 43 })).ok).toBe(false);
    const otherRoot = Buffer.alloc(32, 8).toString('base64');
    expect((await verifyCheckpointNote(note, [portal.key], { ...expected, rootHash: otherRoot })).ok).toBe(
      false,
    );
    expect((await verifyCheckpointNote(note, [portal.key], { ...expected, origin: 'other/audit' })).ok).toBe(
      false,
    );
  });

  it('refuses a published key whose hash does not match it', async () => {
    const note = `${TEXT}\n${portal.signLine(TEXT)}`;
    const edited = {
      ...portal.key,
      noteVerifierKey: portal.key.noteVerifierKey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'),
    };
    expect((await verifyCheckpointNote(note, [edited], expected)).ok).toBe(false);
  });
});
