#!/usr/bin/env node
/**
 * Offline verification of what the portal signs: an evidence package (manifest + files) or an
 * upload receipt. Node.js 20 or later and the file beside it (audit-verify-core.mjs), nothing else,
 * so a court or a counterpart can run it on a machine that never talks to the portal:
 *
 *   node verify-evidence.mjs package <package.json> --keys <keys.json> [--files <directory>]
 *   node verify-evidence.mjs receipt <receipt.json> --keys <keys.json> [--file <path>]
 *   node verify-evidence.mjs transmission <receipts.json> --keys <keys.json> [--content <version.json>]
 *
 * <package.json>  GET /v1/evidence-packages/{id} saved as is (or any JSON with `manifest` and `signature`)
 * <receipt.json>  GET /v1/evidence/{id}/receipt saved as is (`receipt` and `signature`)
 * <receipts.json> GET /v1/requests/{id}/transmission-receipts saved as is (every receipt in `items`
 *                 is checked), or one of its items (`receipt` and `signature`)
 * <keys.json>     GET /.well-known/mla-portal/keys saved as is, or a PEM public key
 * --files         a directory holding the package's files, each named by its item id or its file name
 * --content       GET /v1/requests/{id}/versions/{n} saved as is: the content version the receipt
 *                 says was sent, whose RFC 8785 canonical JSON must hash to the receipt's SHA-256
 *
 * A receipt also carries the audit log's signed checkpoint taken when the upload (or transmission)
 * was recorded, and the RFC 9162 inclusion proof of its audit entry in it: both are checked, so the
 * receipt holds the portal to a log that contains the entry (a later checkpoint must be consistent
 * with it).
 *
 * Exit status: 0 every check passed, 1 a check failed (each failure is printed), 2 bad usage.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as core from './audit-verify-core.mjs';

/**
 * The known keys, two ways: by key id for the JSON signatures, and as C2SP note verifiers for the
 * audit checkpoints. A PEM key has no name, so it is tried under each name a note signs with: the
 * note's key hash still binds name and key.
 */
function loadKeys(path) {
  const text = readFileSync(path, 'utf8');
  if (text.trimStart().startsWith('-----BEGIN PUBLIC KEY')) {
    const key = createPublicKey(text);
    const der = key.export({ format: 'der', type: 'spki' });
    const raw = der.subarray(der.length - 32);
    const keyFor = (keyId) => ({ key, keyId });
    keyFor.noteVerifiers = (note) =>
      core
        .noteSignatureNames(note)
        .map((name) => ({ name, keyHash: core.noteKeyHash(name, raw), publicKey: key }));
    return keyFor;
  }
  const published = JSON.parse(text);
  const keys = new Map((published.keys ?? []).map((entry) => [entry.keyId, entry]));
  const verifiers = (published.keys ?? [])
    .map((entry) => (entry.noteVerifierKey ? core.parseVerifierKey(entry.noteVerifierKey) : { ok: false }))
    .filter((parsed) => parsed.ok)
    .map((parsed) => parsed.value);
  const keyFor = (keyId) => {
    const entry = keys.get(keyId);
    if (!entry) return undefined;
    const raw = Buffer.from(entry.publicKey, 'base64');
    // Ed25519 SubjectPublicKeyInfo: a fixed 12-byte prefix, then the 32-byte key (RFC 8410).
    const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]);
    return { key: createPublicKey({ key: der, format: 'der', type: 'spki' }), keyId, status: entry.status };
  };
  keyFor.noteVerifiers = () => verifiers;
  keyFor.auditLogOrigin = typeof published.auditLogOrigin === 'string' ? published.auditLogOrigin : undefined;
  return keyFor;
}

function checkSignature(document, signature, keyFor, report) {
  if (!signature || signature.algorithm !== 'Ed25519')
    return report.fail('signature: missing or not Ed25519');
  const found = keyFor(signature.keyId);
  if (!found) return report.fail(`signature: key ${signature.keyId} is not among the published keys`);
  const ok = verify(
    null,
    Buffer.from(core.canonicalJson(document), 'utf8'),
    found.key,
    Buffer.from(signature.value, 'base64'),
  );
  if (!ok) return report.fail('signature: INVALID (the document was changed, or signed by another key)');
  report.pass(
    `signature: valid, Ed25519 key ${signature.keyId}${found.status === 'retired' ? ' (retired key)' : ''}`,
  );
}

