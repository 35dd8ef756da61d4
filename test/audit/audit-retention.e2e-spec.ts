import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '../../src/modules/audit/canonical-json';
import { AuditRetentionService } from '../../src/modules/audit/audit-retention.service';
import { acceptedRequest, fresh, postFile, tokenOf } from '../evidence/support';
import { agencyId, mlaRequestBody, ok } from '../support/factories';
import { loadVerifierCore, type VerifierCore } from '../support/merkle-vectors';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../support/test-app';

const VERIFIER = join(__dirname, '../../scripts/verify-audit.mjs');
const DAY_MS = 24 * 60 * 60 * 1000;
const RETENTION_DAYS = 365;

interface Row {
  seq: number;
  body: string;
  leafHash: string;
  chainHash: string;
  requestId: string | null;
  redacted: boolean;
  action: string;
  actorUserId: string | null;
  correlationId: string | null;
}

interface EntryLine {
  type: 'entry';
  seq: number;
  body: string;
  leafHash: string;
  redacted?: true;
}
interface CheckpointLine {
  type: 'checkpoint';
  treeSize: number;
  rootHash: string;
}
type Line = EntryLine | CheckpointLine;

interface VerifyResult {
  ok: boolean;
  entries: number;
  redacted: number;
  firstBadSeq?: number;
  problem?: string;
}

const bytes = (base64: string): Buffer => Buffer.from(base64, 'base64');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Retention of the audit log (issue 6, item 7; security.md AUD-07): past AUDIT_RETENTION_DAYS an
 * entry that no hold keeps loses its body to a redaction marker, its leaf hash stays, and every
 * proof, checkpoint, export and verification still holds; the purge is itself an entry.
 */
