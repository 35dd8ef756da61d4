import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ok } from '../support/factories';
import { createTestApp, type TestApp } from '../support/test-app';
import { acceptedRequest, fresh, postFile, tokenOf } from './support';

const VERIFIER = resolve(__dirname, '../../scripts/verify-evidence.mjs');

function verifier(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [VERIFIER, ...args], { encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

/** A counterpart's check, with nothing but the saved JSON, the files and Node: scripts/verify-evidence.mjs. */
describe('The offline verifier of packages and receipts', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    t = await createTestApp();
    dir = mkdtempSync(join(tmpdir(), 'mla-verify-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should verify a delivered package and its files, and name whatever was changed', async () => {
    const requestId = await acceptedRequest(t);
    const executing = await tokenOf(t, 'fr.executing');
    const files = {
      'statement.pdf': Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(20_000, 'x')]),
      'subscriber.csv': Buffer.from('msisdn,name\n+33600000000,Jean Dupont\n'),
    };
    const receipts: unknown[] = [];
    for (const [name, content] of Object.entries(files)) {
      const response = await postFile(t, executing, requestId, content, name, {}, 'text/csv');
      expect(response.status).toBe(201);
      receipts.push(((await response.json()) as { receipt: unknown }).receipt);
    }
    const sealed = ok(
      await (
        await fresh(t, 'fr.executing')
      ).POST('/v1/requests/{id}/evidence-packages', {
        params: { path: { id: requestId } },
        body: { final: true },
      }),
    );
    // What the counterpart saves: the package, the published keys, and the files it downloaded.
    const requesting = await tokenOf(t, 'vn.officer');
    const filesDir = join(dir, 'files');
    await import('node:fs/promises').then((fs) => fs.mkdir(filesDir));
    for (const item of (sealed.manifest as { items: Array<{ id: string; fileName: string }> }).items) {
      const response = await fetch(`${t.baseUrl}/v1/evidence/${item.id}/content`, {
        headers: { Authorization: `Bearer ${requesting}` },
      });
      await writeFile(join(filesDir, item.fileName), Buffer.from(await response.arrayBuffer()));
    }
    const packageFile = join(dir, 'package.json');
    await writeFile(packageFile, JSON.stringify(sealed, null, 2));
    const keysFile = join(dir, 'keys.json');
    await writeFile(keysFile, await (await fetch(`${t.baseUrl}/.well-known/mla-portal/keys`)).text());

    const good = verifier('package', packageFile, '--keys', keysFile, '--files', filesDir);
    expect(good.output).toMatch(/^VERIFIED$/m);
    expect(good.status).toBe(0);

    // One byte of one file changed: that file is named, the rest still pass.
    const csv = join(filesDir, 'subscriber.csv');
    const original = await readFile(csv);
    await writeFile(csv, Buffer.concat([original.subarray(0, 5), Buffer.from('X'), original.subarray(6)]));
    const changedFile = verifier('package', packageFile, '--keys', keysFile, '--files', filesDir);
    expect(changedFile.status).toBe(1);
    expect(changedFile.output).toMatch(/FAIL {2}item .* \(subscriber\.csv\): SHA-256/);
    expect(changedFile.output).toMatch(/ok {4}signature: valid/);
    await writeFile(csv, original);

    // One byte of the manifest changed: the signature fails.
    const text = await readFile(packageFile, 'utf8');
    await writeFile(packageFile, text.replace('"size": 20009', '"size": 20010'));
    const changedManifest = verifier('package', packageFile, '--keys', keysFile);
    expect(changedManifest.status).toBe(1);
    expect(changedManifest.output).toContain('signature: INVALID');

    // A receipt, with the file it names.
    const receiptFile = join(dir, 'receipt.json');
    await writeFile(receiptFile, JSON.stringify(receipts[0]));
    const receipt = verifier(
      'receipt',
      receiptFile,
      '--keys',
      keysFile,
      '--file',
      join(filesDir, 'statement.pdf'),
    );
    expect(receipt.status).toBe(0);
    expect(receipt.output).toMatch(/^VERIFIED$/m);
    expect(receipt.output).toMatch(/ok {4}audit checkpoint: signed note of .*\/audit at tree size \d+/);
    expect(receipt.output).toMatch(/ok {4}audit entry #\d+: included in the checkpoint's tree/);
    await writeFile(receiptFile, JSON.stringify(receipts[0]).replace('statement.pdf', 'statement.pdg'));
    expect(verifier('receipt', receiptFile, '--keys', keysFile).status).toBe(1);

    // The embedded witness is checked on its own terms too: an altered proof or checkpoint is named
    // (the receipt's own signature fails as well, since both are inside the signed document).
    type Receipt = {
      receipt: {
        audit: { inclusionProof: string[]; checkpoint: { treeSize: number; rootHash: string; note: string } };
      };
    };
    const alter = async (change: (copy: Receipt) => void) => {
      const copy = structuredClone(receipts[0]) as Receipt;
      change(copy);
      await writeFile(receiptFile, JSON.stringify(copy));
      return verifier('receipt', receiptFile, '--keys', keysFile);
    };
    const badProof = await alter(({ receipt: { audit } }) => {
      const element = Buffer.from(audit.inclusionProof[0], 'base64');
      element[0] ^= 0x01;
      audit.inclusionProof[0] = element.toString('base64');
    });
    expect(badProof.status).toBe(1);
    expect(badProof.output).toMatch(/FAIL {2}audit entry #\d+: inclusion proof fails/);
    const shortProof = await alter(({ receipt: { audit } }) => audit.inclusionProof.pop());
    expect(shortProof.output).toMatch(/FAIL {2}audit entry #\d+: inclusion proof fails/);
    const badNote = await alter(({ receipt: { audit } }) => {
      // A forged head: the root in the note changed, so the portal's signature over it no longer holds.
      const root = Buffer.from(audit.checkpoint.rootHash, 'base64');
      root[0] ^= 0x01;
      audit.checkpoint.note = audit.checkpoint.note.replace(
        audit.checkpoint.rootHash,
        root.toString('base64'),
      );
      audit.checkpoint.rootHash = root.toString('base64');
    });
    expect(badNote.status).toBe(1);
    expect(badNote.output).toMatch(/FAIL {2}audit checkpoint: signature invalid-signature/);
    const otherSize = await alter(({ receipt: { audit } }) => {
      audit.checkpoint.treeSize += 1;
    });
    expect(otherSize.output).toMatch(/FAIL {2}audit checkpoint: the signed size or root differs/);

    // The key may also be given as the PEM a court obtained separately.
    const pem = join(dir, 'portal.pem');
    const published = JSON.parse(await readFile(keysFile, 'utf8')) as {
      keys: Array<{ publicKeyPem: string }>;
    };
    await writeFile(pem, published.keys[0].publicKeyPem);
    await writeFile(receiptFile, JSON.stringify(receipts[0]));
    const withPem = verifier('receipt', receiptFile, '--keys', pem);
    expect(withPem.status).toBe(0);
    expect(withPem.output).toMatch(/ok {4}audit entry #\d+: included/);

    // The script needs nothing but Node and its sibling file: copied alone with it, it still runs.
    const copied = join(dir, 'copied');
    await import('node:fs/promises').then((fs) => fs.mkdir(copied));
    for (const name of ['verify-evidence.mjs', 'audit-verify-core.mjs'])
      await writeFile(join(copied, name), await readFile(resolve(VERIFIER, '..', name)));
    const alone = spawnSync(
      process.execPath,
      [join(copied, 'verify-evidence.mjs'), 'receipt', receiptFile, '--keys', keysFile],
      { encoding: 'utf8', cwd: copied },
    );
    expect(alone.stdout).toMatch(/^VERIFIED$/m);

    // Usage errors are told apart from failed checks.
    expect(verifier('package', packageFile).status).toBe(2);
  });
});