async function sha256Of(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

async function checkFile(item, path, report, label) {
  if (!path || !existsSync(path)) return report.fail(`${label}: file not found`);
  const size = statSync(path).size;
  if (size !== item.size) return report.fail(`${label}: size ${size}, expected ${item.size}`);
  const sha256 = await sha256Of(path);
  if (sha256 !== item.sha256) return report.fail(`${label}: SHA-256 ${sha256}, expected ${item.sha256}`);
  report.pass(`${label}: ${size} bytes, SHA-256 matches`);
}

function locate(directory, item) {
  for (const name of [item.id, item.fileName]) {
    const candidate = join(directory, name);
    if (name && existsSync(candidate)) return candidate;
  }
  return undefined;
}

async function verifyPackage(input, keyFor, options, report) {
  const { manifest, signature } = input;
  if (!manifest || manifest.type !== 'mla-portal/evidence-manifest')
    return report.fail('not an evidence package manifest');
  checkSignature(manifest, signature, keyFor, report);
  const items = manifest.items ?? [];
  const total = createHash('sha256')
    .update(items.map((item) => `${item.sha256}\n`).join(''))
    .digest('hex');
  if (total === manifest.totalSha256) report.pass(`total SHA-256 of ${items.length} items: matches`);
  else report.fail(`total SHA-256: ${total}, manifest says ${manifest.totalSha256}`);
  report.info(
    `package ${manifest.package?.id} (#${manifest.package?.sequence}${manifest.package?.final ? ', final' : ''}) ` +
      `for request ${manifest.request?.reference}, sealed ${manifest.package?.sealedAt} by ${manifest.sender?.agencyCode}`,
  );
  for (const condition of manifest.conditions ?? [])
    report.info(`condition on use: ${condition.type}: ${condition.text}`);
  if (!options.files)
    return report.warn('files NOT checked (no --files directory given): only the manifest is verified');
  for (const item of items)
    await checkFile(item, locate(options.files, item), report, `item ${item.id} (${item.fileName})`);
}

async function verifyReceipt(input, keyFor, options, report) {
  const { receipt, signature } = input;
  if (!receipt || receipt.type !== 'mla-portal/evidence-receipt')
    return report.fail('not an evidence receipt');
  checkSignature(receipt, signature, keyFor, report);
  report.info(
    `receipt for ${receipt.evidence?.id} (${receipt.evidence?.fileName}), received ${receipt.evidence?.receivedAt}, ` +
      `audit entry #${receipt.audit?.seq}`,
  );
  checkAuditWitness(receipt, keyFor, report);
  if (options.file) await checkFile(receipt.evidence, options.file, report, `file ${options.file}`);
}

async function verifyTransmission(input, keyFor, options, report) {
  const signed = Array.isArray(input?.items) ? input.items : [input];
  if (signed.length === 0)
    return report.fail('no transmission receipt in the file (the request was not transmitted)');
  let content;
  if (options.content) {
    const version = JSON.parse(readFileSync(options.content, 'utf8'));
    content = {
      contentVersion: version.contentVersion,
      sha256: createHash('sha256').update(core.canonicalJson(version.content), 'utf8').digest('hex'),
    };
  }
  for (const { receipt, signature } of signed) {
    if (!receipt || receipt.type !== 'mla-portal/transmission-receipt') {
      report.fail('not a transmission receipt');
      continue;
    }
    checkSignature(receipt, signature, keyFor, report);
    const { request = {}, transmission = {}, transmitter = {} } = receipt;
    report.info(
      `transmission of request ${request.reference} (${request.id}), content version ${transmission.contentVersion}, ` +
        `from ${request.requestingAgency?.code} to ${request.requestedAgency?.code} at ${transmission.transmittedAt} ` +
        `by ${transmitter.username} (${transmitter.agencyCode}), audit entry #${receipt.audit?.seq}`,
    );
    checkAuditWitness(receipt, keyFor, report);
    if (!content) {
      report.warn('content NOT checked (no --content version given): only the receipt is verified');
      continue;
    }
    if (content.contentVersion !== transmission.contentVersion) {
      report.info(`content version ${content.contentVersion} given; this receipt is of another version`);
      continue;
    }
    content.matched = true;
    if (content.sha256 !== transmission.content?.sha256) {
      report.fail(
        `content version ${content.contentVersion}: SHA-256 ${content.sha256}, the receipt says ${transmission.content?.sha256}`,
      );
    } else {
      report.pass(`content version ${content.contentVersion}: SHA-256 of its canonical JSON matches`);
    }
  }
  if (content && !content.matched)
    report.fail(`content version ${content.contentVersion}: no receipt in the file names it`);
}

/**
 * The checkpoint the receipt embeds must be signed by a known key as a note of the issuer's log,
 * say what the receipt says of it, and the upload's audit entry must be in the tree it signs.
 */
function checkAuditWitness(receipt, keyFor, report) {
  const audit = receipt.audit ?? {};
  const { checkpoint, inclusionProof } = audit;
  if (!checkpoint) return report.warn('audit log NOT checked: this receipt carries no checkpoint');
  if (typeof checkpoint.note !== 'string' || !Array.isArray(inclusionProof))
    return report.fail('audit checkpoint: malformed (note or inclusion proof missing)');
  const opened = core.verifyNote(checkpoint.note, keyFor.noteVerifiers(checkpoint.note));
  if (!opened.ok) return report.fail(`audit checkpoint: signature ${opened.reason} (${opened.detail})`);
  const parsed = core.parseCheckpoint(opened.text);
  if (!parsed.ok) return report.fail(`audit checkpoint: ${parsed.reason}`);
  const { origin, treeSize, rootHash } = parsed.value;
  // The log the keys file names (it stays put when the key is renamed), else the issuer's.
  const expected = keyFor.auditLogOrigin ?? `${receipt.issuer}/audit`;
  if (origin !== expected) return report.fail(`audit checkpoint: origin ${origin}, expected ${expected}`);
  if (treeSize !== checkpoint.treeSize || rootHash.toString('base64') !== checkpoint.rootHash)
    return report.fail('audit checkpoint: the signed size or root differs from the receipt');
  report.pass(`audit checkpoint: signed note of ${origin} at tree size ${treeSize}`);
  if (!Number.isSafeInteger(audit.seq) || typeof audit.leafHash !== 'string')
    return report.fail('audit entry: seq or leaf hash missing');
  const proof = inclusionProof.map((element) => Buffer.from(String(element), 'base64'));
  const included = core.verifyInclusion(
    Buffer.from(audit.leafHash, 'hex'),
    audit.seq - 1,
    treeSize,
    proof,
    rootHash,
  );
  if (!included.ok)
    return report.fail(`audit entry #${audit.seq}: inclusion proof fails (${included.reason})`);
  report.pass(`audit entry #${audit.seq}: included in the checkpoint's tree (RFC 9162 proof)`);
}

function parse(argv) {
  const [kind, input, ...rest] = argv;
  const options = {};
  for (let index = 0; index < rest.length; index += 2) {
    const flag = rest[index];
    const value = rest[index + 1];
    if (!['--keys', '--files', '--file', '--content'].includes(flag) || value === undefined) return undefined;
    options[flag.slice(2)] = value;
  }
  if (!['package', 'receipt', 'transmission'].includes(kind) || !input || !options.keys) return undefined;
  return { kind, input, options };
}

const args = parse(process.argv.slice(2));
if (!args) {
  process.stderr.write(
    'usage: verify-evidence.mjs package <package.json> --keys <keys.json> [--files <directory>]\n' +
      '       verify-evidence.mjs receipt <receipt.json> --keys <keys.json> [--file <path>]\n' +
      '       verify-evidence.mjs transmission <receipts.json> --keys <keys.json> [--content <version.json>]\n',
  );
  process.exit(2);
}
const failures = [];
const report = {
  pass: (line) => process.stdout.write(`ok    ${line}\n`),
  fail: (line) => {
    failures.push(line);
    process.stdout.write(`FAIL  ${line}\n`);
  },
  info: (line) => process.stdout.write(`      ${line}\n`),
  warn: (line) => {
    warnings.push(line);
    process.stdout.write(`NOTE  ${line}\n`);
  },
};
const warnings = [];
try {
  const input = JSON.parse(readFileSync(args.input, 'utf8'));
  const keyFor = loadKeys(args.options.keys);
  if (args.kind === 'package') await verifyPackage(input, keyFor, args.options, report);
  else if (args.kind === 'transmission') await verifyTransmission(input, keyFor, args.options, report);
  else await verifyReceipt(input, keyFor, args.options, report);
} catch (error) {
  report.fail(`could not read the input: ${error.message}`);
}
process.stdout.write(
  failures.length > 0
    ? `NOT VERIFIED: ${failures.length} problem(s)\n`
    : warnings.length > 0
      ? 'VERIFIED, IN PART (see the notes above)\n'
      : 'VERIFIED\n',
);
process.exit(failures.length === 0 ? 0 : 1);
