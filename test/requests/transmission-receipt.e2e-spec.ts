import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCheckpoint, parseVerifierKey, verifyNote } from '../../src/modules/audit/merkle/checkpoint';
import { rootFromLeafHashes, verifyInclusion } from '../../src/modules/audit/merkle/merkle';
import { agencyId, ok, TYPE_SAMPLES, typedRequestBody } from '../support/factories';
import { createTestApp, type DemoUser, type TestApp } from '../support/test-app';
import { fire, fresh, jcs, readyRequest, verifiesWithPublishedKey } from '../evidence/support';

const VERIFIER = resolve(__dirname, '../../scripts/verify-evidence.mjs');

function verifier(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [VERIFIER, ...args], { encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

interface TransmissionReceipt {
  type: string;
  version: number;
  issuer: string;
  request: {
    id: string;
    reference: string;
    type: string;
    legalBasis: string;
    requestingAgency: { id: string; code: string };
    requestedAgency: { id: string; code: string };
  };
  transmission: {
    transmittedAt: string;
    channel: string;
    contentVersion: number;
    content: { sha256: string; hashAlgorithm: string; canonicalization: string };
  };
  transmitter: { userId: string; username: string; agencyId: string; agencyCode: string; role: string };
  audit: {
    seq: number;
    entryId: string;
    leafHash: string;
    checkpoint: { treeSize: number; rootHash: string; note: string };
    inclusionProof: string[];
  };
}

/** T5 (domain.md §6.2): a transmission leaves both sides a signed receipt that witnesses the audit log. */
describe('Transmission receipts', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    t = await createTestApp();
    dir = mkdtempSync(join(tmpdir(), 'mla-transmission-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function receiptsAs(user: DemoUser, id: string) {
    const client = await t.as(user);
    return client.GET('/v1/requests/{id}/transmission-receipts', { params: { path: { id } } });
  }

  it('should sign a receipt in the transmitting transaction that verifies, names its entry and witnesses the log', async () => {
    const id = await readyRequest(t);
    // Nothing transmitted, nothing to show.
    expect(ok(await receiptsAs('vn.officer', id)).items).toEqual([]);

    const transmitted = await fire(await fresh(t, 'vn.central'), id, 'transmit');
    const list = ok(await receiptsAs('vn.central', id));
    expect(list.items).toHaveLength(1);
    const { receipt: document, signature } = list.items[0];
    const receipt = document as unknown as TransmissionReceipt;
    const vnCentral = ok(await (await t.as('vn.central')).GET('/v1/auth/me'));
    expect(receipt).toMatchObject({
      type: 'mla-portal/transmission-receipt',
      version: 1,
      request: {
        id,
        reference: transmitted.reference,
        type: 'mla_general',
        legalBasis: transmitted.legalBasis,
        requestingAgency: { id: transmitted.requestingAgency.id, code: transmitted.requestingAgency.code },
        requestedAgency: { id: transmitted.requestedAgency.id, code: 'FR-CA' },
      },
      transmission: {
        transmittedAt: transmitted.transmittedAt,
        channel: 'mla-portal',
        contentVersion: transmitted.contentVersion,
        content: { hashAlgorithm: 'SHA-256', canonicalization: 'RFC 8785' },
      },
      transmitter: { userId: vnCentral.id, username: 'vn.central', role: vnCentral.role },
    });

    // The requested side holds the same document.
    expect(ok(await receiptsAs('fr.central', id)).items).toEqual(list.items);

    // The hash is of the content version as sent, which either side can fetch and recompute.
    const sent = ok(
      await (
        await t.as('fr.central')
      ).GET('/v1/requests/{id}/versions/{contentVersion}', {
        params: { path: { id, contentVersion: receipt.transmission.contentVersion } },
      }),
    );
    expect(receipt.transmission.content.sha256).toBe(
      createHash('sha256').update(jcs(sent.content), 'utf8').digest('hex'),
    );
    expect(sent.content).toHaveProperty('factsSummary');
    expect(sent.content).toHaveProperty('details');

    // The signature verifies with the published key; one changed byte, and it does not.
    expect(await verifiesWithPublishedKey(t, receipt, signature)).toBe(true);
    const altered = structuredClone(receipt);
    altered.transmission.content.sha256 = `${altered.transmission.content.sha256.slice(0, -1)}${
      altered.transmission.content.sha256.endsWith('0') ? '1' : '0'
    }`;
    expect(await verifiesWithPublishedKey(t, altered, signature)).toBe(false);

    // Its audit entry is the transmission's.
    const [entry] = await t.dataSource.query<Array<{ action: string; target_id: string; leaf_hash: string }>>(
      'SELECT "action", "target_id", "leaf_hash" FROM "audit_entry" WHERE "seq" = $1 AND "id" = $2',
      [receipt.audit.seq, receipt.audit.entryId],
    );
    expect(entry).toEqual({ action: 'request.transmit', target_id: id, leaf_hash: receipt.audit.leafHash });

    // The checkpoint is the portal's signed note at a size that covers the entry, and the proof
    // takes the entry's leaf to its root.
    const { checkpoint, inclusionProof } = receipt.audit;
    expect(checkpoint.treeSize).toBeGreaterThanOrEqual(receipt.audit.seq);
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
      value: { origin: `${receipt.issuer}/audit`, treeSize: checkpoint.treeSize, rootHash: root },
    });
    const proves = (elements: string[]) =>
      verifyInclusion(
        Buffer.from(receipt.audit.leafHash, 'hex'),
        receipt.audit.seq - 1,
        checkpoint.treeSize,
        elements.map((element) => Buffer.from(element, 'base64')),
        root,
      );
    expect(proves(inclusionProof)).toEqual({ ok: true });
    const bent = Buffer.from(inclusionProof[0], 'base64');
    bent[0] ^= 0x01;
    expect(proves([bent.toString('base64'), ...inclusionProof.slice(1)])).toMatchObject({ ok: false });

    // A third state does not learn that the request exists.
    const thirdState = await receiptsAs('de.officer', id);
    expect(thirdState.response.status).toBe(404);
  });

  it('should hash the type’s own details with the rest of the content sent', async () => {
    const officer = await fresh(t, 'vn.officer');
    const draft = ok(
      await officer.POST('/v1/requests', {
        body: typedRequestBody(
          'stored_data_access',
          await agencyId(officer, TYPE_SAMPLES.stored_data_access.to),
        ),
      }),
    );
    await fire(officer, draft.id, 'submit');
    await fire(await fresh(t, 'vn.supervisor'), draft.id, 'approve');
    await fire(await fresh(t, 'vn.central'), draft.id, 'transmit');
    const [{ receipt }] = ok(await receiptsAs('fr.central', draft.id)).items;
    const { transmission } = receipt as unknown as TransmissionReceipt;
    const sent = ok(
      await (
        await t.as('fr.central')
      ).GET('/v1/requests/{id}/versions/{contentVersion}', {
        params: { path: { id: draft.id, contentVersion: transmission.contentVersion } },
      }),
    );
    expect(sent.content.details).toEqual(draft.details);
    expect(draft.details).not.toBeNull();
    expect(transmission.content.sha256).toBe(
      createHash('sha256').update(jcs(sent.content), 'utf8').digest('hex'),
    );
  });

  it('should keep receipts append-only in the database', async () => {
    const id = await readyRequest(t);
    await fire(await fresh(t, 'vn.central'), id, 'transmit');
    await expect(
      t.dataSource.query(
        `UPDATE "request_transmission_receipt" SET "receipt" = '{}' WHERE "request_id" = $1`,
        [id],
      ),
    ).rejects.toThrow(/append-only/);
    await expect(
      t.dataSource.query('DELETE FROM "request_transmission_receipt" WHERE "request_id" = $1', [id]),
    ).rejects.toThrow(/append-only/);
    expect(ok(await receiptsAs('vn.central', id)).items).toHaveLength(1);
  });

  it('should verify offline with scripts/verify-evidence.mjs, and fail on any change', async () => {
    const id = await readyRequest(t);
    await fire(await fresh(t, 'vn.central'), id, 'transmit');
    const list = ok(await receiptsAs('fr.central', id));
    const receiptsFile = join(dir, 'receipts.json');
    await writeFile(receiptsFile, JSON.stringify(list, null, 2));
    const keysFile = join(dir, 'keys.json');
    await writeFile(keysFile, await (await fetch(`${t.baseUrl}/.well-known/mla-portal/keys`)).text());
    const contentVersion = (list.items[0].receipt as unknown as TransmissionReceipt).transmission
      .contentVersion;
    const versionFile = join(dir, 'version.json');
    const version = ok(
      await (
        await t.as('fr.central')
      ).GET('/v1/requests/{id}/versions/{contentVersion}', { params: { path: { id, contentVersion } } }),
    );
    await writeFile(versionFile, JSON.stringify(version, null, 2));

    const good = verifier('transmission', receiptsFile, '--keys', keysFile, '--content', versionFile);
    expect(good.output).toMatch(/^VERIFIED$/m);
    expect(good.status).toBe(0);
    expect(good.output).toMatch(/ok {4}signature: valid/);
    expect(good.output).toMatch(/ok {4}audit checkpoint: signed note of .*\/audit at tree size \d+/);
    expect(good.output).toMatch(/ok {4}audit entry #\d+: included in the checkpoint's tree/);
    expect(good.output).toMatch(/ok {4}content version \d+: SHA-256 of its canonical JSON matches/);

    // One item saved on its own verifies too; without the content, only in part.
    const single = join(dir, 'single.json');
    await writeFile(single, JSON.stringify(list.items[0]));
    const alone = verifier('transmission', single, '--keys', keysFile);
    expect(alone.status).toBe(0);
    expect(alone.output).toMatch(/^VERIFIED, IN PART/m);

    // One changed byte of the receipt: the signature fails.
    const text = JSON.stringify(list.items[0]);
    await writeFile(single, text.replace('"mla-portal"', '"mla-portaL"'));
    const changed = verifier('transmission', single, '--keys', keysFile);
    expect(changed.status).toBe(1);
    expect(changed.output).toContain('signature: INVALID');
    expect(changed.output).toMatch(/^NOT VERIFIED/m);

    // The content the requested side holds, changed: its hash no longer matches the receipt.
    await writeFile(
      versionFile,
      JSON.stringify({ ...version, content: { ...version.content, factsSummary: 'something else' } }),
    );
    const otherContent = verifier('transmission', receiptsFile, '--keys', keysFile, '--content', versionFile);
    expect(otherContent.status).toBe(1);
    expect(otherContent.output).toMatch(/FAIL {2}content version \d+: SHA-256/);

    // A tampered inclusion proof is named even though the signature fails too.
    const copy = structuredClone(list.items[0]) as unknown as { receipt: TransmissionReceipt };
    const element = Buffer.from(copy.receipt.audit.inclusionProof[0], 'base64');
    element[0] ^= 0x01;
    copy.receipt.audit.inclusionProof[0] = element.toString('base64');
    await writeFile(single, JSON.stringify(copy));
    const badProof = verifier('transmission', single, '--keys', keysFile);
    expect(badProof.status).toBe(1);
    expect(badProof.output).toMatch(/FAIL {2}audit entry #\d+: inclusion proof fails/);

    // An evidence receipt is not a transmission receipt.
    await writeFile(single, JSON.stringify({ receipt: { type: 'mla-portal/evidence-receipt' }, signature }));
    expect(verifier('transmission', single, '--keys', keysFile).output).toContain(
      'not a transmission receipt',
    );
  });
});

const signature = { algorithm: 'Ed25519', keyId: '00', value: '' };
