import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ApiClient, login, type Schemas } from '@mla/api-client';
import { parseCheckpoint, parseVerifierKey, verifyNote } from '../../src/modules/audit/merkle/checkpoint';
import { rootFromLeafHashes, verifyInclusion } from '../../src/modules/audit/merkle/merkle';
import { EvidenceRetentionService } from '../../src/modules/evidence/evidence-retention.service';
import { StorageFailure } from '../../src/modules/evidence/storage/evidence-store';
import { EvidenceVault } from '../../src/modules/evidence/storage/evidence-vault';
import { ok } from '../support/factories';
import { createTestApp, DEMO_PASSWORD, type DemoUser, FakeClock, type TestApp } from '../support/test-app';
import {
  acceptedRequest,
  fire,
  postFile,
  sha256,
  storedObjects,
  tokenOf,
  verifiesWithPublishedKey,
} from './support';

const DAY_MS = 24 * 60 * 60 * 1000;
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300_000, 'statement of the provider\n')]);
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(4096, 1)]);

type Upload = Schemas['EvidenceUploadResultDto'];

describe('Evidence exchange (issue 5)', () => {
  let t: TestApp;
  const clock = new FakeClock();
  let executing: string;
  let vnOfficerToken: string;
  let deToken: string;

  beforeAll(async () => {
    t = await createTestApp(
      { EVIDENCE_MAX_BYTES: String(1024 * 1024), EVIDENCE_RETENTION_DAYS: 'default=3650,mla_general=30' },
      { clock },
    );
    executing = await tokenOf(t, 'fr.executing');
    vnOfficerToken = await tokenOf(t, 'vn.officer');
    deToken = await tokenOf(t, 'de.officer');
  });
  afterAll(() => t?.close());

  /** Moves the clock; sessions idle past their limit end, so every caller logs in again. */
  async function advance(milliseconds: number): Promise<void> {
    clock.advance(milliseconds);
    executing = await tokenOf(t, 'fr.executing');
    vnOfficerToken = await tokenOf(t, 'vn.officer');
    deToken = await tokenOf(t, 'de.officer');
  }

  const as = (user: DemoUser): Promise<ApiClient> => login(t.baseUrl, user, DEMO_PASSWORD);

  async function upload(
    requestId: string,
    content = PDF,
    name = 'statement.pdf',
    fields = {},
  ): Promise<Upload> {
    const response = await postFile(t, executing, requestId, content, name, fields);
    if (response.status !== 201)
      throw new Error(`upload answered ${response.status}: ${await response.text()}`);
    // The fake clock stands still; items are listed in upload order, as real time would give.
    clock.advance(1000);
    return (await response.json()) as Upload;
  }

  const get = (token: string, path: string, headers: Record<string, string> = {}) =>
    fetch(`${t.baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}`, ...headers } });

  async function countRows(table: string): Promise<number> {
    const [row] = await t.dataSource.query<Array<{ count: string }>>(
      `SELECT count(*) AS "count" FROM "${table}"`,
    );
    return Number(row.count);
  }

  it('should receive a file hashed while streaming, with a signed receipt that names its audit entry', async () => {
    const requestId = await acceptedRequest(t);
    const result = await upload(requestId, PDF, 'statement.pdf', {
      sha256: sha256(PDF),
      description: 'Provider statement',
      acquisitionMethod: 'provider export',
      acquiredAt: '2026-11-20T09:30:00+01:00',
    });
    expect(result.evidence).toMatchObject({
      requestId,
      fileName: 'statement.pdf',
      size: PDF.length,
      sha256: sha256(PDF),
      mediaType: 'application/pdf',
      packageId: null,
      integrity: 'intact',
      origin: { acquisitionMethod: 'provider export', acquiredAt: '2026-11-20T09:30:00+01:00' },
    });
    const receipt = result.receipt.receipt as {
      evidence: { id: string; sha256: string; size: number };
      audit: {
        seq: number;
        entryId: string;
        leafHash: string;
        checkpoint: { treeSize: number; rootHash: string; note: string };
        inclusionProof: string[];
      };
    };
    expect(receipt.evidence).toMatchObject({ id: result.evidence.id, sha256: sha256(PDF), size: PDF.length });
    const [entry] = await t.dataSource.query<Array<{ action: string; target_id: string; leaf_hash: string }>>(
      'SELECT "action", "target_id", "leaf_hash" FROM "audit_entry" WHERE "seq" = $1 AND "id" = $2',
      [receipt.audit.seq, receipt.audit.entryId],
    );
    expect(entry).toEqual({
      action: 'evidence.upload',
      target_id: result.evidence.id,
      leaf_hash: receipt.audit.leafHash,
    });

    // The receipt carries a signed checkpoint that covers its entry, kept by the portal like any
    // other, and the entry's inclusion proof in it (issue 6, item 8).
    const { checkpoint, inclusionProof } = receipt.audit;
    expect(checkpoint.treeSize).toBeGreaterThanOrEqual(receipt.audit.seq);
    const [stored] = await t.dataSource.query<Array<{ note: string }>>(
      'SELECT "note" FROM "audit_checkpoint" WHERE "tree_size" = $1',
      [checkpoint.treeSize],
    );
    expect(stored?.note).toBe(checkpoint.note);
    const leaves = await t.dataSource.query<Array<{ leaf_hash: string }>>(
      'SELECT "leaf_hash" FROM "audit_entry" WHERE "seq" <= $1 ORDER BY "seq"',
      [checkpoint.treeSize],
    );
    const root = rootFromLeafHashes(leaves.map((row) => Buffer.from(row.leaf_hash, 'hex')));
    expect(checkpoint.rootHash).toBe(root.toString('base64'));
    const keys = (await (await fetch(`${t.baseUrl}/.well-known/mla-portal/keys`)).json()) as {
      keys: Array<{ noteVerifierKey: string }>;
    };
    const verifiers = keys.keys.flatMap((key) => {
      const parsed = parseVerifierKey(key.noteVerifierKey);
      return parsed.ok ? [parsed.value] : [];
    });
    const opened = verifyNote(checkpoint.note, verifiers);
    if (!opened.ok) throw new Error(opened.detail);
    expect(parseCheckpoint(opened.text)).toMatchObject({
      ok: true,
      value: { treeSize: checkpoint.treeSize, rootHash: root },
    });
    const proofOf = (elements: string[]) =>
      verifyInclusion(
        Buffer.from(receipt.audit.leafHash, 'hex'),
        receipt.audit.seq - 1,
        checkpoint.treeSize,
        elements.map((element) => Buffer.from(element, 'base64')),
        root,
      );
    expect(proofOf(inclusionProof)).toEqual({ ok: true });
    expect(inclusionProof.length).toBeGreaterThan(0);
    const bent = Buffer.from(inclusionProof[0], 'base64');
    bent[0] ^= 0x01;
    expect(proofOf([bent.toString('base64'), ...inclusionProof.slice(1)])).toMatchObject({ ok: false });
    expect(
      verifyNote(checkpoint.note.replace(/\n\d+\n/, `\n${checkpoint.treeSize + 1}\n`), verifiers),
    ).toMatchObject({
      ok: false,
      reason: 'invalid-signature',
    });

    // The receipt verifies with the published key, and fails after any change of one byte.
    expect(await verifiesWithPublishedKey(t, result.receipt.receipt, result.receipt.signature)).toBe(true);
    const altered = structuredClone(receipt);
    altered.evidence.size += 1;
    expect(await verifiesWithPublishedKey(t, altered, result.receipt.signature)).toBe(false);
    const flipped = Buffer.from(result.receipt.signature.value, 'base64');
    flipped[10] ^= 0x01;
    expect(
      await verifiesWithPublishedKey(t, receipt, {
        ...result.receipt.signature,
        value: flipped.toString('base64'),
      }),
    ).toBe(false);
    // Fetched again later, the receipt is the same document and signature.
    const again = ok(
      await (
        await as('fr.executing')
      ).GET('/v1/evidence/{id}/receipt', {
        params: { path: { id: result.evidence.id } },
      }),
    );
    expect(again).toEqual(result.receipt);

    // At rest the bytes are sealed: the stored object is not the plaintext and does not contain it.
    const [object] = await storedObjects(t.dataDir);
    const raw = await readFile(object);
    expect(raw.includes(Buffer.from('statement of the provider'))).toBe(false);
    expect(object).toContain(sha256(PDF));
  });

  it('should serve the bytes streamed, as an attachment with nosniff and the SHA-256, and single ranges', async () => {
    const requestId = await acceptedRequest(t);
    const { evidence } = await upload(requestId, PDF, 'report.pdf');
    const whole = await get(executing, `/v1/evidence/${evidence.id}/content?purpose=court%20bundle`);
    expect(whole.status).toBe(200);
    const body = Buffer.from(await whole.arrayBuffer());
    expect(sha256(body)).toBe(sha256(PDF));
    expect(whole.headers.get('content-disposition')).toBe('attachment; filename=report.pdf');
    expect(whole.headers.get('x-content-type-options')).toBe('nosniff');
    expect(whole.headers.get('repr-digest')).toBe(
      `sha-256=:${Buffer.from(sha256(PDF), 'hex').toString('base64')}:`,
    );
    expect(whole.headers.get('content-length')).toBe(String(PDF.length));

    const part = await get(executing, `/v1/evidence/${evidence.id}/content`, { Range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${PDF.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(PDF.subarray(100, 200));
    const beyond = await get(executing, `/v1/evidence/${evidence.id}/content`, {
      Range: `bytes=${PDF.length + 5}-`,
    });
    expect(beyond.status).toBe(416);
    expect(((await beyond.json()) as { code: string }).code).toBe('evidence.range_not_satisfiable');
    expect(beyond.headers.get('content-range')).toBe(`bytes */${PDF.length}`);
    // A suffix longer than the file is the whole file; a range that ends before it starts is ignored.
    const suffix = await get(executing, `/v1/evidence/${evidence.id}/content`, { Range: 'bytes=-99999999' });
    expect([suffix.status, suffix.headers.get('content-range')]).toEqual([
      206,
      `bytes 0-${PDF.length - 1}/${PDF.length}`,
    ]);
    await suffix.arrayBuffer();
    const backwards = await get(executing, `/v1/evidence/${evidence.id}/content`, { Range: 'bytes=50-10' });
    expect(backwards.status).toBe(200);
    await backwards.arrayBuffer();

    const trail = ok(
      await (
        await as('fr.executing')
      ).GET('/v1/evidence/{id}/custody', { params: { path: { id: evidence.id } } }),
    );
    const downloads = trail.events.filter((event) => event.event === 'evidence.download');
    expect(downloads.map((event) => [event.purpose, event.details.range ?? null])).toEqual([
      ['court bundle', null],
      ['download', '100-199'],
      ['download', `0-${PDF.length - 1}`],
      ['download', null],
    ]);
  });

  it('should refuse a wrong declared digest, an oversize file and an executable, storing nothing', async () => {
    const requestId = await acceptedRequest(t);
    const itemsBefore = await countRows('evidence_item');
    const blobsBefore = await countRows('evidence_blob');
    const objectsBefore = (await storedObjects(t.dataDir)).length;

    const wrong = await postFile(t, executing, requestId, PDF, 'x.pdf', { sha256: sha256('something else') });
    expect(wrong.status).toBe(422);
    expect(((await wrong.json()) as { code: string }).code).toBe('evidence.digest_mismatch');

    const oversize = await postFile(t, executing, requestId, Buffer.alloc(1024 * 1024 + 1, 7), 'big.bin');
    expect(oversize.status).toBe(413);
    expect(((await oversize.json()) as { code: string }).code).toBe('evidence.too_large');
    // Exactly at the limit is accepted.
    const atLimit = await postFile(t, executing, requestId, Buffer.alloc(1024 * 1024, 7), 'limit.bin');
    expect(atLimit.status).toBe(201);

    const elf = await postFile(t, executing, requestId, ELF, 'harmless.pdf', {}, 'application/pdf');
    expect(elf.status).toBe(415);
    expect(((await elf.json()) as { details: { detected: string } }).details.detected).toBe(
      'application/x-elf',
    );
    const html = await postFile(
      t,
      executing,
      requestId,
      Buffer.from('<!DOCTYPE html><script>alert(1)</script>'),
      'a.pdf',
    );
    expect(html.status).toBe(415);

    expect(await countRows('evidence_item')).toBe(itemsBefore + 1);
    expect(await countRows('evidence_blob')).toBe(blobsBefore + 1);
    expect((await storedObjects(t.dataDir)).length).toBe(objectsBefore + 1);
    const refusals = await t.dataSource.query<Array<{ body: string }>>(
      `SELECT "body" FROM "audit_entry" WHERE "action" = 'evidence.upload' AND "outcome" = 'failure' AND "request_id" = $1 ORDER BY "seq"`,
      [requestId],
    );
    expect(refusals.map((row) => (JSON.parse(row.body) as { data: { reason: string } }).data.reason)).toEqual(
      ['digest_mismatch', 'too_large', 'media_type_not_allowed', 'media_type_not_allowed'],
    );
  });

  it('should keep a hostile file name as sanitised metadata only', async () => {
    const requestId = await acceptedRequest(t);
    // A NUL in a part header makes the body malformed: refused as such, nothing stored.
    const withNul = await postFile(t, executing, requestId, Buffer.from('x'), 'a\u0000b.txt');
    expect(withNul.status).toBe(400);
    const name = `../../etc/passwd\u202Egpj.exe Biên bản ${'a'.repeat(300)}.txt`;
    const { evidence } = await upload(requestId, Buffer.from('plain text statement\n'), name);
    // eslint-disable-next-line no-control-regex
    expect(evidence.fileName).not.toMatch(/[\u0000-\u001f\u202e/\\]/);
    expect(evidence.fileName.startsWith('passwdgpj.exe Biên bản aaa')).toBe(true);
    expect([...evidence.fileName].length).toBeLessThanOrEqual(200);
    expect(evidence.fileName.endsWith('.txt')).toBe(true);
    expect(evidence.mediaType).toBe('text/plain');
    const download = await get(executing, `/v1/evidence/${evidence.id}/content`);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="passwd/);
    await download.arrayBuffer();
  });

  it('should answer 404 to a third state and to the requesting side before delivery, and refuse uploads from the wrong side or state', async () => {
    const requestId = await acceptedRequest(t);
    const { evidence } = await upload(requestId);
    for (const path of ['', '/content', '/custody', '/receipt']) {
      const response = await get(deToken, `/v1/evidence/${evidence.id}${path}`);
      expect([path, response.status]).toEqual([path, 404]);
      expect(((await response.json()) as { code: string }).code).toBe('evidence.not_found');
      // Not delivered yet: the requesting side does not see it either.
      expect((await get(vnOfficerToken, `/v1/evidence/${evidence.id}${path}`)).status).toBe(404);
    }
    const foreignList = await get(deToken, `/v1/requests/${requestId}/evidence`);
    expect(foreignList.status).toBe(404);
    const denials = await t.dataSource.query<Array<{ count: string }>>(
      `SELECT count(*) AS "count" FROM "audit_entry" WHERE "action" = 'evidence.access_denied' AND "target_id" = $1`,
      [evidence.id],
    );
    expect(Number(denials[0].count)).toBe(8);

    // The requesting side may not upload; nobody may once the request is executed.
    expect((await postFile(t, vnOfficerToken, requestId, PDF, 'x.pdf')).status).toBe(403);
    const frExecuting = await as('fr.executing');
    await fire(frExecuting, requestId, 'start_execution');
    expect((await postFile(t, executing, requestId, PDF, 'in-execution.pdf')).status).toBe(201);
    await fire(frExecuting, requestId, 'mark_executed');
    // Marking it executed delivered what was not yet: one final package, now seen by the requesting side.
    const officer = await as('vn.officer');
    const packages = ok(
      await officer.GET('/v1/requests/{id}/evidence-packages', { params: { path: { id: requestId } } }),
    );
    expect(packages.items.map((pkg) => [pkg.sequence, pkg.final, pkg.status])).toEqual([[1, true, 'sealed']]);
    const delivered = ok(
      await officer.GET('/v1/requests/{id}/evidence', { params: { path: { id: requestId } } }),
    );
    expect(delivered.items).toHaveLength(2);
    expect(delivered.items.every((item) => item.packageId === packages.items[0].id)).toBe(true);
    const late = await postFile(t, executing, requestId, PDF, 'late.pdf');
    expect(late.status).toBe(409);
    expect(((await late.json()) as { code: string }).code).toBe('evidence.upload_not_allowed');
  });

  it('should refuse uploads after withdrawal', async () => {
    const requestId = await acceptedRequest(t);
    await fire(await as('vn.supervisor'), requestId, 'withdraw', {
      reason: 'The suspect was identified otherwise',
    });
    const response = await postFile(t, executing, requestId, PDF, 'x.pdf');
    expect(response.status).toBe(409);
  });

  it('should store one object for the same content given to two requests', async () => {
    const content = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(`unique ${Date.now()}`)]);
    const first = await upload(await acceptedRequest(t), content, 'a.pdf');
    const second = await upload(await acceptedRequest(t), content, 'b.pdf');
    expect(first.evidence.id).not.toBe(second.evidence.id);
    expect(first.receipt.receipt).toMatchObject({ evidence: { sha256: sha256(content) } });
    expect(second.receipt.receipt).toMatchObject({ evidence: { sha256: sha256(content) } });
    const objects = (await storedObjects(t.dataDir)).filter((path) => path.endsWith(sha256(content)));
    expect(objects).toHaveLength(1);
  });

  it('should detect a flipped bit on download, never serve it, mark and audit it; the fixity job finds one too', async () => {
    const requestId = await acceptedRequest(t);
    const { evidence } = await upload(requestId, Buffer.concat([PDF, Buffer.from('flip me')]), 'flip.pdf');
    const [object] = (await storedObjects(t.dataDir)).filter((path) => path.endsWith(evidence.sha256));
    const raw = await readFile(object);
    raw[raw.length - 200] ^= 0x01;
    await writeFile(object, raw);

    const download = await get(executing, `/v1/evidence/${evidence.id}/content`);
    expect(download.status).toBe(409);
    expect(((await download.json()) as { code: string }).code).toBe('evidence.integrity_failure');
    const again = await get(executing, `/v1/evidence/${evidence.id}/content`);
    expect(again.status).toBe(409);
    const trail = ok(
      await (
        await as('fr.executing')
      ).GET('/v1/evidence/{id}/custody', { params: { path: { id: evidence.id } } }),
    );
    expect(trail.events.map((event) => [event.event, event.outcome])).toEqual([
      ['evidence.upload', 'success'],
      ['evidence.integrity_failure', 'failure'],
      ['evidence.integrity_failure', 'failure'],
    ]);
    expect(trail.events[1].details.problem).toBe('segment 0 fails authentication');

    // A second item corrupted at rest is found by the scheduled fixity check.
    const other = await upload(requestId, Buffer.concat([PDF, Buffer.from('fixity')]), 'fixity.pdf');
    const [otherObject] = (await storedObjects(t.dataDir)).filter((path) =>
      path.endsWith(other.evidence.sha256),
    );
    const bytes = await readFile(otherObject);
    bytes[100] ^= 0x80;
    await writeFile(otherObject, bytes);
    await advance(8 * DAY_MS);
    const result = await t.app.get(EvidenceRetentionService).checkFixity();
    expect(result.failed).toBeGreaterThanOrEqual(1);
    const checked = ok(
      await (
        await as('fr.executing')
      ).GET('/v1/evidence/{id}', { params: { path: { id: other.evidence.id } } }),
    );
    expect(checked.integrity).toBe('failed');
  });

  it('should seal delivered items into a signed package that the requesting side verifies and acknowledges', async () => {
    const requestId = await acceptedRequest(t);
    const first = await upload(requestId, PDF, 'one.pdf');
    const secondContent = Buffer.from('plain text two\n');
    const second = await upload(requestId, secondContent, 'two.txt');
    const frExecuting = await as('fr.executing');
    const sealed = ok(
      await frExecuting.POST('/v1/requests/{id}/evidence-packages', {
        params: { path: { id: requestId } },
        body: { final: true, note: 'All results' },
      }),
    );
    expect(sealed).toMatchObject({ sequence: 1, final: true, status: 'sealed' });
    const manifest = sealed.manifest as {
      items: Array<{ id: string; sha256: string; size: number }>;
      totalSha256: string;
      conditions: unknown[];
    };
    expect(manifest.items.map((item) => [item.id, item.sha256, item.size])).toEqual([
      [first.evidence.id, sha256(PDF), PDF.length],
      [second.evidence.id, sha256(secondContent), secondContent.length],
    ]);
    expect(manifest.totalSha256).toBe(sha256(`${sha256(PDF)}\n${sha256(secondContent)}\n`));
    expect(await verifiesWithPublishedKey(t, manifest, sealed.signature)).toBe(true);
    const tampered = structuredClone(manifest);
    tampered.items[0].sha256 = sha256('other');
    expect(await verifiesWithPublishedKey(t, tampered, sealed.signature)).toBe(false);
    // Nothing left to seal.
    const empty = await frExecuting.POST('/v1/requests/{id}/evidence-packages', {
      params: { path: { id: requestId } },
      body: {},
    });
    expect(empty.response.status).toBe(409);

    // Delivered: the requesting side now sees the items, downloads them and checks them.
    const officer = await as('vn.officer');
    const listed = ok(
      await officer.GET('/v1/requests/{id}/evidence', { params: { path: { id: requestId } } }),
    );
    expect(listed.items.map((item) => item.id)).toEqual([first.evidence.id, second.evidence.id]);
    const hashes = [];
    for (const item of listed.items) {
      const response = await get(vnOfficerToken, `/v1/evidence/${item.id}/content?purpose=receipt%20check`);
      hashes.push({ id: item.id, sha256: sha256(Buffer.from(await response.arrayBuffer())) });
    }
    // Only the requesting side acknowledges.
    const wrongSide = await frExecuting.POST('/v1/evidence-packages/{id}/acknowledgement', {
      params: { path: { id: sealed.id } },
      body: { items: hashes },
    });
    expect(wrongSide.response.status).toBe(403);
    const incomplete = await officer.POST('/v1/evidence-packages/{id}/acknowledgement', {
      params: { path: { id: sealed.id } },
      body: { items: hashes.slice(0, 1) },
    });
    expect(incomplete.response.status).toBe(400);
    const acknowledged = ok(
      await officer.POST('/v1/evidence-packages/{id}/acknowledgement', {
        params: { path: { id: sealed.id } },
        body: { items: hashes },
      }),
    );
    expect(acknowledged.status).toBe('acknowledged');
    expect(acknowledged.acknowledgement?.every((entry) => entry.matches)).toBe(true);
    const twice = await officer.POST('/v1/evidence-packages/{id}/acknowledgement', {
      params: { path: { id: sealed.id } },
      body: { items: hashes },
    });
    expect(twice.response.status).toBe(409);

    const trail = ok(
      await officer.GET('/v1/evidence/{id}/custody', { params: { path: { id: first.evidence.id } } }),
    );
    expect(trail.events.map((event) => event.event)).toEqual([
      'evidence.upload',
      'evidence.seal',
      'evidence.download',
      'evidence.receipt_acknowledged',
    ]);
    expect(trail.events[2]).toMatchObject({ purpose: 'receipt check', sha256: sha256(PDF) });
    expect(trail.events.every((event) => event.actor !== null)).toBe(true);
  });

  it('should record a mismatch reported on receipt as a disputed package', async () => {
    const requestId = await acceptedRequest(t);
    const { evidence } = await upload(requestId);
    const sealed = ok(
      await (
        await as('fr.executing')
      ).POST('/v1/requests/{id}/evidence-packages', {
        params: { path: { id: requestId } },
        body: {},
      }),
    );
    const disputed = ok(
      await (
        await as('vn.officer')
      ).POST('/v1/evidence-packages/{id}/acknowledgement', {
        params: { path: { id: sealed.id } },
        body: { items: [{ id: evidence.id, sha256: sha256('not what was sent') }] },
      }),
    );
    expect(disputed.status).toBe('disputed');
    expect(disputed.acknowledgement).toEqual([
      { id: evidence.id, sha256: sha256('not what was sent'), matches: false },
    ]);
  });

  it('should dispose of the bytes when retention ends, keep metadata and hash, and respect a legal hold', async () => {
    const requestId = await acceptedRequest(t);
    const held = await upload(requestId, Buffer.from(`held ${Date.now()}\n`), 'held.txt');
    const expiring = await upload(requestId, Buffer.from(`expiring ${Date.now()}\n`), 'expiring.txt');
    let frCentral: ApiClient = await as('fr.central');
    ok(
      await frCentral.PUT('/v1/evidence/{id}/legal-hold', {
        params: { path: { id: held.evidence.id } },
        body: { hold: true, reason: 'Trial pending in Paris' },
      }),
    );
    const early = await frCentral.POST('/v1/evidence/{id}/disposal', {
      params: { path: { id: held.evidence.id } },
      body: { reason: 'Objection upheld' },
    });
    expect(early.response.status).toBe(409);

    await advance(31 * DAY_MS);
    await t.app.get(EvidenceRetentionService).disposeExpired();
    frCentral = await as('fr.central');
    const disposed = ok(
      await frCentral.GET('/v1/evidence/{id}', { params: { path: { id: expiring.evidence.id } } }),
    );
    expect(disposed).toMatchObject({
      sha256: expiring.evidence.sha256,
      disposalReason: 'retention period ended',
    });
    expect(disposed.disposedAt).not.toBeNull();
    expect((await storedObjects(t.dataDir)).some((path) => path.endsWith(expiring.evidence.sha256))).toBe(
      false,
    );
    const gone = await get(executing, `/v1/evidence/${expiring.evidence.id}/content`);
    expect(gone.status).toBe(410);
    const stillHeld = ok(
      await frCentral.GET('/v1/evidence/{id}', { params: { path: { id: held.evidence.id } } }),
    );
    expect(stillHeld.disposedAt).toBeNull();
    expect((await storedObjects(t.dataDir)).some((path) => path.endsWith(held.evidence.sha256))).toBe(true);

    const trail = ok(
      await frCentral.GET('/v1/evidence/{id}/custody', { params: { path: { id: expiring.evidence.id } } }),
    );
    const disposal = trail.events.find((event) => event.event === 'evidence.dispose');
    expect(disposal).toMatchObject({
      actor: null,
      purpose: 'retention period ended',
      details: { bytesRemoved: true },
    });
  });

  it('should keep item events out of the request history, and let each side lift only its own hold', async () => {
    const requestId = await acceptedRequest(t);
    const { evidence } = await upload(requestId, Buffer.from(`history ${Date.now()}\n`), 'history.txt');
    const officer = await as('vn.officer');
    const actions = async (client: ApiClient) =>
      ok(await client.GET('/v1/requests/{id}/history', { params: { path: { id: requestId } } })).items.map(
        (entry) => entry.action,
      );
    // Before delivery the requesting side learns nothing of the item, not even from the history.
    expect((await actions(officer)).filter((action) => action.startsWith('evidence'))).toEqual([]);
    ok(
      await (
        await as('fr.executing')
      ).POST('/v1/requests/{id}/evidence-packages', {
        params: { path: { id: requestId } },
        body: { final: true },
      }),
    );
    expect((await actions(officer)).filter((action) => action.startsWith('evidence'))).toEqual([
      'evidence_package.seal',
    ]);
    expect((await actions(await as('fr.central'))).filter((action) => action.startsWith('evidence'))).toEqual(
      ['evidence_package.seal'],
    );

    // After the final delivery nothing more is added or delivered.
    const after = await postFile(t, executing, requestId, PDF, 'after-final.pdf');
    expect(after.status).toBe(409);
    expect(((await after.json()) as { code: string }).code).toBe('evidence.upload_not_allowed');

    // The requesting side holds the item for its trial; the requested side can neither lift that
    // hold nor dispose of the bytes under it.
    const vnCentral = await as('vn.central');
    const held = ok(
      await vnCentral.PUT('/v1/evidence/{id}/legal-hold', {
        params: { path: { id: evidence.id } },
        body: { hold: true, reason: 'Trial in Hanoi' },
      }),
    );
    expect(held.legalHolds.map((hold) => [hold.side, hold.reason])).toEqual([
      ['requesting', 'Trial in Hanoi'],
    ]);
    const frCentral = await as('fr.central');
    const lifted = ok(
      await frCentral.PUT('/v1/evidence/{id}/legal-hold', {
        params: { path: { id: evidence.id } },
        body: { hold: false, reason: 'No longer needed here' },
      }),
    );
    expect(lifted.legalHolds).toHaveLength(1);
    const disposal = await frCentral.POST('/v1/evidence/{id}/disposal', {
      params: { path: { id: evidence.id } },
      body: { reason: 'Objection upheld' },
    });
    expect(disposal.response.status).toBe(409);
  });

  it('should store a fresh copy when content whose stored object failed its check is uploaded again', async () => {
    const requestId = await acceptedRequest(t);
    const content = Buffer.concat([PDF, Buffer.from(`again ${Date.now()}`)]);
    const first = await upload(requestId, content, 'first.pdf');
    const [object] = (await storedObjects(t.dataDir)).filter((path) => path.endsWith(first.evidence.sha256));
    const raw = await readFile(object);
    raw[raw.length - 1] ^= 0x01;
    await writeFile(object, raw);
    expect((await get(executing, `/v1/evidence/${first.evidence.id}/content`)).status).toBe(409);

    const second = await upload(requestId, content, 'second.pdf');
    expect(second.evidence.sha256).toBe(first.evidence.sha256);
    const download = await get(executing, `/v1/evidence/${second.evidence.id}/content`);
    expect(download.status).toBe(200);
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(first.evidence.sha256);
    // The damaged object was not overwritten: the fresh copy lives under a key of its own.
    expect(
      (await storedObjects(t.dataDir)).filter((path) => path.includes(first.evidence.sha256)),
    ).toHaveLength(2);

    // Delivering names the failed item; once it is disposed of, the rest goes out.
    const frExecuting = await as('fr.executing');
    const refused = await frExecuting.POST('/v1/requests/{id}/evidence-packages', {
      params: { path: { id: requestId } },
      body: {},
    });
    expect(refused.response.status).toBe(409);
    expect((refused.error as unknown as { details: { items: string[] } }).details.items).toEqual([
      first.evidence.id,
    ]);
    ok(
      await (
        await as('fr.central')
      ).POST('/v1/evidence/{id}/disposal', {
        params: { path: { id: first.evidence.id } },
        body: { reason: 'Damaged copy, replaced by a fresh upload' },
      }),
    );
    const sealed = ok(
      await frExecuting.POST('/v1/requests/{id}/evidence-packages', {
        params: { path: { id: requestId } },
        body: {},
      }),
    );
    expect((sealed.manifest as { items: Array<{ id: string }> }).items.map((item) => item.id)).toEqual([
      second.evidence.id,
    ]);
  });

  it('should answer 507 and record nothing when the store cannot make the bytes durable (F6, EVD-07)', async () => {
    const requestId = await acceptedRequest(t);
    const store = t.app.get(EvidenceVault).store;
    const publish = jest
      .spyOn(store, 'publish')
      .mockRejectedValueOnce(new StorageFailure('could not store the object durably: ENOSPC'));
    try {
      const itemsBefore = await countRows('evidence_item');
      const objectsBefore = (await storedObjects(t.dataDir)).length;
      const response = await postFile(
        t,
        executing,
        requestId,
        Buffer.from(`disk full ${Date.now()}\n`),
        'full.txt',
      );
      expect(response.status).toBe(507);
      expect(((await response.json()) as { code: string }).code).toBe('evidence.storage_failure');
      expect(await countRows('evidence_item')).toBe(itemsBefore);
      expect((await storedObjects(t.dataDir)).length).toBe(objectsBefore);
      // Nothing is left in staging either.
      const staging = await readdir(join(t.dataDir, 'evidence', 'staging'));
      expect(staging).toEqual([]);
    } finally {
      publish.mockRestore();
    }
  });

  it('should publish the signing key for offline verification, without authentication', async () => {
    const response = await fetch(`${t.baseUrl}/.well-known/mla-portal/keys`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      name: string;
      keys: Array<{ status: string; noteVerifierKey: string }>;
    };
    expect(body.keys).toHaveLength(1);
    expect(body.keys[0].status).toBe('active');
    expect(body.keys[0].noteVerifierKey.startsWith(`${body.name}+`)).toBe(true);
  });
});