describe('Audit retention with redaction', () => {
  let t: TestApp;
  let core: VerifierCore;
  let dir: string;
  let keysFile: string;
  let retention: AuditRetentionService;
  let heldRequest: string;
  let holdId: string;
  /** Entries before it are past retention at `boundary + RETENTION_DAYS`; later ones are not. */
  let boundary: Date;
  /** A checkpoint taken early, before the first entry the forged export line is placed at. */
  let early: { treeSize: number; rootHash: string };
  /** A checkpoint taken before the redaction. */
  let before: { treeSize: number; rootHash: string };
  let rowsBefore: Row[];

  async function rows(): Promise<Row[]> {
    const raw: Array<Record<string, unknown>> = await t.dataSource.query(
      `SELECT "seq", "body", "leaf_hash", "chain_hash", "request_id", "redacted_at", "action", "actor_user_id", "correlation_id"
       FROM "audit_entry" ORDER BY "seq"`,
    );
    return raw.map((row) => ({
      seq: Number(row.seq),
      body: row.body as string,
      leafHash: row.leaf_hash as string,
      chainHash: row.chain_hash as string,
      requestId: row.request_id as string | null,
      redacted: row.redacted_at !== null,
      action: row.action as string,
      actorUserId: row.actor_user_id as string | null,
      correlationId: row.correlation_id as string | null,
    }));
  }

  async function checkpoint() {
    return ok(await (await t.as('auditor')).GET('/v1/audit/checkpoints/latest'));
  }

  async function exportLines(): Promise<Line[]> {
    const { data } = await t.anonymous.POST('/v1/auth/login', {
      body: { username: 'auditor', password: DEMO_PASSWORD },
    });
    const response = await fetch(`${t.baseUrl}/v1/audit/export`, {
      headers: { authorization: `Bearer ${data?.accessToken ?? ''}` },
    });
    expect(response.status).toBe(200);
    return (await response.text())
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Line);
  }

  function verify(lines: readonly Line[], name: string): VerifyResult {
    const file = join(dir, `${name}.ndjson`);
    writeFileSync(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    const run = spawnSync(process.execPath, [VERIFIER, file, '--keys', keysFile, '--json'], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as VerifyResult;
  }

  beforeAll(async () => {
    t = await createTestApp({ AUDIT_RETENTION_DAYS: String(RETENTION_DAYS) });
    core = await loadVerifierCore();
    retention = t.app.get(AuditRetentionService);
    dir = mkdtempSync(join(tmpdir(), 'audit-retention-'));
    keysFile = join(dir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify(ok(await t.anonymous.GET('/.well-known/mla-portal/keys'))));

    const officer = await t.as('vn.officer');
    const auditor = await t.as('auditor');
    const frCentralAuthority = await agencyId(officer, 'FR-CA');
    ok(await officer.POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }));
    early = await checkpoint();
    // The entry right after the early checkpoint: a request nobody holds, so it will be redacted.
    ok(await officer.POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }));
    heldRequest = ok(await officer.POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) })).id;
    holdId = ok(
      await auditor.POST('/v1/audit/legal-holds', {
        body: { requestId: heldRequest, reason: 'Appeal pending before the Court of Appeal of Hanoi' },
      }),
    ).id;
    await sleep(5);
    boundary = new Date();
    await sleep(5);
    // After the boundary: kept whatever it names.
    ok(await officer.POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }));
    before = await checkpoint();
    rowsBefore = await rows();
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should let auditors set and list holds, audited, and refuse others and unknown requests', async () => {
    const auditor = await t.as('auditor');
    const holds = ok(
      await auditor.GET('/v1/audit/legal-holds', { params: { query: { requestId: heldRequest } } }),
    );
    expect(holds).toEqual([
      expect.objectContaining({ id: holdId, requestId: heldRequest, active: true, liftedAt: null }),
    ]);
    const setEntry = rowsBefore.find((row) => row.action === 'audit.legal_hold_set');
    expect(setEntry?.requestId).toBe(heldRequest);
    const officer = await t.as('vn.officer');
    const refused = await officer.POST('/v1/audit/legal-holds', {
      body: { requestId: heldRequest, reason: 'Not mine to hold' },
    });
    expect(refused.response.status).toBe(403);
    const unknown = await auditor.POST('/v1/audit/legal-holds', {
      body: { requestId: '00000000-0000-4000-8000-000000000000', reason: 'No such request' },
    });
    expect(unknown.response.status).toBe(404);
  });

  it('should keep the auditors’ holds and reports out of the parties’ history of the request', async () => {
    const auditor = await t.as('auditor');
    const path = { params: { path: { id: heldRequest } } };
    ok(await auditor.GET('/v1/audit/requests/{id}/report', path));
    // The oversight body's work on a case is not the case officers' to read: no hold, no reason
    // given for it, no report made (the requested side's history names only shared events).
    const history = ok(await (await t.as('vn.officer')).GET('/v1/requests/{id}/history', path));
    expect(history.items.length).toBeGreaterThan(0);
    expect(history.items.filter((entry) => entry.action.startsWith('audit.'))).toEqual([]);
    const trail = ok(
      await auditor.GET('/v1/audit/events', { params: { query: { requestId: heldRequest } } }),
    ).items.map((entry) => entry.action);
    expect(trail).toEqual(expect.arrayContaining(['audit.legal_hold_set', 'audit.report']));
  });

  it('should redact the entries past retention that no hold keeps, in batches, each batch an audit.redact entry', async () => {
    const run = await retention.redactExpired({
      now: new Date(boundary.getTime() + RETENTION_DAYS * DAY_MS),
      batchSize: 3,
    });
    const after = await rows();
    const redactedSeqs = after.filter((row) => row.redacted).map((row) => row.seq);
    expect(run.redacted).toBe(redactedSeqs.length);
    expect(run.redacted).toBeGreaterThan(3);
    expect(run.batches).toBe(Math.ceil(run.redacted / 3));
    for (const row of after) {
      const old = rowsBefore.find((candidate) => candidate.seq === row.seq);
      if (!old) {
        // Written after the boundary (the first test's reads and refusals, this run's audit.redact).
        expect(row.redacted).toBe(false);
        continue;
      }
      expect(row.leafHash).toBe(old.leafHash);
      expect(row.chainHash).toBe(old.chainHash);
      if (old.requestId === heldRequest) expect(row).toMatchObject({ redacted: false, body: old.body });
      if (!row.redacted) {
        expect(row.body).toBe(old.body);
        continue;
      }
      const ts = (JSON.parse(old.body) as { ts: string }).ts;
      expect(new Date(ts).getTime()).toBeLessThan(boundary.getTime());
      expect(row.body).toBe(
        canonicalJson({
          id: (JSON.parse(old.body) as { id: string }).id,
          leafHash: old.leafHash,
          redacted: true,
          seq: row.seq,
          ts,
          type: old.action,
        }),
      );
      expect(row).toMatchObject({ actorUserId: null, correlationId: null });
    }
    // Everything older than the boundary and not held went; the creation after it stayed.
    const kept = after.filter(
      (row) =>
        rowsBefore.some((old) => old.seq === row.seq) && !row.redacted && row.requestId !== heldRequest,
    );
    for (const row of kept)
      expect(new Date((JSON.parse(row.body) as { ts: string }).ts).getTime()).toBeGreaterThanOrEqual(
        boundary.getTime(),
      );
    expect(kept.some((row) => row.action === 'request.create')).toBe(true);

    // One audit.redact entry per batch, naming exactly what it redacted and the cutoff.
    const purges = after.filter((row) => row.action === 'audit.redact');
    expect(purges).toHaveLength(run.batches);
    const named: number[] = [];
    for (const purge of purges) {
      const data = (JSON.parse(purge.body) as { data: Record<string, unknown> }).data;
      expect(data).toMatchObject({ cutoff: run.cutoff.toISOString(), retentionDays: RETENTION_DAYS });
      const ranges = data.ranges as Array<[number, number]>;
      const seqs = ranges.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i));
      expect(seqs).toHaveLength(data.count as number);
      named.push(...seqs);
    }
    expect(named).toEqual(redactedSeqs);

    // A second run finds nothing more and writes nothing.
    const again = await retention.redactExpired({
      now: new Date(boundary.getTime() + RETENTION_DAYS * DAY_MS),
    });
    expect(again).toMatchObject({ redacted: 0, batches: 0 });
    expect((await rows()).length).toBe(after.length);
  });

  it('should still verify: /v1/audit/verify, events marked redacted, old inclusion proofs and consistency', async () => {
    const auditor = await t.as('auditor');
    expect(ok(await auditor.GET('/v1/audit/verify'))).toMatchObject({ ok: true });

    const current = await rows();
    const redacted = current.filter((row) => row.redacted);
    const sample = [redacted[0], redacted[Math.floor(redacted.length / 2)], redacted[redacted.length - 1]];
    for (const row of sample) {
      // Proved against the checkpoint signed before the redaction: nothing a proof uses changed.
      const proof = ok(
        await auditor.GET('/v1/audit/proofs/inclusion', {
          params: { query: { seq: row.seq, treeSize: before.treeSize } },
        }),
      );
      expect(bytes(proof.leafHash).toString('hex')).toBe(row.leafHash);
      // The body served with the proof is the redaction marker, said so: it names the leaf it replaced.
      expect(proof.redacted).toBe(true);
      expect(JSON.parse(proof.body)).toMatchObject({ seq: row.seq, redacted: true, leafHash: row.leafHash });
      expect(
        core.verifyInclusion(
          bytes(proof.leafHash),
          BigInt(row.seq - 1),
          BigInt(before.treeSize),
          proof.proof.map(bytes),
          bytes(before.rootHash),
        ),
      ).toEqual({ ok: true });
    }
    const latest = await checkpoint();
    const consistency = ok(
      await auditor.GET('/v1/audit/proofs/consistency', {
        params: { query: { from: before.treeSize, to: latest.treeSize } },
      }),
    );
    expect(
      core.verifyConsistency(
        BigInt(before.treeSize),
        BigInt(latest.treeSize),
        bytes(before.rootHash),
        bytes(latest.rootHash),
        consistency.proof.map(bytes),
      ),
    ).toEqual({ ok: true });

    const page = ok(await auditor.GET('/v1/audit/events', { params: { query: { limit: 100 } } }));
    const shown = page.items.find((item) => item.seq === sample[0].seq);
    expect(shown).toMatchObject({
      redacted: true,
      data: {},
      leafHash: sample[0].leafHash,
      correlationId: null,
    });
    expect(page.items.find((item) => item.redacted === false)).toBeDefined();
  });

  it('should export redacted entries as hash-only lines that the standalone verifier accepts', async () => {
    const lines = await exportLines();
    const entries = lines.filter((line): line is EntryLine => line.type === 'entry');
    const redactedLines = entries.filter((line) => line.redacted === true);
    const redactedRows = (await rows()).filter((row) => row.redacted && row.seq <= entries.length);
    expect(redactedLines.map((line) => line.seq)).toEqual(redactedRows.map((row) => row.seq));
    for (const line of redactedLines) {
      const row = redactedRows.find((candidate) => candidate.seq === line.seq);
      expect(line.body).toBe(row?.body);
      expect(bytes(line.leafHash).toString('hex')).toBe(row?.leafHash);
    }
    const result = verify(lines, 'clean');
    expect(result).toMatchObject({ ok: true, entries: entries.length, redacted: redactedLines.length });
  });

  describe('a forged export', () => {
    let lines: Line[];
    const at = (seq: number) => lines.findIndex((line) => line.type === 'entry' && line.seq === seq);
    const replaced = (seq: number, change: (line: EntryLine) => EntryLine): Line[] =>
      lines.map((line, i) => (i === at(seq) ? change(line as EntryLine) : line));

    beforeAll(async () => {
      lines = await exportLines();
    });

    it('should catch a redacted line whose leaf hash was forged, at its seq when a checkpoint precedes it', () => {
      const seq = early.treeSize + 1;
      expect((lines[at(seq)] as EntryLine).redacted).toBe(true);
      const forgedHash = Buffer.alloc(32, 7);
      const result = verify(
        replaced(seq, (line) => {
          const marker = JSON.parse(line.body) as Record<string, unknown>;
          return {
            ...line,
            body: canonicalJson({ ...marker, leafHash: forgedHash.toString('hex') }),
            leafHash: forgedHash.toString('base64'),
          };
        }),
        'forged-leaf',
      );
      expect(result).toMatchObject({ ok: false, firstBadSeq: seq });
      expect(result.problem).toMatch(/do not give the root of the checkpoint/);
    });

    it('should catch a marker that names another seq or another hash, at its seq', () => {
      const seq = early.treeSize + 1;
      const otherSeq = verify(
        replaced(seq, (line) => ({
          ...line,
          body: canonicalJson({ ...(JSON.parse(line.body) as object), seq: seq + 1 }),
        })),
        'marker-seq',
      );
      expect(otherSeq).toMatchObject({ ok: false, firstBadSeq: seq });
      expect(otherSeq.problem).toMatch(/names seq/);
      const otherHash = verify(
        replaced(seq, (line) => ({ ...line, leafHash: Buffer.alloc(32, 1).toString('base64') })),
        'marker-hash',
      );
      expect(otherHash).toMatchObject({ ok: false, firstBadSeq: seq });
    });

    it('should not let an unredacted entry pass as redacted, nor a marker pass as a body', () => {
      const unredacted = lines.find(
        (line): line is EntryLine => line.type === 'entry' && line.redacted !== true && line.seq > 1,
      );
      if (!unredacted) throw new Error('no unredacted entry');
      const claimed = verify(
        replaced(unredacted.seq, (line) => ({ ...line, redacted: true })),
        'claimed-redacted',
      );
      expect(claimed).toMatchObject({ ok: false, firstBadSeq: unredacted.seq });
      expect(claimed.problem).toMatch(/not a well-formed redaction marker/);

      const seq = early.treeSize + 1;
      const unflagged = verify(
        replaced(seq, (line) => {
          const { redacted: _dropped, ...rest } = line;
          return rest;
        }),
        'unflagged',
      );
      expect(unflagged).toMatchObject({ ok: false, firstBadSeq: seq });
      expect(unflagged.problem).toMatch(/does not hash to the leaf hash/);
    });
    it('should not accept a redaction that no audit.redact entry names, nor a redacted audit.redact entry', () => {
      // What the holder of the log can do to an export: swap a body for its marker, keep the leaf.
      const asMarker = (line: EntryLine): EntryLine => {
        const body = JSON.parse(line.body) as { id: string; seq: number; ts: string; type: string };
        const leaf = bytes(line.leafHash);
        return {
          ...line,
          body: canonicalJson({
            id: body.id,
            leafHash: leaf.toString('hex'),
            redacted: true,
            seq: body.seq,
            ts: body.ts,
            type: body.type,
          }),
          redacted: true,
        };
      };
      const entries = lines.filter((line): line is EntryLine => line.type === 'entry');
      const purge = entries.find((line) => line.redacted !== true && line.body.includes('"audit.redact"'));
      const named = new Set(
        entries
          .filter((line) => line.redacted !== true && line.body.includes('"type":"audit.redact"'))
          .flatMap((line) =>
            (JSON.parse(line.body) as { data: { ranges: Array<[number, number]> } }).data.ranges.flatMap(
              ([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i),
            ),
          ),
      );
      const victim = entries.find(
        (line) => line.redacted !== true && line.seq > early.treeSize && !named.has(line.seq),
      );
      if (!purge || !victim) throw new Error('no audit.redact entry or no unredacted entry');
      const hidden = verify(replaced(victim.seq, asMarker), 'hidden');
      expect(hidden).toMatchObject({ ok: false, firstBadSeq: victim.seq });
      expect(hidden.problem).toMatch(/no audit.redact entry in the export names it/);
      const purgeHidden = verify(replaced(purge.seq, asMarker), 'purge-hidden');
      expect(purgeHidden).toMatchObject({ ok: false, firstBadSeq: purge.seq });
      expect(purgeHidden.problem).toMatch(/an audit.redact entry is redacted/);
    });
  });

  describe('the database refuses anything but a redaction', () => {
    const refused = /append-only/;
    let redactedSeq: number;
    let plainSeq: number;

    beforeAll(async () => {
      const current = await rows();
      redactedSeq = current.find((row) => row.redacted)?.seq ?? 0;
      // One with an actor, so that keeping the personal columns is a difference the trigger sees.
      plainSeq = current.find((row) => !row.redacted && row.actorUserId !== null)?.seq ?? 0;
      expect(redactedSeq * plainSeq).toBeGreaterThan(0);
    });

    it('should refuse to un-redact, to re-redact, or to change a redacted row’s hashes', async () => {
      await expect(
        t.dataSource.query('UPDATE "audit_entry" SET "redacted_at" = NULL WHERE "seq" = $1', [redactedSeq]),
      ).rejects.toThrow(refused);
      await expect(
        t.dataSource.query('UPDATE "audit_entry" SET "redacted_at" = now() WHERE "seq" = $1', [redactedSeq]),
      ).rejects.toThrow(refused);
      await expect(
        t.dataSource.query(`UPDATE "audit_entry" SET "leaf_hash" = repeat('a', 64) WHERE "seq" = $1`, [
          redactedSeq,
        ]),
      ).rejects.toThrow(refused);
      await expect(
        t.dataSource.query(
          `UPDATE "audit_entry" SET "body" = '{"restored":true}', "redacted_at" = NULL WHERE "seq" = $1`,
          [redactedSeq],
        ),
      ).rejects.toThrow(refused);
    });

    it('should never redact a purge entry, which accounts for the redactions it names', async () => {
      const [purge] = await t.dataSource.query<Array<{ seq: string }>>(
        `SELECT "seq" FROM "audit_entry" WHERE "action" = 'audit.redact' AND "redacted_at" IS NULL LIMIT 1`,
      );
      expect(purge).toBeDefined();
      await expect(
        t.dataSource.query(
          `UPDATE "audit_entry" SET "body" = audit_redaction_marker("seq", "id", "ts", "action", "leaf_hash"),
             "redacted_at" = now(), "actor_user_id" = NULL, "target_id" = NULL, "correlation_id" = NULL
           WHERE "seq" = $1`,
          [Number(purge.seq)],
        ),
      ).rejects.toThrow(refused);
    });

    it('should keep legal holds on record: lifted once, never rewritten, deleted or truncated', async () => {
      const [hold] = await t.dataSource.query<Array<{ id: string; lifted_at: Date | null }>>(
        'SELECT "id", "lifted_at" FROM "audit_legal_hold" ORDER BY "set_at" LIMIT 1',
      );
      expect(hold).toBeDefined();
      const holdRefused = /audit_legal_hold is append-only|is append-only/;
      await expect(
        t.dataSource.query(`UPDATE "audit_legal_hold" SET "reason" = 'rewritten' WHERE "id" = $1`, [hold.id]),
      ).rejects.toThrow(holdRefused);
      await expect(
        t.dataSource.query('DELETE FROM "audit_legal_hold" WHERE "id" = $1', [hold.id]),
      ).rejects.toThrow(holdRefused);
      await expect(t.dataSource.query('TRUNCATE "audit_legal_hold"')).rejects.toThrow(holdRefused);
      if (hold.lifted_at !== null)
        await expect(
          t.dataSource.query(
            `UPDATE "audit_legal_hold" SET "lifted_at" = now(), "lift_reason" = 'again' WHERE "id" = $1`,
            [hold.id],
          ),
        ).rejects.toThrow(holdRefused);
    });

    it('should refuse any other update of an unredacted row, a wrong marker, a changed hash, DELETE and TRUNCATE', async () => {
      await expect(
        t.dataSource.query(`UPDATE "audit_entry" SET "outcome" = 'failure' WHERE "seq" = $1`, [plainSeq]),
      ).rejects.toThrow(refused);
      const redaction = (body: string, leaf = '"leaf_hash"') =>
        t.dataSource.query(
          `UPDATE "audit_entry" SET "body" = ${body}, "leaf_hash" = ${leaf}, "redacted_at" = now(),
             "actor_user_id" = NULL, "target_id" = NULL, "correlation_id" = NULL WHERE "seq" = $1`,
          [plainSeq],
        );
      await expect(redaction(`'{"redacted":true}'`)).rejects.toThrow(refused);
      await expect(
        redaction(`audit_redaction_marker("seq", "id", "ts", "action", repeat('b', 64))`, `repeat('b', 64)`),
      ).rejects.toThrow(refused);
      // Redacting while keeping the personal columns is refused too.
      await expect(
        t.dataSource.query(
          `UPDATE "audit_entry" SET "body" = audit_redaction_marker("seq", "id", "ts", "action", "leaf_hash"),
             "redacted_at" = now() WHERE "seq" = $1`,
          [plainSeq],
        ),
      ).rejects.toThrow(refused);
      const after = (await rows()).find((row) => row.seq === plainSeq);
      expect(after?.redacted).toBe(false);
      await expect(
        t.dataSource.query('DELETE FROM "audit_entry" WHERE "seq" = $1', [plainSeq]),
      ).rejects.toThrow(refused);
      await expect(t.dataSource.query('TRUNCATE "audit_entry" CASCADE')).rejects.toThrow(refused);
      expect(ok(await (await t.as('auditor')).GET('/v1/audit/verify'))).toMatchObject({ ok: true });
    });
  });

  it('should redact a held request’s old entries once its hold is lifted, and record the lift', async () => {
    const auditor = await t.as('auditor');
    const lifted = ok(
      await auditor.POST('/v1/audit/legal-holds/{id}/lift', {
        params: { path: { id: holdId } },
        body: { reason: 'Judgment final' },
      }),
    );
    expect(lifted).toMatchObject({ id: holdId, active: false, liftReason: 'Judgment final' });
    const again = await auditor.POST('/v1/audit/legal-holds/{id}/lift', {
      params: { path: { id: holdId } },
      body: { reason: 'Twice' },
    });
    expect(again.response.status).toBe(404);
    expect(ok(await auditor.GET('/v1/audit/legal-holds'))).toEqual([]);
    expect(ok(await auditor.GET('/v1/audit/legal-holds', { params: { query: { all: true } } }))).toHaveLength(
      1,
    );

    const run = await retention.redactExpired({
      now: new Date(boundary.getTime() + RETENTION_DAYS * DAY_MS),
    });
    const current = await rows();
    const held = current.filter((row) => row.requestId === heldRequest);
    // Its entries from before the boundary: the creation and the hold; the lift came after.
    const old = held.filter((row) => rowsBefore.some((candidate) => candidate.seq === row.seq));
    expect(old.length).toBeGreaterThan(0);
    expect(old.every((row) => row.redacted)).toBe(true);
    expect(run.redacted).toBe(old.length);
    expect(held.find((row) => row.action === 'audit.legal_hold_lifted')?.redacted).toBe(false);
    expect(ok(await auditor.GET('/v1/audit/verify'))).toMatchObject({ ok: true });
    expect(verify(await exportLines(), 'after-lift')).toMatchObject({ ok: true });
  });

  it('should keep the trail of a request with evidence under a legal hold, and never redact audit.redact entries', async () => {
    // A request carried to acceptance, with one evidence item the requested side holds.
    const requestId = await acceptedRequest(t);
    const uploaded = await postFile(
      t,
      await tokenOf(t, 'fr.executing'),
      requestId,
      Buffer.from('held\n'),
      'held.txt',
    );
    expect(uploaded.status).toBe(201);
    const evidenceId = ((await uploaded.json()) as { evidence: { id: string } }).evidence.id;
    ok(
      await (
        await fresh(t, 'fr.central')
      ).PUT('/v1/evidence/{id}/legal-hold', {
        params: { path: { id: evidenceId } },
        body: { hold: true, reason: 'Trial pending in Paris' },
      }),
    );

    // Everything is past retention a year and a day from now.
    const run = await retention.redactExpired({ now: new Date(Date.now() + (RETENTION_DAYS + 1) * DAY_MS) });
    expect(run.redacted).toBeGreaterThan(0);
    const current = await rows();
    const trail = current.filter((row) => row.requestId === requestId);
    expect(trail.length).toBeGreaterThan(5);
    expect(trail.filter((row) => row.redacted)).toEqual([]);
    const purges = current.filter((row) => row.action === 'audit.redact');
    expect(purges.length).toBeGreaterThan(0);
    expect(purges.every((row) => !row.redacted)).toBe(true);
    expect(ok(await (await t.as('auditor')).GET('/v1/audit/verify'))).toMatchObject({ ok: true });
  });

  // Last: it leaves the log failing verification on purpose.
  it('should report an entry redacted by hand, with a valid marker but no audit.redact entry naming it', async () => {
    const auditor = await t.as('auditor');
    const target = (await rows()).find((row) => !row.redacted && row.action !== 'audit.redact');
    if (!target) throw new Error('no unredacted entry');
    // The trigger allows it (a well-formed redaction), and the tree still verifies: only the
    // missing purge entry gives it away.
    await t.dataSource.query(
      `UPDATE "audit_entry" SET "body" = audit_redaction_marker("seq", "id", "ts", "action", "leaf_hash"),
         "redacted_at" = now(), "actor_user_id" = NULL, "target_id" = NULL, "correlation_id" = NULL
       WHERE "seq" = $1`,
      [target.seq],
    );
    expect(ok(await auditor.GET('/v1/audit/verify'))).toMatchObject({
      ok: false,
      firstBadSequence: target.seq,
      problem: 'an entry was redacted without an audit.redact entry naming it',
    });
  });

  it('should report, not fail on, an audit.redact row put beyond the head whose body is no purge record', async () => {
    const auditor = await t.as('auditor');
    // The app role may insert into the log: a row after the head, looked at by the search for the
    // purge that accounts for the hand-made redaction above, must be reported, not crash the check.
    const [head] = await t.dataSource.query<Array<{ seq: string | number }>>(
      'SELECT "seq" FROM "audit_head" WHERE "id" = 1',
    );
    const seq = Number(head.seq) + 1;
    await t.dataSource.query(
      `INSERT INTO "audit_entry" ("seq", "id", "ts", "action", "outcome", "target_type", "body", "leaf_hash", "chain_hash")
       VALUES ($1, gen_random_uuid(), now(), 'audit.redact', 'success', 'audit_log', 'not json', repeat('0', 64), repeat('0', 64))`,
      [seq],
    );
    const verdict = await auditor.GET('/v1/audit/verify');
    expect(verdict.response.status).toBe(200);
    expect(ok(verdict)).toMatchObject({ ok: false });
  });
});
