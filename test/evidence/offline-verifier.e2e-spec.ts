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
    await writeFile(receiptFile, JSON.stringify(receipts[0]).replace('statement.pdf', 'statement.pdg'));
    expect(verifier('receipt', receiptFile, '--keys', keysFile).status).toBe(1);

    // The key may also be given as the PEM a court obtained separately.
    const pem = join(dir, 'portal.pem');
    const published = JSON.parse(await readFile(keysFile, 'utf8')) as {
      keys: Array<{ publicKeyPem: string }>;
    };
    await writeFile(pem, published.keys[0].publicKeyPem);
    await writeFile(receiptFile, JSON.stringify(receipts[0]));
    expect(verifier('receipt', receiptFile, '--keys', pem).status).toBe(0);

    // Usage errors are told apart from failed checks.
    expect(verifier('package', packageFile).status).toBe(2);
  });
});
