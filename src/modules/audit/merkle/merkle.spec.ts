import { createHash } from 'node:crypto';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  consistencyProof,
  consistencyRanges,
  EMPTY_ROOT,
  inclusionProof,
  inclusionRanges,
  leafHash,
  loadFrontier,
  MemoryNodeStore,
  nodeHash,
  nodesForRanges,
  rootAt,
  rootFromLeaves,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

/** RFC 9162 §2.1.1 MTH, written as the RFC recurses: the reference the stored layout must agree with. */
function referenceRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leafHash(leaves[0]);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

const leafOf = (i: number): Buffer => Buffer.from(`entry ${i}`, 'utf8');

/** One shared log of MAX leaves; a tree of any size n <= MAX is its prefix, as in the real log. */
const MAX = 3000;
const store = new MemoryNodeStore();
const roots: Buffer[] = [EMPTY_ROOT];
const rowsPerAppend: number[] = [];
for (let i = 0; i < MAX; i += 1) {
  rowsPerAppend.push(store.append(leafHash(leafOf(i))).length);
  roots.push(store.root());
}

function flipByte(proof: readonly Buffer[], element: number, byte: number, bit: number): Buffer[] {
  return proof.map((p, i) => {
    if (i !== element) return p;
    const copy = Buffer.from(p);
    copy[byte] ^= 1 << bit;
    return copy;
  });
}

const log2ceil = (n: number): number => Math.ceil(Math.log2(Math.max(n, 2)));

describe('Merkle tree hashing (RFC 9162 §2.1)', () => {
  it('should hash leaves and nodes with the 0x00 and 0x01 prefixes', () => {
    // RFC 6962 / transparency-dev reference values.
    expect(EMPTY_ROOT.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    const tree8 = [
      '',
      '00',
      '10',
      '2021',
      '3031',
      '40414243',
      '5051525354555657',
      '606162636465666768696a6b6c6d6e6f',
    ].map((h) => Buffer.from(h, 'hex'));
    expect(rootFromLeaves(tree8).toString('hex')).toBe(
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    );
  });

  it('should give the same root incrementally, via append, as from all leaves at once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX }), (n) => {
        const leaves = Array.from({ length: n }, (_, i) => leafOf(i));
        expect(roots[n]).toEqual(referenceRoot(leaves));
        expect(rootFromLeaves(leaves)).toEqual(roots[n]);
      }),
      { numRuns: 60 },
    );
  });

  it("should give the same root at every size through the standalone verifier's compact tree", async () => {
    // scripts/verify-audit.mjs checks an export with this class: it must agree with the stored tree.
    const core = (await import(join(__dirname, '../../../../scripts/audit-verify-core.mjs'))) as {
      CompactTree: new () => { size: number; append(leaf: Buffer): void; root(): Buffer };
    };
    const tree = new core.CompactTree();
    expect(tree.root()).toEqual(EMPTY_ROOT);
    for (let i = 0; i < MAX; i += 1) {
      tree.append(leafHash(leafOf(i)));
      expect(tree.root()).toEqual(roots[i + 1]);
    }
    expect(tree.size).toBe(MAX);
  });

  it('should write one leaf row plus one row per parent completed, never more than log2(n) + 1', () => {
    rowsPerAppend.forEach((rows, n) => {
      let trailingOnes = 0;
      for (let i = n; i % 2 === 1; i = (i - 1) / 2) trailingOnes += 1;
      expect(rows).toBe(1 + trailingOnes);
      expect(rows).toBeLessThanOrEqual(log2ceil(n + 1) + 1);
    });
  });

  it('should serve the root of any past size from stored rows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: MAX }), async (n) => {
        expect(await rootAt(store, n)).toEqual(roots[n]);
        const frontier = await loadFrontier(store, n);
        expect(frontier.nodes).toHaveLength([...n.toString(2)].filter((b) => b === '1').length);
      }),
      { numRuns: 100 },
    );
  });
});

