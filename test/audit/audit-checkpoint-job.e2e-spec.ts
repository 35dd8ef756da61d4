import { AuditCheckpointJob } from '../../src/modules/audit/audit-checkpoint.job';
import { AuditService } from '../../src/modules/audit/audit.service';
import { parseCheckpoint, parseVerifierKey, verifyNote } from '../../src/modules/audit/merkle/checkpoint';
import { rootFromLeafHashes } from '../../src/modules/audit/merkle/merkle';
import { ok } from '../support/factories';
import { createTestApp, FakeClock, type TestApp } from '../support/test-app';

/** Issue 6, item 2: checkpoints every N entries or T seconds, run here by hand as the scheduler would. */
describe('The periodic audit checkpoint job', () => {
  let t: TestApp;
  let job: AuditCheckpointJob;
  const clock = new FakeClock();

  beforeAll(async () => {
    t = await createTestApp(
      { AUDIT_CHECKPOINT_EVERY_ENTRIES: '5', AUDIT_CHECKPOINT_INTERVAL_SECONDS: '60' },
      { clock },
    );
    job = t.app.get(AuditCheckpointJob);
  });
  afterAll(() => t?.close());

  async function append(count: number): Promise<void> {
    const audit = t.app.get(AuditService);
    for (let i = 0; i < count; i += 1)
      await audit.record({
        action: 'test.event',
        outcome: 'success',
        actor: null,
        target: { type: 'test', id: null },
      });
  }

  async function treeSize(): Promise<number> {
    const [head] = await t.dataSource.query<Array<{ seq: string }>>(
      'SELECT "seq" FROM "audit_head" WHERE "id" = 1',
    );
    return Number(head.seq);
  }

  async function checkpointSizes(): Promise<number[]> {
    const rows = await t.dataSource.query<Array<{ tree_size: string }>>(
      'SELECT "tree_size" FROM "audit_checkpoint" ORDER BY "tree_size"',
    );
    return rows.map((row) => Number(row.tree_size));
  }

  it('should sign when the log grew by N entries, or T seconds after the last checkpoint, and not otherwise', async () => {
    // The seeded log has no checkpoint yet: the first run signs one at once.
    const seeded = await treeSize();
    expect(seeded).toBeGreaterThan(0);
    expect(await checkpointSizes()).toEqual([]);
    expect(await job.run()).toBe(seeded);
    expect(await checkpointSizes()).toEqual([seeded]);

    // Nothing new: nothing to sign, however long it waits; the first growth after T is signed at once.
    clock.advance(3600_000);
    expect(await job.run()).toBeUndefined();
    await append(2);
    expect(await job.run()).toBe(seeded + 2);

    // Fewer than N new entries: not before T has passed since the last checkpoint.
    await append(2);
    expect(await job.run()).toBeUndefined();
    clock.advance(59_000);
    expect(await job.run()).toBeUndefined();
    clock.advance(1_000);
    expect(await job.run()).toBe(seeded + 4);

    // N new entries: at once, without waiting.
    await append(5);
    expect(await job.run()).toBe(seeded + 9);
    expect(await job.run()).toBeUndefined();
    expect(await checkpointSizes()).toEqual([seeded, seeded + 2, seeded + 4, seeded + 9]);

    // A checkpoint signed by anyone else (here an auditor's request) counts as the last one.
    await append(4);
    const auditor = await t.as('auditor');
    const handedOut = ok(await auditor.GET('/v1/audit/checkpoints/latest'));
    expect(handedOut.treeSize).toBeGreaterThanOrEqual(seeded + 13);
    await append(1);
    expect(await job.run()).toBeUndefined();
  });

  it('should sign the next growth at once after the clock went back an hour (F13), not an hour later', async () => {
    await append(1);
    clock.advance(60_000);
    const signed = await job.run();
    expect(signed).toBeDefined();
    clock.advance(-3600_000);
    await append(1);
    // Fewer than N entries, and "now" is an hour before the last checkpoint: the interval is
    // negative, which only a clock that went back can give.
    expect(await job.run()).toBe((signed as number) + 1);
    expect(await job.run()).toBeUndefined();
    clock.advance(3600_000);
    const sizes = await checkpointSizes();
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
  });

  it('should sign each size once when several instances decide at the same moment', async () => {
    await append(5);
    const size = await treeSize();
    // Two runs at once, as two instances would: the tree size is the key, the second insert is ignored.
    const results = await Promise.all([job.run(), job.run(), job.run()]);
    expect(results.filter((result) => result !== undefined)).not.toHaveLength(0);
    for (const result of results) if (result !== undefined) expect(result).toBe(size);
    const sizes = await checkpointSizes();
    expect(sizes.filter((s) => s === size)).toHaveLength(1);
    expect(new Set(sizes).size).toBe(sizes.length);

    // Every checkpoint the job signed opens with the published key and signs the root of the entries.
    const published = ok(await t.anonymous.GET('/.well-known/mla-portal/keys'));
    const verifiers = published.keys.flatMap((key) => {
      const parsed = parseVerifierKey(key.noteVerifierKey);
      return parsed.ok ? [parsed.value] : [];
    });
    const rows = await t.dataSource.query<Array<{ tree_size: string; note: string }>>(
      'SELECT "tree_size", "note" FROM "audit_checkpoint" ORDER BY "tree_size"',
    );
    const leaves = (
      await t.dataSource.query<Array<{ leaf_hash: string }>>(
        'SELECT "leaf_hash" FROM "audit_entry" ORDER BY "seq"',
      )
    ).map((row) => Buffer.from(row.leaf_hash, 'hex'));
    for (const row of rows) {
      const opened = verifyNote(row.note, verifiers);
      if (!opened.ok) throw new Error(opened.detail);
      const parsed = parseCheckpoint(opened.text);
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(parsed.value.treeSize).toBe(Number(row.tree_size));
      expect(parsed.value.rootHash).toEqual(rootFromLeafHashes(leaves.slice(0, Number(row.tree_size))));
    }
  });

  it('should stay idle when the job is switched off, as in every other suite', async () => {
    await append(10);
    const before = await checkpointSizes();
    // The scheduler's entry point checks the switch; tests run `run()` directly instead.
    await job.scheduled();
    expect(await checkpointSizes()).toEqual(before);
  });
});
