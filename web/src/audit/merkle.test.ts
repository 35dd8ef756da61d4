import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEntryProof, fromBase64, leafHash, toHex, verifyInclusion } from './merkle';

/**
 * The transparency-dev inclusion vectors (RFC 6962 / RFC 9162), the same copy the server's verifier
 * and the offline script are held to (test/fixtures/merkle, equal to ../shared/testdata/merkle):
 * the browser's verifier must accept exactly the proofs they accept.
 */
const VECTOR_ROOT = join(__dirname, '../../../test/fixtures/merkle/inclusion');

interface Vector {
  name: string;
  wantErr: boolean;
  leafIdx: bigint;
  treeSize: bigint;
  leafHash: Uint8Array;
  root: Uint8Array;
  proof: Uint8Array[];
}

function listJson(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return listJson(path);
      return entry.endsWith('.json') ? [path] : [];
    });
}

/** Plain base64 (some vectors hold deliberately odd lengths, which strict decoding would refuse). */
const bytes = (value: unknown): Uint8Array =>
  Uint8Array.from(Buffer.from(typeof value === 'string' ? value : '', 'base64'));

function load(path: string): Vector {
  // Integers become strings before JSON.parse: the vectors hold 2^64 − 1, which a float would round.
  const text = readFileSync(path, 'utf8').replace(/("[A-Za-z]+":\s*)(\d+)(\s*[,}\n])/g, '$1"$2"$3');
  const raw = JSON.parse(text) as Record<string, unknown>;
  return {
    name: relative(VECTOR_ROOT, path),
    wantErr: raw.wantErr === true,
    leafIdx: BigInt(String(raw.leafIdx)),
    treeSize: BigInt(String(raw.treeSize)),
    leafHash: bytes(raw.leafHash),
    root: bytes(raw.root),
    proof: ((raw.proof ?? []) as unknown[]).map(bytes),
  };
}

const vectors = listJson(VECTOR_ROOT).map(load);

describe('the browser Merkle verifier', () => {
  it('finds the vectors, accepting and rejecting ones alike', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(90);
    expect(vectors.some((v) => v.wantErr)).toBe(true);
    expect(vectors.some((v) => !v.wantErr)).toBe(true);
  });

  it.each(vectors.map((v) => [v.name, v] as const))('inclusion vector %s', async (_name, v) => {
    const result = await verifyInclusion(v.leafHash, v.leafIdx, v.treeSize, v.proof, v.root);
    expect(result.ok).toBe(!v.wantErr);
  });

  it('hashes leaves and nodes as RFC 6962 does (the empty leaf, and the vectors’ leaf 0)', async () => {
    // SHA-256(0x00): the leaf hash of the empty entry, which the vectors use as leaf 0.
    expect(toHex(await leafHash(new Uint8Array()))).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    const happy = vectors.find((v) => v.name === join('1', 'happy-path.json'));
    expect(happy && toHex(happy.leafHash)).toBe(toHex(await leafHash(new Uint8Array())));
  });
});

describe('checkEntryProof: a served proof against the listed entry and the signed checkpoint', () => {
  // A genuine proof from the vectors (leaf 1 of a tree of 5), as the portal would serve it for entry 2.
  const v = vectors.find((vector) => vector.name === join('4', 'happy-path.json'))!;
  const b64 = (value: Uint8Array) => Buffer.from(value).toString('base64');
  const entry = { seq: Number(v.leafIdx) + 1, leafHash: toHex(v.leafHash) };
  const checkpoint = { treeSize: Number(v.treeSize), rootHash: b64(v.root) };
  const served = {
    seq: entry.seq,
    leafIndex: entry.seq - 1,
    treeSize: checkpoint.treeSize,
    leafHash: b64(v.leafHash),
    proof: v.proof.map(b64),
  };

  it('accepts the genuine proof', async () => {
    expect(v.wantErr).toBe(false);
    await expect(checkEntryProof(entry, checkpoint, served)).resolves.toEqual({ ok: true });
  });

  it('rejects a proof with one bit flipped', async () => {
    const tampered = fromBase64(served.proof[1]!)!;
    tampered[0] = tampered[0]! ^ 0x01;
    const result = await checkEntryProof(entry, checkpoint, {
      ...served,
      proof: served.proof.map((p, i) => (i === 1 ? b64(tampered) : p)),
    });
    expect(result).toEqual({ ok: false, reason: 'computed root does not match the root hash' });
  });

  it('rejects a proof checked against another root, even when it carries its own', async () => {
    const other = { ...checkpoint, rootHash: b64(new Uint8Array(32)) };
    expect((await checkEntryProof(entry, other, served)).ok).toBe(false);
  });

  it('rejects a proof for another entry, another tree size or another leaf hash', async () => {
    expect((await checkEntryProof(entry, checkpoint, { ...served, seq: entry.seq + 1 })).ok).toBe(false);
    expect((await checkEntryProof(entry, checkpoint, { ...served, treeSize: 9 })).ok).toBe(false);
    const otherLeaf = { ...served, leafHash: b64(new Uint8Array(32)) };
    expect(await checkEntryProof(entry, checkpoint, otherLeaf)).toEqual({
      ok: false,
      reason: 'the proof names another leaf hash',
    });
  });
});