describe('inclusion proofs (RFC 9162 §2.1.3)', () => {
  const sizeAndIndex = fc
    .integer({ min: 1, max: MAX })
    .chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 })));

  it('should generate proofs that verify, within O(log n) reads', async () => {
    await fc.assert(
      fc.asyncProperty(sizeAndIndex, async ([size, index]) => {
        const before = store.reads;
        const proof = await inclusionProof(store, index, size);
        const reads = store.reads - before;
        expect(reads).toBe(nodesForRanges(inclusionRanges(index, size)).length);
        expect(reads).toBeLessThanOrEqual(2 * log2ceil(size));
        expect(proof.length).toBeLessThanOrEqual(log2ceil(size));
        expect(verifyInclusion(leafHash(leafOf(index)), index, size, proof, roots[size])).toEqual({
          ok: true,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('should reject any flipped bit in a proof hash, the leaf or the root', async () => {
    await fc.assert(
      fc.asyncProperty(
        sizeAndIndex.filter(([size]) => size > 1),
        fc.nat(),
        fc.integer({ min: 0, max: 31 }),
        fc.integer({ min: 0, max: 7 }),
        async ([size, index], element, byte, bit) => {
          const proof = await inclusionProof(store, index, size);
          const leaf = leafHash(leafOf(index));
          const tampered = flipByte(proof, element % proof.length, byte, bit);
          expect(verifyInclusion(leaf, index, size, tampered, roots[size]).ok).toBe(false);
          expect(verifyInclusion(flipByte([leaf], 0, byte, bit)[0], index, size, proof, roots[size]).ok).toBe(
            false,
          );
          expect(verifyInclusion(leaf, index, size, proof, flipByte([roots[size]], 0, byte, bit)[0]).ok).toBe(
            false,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('should reject a proof presented for another index or another tree size', async () => {
    await fc.assert(
      fc.asyncProperty(sizeAndIndex, fc.integer({ min: 0, max: MAX }), async ([size, index], other) => {
        const proof = await inclusionProof(store, index, size);
        const leaf = leafHash(leafOf(index));
        fc.pre(other !== index || other !== size);
        if (other !== index) expect(verifyInclusion(leaf, other, size, proof, roots[size]).ok).toBe(false);
        // Against the root of the other size, as a real mix-up would present it.
        if (other !== size) expect(verifyInclusion(leaf, index, other, proof, roots[other]).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('should refuse to generate a proof for a leaf beyond the tree', async () => {
    await expect(inclusionProof(store, 5, 5)).rejects.toThrow(RangeError);
    await expect(inclusionProof(store, -1, 5)).rejects.toThrow(RangeError);
    await expect(inclusionProof(store, 0.5, 5)).rejects.toThrow(RangeError);
  });
});

describe('consistency proofs (RFC 9162 §2.1.4)', () => {
  const twoSizes = fc
    .integer({ min: 1, max: MAX })
    .chain((size2) => fc.tuple(fc.integer({ min: 1, max: size2 }), fc.constant(size2)));

  it('should generate proofs between any two sizes that verify, within O(log n) reads', async () => {
    await fc.assert(
      fc.asyncProperty(twoSizes, async ([size1, size2]) => {
        const before = store.reads;
        const proof = await consistencyProof(store, size1, size2);
        const reads = store.reads - before;
        expect(reads).toBe(nodesForRanges(consistencyRanges(size1, size2)).length);
        expect(reads).toBeLessThanOrEqual(2 * log2ceil(size2) + 1);
        expect(verifyConsistency(size1, size2, roots[size1], roots[size2], proof)).toEqual({ ok: true });
      }),
      { numRuns: 300 },
    );
  });

  it('should reject any flipped bit in a proof hash or either root', async () => {
    await fc.assert(
      fc.asyncProperty(
        twoSizes.filter(([a, b]) => a < b),
        fc.nat(),
        fc.integer({ min: 0, max: 31 }),
        fc.integer({ min: 0, max: 7 }),
        async ([size1, size2], element, byte, bit) => {
          const proof = await consistencyProof(store, size1, size2);
          const tampered = flipByte(proof, element % proof.length, byte, bit);
          expect(verifyConsistency(size1, size2, roots[size1], roots[size2], tampered).ok).toBe(false);
          const root1 = flipByte([roots[size1]], 0, byte, bit)[0];
          const root2 = flipByte([roots[size2]], 0, byte, bit)[0];
          expect(verifyConsistency(size1, size2, root1, roots[size2], proof).ok).toBe(false);
          expect(verifyConsistency(size1, size2, roots[size1], root2, proof).ok).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('should reject a proof presented for other sizes', async () => {
    await fc.assert(
      fc.asyncProperty(twoSizes, fc.integer({ min: 0, max: MAX }), async ([size1, size2], other) => {
        const proof = await consistencyProof(store, size1, size2);
        if (other !== size1) {
          expect(verifyConsistency(other, size2, roots[other], roots[size2], proof).ok).toBe(false);
        }
        if (other !== size2) {
          expect(verifyConsistency(size1, other, roots[size1], roots[other], proof).ok).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('should give the empty proof between equal sizes and refuse one from the empty tree', async () => {
    expect(await consistencyProof(store, 7, 7)).toEqual([]);
    await expect(consistencyProof(store, 0, 7)).rejects.toThrow(RangeError);
    await expect(consistencyProof(store, 8, 7)).rejects.toThrow(RangeError);
  });
});

describe('every proof in small trees', () => {
  it('should verify each inclusion and consistency proof up to 64 leaves', async () => {
    for (let size = 1; size <= 64; size += 1) {
      for (let m = 0; m < size; m += 1) {
        const inclusion = await inclusionProof(store, m, size);
        expect(verifyInclusion(leafHash(leafOf(m)), m, size, inclusion, roots[size])).toEqual({ ok: true });
        const consistency = await consistencyProof(store, m + 1, size);
        expect(verifyConsistency(m + 1, size, roots[m + 1], roots[size], consistency)).toEqual({ ok: true });
      }
    }
  });
});

describe('MemoryNodeStore', () => {
  it('should throw on a node it does not hold rather than answer', async () => {
    const small = new MemoryNodeStore();
    small.append(leafHash('a'));
    await expect(small.getNodes([{ level: 3, index: 0 }])).rejects.toThrow(/No stored node/);
  });
});
