import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  hash,
  int,
  loadVectors,
  loadVerifierCore,
  SHARED_VECTOR_ROOT,
  VECTOR_ROOT,
  type VectorFile,
  type Verification,
  type VerifierCore,
} from '../../../../test/support/merkle-vectors';
import * as ts from './merkle';

/**
 * Every transparency-dev vector (test/fixtures/merkle, a copy of ../shared/testdata/merkle) must
 * give its `wantErr`, through the TypeScript verifier and through scripts/audit-verify-core.mjs alike.
 */

type Verifier = Pick<VerifierCore, 'verifyInclusion' | 'verifyConsistency'>;

const inclusion = (impl: Verifier, v: VectorFile): Verification =>
  impl.verifyInclusion(hash(v, 'leafHash'), int(v, 'leafIdx'), int(v, 'treeSize'), v.proof, hash(v, 'root'));

const consistency = (impl: Verifier, v: VectorFile): Verification =>
  impl.verifyConsistency(int(v, 'size1'), int(v, 'size2'), hash(v, 'root1'), hash(v, 'root2'), v.proof);

/**
 * Subtree inclusion (the Merkle Tree Certificates draft, not RFC 9162) proves a leaf inside the
 * subtree [start, end), which is valid when start < end and start is a multiple of the smallest
 * power of two >= end − start. Its proof is then exactly the RFC 9162 inclusion proof of leaf
 * (leafIdx − start) in a tree of end − start leaves, so these vectors exercise our verifier too.
 */
function subtreeInclusion(impl: Verifier, v: VectorFile): Verification {
  const start = int(v, 'start');
  const end = int(v, 'end');
  const leafIdx = int(v, 'leafIdx');
  if (start >= end) return { ok: false, reason: 'empty subtree' };
  let width = 1n;
  while (width < end - start) width <<= 1n;
  if (start % width !== 0n) return { ok: false, reason: 'not a subtree' };
  if (leafIdx < start || leafIdx >= end) return { ok: false, reason: 'leaf outside the subtree' };
  return impl.verifyInclusion(hash(v, 'leafHash'), leafIdx - start, end - start, v.proof, hash(v, 'root'));
}

/**
 * Subtree consistency (same draft) proves that subtree [start, end) is part of a tree of `size`.
 * Only when start = 0 and end > 0 is that an RFC 9162 consistency proof from `end` to `size`;
 * subtrees that start later and the empty subtree follow the draft's own algorithm and edge rules
 * (an empty subtree there verifies against any tree root), which an RFC 9162 log never serves.
 */
const rfcSubtreeConsistency = (v: VectorFile): boolean => int(v, 'start') === 0n && int(v, 'end') > 0n;

const subtreeConsistency = (impl: Verifier, v: VectorFile): Verification =>
  impl.verifyConsistency(int(v, 'end'), int(v, 'size'), hash(v, 'root1'), hash(v, 'root2'), v.proof);

const folders = {
  inclusion: loadFolder('inclusion'),
  consistency: loadFolder('consistency'),
  subtreeinclusion: loadFolder('subtreeinclusion'),
  subtreeconsistency: loadFolder('subtreeconsistency').filter(rfcSubtreeConsistency),
};

function loadFolder(name: string): VectorFile[] {
  // Fail loudly at collection: a missing or emptied folder must not turn into a green run.
  if (!existsSync(join(VECTOR_ROOT, name)))
    throw new Error(`Merkle vectors missing: ${join(VECTOR_ROOT, name)}`);
  const cases = loadVectors(name);
  if (cases.length === 0) throw new Error(`No Merkle vectors in ${join(VECTOR_ROOT, name)}`);
  if (!cases.some((c) => !c.wantErr) || !cases.some((c) => c.wantErr)) {
    throw new Error(`${name} lacks either accepting or rejecting cases`);
  }
  return cases;
}

const checks: [keyof typeof folders, (impl: Verifier, v: VectorFile) => Verification][] = [
  ['inclusion', inclusion],
  ['consistency', consistency],
  ['subtreeinclusion', subtreeInclusion],
  ['subtreeconsistency', subtreeConsistency],
];

describe('transparency-dev Merkle proof vectors', () => {
  let core: Verifier;

  beforeAll(async () => {
    core = await loadVerifierCore();
  });

  it('should hold the same vectors as the shared workspace copy, where there is one', () => {
    if (!existsSync(SHARED_VECTOR_ROOT)) return;
    const files = (root: string) =>
      readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name).slice(root.length))
        .sort();
    expect(files(VECTOR_ROOT)).toEqual(files(SHARED_VECTOR_ROOT));
    for (const file of files(SHARED_VECTOR_ROOT))
      expect(readFileSync(join(VECTOR_ROOT, file)).equals(readFileSync(join(SHARED_VECTOR_ROOT, file)))).toBe(
        true,
      );
  });

  it('should find every folder with cases', () => {
    expect(folders.inclusion.length).toBeGreaterThanOrEqual(90);
    expect(folders.consistency.length).toBeGreaterThanOrEqual(90);
    expect(folders.subtreeinclusion.length).toBeGreaterThanOrEqual(200);
    expect(folders.subtreeconsistency.length).toBeGreaterThanOrEqual(85);
  });

  for (const [folder, check] of checks) {
    describe(folder, () => {
      it.each(folders[folder].map((v) => [v.name, v] as const))('%s', (_name, v) => {
        const fromTs = check(ts, v);
        const fromCore = check(core, v);
        expect({ ok: fromTs.ok }).toEqual({ ok: !v.wantErr });
        // Same verdict and same reason: the two files implement one algorithm.
        expect(fromCore).toEqual(fromTs);
      });
    });
  }
});
