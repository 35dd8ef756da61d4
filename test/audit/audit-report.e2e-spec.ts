import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Schemas } from '@mla/api-client';
import { AuditRetentionService } from '../../src/modules/audit/audit-retention.service';
import { canonicalJson } from '../../src/modules/audit/canonical-json';
import { leafHash } from '../../src/modules/audit/merkle/merkle';
import { acceptedRequest, postFile, tokenOf } from '../evidence/support';
import { agencyId, mlaRequestBody, ok } from '../support/factories';
import { createTestApp, type TestApp } from '../support/test-app';

const VERIFIER = join(__dirname, '../../scripts/verify-audit-report.mjs');
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(20_000, 'statement of the provider\n')]);

type Report = Schemas['AuditRequestReportDto'];
type Entry = Report['report']['entries'][number];

interface Keys {
  name?: string;
  origin?: string;
  keyFor(keyId: string): { key: unknown; status: string } | undefined;
  noteVerifiersFor(note: string): unknown[];
}
interface ReportVerifier {
  verifyReport(
    file: unknown,
    keys: Keys,
  ): { ok: boolean; problems: Array<{ seq?: number; problem: string }>; trail: Array<{ seq: number }> };
}
interface Core {
  loadPublishedKeys(text: string): Keys;
}

/**
 * One request's trail as an auditor hands it to a court, checked by scripts/verify-audit-report.mjs
 * as the court would run it, and then altered as someone holding the file could alter it.
 */
