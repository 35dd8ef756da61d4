import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEntryProof, fromBase64, leafHash, toHex, verifyConsistency, verifyInclusion } from './merkle';
import { auditBody, consistencyOf, leafOf, pathOf, rootOf } from './test-tree';

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

describe('checkEntryProof: a served proof against the entry as listed and the signed checkpoint', () => {
  // Five entries with bodies of their own, and a genuine proof for entry 2 in the tree of all five.
  const bodies = [1, 2, 3, 4, 5].map((seq) => auditBody(seq));
  const leaves = bodies.map(leafOf);
  const b64 = (value: Uint8Array) => Buffer.from(value).toString('base64');
  const parsed = JSON.parse(bodies[1]!) as {
    seq: number;
    ts: string;
    type: string;
    outcome: string;
    actor: { user: string; agency: string; role: string };
    target: { request: string };
  };
  const entry = {
    seq: 2,
    leafHash: leaves[1]!.toString('hex'),
    ts: parsed.ts,
    action: parsed.type,
    outcome: parsed.outcome,
    actor: { userId: parsed.actor.user, agencyId: parsed.actor.agency, role: parsed.actor.role },
    requestId: parsed.target.request,
  };
  const checkpoint = { treeSize: 5, rootHash: b64(rootOf(leaves)) };
  const served = {
    seq: 2,
    leafIndex: 1,
    treeSize: 5,
    leafHash: b64(leaves[1]!),
    body: bodies[1]!,
    proof: pathOf(1, leaves).map(b64),
  };

  it('accepts the genuine proof of the body whose fields the row shows', async () => {
    await expect(checkEntryProof(entry, checkpoint, served)).resolves.toEqual({ ok: true, redacted: false });
  });

  it('rejects a proof with one bit flipped', async () => {
    const tampered = fromBase64(served.proof[1]!)!;
    tampered[0] = tampered[0]! ^ 0x01;
    const result = await checkEntryProof(entry, checkpoint, {
      ...served,
      proof: served.proof.map((p, i) => (i === 1 ? b64(tampered) : p)),
    });
    expect(result).toEqual({ ok: false, reason: 'rootMismatch' });
  });

  it('rejects a proof checked against another root, even when it carries its own', async () => {
    const other = { ...checkpoint, rootHash: b64(new Uint8Array(32)) };
    expect((await checkEntryProof(entry, other, served)).ok).toBe(false);
  });

  it('rejects a proof for another entry, another tree size or another leaf hash', async () => {
    expect((await checkEntryProof(entry, checkpoint, { ...served, seq: 3 })).ok).toBe(false);
    expect((await checkEntryProof(entry, checkpoint, { ...served, treeSize: 9 })).ok).toBe(false);
    const otherLeaf = { ...served, leafHash: b64(new Uint8Array(32)) };
    expect(await checkEntryProof(entry, checkpoint, otherLeaf)).toEqual({ ok: false, reason: 'otherLeaf' });
  });

  it('recomputes the leaf hash from the body: a body that does not hash to the listed leaf fails', async () => {
    const edited = served.body.replace('"outcome":"success"', '"outcome":"denied"');
    expect(await checkEntryProof(entry, checkpoint, { ...served, body: edited })).toEqual({
      ok: false,
      reason: 'bodyMismatch',
    });
  });

  it('rejects a row whose shown fields are not those of the hashed body', async () => {
    for (const [field, row] of [
      ['action', { ...entry, action: 'request.approve' }],
      ['outcome', { ...entry, outcome: 'denied' }],
      ['ts', { ...entry, ts: '2026-03-02T09:31:00.000Z' }],
      ['actor', { ...entry, actor: { ...entry.actor, role: 'auditor' } }],
      ['actor', { ...entry, actor: null }],
      ['request', { ...entry, requestId: null }],
    ] as const)
      expect(await checkEntryProof(row, checkpoint, served)).toEqual({
        ok: false,
        reason: 'fieldMismatch',
        values: { field },
      });
  });

  it('proves only the leaf of a redacted entry, and says it was redacted', async () => {
    const marker = JSON.stringify({
      id: 'x',
      leafHash: entry.leafHash,
      redacted: true,
      seq: 2,
      ts: entry.ts,
      type: entry.action,
    });
    const redactedRow = { ...entry, actor: null, requestId: null };
    expect(
      await checkEntryProof(redactedRow, checkpoint, { ...served, body: marker, redacted: true }),
    ).toEqual({
      ok: true,
      redacted: true,
    });
    const otherMarker = marker.replace(entry.leafHash, '00'.repeat(32));
    expect(
      (await checkEntryProof(redactedRow, checkpoint, { ...served, body: otherMarker, redacted: true })).ok,
    ).toBe(false);
  });
});

/** The transparency-dev consistency vectors, as the inclusion ones above. */
const CONSISTENCY_ROOT = join(__dirname, '../../../test/fixtures/merkle/consistency');
const consistencyVectors = listJson(CONSISTENCY_ROOT).map((path) => {
  const text = readFileSync(path, 'utf8').replace(/("[A-Za-z0-9]+":\s*)(\d+)(\s*[,}\n])/g, '$1"$2"$3');
  const raw = JSON.parse(text) as Record<string, unknown>;
  return {
    name: relative(CONSISTENCY_ROOT, path),
    wantErr: raw.wantErr === true,
    size1: BigInt(String(raw.size1)),
    size2: BigInt(String(raw.size2)),
    root1: bytes(raw.root1),
    root2: bytes(raw.root2),
    proof: ((raw.proof ?? []) as unknown[]).map(bytes),
  };
});

describe('the browser consistency verifier (RFC 9162 §2.1.4.2)', () => {
  it('finds the vectors, accepting and rejecting ones alike', () => {
    expect(consistencyVectors.length).toBeGreaterThanOrEqual(50);
    expect(consistencyVectors.some((v) => v.wantErr)).toBe(true);
    expect(consistencyVectors.some((v) => !v.wantErr)).toBe(true);
  });

  it.each(consistencyVectors.map((v) => [v.name, v] as const))('consistency vector %s', async (_name, v) => {
    const result = await verifyConsistency(v.size1, v.size2, v.root1, v.root2, v.proof);
    expect(result.ok).toBe(!v.wantErr);
  });

  it('accepts proofs built from a tree of its own, from every older size to every newer one', async () => {
    const leaves = [1, 2, 3, 4, 5, 6, 7].map((seq) => leafOf(auditBody(seq)));
    for (let m = 1; m <= leaves.length; m++)
      for (let n = m; n <= leaves.length; n++) {
        const older = leaves.slice(0, n);
        const result = await verifyConsistency(
          m,
          n,
          rootOf(leaves.slice(0, m)),
          rootOf(older),
          consistencyOf(m, older),
        );
        expect([m, n, result]).toEqual([m, n, { ok: true }]);
      }
  });
});
