import { leafHash } from '../../src/modules/audit/audit-hash';
import { rootFromLeafHashes } from '../../src/modules/audit/merkle/merkle';
import { agencyId, mlaRequestBody, ok } from '../support/factories';
import { loadVerifierCore, type VerifierCore } from '../support/merkle-vectors';
import { createTestApp, type TestApp } from '../support/test-app';

const bytes = (base64: string): Buffer => Buffer.from(base64, 'base64');

interface CheckpointView {
  treeSize: number;
  rootHash: string;
  note: string;
  keyId: string;
}

describe('The audit log as a verifiable Merkle log', () => {
  let t: TestApp;
  let core: VerifierCore;
  let frCentralAuthority: string;

  beforeAll(async () => {
    t = await createTestApp();
    core = await loadVerifierCore();
    frCentralAuthority = await agencyId(await t.as('vn.officer'), 'FR-CA');
  });
  afterAll(() => t?.close());

  async function leafHashes(): Promise<string[]> {
    const rows: Array<{ leaf_hash: string }> = await t.dataSource.query(
      'SELECT "leaf_hash" FROM "audit_entry" ORDER BY "seq"',
    );
    return rows.map((row) => row.leaf_hash);
  }

  async function nodeRows(): Promise<string[]> {
    const rows: Array<{ level: number; idx: string; hash: string }> = await t.dataSource.query(
      'SELECT "level", "idx", "hash" FROM "audit_node" ORDER BY "level", "idx"',
    );
    return rows.map((row) => `${row.level}:${row.idx}:${row.hash}`);
  }

  async function createRequests(count: number): Promise<void> {
    const officer = await t.as('vn.officer');
    for (let i = 0; i < count; i += 1) {
      ok(await officer.POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }));
    }
  }

  async function latestCheckpoint(): Promise<CheckpointView> {
    return ok(await (await t.as('auditor')).GET('/v1/audit/checkpoints/latest'));
  }

  /** What an auditor does with a checkpoint: check its signature with the published key, then read it. */
  async function openCheckpoint(checkpoint: CheckpointView) {
    const published = ok(await t.anonymous.GET('/.well-known/mla-portal/keys'));
    const verifiers = published.keys.map((key) => {
      const parsed = core.parseVerifierKey(key.noteVerifierKey);
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.value;
    });
    const opened = core.verifyNote(checkpoint.note, verifiers);
    expect(opened).toMatchObject({ ok: true });
    const parsed = core.parseCheckpoint(opened.text ?? '');
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.value.origin).toBe(`${published.name}/audit`);
    expect(parsed.value.treeSize).toBe(checkpoint.treeSize);
    expect(parsed.value.rootHash.toString('base64')).toBe(checkpoint.rootHash);
    expect(published.keys.find((key) => key.status === 'active')?.keyId).toBe(checkpoint.keyId);
    return parsed.value;
  }

  // First, while the log holds only what the demo seeding wrote: the migration is run again over it.
  it('should carry an existing log over into the same tree the entries give', async () => {
    // Logged in first: the login is an entry too, and the tree is compared with the entries below.
    await t.as('auditor');
    const unread = await leafHashes();
    expect(unread.length).toBeGreaterThan(0);
    // The checkpoint is of the log as it stood when asked; the asking is recorded after it.
    const rootOf = (hashes: string[]) => rootFromLeafHashes(hashes.map((hash) => Buffer.from(hash, 'hex')));
    expect((await latestCheckpoint()).rootHash).toBe(rootOf(unread).toString('base64'));
    const before = await leafHashes();
    expect(before).toHaveLength(unread.length + 1);
    const nodes = await nodeRows();
    const expectedRoot = rootOf(before);

    // Down and up again, now with entries to carry over (a fresh database migrates an empty log).
    // Later migrations are undone first, and run again after it.
    const names = t.dataSource.migrations.map((migration) => migration.name);
    const position = names.indexOf('AddAuditMerkleTree1795901900000');
    expect(position).toBeGreaterThanOrEqual(0);
    for (let undo = names.length - position; undo > 0; undo -= 1)
      await t.dataSource.undoLastMigration({ transaction: 'each' });
    await t.dataSource.runMigrations({ transaction: 'each' });
    expect(await leafHashes()).toEqual(before);
    expect(await nodeRows()).toEqual(nodes);
    const checkpoint = await latestCheckpoint();
    expect(checkpoint).toMatchObject({ treeSize: before.length, rootHash: expectedRoot.toString('base64') });
    // The carried-over tree goes on growing: the read of that checkpoint is one more leaf on it.
    const grown = rootOf(await leafHashes()).toString('base64');
    expect(await (await t.as('auditor')).GET('/v1/audit/verify')).toMatchObject({
      data: { ok: true, headRootHash: grown },
    });
  });

  it('should prove inclusion and consistency against signed checkpoints the standalone core accepts', async () => {
    await createRequests(3);
    const leaves = await leafHashes();
    const first = await latestCheckpoint();
    const firstOpened = await openCheckpoint(first);
    expect(first.treeSize).toBe(leaves.length);
    // Asked again, the checkpoint covers one more entry: the first asking, recorded after it was signed.
    const again = await latestCheckpoint();
    expect(again.treeSize).toBe(first.treeSize + 1);
    const [asked]: Array<{ action: string; target_id: string }> = await t.dataSource.query(
      'SELECT "action", "target_id" FROM "audit_entry" WHERE "seq" = $1',
      [again.treeSize],
    );
    expect(asked).toEqual({ action: 'audit_checkpoint.view', target_id: String(first.treeSize) });

    const auditor = await t.as('auditor');
    const size = first.treeSize;
    const probes = [...new Set([1, 2, Math.ceil(size / 2), size - 1, size])];
    for (const seq of probes) {
      const proof = ok(
        await auditor.GET('/v1/audit/proofs/inclusion', { params: { query: { seq, treeSize: size } } }),
      );
      expect(proof).toMatchObject({ seq, leafIndex: seq - 1, treeSize: size, rootHash: first.rootHash });
      expect(bytes(proof.leafHash).toString('hex')).toBe(leaves[seq - 1]);
      // The entry comes with its proof, exactly as hashed: the auditor's browser recomputes the leaf.
      expect(leafHash(proof.body)).toBe(leaves[seq - 1]);
      expect(JSON.parse(proof.body)).toMatchObject({ seq });
      expect(proof.redacted).toBeUndefined();
      expect(proof.proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(size)));
      const verdict = core.verifyInclusion(
        bytes(proof.leafHash),
        BigInt(proof.leafIndex),
        BigInt(size),
        proof.proof.map(bytes),
        firstOpened.rootHash,
      );
      expect(verdict).toEqual({ ok: true });
      // The same proof does not place another entry there.
      const other = leaves[seq === 1 ? 1 : 0] ?? '';
      expect(
        core.verifyInclusion(
          Buffer.from(other, 'hex'),
          BigInt(proof.leafIndex),
          BigInt(size),
          proof.proof.map(bytes),
          firstOpened.rootHash,
        ).ok,
      ).toBe(false);
    }

    // The log grows; the new checkpoint must extend the old one.
    await createRequests(2);
    await t.anonymous.POST('/v1/auth/login', {
      body: { username: 'fr.central', password: 'not-the-password' },
    });
    const second = await latestCheckpoint();
    const secondOpened = await openCheckpoint(second);
    expect(second.treeSize).toBeGreaterThan(first.treeSize);
    const consistency = ok(
      await auditor.GET('/v1/audit/proofs/consistency', {
        params: { query: { from: first.treeSize, to: second.treeSize } },
      }),
    );
    expect(consistency).toMatchObject({
      from: first.treeSize,
      to: second.treeSize,
      fromRoot: first.rootHash,
      toRoot: second.rootHash,
    });
    expect(
      core.verifyConsistency(
        BigInt(first.treeSize),
        BigInt(second.treeSize),
        firstOpened.rootHash,
        secondOpened.rootHash,
        consistency.proof.map(bytes),
      ),
    ).toEqual({ ok: true });
    // A root the log never had is not consistent with the new one.
    const forgedRoot = Buffer.from(firstOpened.rootHash);
    forgedRoot[0] = (forgedRoot[0] ?? 0) ^ 1;
    expect(
      core.verifyConsistency(
        BigInt(first.treeSize),
        BigInt(second.treeSize),
        forgedRoot,
        secondOpened.rootHash,
        consistency.proof.map(bytes),
      ).ok,
    ).toBe(false);
    // Equal sizes: an empty proof.
    const same = ok(
      await auditor.GET('/v1/audit/proofs/consistency', {
        params: { query: { from: second.treeSize, to: second.treeSize } },
      }),
    );
    expect(same.proof).toEqual([]);

    // An old checkpoint stays provable against: inclusion of a new entry needs the new size.
    const lastSeq = second.treeSize;
    const late = ok(
      await auditor.GET('/v1/audit/proofs/inclusion', {
        params: { query: { seq: lastSeq, treeSize: second.treeSize } },
      }),
    );
    expect(
      core.verifyInclusion(
        bytes(late.leafHash),
        BigInt(late.leafIndex),
        BigInt(second.treeSize),
        late.proof.map(bytes),
        secondOpened.rootHash,
      ),
    ).toEqual({ ok: true });
  });

  it('should answer 400 with the field to bad or out-of-range numbers', async () => {
    const size = (await latestCheckpoint()).treeSize;
    const cases: Array<[string, string]> = [
      ['/v1/audit/proofs/inclusion?seq=0&treeSize=1', 'seq'],
      ['/v1/audit/proofs/inclusion?seq=abc&treeSize=1', 'seq'],
      ['/v1/audit/proofs/inclusion?seq=1.5&treeSize=2', 'seq'],
      ['/v1/audit/proofs/inclusion?seq=-1&treeSize=2', 'seq'],
      ['/v1/audit/proofs/inclusion?seq=1', 'treeSize'],
      ['/v1/audit/proofs/inclusion?seq=1&treeSize=1e300', 'treeSize'],
      ['/v1/audit/proofs/inclusion?seq=1&treeSize=99999999999999999999', 'treeSize'],
      ['/v1/audit/proofs/inclusion?seq=1&treeSize=1&treeSize=2', 'treeSize'],
      [`/v1/audit/proofs/inclusion?seq=1&treeSize=${size + 1000}`, 'treeSize'],
      ['/v1/audit/proofs/inclusion?seq=3&treeSize=2', 'seq'],
      ['/v1/audit/proofs/consistency?from=0&to=1', 'from'],
      ['/v1/audit/proofs/consistency?from=2&to=1', 'from'],
      ['/v1/audit/proofs/consistency?from=1', 'to'],
      ['/v1/audit/proofs/consistency?from=x&to=2', 'from'],
      [`/v1/audit/proofs/consistency?from=1&to=${size + 1000}`, 'to'],
    ];
    const login = ok(
      await t.anonymous.POST('/v1/auth/login', {
        body: { username: 'auditor', password: 'Demo-Password-2026' },
      }),
    );
    for (const [path, field] of cases) {
      const response = await fetch(`${t.baseUrl}${path}`, {
        headers: { authorization: `Bearer ${login.accessToken}` },
      });
      const body = (await response.json()) as { code: string; details?: Array<{ field: string }> };
      expect({ path, status: response.status, code: body.code }).toEqual({
        path,
        status: 400,
        code: 'validation.failed',
      });
      expect(body.details?.map((detail) => detail.field)).toContain(field);
    }
  });

  it('should report the first entry whose stored tree node was altered, removed or forged', async () => {
    const auditor = await t.as('auditor');
    const verify = async () => ok(await auditor.GET('/v1/audit/verify'));
    const asOperator = async (sql: string, parameters: unknown[] = []) =>
      t.dataSource.transaction(async (manager) => {
        await manager.query('ALTER TABLE "audit_node" DISABLE TRIGGER USER');
        await manager.query(sql, parameters);
        await manager.query('ALTER TABLE "audit_node" ENABLE TRIGGER USER');
      });
    expect(await verify()).toMatchObject({ ok: true });
    await expect(t.dataSource.query('UPDATE "audit_node" SET "hash" = "hash"')).rejects.toThrow(
      /append-only/,
    );
    await expect(t.dataSource.query('DELETE FROM "audit_checkpoint"')).rejects.toThrow(/append-only/);

    // Node (level 2, index 1) covers leaves 4..7: the append of seq 8 wrote it.
    const [node]: Array<{ hash: string }> = await t.dataSource.query(
      'SELECT "hash" FROM "audit_node" WHERE "level" = 2 AND "idx" = 1',
    );
    if (!node) throw new Error('no node (2, 1)');
    await asOperator('UPDATE "audit_node" SET "hash" = $1 WHERE "level" = 2 AND "idx" = 1', ['0'.repeat(64)]);
    expect(await verify()).toMatchObject({
      ok: false,
      firstBadSequence: 8,
      problem: 'a stored Merkle tree node differs from the entries',
    });
    await asOperator('DELETE FROM "audit_node" WHERE "level" = 2 AND "idx" = 1');
    expect(await verify()).toMatchObject({ ok: false, firstBadSequence: 8 });
    await asOperator('INSERT INTO "audit_node" ("level", "idx", "hash") VALUES (2, 1, $1)', [node.hash]);
    expect(await verify()).toMatchObject({ ok: true });

    // A leaf node rewritten to match a forged body is caught at that entry, by its own leaf hash.
    const [leaf]: Array<{ hash: string }> = await t.dataSource.query(
      'SELECT "hash" FROM "audit_node" WHERE "level" = 0 AND "idx" = 2',
    );
    await asOperator('UPDATE "audit_node" SET "hash" = $1 WHERE "level" = 0 AND "idx" = 2', ['f'.repeat(64)]);
    expect(await verify()).toMatchObject({ ok: false, firstBadSequence: 3 });
    await asOperator('UPDATE "audit_node" SET "hash" = $1 WHERE "level" = 0 AND "idx" = 2', [leaf?.hash]);

    // A node placed ahead of the head.
    const { headSequence } = await verify();
    await asOperator('INSERT INTO "audit_node" ("level", "idx", "hash") VALUES (0, $1, $2)', [
      headSequence + 5,
      'a'.repeat(64),
    ]);
    expect(await verify()).toMatchObject({
      ok: false,
      firstBadSequence: headSequence + 6,
      problem: 'a Merkle tree node lies beyond the log head',
    });
    await asOperator('DELETE FROM "audit_node" WHERE "level" = 0 AND "idx" = $1', [headSequence + 5]);
    expect(await verify()).toMatchObject({ ok: true });
  });
});
