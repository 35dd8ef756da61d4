import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '../../src/modules/audit/canonical-json';
import { PortalSigner } from '../../src/common/crypto/portal-signer';
import {
  formatCheckpoint,
  type NoteSigner,
  portalNoteSigner,
  signNote,
} from '../../src/modules/audit/merkle/checkpoint';
import { leafHash, rootFromLeafHashes } from '../../src/modules/audit/merkle/merkle';
import { agencyId, mlaRequestBody, ok } from '../support/factories';
import { createTestApp, DEMO_PASSWORD, type DemoUser, type TestApp } from '../support/test-app';

const VERIFIER = join(__dirname, '../../scripts/verify-audit.mjs');

interface CheckpointLine {
  type: 'checkpoint';
  treeSize: number;
  rootHash: string;
  note: string;
  keyId: string;
}
interface EntryLine {
  type: 'entry';
  seq: number;
  body: string;
  leafHash: string;
}
type Line = CheckpointLine | EntryLine;

interface Verdict {
  status: number | null;
  stdout: string;
  stderr: string;
  result?: {
    ok: boolean;
    entries: number;
    treeSize: number | null;
    checkpoints: number;
    witnessed: number;
    firstBadSeq?: number;
    problem?: string;
    checkpointProblems: Array<{ treeSize: number; problem: string }>;
  };
}

/**
 * The export as an auditor gets it, checked by scripts/verify-audit.mjs run the way an auditor runs
 * it (a separate Node process with nothing but the file), then copies tampered with as an operator
 * who controls the database could: each must fail, naming the first bad entry.
 */