describe("A request's audit report for a court", () => {
  let t: TestApp;
  let dir: string;
  let keysFile: string;
  let requestId: string;
  let report: Report;
  let verifier: ReportVerifier;
  let keys: Keys;

  function runVerifier(file: unknown, name: string, extra: string[] = []) {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(file));
    return spawnSync(process.execPath, [VERIFIER, path, '--keys', keysFile, ...extra], { encoding: 'utf8' });
  }

  /** Keys that also accept `forger`'s signature on the report, as if the court were misled about the key. */
  function keysWithForger(forger: ReturnType<typeof generateKeyPairSync>['publicKey']): Keys {
    return {
      ...keys,
      keyFor: (keyId) => (keyId === 'forged' ? { key: forger, status: 'active' } : keys.keyFor(keyId)),
    };
  }

  function resign(body: Report['report'], privateKey: ReturnType<typeof generateKeyPairSync>['privateKey']) {
    return {
      report: body,
      signature: {
        algorithm: 'Ed25519',
        keyId: 'forged',
        value: sign(null, Buffer.from(canonicalJson(body)), privateKey).toString('base64'),
      },
    };
  }

  const copy = (): Report['report'] => JSON.parse(JSON.stringify(report.report)) as Report['report'];

  beforeAll(async () => {
    t = await createTestApp();
    dir = mkdtempSync(join(tmpdir(), 'audit-report-'));
    const published = ok(await t.anonymous.GET('/.well-known/mla-portal/keys'));
    keysFile = join(dir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify(published));
    verifier = (await import(VERIFIER)) as ReportVerifier;
    const core = (await import(join(__dirname, '../../scripts/audit-verify-core.mjs'))) as Core;
    keys = core.loadPublishedKeys(JSON.stringify(published));

    requestId = await acceptedRequest(t);
    const upload = await postFile(t, await tokenOf(t, 'fr.central'), requestId, PDF, 'statement.pdf');
    expect(upload.status).toBe(201);
    // Another case's entries interleave with this one's: the report must hold only its own.
    const officer = await t.as('vn.officer');
    ok(await officer.POST('/v1/requests', { body: mlaRequestBody(await agencyId(officer, 'FR-CA')) }));
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should hold every entry about the request up to a signed checkpoint, and record that it was made', async () => {
    const auditor = await t.as('auditor');
    report = ok(await auditor.GET('/v1/audit/requests/{id}/report', { params: { path: { id: requestId } } }));
    const body = report.report;
    expect(body.type).toBe('mla-portal/audit-request-report');
    expect(body.request).toMatchObject({ id: requestId, status: 'accepted', requestedAgency: 'FR-CA' });

    const expected = await t.dataSource.query<Array<{ seq: string }>>(
      'SELECT "seq" FROM "audit_entry" WHERE "request_id" = $1 AND "seq" <= $2 ORDER BY "seq"',
      [requestId, body.checkpoint.treeSize],
    );
    expect(body.entries.map((entry) => entry.seq)).toEqual(expected.map((row) => Number(row.seq)));
    const types = body.entries.map((entry) => (JSON.parse(entry.body) as { type: string }).type);
    expect(types).toEqual(
      expect.arrayContaining(['request.create', 'request.transmit', 'request.accept', 'evidence.upload']),
    );
    for (const entry of body.entries) {
      expect((JSON.parse(entry.body) as { target: { request: string } }).target.request).toBe(requestId);
      expect(leafHash(entry.body).toString('base64')).toBe(entry.leafHash);
    }

    const [recorded] = await t.dataSource.query<Array<{ seq: string; actor_role: string; body: string }>>(
      `SELECT "seq", "actor_role", "body" FROM "audit_entry" WHERE "action" = 'audit.report' AND "request_id" = $1`,
      [requestId],
    );
    expect(Number(recorded.seq)).toBeGreaterThan(body.checkpoint.treeSize);
    expect(recorded.actor_role).toBe('auditor');
    expect(JSON.parse(recorded.body)).toMatchObject({
      data: { treeSize: body.checkpoint.treeSize, rootHash: body.checkpoint.rootHash },
    });
  });

  it('should verify offline with nothing but Node and the published keys, and print the trail', () => {
    const run = runVerifier(report, 'report');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/VERIFIED: \d+ entries, each in the audit log of tree size \d+/);
    expect(run.stdout).toContain('request.transmit success by central_authority_officer vn.central (');
    expect(run.stdout).toContain(', VN-CA');
    expect(run.stdout.split('\n').filter((line) => line.startsWith('  #'))).toHaveLength(
      report.report.entries.length,
    );
  });

  it('should fail on one changed byte anywhere, naming what is wrong', () => {
    const body = copy();
    const victim = body.entries[1];
    victim.body = victim.body.replace('"success"', '"failure"');
    const run = runVerifier({ report: body, signature: report.signature }, 'one-byte');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('FAILED report signature: the signature does not verify');
    expect(run.stdout).toContain(`FAILED entry ${victim.seq}: the body does not hash to its leaf hash`);

    const renamed = copy();
    renamed.request.reference = 'SOMETHING-ELSE';
    expect(runVerifier({ report: renamed, signature: report.signature }, 'reference').status).toBe(1);
  });

  it('should catch a rewritten entry even when the report is re-signed: its proof no longer reaches the checkpoint', () => {
    const forger = generateKeyPairSync('ed25519');
    const trusting = keysWithForger(forger.publicKey);
    const untouched = verifier.verifyReport(resign(copy(), forger.privateKey), trusting);
    expect(untouched.ok).toBe(true); // the forged key alone proves nothing about the log

    const body = copy();
    const victim: Entry = body.entries[2];
    const altered = canonicalJson({ ...(JSON.parse(victim.body) as object), outcome: 'denied' });
    victim.body = altered;
    victim.leafHash = leafHash(altered).toString('base64');
    const result = verifier.verifyReport(resign(body, forger.privateKey), trusting);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      expect.objectContaining({ seq: victim.seq, problem: expect.stringContaining('inclusion proof') }),
    ]);
  });

  it('should refuse an entry of another request slipped in, and a checkpoint the portal did not sign', () => {
    const forger = generateKeyPairSync('ed25519');
    const trusting = keysWithForger(forger.publicKey);
    const body = copy();
    const foreign = body.entries[0];
    const other = canonicalJson({
      ...(JSON.parse(foreign.body) as { target: object }),
      target: { type: 'request', id: 'x', request: '00000000-0000-4000-8000-000000000000' },
    });
    foreign.body = other;
    foreign.leafHash = leafHash(other).toString('base64');
    const slipped = verifier.verifyReport(resign(body, forger.privateKey), trusting);
    expect(slipped.problems[0]).toMatchObject({ seq: foreign.seq });
    expect(slipped.problems[0].problem).toContain('not ' + requestId);

    const unsigned = copy();
    unsigned.checkpoint.note = unsigned.checkpoint.note.replace(
      /\n\n.*$/s,
      '\n\n— nobody AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n',
    );
    const result = verifier.verifyReport(resign(unsigned, forger.privateKey), trusting);
    expect(result.ok).toBe(false);
    expect(result.problems[0].problem).toMatch(/^checkpoint: /);
  });

  it('should be for auditors only, 404 for a request that does not exist, 400 for an id that is not one', async () => {
    const officer = await t.as('vn.officer');
    const denied = await officer.GET('/v1/audit/requests/{id}/report', {
      params: { path: { id: requestId } },
    });
    expect(denied.response.status).toBe(403);
    const auditor = await t.as('auditor');
    const missing = await auditor.GET('/v1/audit/requests/{id}/report', {
      params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ code: 'request.not_found' });
    const bad = await auditor.GET('/v1/audit/requests/{id}/report', {
      params: { path: { id: 'not-a-uuid' } },
    });
    expect(bad.response.status).toBe(400);
  });

  it('should still prove entries past retention, which hold only their redaction marker', async () => {
    const retention = t.app.get(AuditRetentionService);
    const run = await retention.redactExpired({ now: new Date(Date.now() + 11 * 365 * 86_400_000) });
    expect(run.redacted).toBeGreaterThan(0);
    const auditor = await t.as('auditor');
    const later = ok(
      await auditor.GET('/v1/audit/requests/{id}/report', { params: { path: { id: requestId } } }),
    );
    const redacted = later.report.entries.filter((entry) => entry.redacted);
    // Everything reported before is still there, now as markers whose hashes are unchanged; after
    // it come the entries since, the record of the first report among them.
    expect(
      redacted.slice(0, report.report.entries.length).map((entry) => [entry.seq, entry.leafHash]),
    ).toEqual(report.report.entries.map((entry) => [entry.seq, entry.leafHash]));
    const run2 = runVerifier(later, 'redacted');
    expect(run2.stderr).toBe('');
    expect(run2.status).toBe(0);
    expect(run2.stdout).toContain('(redacted past retention; its hash is proven)');

    // A marker that names another hash than the one proven is refused, whoever signed the report.
    const forger = generateKeyPairSync('ed25519');
    const body = JSON.parse(JSON.stringify(later.report)) as Report['report'];
    const victim = body.entries.find((entry) => entry.redacted) as Entry;
    const forged = leafHash('something else');
    victim.body = canonicalJson({ ...(JSON.parse(victim.body) as object), leafHash: forged.toString('hex') });
    victim.leafHash = forged.toString('base64');
    const result = verifier.verifyReport(resign(body, forger.privateKey), keysWithForger(forger.publicKey));
    expect(result.problems).toEqual([
      expect.objectContaining({ seq: victim.seq, problem: expect.stringContaining('inclusion proof') }),
    ]);
  });

  it('should leave a log that still verifies', async () => {
    const auditor = await t.as('auditor');
    expect(ok(await auditor.GET('/v1/audit/verify'))).toMatchObject({ ok: true });
  });
});
