import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ApiClient, Schemas } from '@mla/api-client';
import { PortalSigner } from '../../src/common/crypto/portal-signer';
import {
  type NoteVerifier,
  parseCheckpoint,
  parseVerifierKey,
  verifyNote,
} from '../../src/modules/audit/merkle/checkpoint';
import { verifyConsistency } from '../../src/modules/audit/merkle/merkle';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { ok } from '../support/factories';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../support/test-app';
import { transmittedRequest, verifiesWithPublishedKey } from '../evidence/support';

const AUDIT_VERIFIER = resolve(__dirname, '../../scripts/verify-audit.mjs');
const EVIDENCE_VERIFIER = resolve(__dirname, '../../scripts/verify-evidence.mjs');
const REPORT_VERIFIER = resolve(__dirname, '../../scripts/verify-audit-report.mjs');
const NAME = 'portal.rotation.test';

function run(script: string, ...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

type Checkpoint = Schemas['AuditCheckpointDto'];
type PublishedKey = { keyId: string; status: string; noteVerifierKey: string; publicKeyPem: string };

/**
 * Issue 6, item 2: "key rotation keeps old public keys verifiable". One database, two portal
 * instances in turn: the first signs with key A; the second with key B, A listed as retired. What A
 * signed must still verify, and the log must read as one log across the change of key.
 */
describe('Signing key rotation', () => {
  const seedA = randomBytes(32);
  const seedB = randomBytes(32);
  const keyA = new PortalSigner(seedA, NAME);
  const keyB = new PortalSigner(seedB, NAME);
  let database: TestDatabase;
  let t: TestApp | undefined;
  let dir: string;
  /** What the counterpart kept from key A's time, and the keys the portal published then. */
  let kept: {
    receipt: Schemas['TransmissionReceiptDto'];
    checkpoint: Checkpoint;
    keys: { name: string; keys: PublishedKey[] };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'mla-rotation-'));
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function transmitted(): Promise<string> {
    if (!t) throw new Error('no portal running');
    return transmittedRequest(t);
  }

  async function latest(auditor: ApiClient): Promise<Checkpoint> {
    return ok(await auditor.GET('/v1/audit/checkpoints/latest'));
  }

  async function publishedKeys(): Promise<{ name: string; keys: PublishedKey[] }> {
    if (!t) throw new Error('no portal running');
    return (await (await fetch(`${t.baseUrl}/.well-known/mla-portal/keys`)).json()) as {
      name: string;
      keys: PublishedKey[];
    };
  }

  function verifierOf(key: PublishedKey): NoteVerifier {
    const parsed = parseVerifierKey(key.noteVerifierKey);
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.value;
  }

  it('should keep what the old key signed verifiable, and the log one log, after a restart with a new key', async () => {
    // Key A.
    t = await createTestApp({ SIGNING_KEY: seedA.toString('hex'), SIGNING_KEY_NAME: NAME }, { database });
    const requestId = await transmitted();
    const [oldReceipt] = ok(
      await (
        await t.as('fr.central')
      ).GET('/v1/requests/{id}/transmission-receipts', { params: { path: { id: requestId } } }),
    ).items;
    const oldCheckpoint = await latest(await t.as('auditor'));
    expect(oldCheckpoint.keyId).toBe(keyA.keyId);
    expect(oldReceipt.signature.keyId).toBe(keyA.keyId);
    const keysBefore = await publishedKeys();
    expect(keysBefore.keys.map((key) => [key.keyId, key.status])).toEqual([[keyA.keyId, 'active']]);
    await t.close();
    t = undefined;

    // Key B, A retired: same database, same key name.
    t = await createTestApp(
      {
        SIGNING_KEY: seedB.toString('hex'),
        SIGNING_KEY_NAME: NAME,
        SIGNING_RETIRED_PUBLIC_KEYS: keyA.rawPublicKey.toString('hex'),
      },
      { database },
    );
    await transmitted();
    const auditor = await t.as('auditor');
    const newCheckpoint = await latest(auditor);
    expect(newCheckpoint.treeSize).toBeGreaterThan(oldCheckpoint.treeSize);

    // The keys route lists both: B active, A retired, with the verifier key A signed notes under.
    const keys = await publishedKeys();
    expect(keys.name).toBe(NAME);
    expect(keys.keys.map((key) => [key.keyId, key.status])).toEqual([
      [keyB.keyId, 'active'],
      [keyA.keyId, 'retired'],
    ]);
    const [publishedB, publishedA] = keys.keys;
    expect(publishedA.noteVerifierKey).toBe(keysBefore.keys[0].noteVerifierKey);

    // What A signed still verifies with A's published key: the receipt and the checkpoint.
    expect(await verifiesWithPublishedKey(t, oldReceipt.receipt, oldReceipt.signature)).toBe(true);
    const oldOpened = verifyNote(oldCheckpoint.note, [verifierOf(publishedA)]);
    if (!oldOpened.ok) throw new Error(oldOpened.detail);
    expect(verifyNote(oldCheckpoint.note, [verifierOf(publishedB)])).toMatchObject({
      ok: false,
      reason: 'unknown-key',
    });

    // New checkpoints are B's, of the same log (the origin did not move with the key).
    expect(newCheckpoint.keyId).toBe(keyB.keyId);
    const newOpened = verifyNote(newCheckpoint.note, [verifierOf(publishedB)]);
    if (!newOpened.ok) throw new Error(newOpened.detail);
    expect(verifyNote(newCheckpoint.note, [verifierOf(publishedA)])).toMatchObject({ ok: false });
    const oldBody = parseCheckpoint(oldOpened.text);
    const newBody = parseCheckpoint(newOpened.text);
    if (!oldBody.ok || !newBody.ok) throw new Error('a checkpoint body does not parse');
    expect(newBody.value.origin).toBe(oldBody.value.origin);
    expect(newBody.value.origin).toBe(`${NAME}/audit`);

    // A consistency proof links A's checkpoint to B's: the log was extended, not rewritten.
    const consistency = ok(
      await auditor.GET('/v1/audit/proofs/consistency', {
        params: { query: { from: oldCheckpoint.treeSize, to: newCheckpoint.treeSize } },
      }),
    );
    const proof = consistency.proof.map((element) => Buffer.from(element, 'base64'));
    expect(
      verifyConsistency(
        oldBody.value.treeSize,
        newBody.value.treeSize,
        oldBody.value.rootHash,
        newBody.value.rootHash,
        proof,
      ),
    ).toEqual({ ok: true });

    // Offline: the old receipt with the keys the new instance publishes.
    const keysFile = join(dir, 'keys.json');
    await writeFile(keysFile, JSON.stringify(keys));
    const receiptFile = join(dir, 'receipt.json');
    await writeFile(receiptFile, JSON.stringify(oldReceipt));
    const receipt = run(EVIDENCE_VERIFIER, 'transmission', receiptFile, '--keys', keysFile);
    expect(receipt.output).toMatch(/ok {4}signature: valid, Ed25519 key \w+ \(retired key\)/);
    expect(receipt.output).toMatch(/ok {4}audit checkpoint: signed note of/);
    expect(receipt.status).toBe(0);

    // The export holds checkpoints by both keys; it verifies with both, and not with B alone.
    const token = (
      ok(
        await t.anonymous.POST('/v1/auth/login', {
          body: { username: 'auditor', password: DEMO_PASSWORD },
        }),
      ) as { accessToken: string }
    ).accessToken;
    const exported = await (
      await fetch(`${t.baseUrl}/v1/audit/export`, { headers: { authorization: `Bearer ${token}` } })
    ).text();
    const checkpointKeys = exported
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type: string; keyId?: string })
      .filter((line) => line.type === 'checkpoint')
      .map((line) => line.keyId);
    expect(new Set(checkpointKeys)).toEqual(new Set([keyA.keyId, keyB.keyId]));
    const exportFile = join(dir, 'export.ndjson');
    await writeFile(exportFile, exported);
    const pemA = join(dir, 'a.pem');
    const pemB = join(dir, 'b.pem');
    await writeFile(pemA, publishedA.publicKeyPem);
    await writeFile(pemB, publishedB.publicKeyPem);

    const withPublished = run(AUDIT_VERIFIER, exportFile, '--keys', keysFile);
    expect(withPublished.output).toMatch(/^OK: entries 1\.\.\d+ and \d+ checkpoint\(s\) verified/m);
    expect(withPublished.status).toBe(0);
    const withBoth = run(AUDIT_VERIFIER, exportFile, '--keys', pemA, '--keys', pemB);
    expect(withBoth.output).toMatch(/^OK: /m);
    expect(withBoth.status).toBe(0);
    const withNewOnly = run(AUDIT_VERIFIER, exportFile, '--keys', pemB);
    expect(withNewOnly.status).toBe(1);
    expect(withNewOnly.output).toContain('signed by an unknown key');
    const withOldOnly = run(AUDIT_VERIFIER, exportFile, '--keys', pemA);
    expect(withOldOnly.status).toBe(1);
    kept = { receipt: oldReceipt, checkpoint: oldCheckpoint, keys };
    await t.close();
    t = undefined;
  });

  it('should refuse to rename the log with the key, and keep one log when the origin is pinned', async () => {
    const RENAMED = 'portal.renamed.test';
    const seedC = randomBytes(32);
    const keyC = new PortalSigner(seedC, RENAMED);
    const retired = [keyA, keyB].map((key) => `${NAME}:${key.rawPublicKey.toString('hex')}`).join(',');
    // A new key name alone would sign checkpoints of another log: the portal does not start.
    await expect(
      createTestApp(
        {
          SIGNING_KEY: seedC.toString('hex'),
          SIGNING_KEY_NAME: RENAMED,
          SIGNING_RETIRED_PUBLIC_KEYS: retired,
        },
        { database },
      ),
    ).rejects.toThrow(`set AUDIT_LOG_ORIGIN=${NAME}/audit`);

    t = await createTestApp(
      {
        SIGNING_KEY: seedC.toString('hex'),
        SIGNING_KEY_NAME: RENAMED,
        SIGNING_RETIRED_PUBLIC_KEYS: retired,
        AUDIT_LOG_ORIGIN: `${NAME}/audit`,
      },
      { database },
    );
    const requestId = await transmitted();
    const keys = await publishedKeys();
    expect(keys).toMatchObject({ name: RENAMED, auditLogOrigin: `${NAME}/audit` });
    expect(keys.keys.map((key) => [key.keyId, key.status])).toEqual([
      [keyC.keyId, 'active'],
      [keyA.keyId, 'retired'],
      [keyB.keyId, 'retired'],
    ]);
    // The retired keys are published under the name they signed with, exactly as before.
    expect(keys.keys.slice(1).map((key) => key.noteVerifierKey)).toEqual(
      kept.keys.keys.map((key) => key.noteVerifierKey).reverse(),
    );
    const verifiers = keys.keys.map(verifierOf);
    expect(verifyNote(kept.checkpoint.note, verifiers)).toMatchObject({ ok: true });

    const auditor = await t.as('auditor');
    const checkpoint = await latest(auditor);
    expect(checkpoint.keyId).toBe(keyC.keyId);
    const opened = verifyNote(checkpoint.note, verifiers);
    if (!opened.ok) throw new Error(opened.detail);
    expect(opened.verified.map((signature) => signature.name)).toEqual([RENAMED]);
    expect(parseCheckpoint(opened.text)).toMatchObject({ ok: true, value: { origin: `${NAME}/audit` } });
    const consistency = ok(
      await auditor.GET('/v1/audit/proofs/consistency', {
        params: { query: { from: kept.checkpoint.treeSize, to: checkpoint.treeSize } },
      }),
    );
    expect(
      verifyConsistency(
        kept.checkpoint.treeSize,
        checkpoint.treeSize,
        Buffer.from(kept.checkpoint.rootHash, 'base64'),
        Buffer.from(checkpoint.rootHash, 'base64'),
        consistency.proof.map((element) => Buffer.from(element, 'base64')),
      ),
    ).toEqual({ ok: true });

    // Offline, with what the renamed portal publishes: the export, A's receipt and C's.
    const keysFile = join(dir, 'keys-renamed.json');
    await writeFile(keysFile, JSON.stringify(keys));
    const token = (
      ok(
        await t.anonymous.POST('/v1/auth/login', { body: { username: 'auditor', password: DEMO_PASSWORD } }),
      ) as { accessToken: string }
    ).accessToken;
    const exportFile = join(dir, 'export-renamed.ndjson');
    await writeFile(
      exportFile,
      await (
        await fetch(`${t.baseUrl}/v1/audit/export`, { headers: { authorization: `Bearer ${token}` } })
      ).text(),
    );
    const exported = run(AUDIT_VERIFIER, exportFile, '--keys', keysFile);
    expect(exported.output).toMatch(/^OK: /m);
    expect(exported.status).toBe(0);
    // The court report of the same log verifies with the same keys file: its log is the pinned
    // origin, not the new key's name.
    const reportFile = join(dir, 'report-renamed.json');
    await writeFile(
      reportFile,
      JSON.stringify(
        ok(await auditor.GET('/v1/audit/requests/{id}/report', { params: { path: { id: requestId } } })),
      ),
    );
    const reported = run(REPORT_VERIFIER, reportFile, '--keys', keysFile);
    expect(reported.output).toMatch(/^VERIFIED: /m);
    expect(reported.status).toBe(0);
    const otherLogKeys = join(dir, 'keys-other-log.json');
    await writeFile(otherLogKeys, JSON.stringify({ ...keys, auditLogOrigin: 'another.portal/audit' }));
    const otherLog = run(REPORT_VERIFIER, reportFile, '--keys', otherLogKeys);
    expect(otherLog.output).toMatch(
      /FAILED checkpoint: it is of log portal\.rotation\.test\/audit, not another/,
    );
    expect(otherLog.status).toBe(1);
    const [newReceipt] = ok(
      await (
        await t.as('fr.central')
      ).GET('/v1/requests/{id}/transmission-receipts', { params: { path: { id: requestId } } }),
    ).items;
    for (const [name, receipt] of [
      ['old', kept.receipt],
      ['new', newReceipt],
    ] as const) {
      const file = join(dir, `receipt-${name}.json`);
      await writeFile(file, JSON.stringify(receipt));
      const checked = run(EVIDENCE_VERIFIER, 'transmission', file, '--keys', keysFile);
      expect(checked.output).toMatch(/ok {4}audit checkpoint: signed note of portal\.rotation\.test\/audit/);
      expect(checked.status).toBe(0);
    }
  });
});