describe('Audit log export and the standalone verifier', () => {
  let t: TestApp;
  let dir: string;
  let keysFile: string;
  let keyName: string;
  let exported: Line[];
  let entries: EntryLine[];
  /** Sizes of the earlier checkpoints the export carries, smallest first. */
  let earlier: number[];

  async function tokenOf(user: DemoUser): Promise<string> {
    const { data } = await t.anonymous.POST('/v1/auth/login', {
      body: { username: user, password: DEMO_PASSWORD },
    });
    if (!data) throw new Error(`login as ${user} failed`);
    return data.accessToken;
  }

  async function exportAs(user: DemoUser): Promise<Response> {
    return fetch(`${t.baseUrl}/v1/audit/export`, {
      headers: { authorization: `Bearer ${await tokenOf(user)}` },
    });
  }

  function verify(lines: readonly Line[] | string, name: string, extra: string[] = ['--json']): Verdict {
    const file = join(dir, `${name}.ndjson`);
    writeFileSync(
      file,
      typeof lines === 'string' ? lines : lines.map((line) => `${JSON.stringify(line)}\n`).join(''),
    );
    const run = spawnSync(process.execPath, [VERIFIER, file, '--keys', keysFile, ...extra], {
      encoding: 'utf8',
    });
    const verdict: Verdict = { status: run.status, stdout: run.stdout, stderr: run.stderr };
    if (extra.includes('--json') && run.status !== 2)
      verdict.result = JSON.parse(run.stdout) as Verdict['result'];
    return verdict;
  }

  /** A body as the portal writes it, changed in one field, and its line with a recomputed hash. */
  function forge(line: EntryLine, change: Record<string, unknown>, seq = line.seq): EntryLine {
    const body = canonicalJson({ ...(JSON.parse(line.body) as Record<string, unknown>), ...change, seq });
    return { type: 'entry', seq, body, leafHash: leafHash(body).toString('base64') };
  }

  const entryAt = (seq: number): EntryLine => entries[seq - 1];
  const head = (): CheckpointLine => exported[0] as CheckpointLine;
  /** The size of the largest earlier checkpoint below seq: a wrong root is placed after it. */
  const witnessedBelow = (seq: number): number => Math.max(0, ...earlier.filter((size) => size < seq));

  beforeAll(async () => {
    t = await createTestApp();
    dir = mkdtempSync(join(tmpdir(), 'audit-export-'));
    const published = ok(await t.anonymous.GET('/.well-known/mla-portal/keys'));
    keyName = published.name;
    keysFile = join(dir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify(published));

    // Real actions between checkpoints, so the export carries earlier witnesses of the log.
    const officer = await t.as('vn.officer');
    const auditor = await t.as('auditor');
    const frCentralAuthority = await agencyId(officer, 'FR-CA');
    for (let round = 0; round < 3; round += 1) {
      for (let i = 0; i < 3; i += 1) {
        ok(await officer.POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }));
      }
      ok(await auditor.GET('/v1/audit/checkpoints/latest'));
    }
    ok(await officer.POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }));
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should stream every entry up to a fresh checkpoint, with every earlier checkpoint, and record the export', async () => {
    const before = await t.dataSource.query<Array<{ seq: string }>>('SELECT "seq" FROM "audit_head"');
    const size = Number(before[0].seq) + 1; // the auditor's login comes first
    const started = performance.now();
    const response = await exportAs('auditor');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const text = await response.text();
    const exportMs = performance.now() - started;
    exported = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Line);
    entries = exported.filter((line): line is EntryLine => line.type === 'entry');
    const checkpoints = exported.filter((line): line is CheckpointLine => line.type === 'checkpoint');
    earlier = checkpoints.slice(1).map((line) => line.treeSize);

    expect(exported[0]).toMatchObject({ type: 'checkpoint', treeSize: size });
    expect(Object.keys(exported[0])).toEqual(['type', 'treeSize', 'rootHash', 'note', 'keyId']);
    // Every checkpoint first, then entries 1..treeSize exactly as stored.
    expect(exported.slice(0, checkpoints.length)).toEqual(checkpoints);
    expect(earlier).toHaveLength(3);
    expect(earlier).toEqual([...earlier].sort((a, b) => a - b));
    const stored = await t.dataSource.query<Array<{ seq: string; body: string; leaf_hash: string }>>(
      'SELECT "seq", "body", "leaf_hash" FROM "audit_entry" WHERE "seq" <= $1 ORDER BY "seq"',
      [size],
    );
    expect(entries).toEqual(
      stored.map((row) => ({
        type: 'entry',
        seq: Number(row.seq),
        body: row.body,
        leafHash: Buffer.from(row.leaf_hash, 'hex').toString('base64'),
      })),
    );
    expect(
      rootFromLeafHashes(entries.map((line) => Buffer.from(line.leafHash, 'base64'))).toString('base64'),
    ).toBe(head().rootHash);

    // The export is in the log, after what it exported.
    const records = await t.dataSource.query<Array<{ seq: string; body: string }>>(
      `SELECT "seq", "body" FROM "audit_entry" WHERE "action" = 'audit.export'`,
    );
    expect(records).toHaveLength(1);
    expect(Number(records[0].seq)).toBeGreaterThan(size);
    expect(JSON.parse(records[0].body)).toMatchObject({
      type: 'audit.export',
      outcome: 'success',
      actor: { role: 'auditor' },
      data: { treeSize: size, rootHash: head().rootHash },
    });

    const verdict = verify(exported, 'intact');
    expect(verdict.status).toBe(0);
    expect(verdict.result).toMatchObject({
      ok: true,
      entries: size,
      treeSize: size,
      checkpoints: 4,
      witnessed: size,
      checkpointProblems: [],
    });
    expect(verdict.result?.firstBadSeq).toBeUndefined();
    // The figures for the report: this log's size, the export's and the verification's time.
    process.stdout.write(
      `audit export [${t.engine}]: ${size} entries, ${text.length} bytes, export ${exportMs.toFixed(0)} ms, verify ${(JSON.parse(verdict.stdout) as { seconds: number }).seconds.toFixed(3)} s\n`,
    );

    // As the sentences an auditor reads, and with the key as PEM instead of keys.json.
    expect(verify(exported, 'intact-text', [])).toMatchObject({
      status: 0,
      stdout: expect.stringMatching(/^OK: entries 1\.\.\d+/),
    });
    const published = ok(await t.anonymous.GET('/.well-known/mla-portal/keys'));
    const pem = join(dir, 'key.pem');
    writeFileSync(pem, published.keys[0].publicKeyPem);
    const withPem = spawnSync(process.execPath, [VERIFIER, join(dir, 'intact.ndjson'), '--keys', pem], {
      encoding: 'utf8',
    });
    expect(withPem.status).toBe(0);

    // A signature line under a name no key can have is a malformed note, a failed check (1),
    // not bad usage (2) blamed on the auditor's key.
    const junkSigned = exported.map((line, i) =>
      i === 0 && line.type === 'checkpoint' ? { ...line, note: `${line.note}\u2014 a+b AAAAAAAA\n` } : line,
    );
    writeFileSync(
      join(dir, 'junk-signed.ndjson'),
      junkSigned.map((line) => `${JSON.stringify(line)}\n`).join(''),
    );
    const junk = spawnSync(process.execPath, [VERIFIER, join(dir, 'junk-signed.ndjson'), '--keys', pem], {
      encoding: 'utf8',
    });
    expect(junk.stderr).toBe('');
    expect(junk.stdout).toMatch(/FAILED checkpoint at tree size \d+ \(line 1\): malformed note/);
    expect(junk.status).toBe(1);
  });

  it('should refuse the export to everyone but auditors', async () => {
    expect((await exportAs('vn.officer')).status).toBe(403);
    expect((await exportAs('admin')).status).toBe(403);
    expect((await fetch(`${t.baseUrl}/v1/audit/export`)).status).toBe(401);
  });

  it('should report bad usage with exit status 2', () => {
    const run = spawnSync(process.execPath, [VERIFIER, join(dir, 'intact.ndjson')], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/usage/);
    const missing = spawnSync(process.execPath, [VERIFIER, join(dir, 'nowhere.ndjson'), '--keys', keysFile], {
      encoding: 'utf8',
    });
    expect(missing.status).toBe(2);
  });

  describe('a tampered copy', () => {
    /** An entry above the first earlier checkpoint, so a wrong root there is placed, not only found. */
    const middle = (): number => earlier[0] + 2;

    function expectFailure(verdict: Verdict, seq: number, problem: RegExp): void {
      expect(verdict.status).toBe(1);
      expect(verdict.result).toMatchObject({
        ok: false,
        firstBadSeq: seq,
        problem: expect.stringMatching(problem),
      });
    }

    it('should find a body modified in place at its own seq', () => {
      const k = middle();
      const copy = exported.map((line) =>
        line.type === 'entry' && line.seq === k
          ? { ...line, body: forge(line, { data: { forged: true } }).body }
          : line,
      );
      expectFailure(verify(copy, 'modified'), k, /does not hash to the leaf hash/);
    });

    it('should place a body modified with its hash between the checkpoints around it', () => {
      const k = middle();
      const copy = exported.map((line) =>
        line.type === 'entry' && line.seq === k ? forge(line, { data: { forged: true } }) : line,
      );
      const verdict = verify(copy, 'modified-rehashed');
      const from = witnessedBelow(k) + 1;
      expectFailure(verdict, from, new RegExp(`do not give the root .* one of ${from}\\.\\.`));
    });

    it('should find a deleted entry', () => {
      const k = middle();
      const copy = exported.filter((line) => !(line.type === 'entry' && line.seq === k));
      expectFailure(verify(copy, 'deleted'), k, new RegExp(`entry ${k} is missing`));
    });

    it('should find a forged entry inserted before a real one', () => {
      const k = middle();
      const index = exported.indexOf(entryAt(k));
      const forged = forge(entryAt(k), { type: 'request.delete', data: {} });
      const copy = [...exported.slice(0, index), forged, ...exported.slice(index)];
      expectFailure(verify(copy, 'inserted'), k, new RegExp(`entry ${k} appears again`));
    });

    it('should find two entries swapped', () => {
      const k = middle();
      const index = exported.indexOf(entryAt(k));
      const copy = [...exported];
      [copy[index], copy[index + 1]] = [copy[index + 1], copy[index]];
      expectFailure(verify(copy, 'swapped'), k, new RegExp(`entry ${k} is missing`));
    });

    it('should find the tail truncated under the checkpoint', () => {
      const size = head().treeSize;
      const copy = exported.filter((line) => !(line.type === 'entry' && line.seq > size - 3));
      expectFailure(verify(copy, 'truncated'), size - 2, /ends after entry .* are missing/);
    });

    it('should find a tail rewritten, rehashed and re-signed with another key', () => {
      const k = middle();
      const rewritten = entries.map((line) =>
        line.seq >= k ? forge(line, { data: { forged: true } }) : line,
      );
      const root = rootFromLeafHashes(rewritten.map((line) => Buffer.from(line.leafHash, 'base64')));
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
      // The same name as the portal's key: only the key hash and the signature tell them apart.
      const impostor: NoteSigner = {
        name: keyName,
        publicKey: raw,
        sign: (message) => sign(null, message, privateKey),
      };
      const note = signNote(
        formatCheckpoint({
          origin: `${keyName}/audit`,
          treeSize: head().treeSize,
          rootHash: root,
          extensions: [],
        }),
        [impostor],
      );
      const forgedHead: CheckpointLine = { ...head(), rootHash: root.toString('base64'), note };
      // The earlier checkpoints that would betray the rewrite are dropped, as a forger would.
      const kept = exported.filter(
        (line): line is CheckpointLine => line.type === 'checkpoint' && line !== head() && line.treeSize < k,
      );
      const verdict = verify([forgedHead, ...kept, ...rewritten], 'resigned');
      const from = witnessedBelow(k) + 1;
      expectFailure(
        verdict,
        from,
        new RegExp(`entries ${from}\\.\\.\\d+ are covered by no checkpoint signed by a known key`),
      );
      expect(verdict.result?.checkpointProblems).toEqual([
        { treeSize: head().treeSize, line: 1, problem: expect.stringMatching(/signed by an unknown key/) },
      ]);
    });

    it('should catch a rewrite by whoever holds the signing key, against a checkpoint the auditor kept', () => {
      const checkpoints = exported.filter((line): line is CheckpointLine => line.type === 'checkpoint');
      // The auditor kept the latest earlier checkpoint; the operator rewrites from just before it.
      const kept = checkpoints[checkpoints.length - 1];
      expect(kept.treeSize).toBeLessThan(head().treeSize);
      const k = kept.treeSize - 1;
      const rewritten = entries.map((line) =>
        line.seq >= k ? forge(line, { data: { forged: true } }) : line,
      );
      const root = rootFromLeafHashes(rewritten.map((line) => Buffer.from(line.leafHash, 'base64')));
      const origin = head().note.split('\n')[0];
      // The portal's own key signs the forgery: the export alone cannot tell.
      const note = signNote(
        formatCheckpoint({ origin, treeSize: head().treeSize, rootHash: root, extensions: [] }),
        [portalNoteSigner(t.app.get(PortalSigner))],
      );
      const forged = [
        { ...head(), rootHash: root.toString('base64'), note },
        ...checkpoints.filter((line) => line !== head() && line.treeSize < k),
        ...rewritten,
      ];
      expect(verify(forged, 'key-holder').result).toMatchObject({ ok: true });

      const keptFile = join(dir, 'kept-checkpoint.json');
      writeFileSync(keptFile, JSON.stringify(kept));
      const from = witnessedBelow(k) + 1;
      expectFailure(
        verify(forged, 'key-holder-held', ['--json', '--checkpoint', keptFile]),
        from,
        /do not give the root of the checkpoint you hold .*: the log was rewritten since/,
      );
      expect(verify(exported, 'intact-held', ['--json', '--checkpoint', keptFile]).result).toMatchObject({
        ok: true,
        held: 1,
      });
    });

    it('should refuse an export that stops short of a checkpoint the auditor kept', () => {
      const headFile = join(dir, 'head-checkpoint.json');
      writeFileSync(headFile, JSON.stringify(head()));
      // A genuine older export: an earlier checkpoint first, the ones before it, its entries.
      const older = exported.filter((line): line is CheckpointLine => line.type === 'checkpoint')[1];
      const olderExport = [
        older,
        ...exported.filter(
          (line): line is CheckpointLine => line.type === 'checkpoint' && line.treeSize < older.treeSize,
        ),
        ...entries.filter((line) => line.seq <= older.treeSize),
      ];
      expect(verify(olderExport, 'older').result).toMatchObject({ ok: true });
      const verdict = verify(olderExport, 'older-held', ['--json', '--checkpoint', headFile]);
      expect(verdict.status).toBe(1);
      expect(verdict.result?.checkpointProblems).toEqual([
        expect.objectContaining({
          problem: expect.stringMatching(/beyond this export's \d+: the log shrank, or the export is older/),
        }),
      ]);
    });

    it('should find a checkpoint whose root was edited after signing', () => {
      const copy = exported.map((line, i) =>
        i === 0 && line.type === 'checkpoint'
          ? {
              ...line,
              note: line.note.replace(
                /\n(\S+)\n\n/,
                (_, root: string) => `\n${root.split('').reverse().join('')}\n\n`,
              ),
            }
          : line,
      );
      const verdict = verify(copy, 'checkpoint-edited');
      expect(verdict.status).toBe(1);
      expect(verdict.result?.checkpointProblems[0]?.problem).toMatch(/signature does not verify/);
    });
  });
});
