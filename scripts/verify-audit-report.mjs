#!/usr/bin/env node
/**
 * Offline verification of one request's audit report (GET /v1/audit/requests/{id}/report), the file
 * an auditor hands to a court. Node.js 20 or later and the file beside it (audit-verify-core.mjs),
 * nothing else:
 *
 *   node verify-audit-report.mjs <report.json> --keys <keys.json|key.pem> [--json]
 *
 * <report.json>  the report saved as is (`report` and `signature`)
 * --keys         GET /.well-known/mla-portal/keys saved as is (active and retired keys), or a PEM key
 * --json         print the result as one JSON object instead of sentences
 *
 * What it checks:
 * - the portal's signature over the report (canonical JSON, Ed25519, a published key);
 * - the audit checkpoint's signed note, and that its tree size, root and log name are the report's;
 * - every entry: seq in increasing order within the checkpoint, a canonical JSON body that hashes to
 *   the stored leaf hash, names its own seq and the report's request, and whose RFC 9162 inclusion
 *   proof leads to the checkpoint's root. An entry past retention (`redacted: true`) holds only its
 *   redaction marker: the marker must name its seq and leaf hash, and the proof must hold.
 * It then prints the trail, one line per entry. The proofs show each entry is in the log that the
 * checkpoint commits to; that no entry about the request is missing is the portal's signed claim,
 * which a full export (verify-audit.mjs) can confirm.
 *
 * Exit status: 0 everything verified, 1 a check failed, 2 bad usage or unreadable input.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as core from './audit-verify-core.mjs';

class UsageError extends Error {}

const REPORT_TYPE = 'mla-portal/audit-request-report';
const isHash = (value) => typeof value === 'string' && Buffer.from(value, 'base64').length === core.HASH_SIZE;

/**
 * Verifies a parsed report file against `keys` (core.loadPublishedKeys). Returns
 * { ok, problems[], request, treeSize, entries, trail[] }: `problems` names every failed check, with
 * the seq of the entry where there is one; `trail` is the entries that verified, in order.
 */
export function verifyReport(file, keys) {
  const problems = [];
  const trail = [];
  const report = file?.report;
  if (!report || typeof report !== 'object' || report.type !== REPORT_TYPE || report.version !== 1)
    return { ok: false, problems: [{ problem: `not an ${REPORT_TYPE} of version 1` }], trail };

  const signed = core.verifyDocumentSignature(report, file.signature, keys);
  if (!signed.ok) problems.push({ problem: `report signature: ${signed.reason}` });

  const checkpoint = report.checkpoint ?? {};
  let root;
  const opened =
    typeof checkpoint.note === 'string'
      ? core.verifyNote(checkpoint.note, keys.noteVerifiersFor(checkpoint.note))
      : undefined;
  if (!opened?.ok) {
    problems.push({
      problem: `checkpoint: ${opened ? (opened.reason === 'unknown-key' ? 'signed by no published key' : (opened.detail ?? opened.reason)) : 'no signed note'}`,
    });
  } else {
    const parsed = core.parseCheckpoint(opened.text);
    if (!parsed.ok) problems.push({ problem: `checkpoint: ${parsed.reason}` });
    else if (
      parsed.value.treeSize !== checkpoint.treeSize ||
      parsed.value.rootHash.toString('base64') !== checkpoint.rootHash
    )
      problems.push({ problem: 'checkpoint: the signed tree size or root differs from the report' });
    else if (report.log !== undefined && parsed.value.origin !== report.log)
      problems.push({ problem: `checkpoint: it is of log ${parsed.value.origin}, not ${report.log}` });
    else if (keys.origin !== undefined && parsed.value.origin !== keys.origin)
      problems.push({ problem: `checkpoint: it is of log ${parsed.value.origin}, not ${keys.origin}` });
    else root = parsed.value.rootHash;
  }

  const requestId = report.request?.id;
  const size = checkpoint.treeSize;
  let previous = 0;
  for (const entry of Array.isArray(report.entries) ? report.entries : []) {
    const seq = entry?.seq;
    const bad = (problem) => problems.push({ seq, problem: `entry ${seq}: ${problem}` });
    /** The entry's inclusion proof leads from `leaf` to the checkpoint's root; a failure is reported. */
    const proves = (leaf) => {
      if (!entry.inclusionProof.every(isHash)) {
        bad('the inclusion proof holds something that is not a hash');
        return false;
      }
      const proof = entry.inclusionProof.map((hash) => Buffer.from(hash, 'base64'));
      const included = core.verifyInclusion(leaf, BigInt(seq - 1), BigInt(size), proof, root);
      if (!included.ok)
        bad(`its inclusion proof does not lead to the checkpoint's root (${included.reason})`);
      return included.ok;
    };
    if (!Number.isSafeInteger(seq) || seq <= previous || seq > size) {
      bad(`seq out of order or beyond the checkpoint's tree size ${size}`);
      continue;
    }
    previous = seq;
    if (typeof entry.body !== 'string' || !isHash(entry.leafHash) || !Array.isArray(entry.inclusionProof)) {
      bad('body, leafHash or inclusionProof is missing');
      continue;
    }
    if (entry.redacted === true) {
      // Past retention: only the marker and the original leaf hash remain, so only the proof can
      // speak for the entry (and the marker carries no request to compare).
      const redacted = core.redactedLeaf(entry);
      if (!redacted.ok) {
        bad(redacted.reason);
        continue;
      }
      if (root && !proves(redacted.leaf)) continue;
      trail.push({ ...JSON.parse(entry.body), redacted: true });
      continue;
    }
    const leaf = core.leafHash(entry.body);
    if (leaf.toString('base64') !== entry.leafHash) {
      bad('the body does not hash to its leaf hash: it was changed after it was logged');
      continue;
    }
    let body;
    try {
      body = JSON.parse(entry.body);
    } catch {
      bad('the body is not JSON');
      continue;
    }
    if (body === null || typeof body !== 'object' || core.canonicalJson(body) !== entry.body) {
      bad('the body is not canonical JSON');
      continue;
    }
    if (body.seq !== seq) {
      bad(`the body's seq is ${body.seq}`);
      continue;
    }
    if (body.target?.request !== requestId) {
      bad(`the entry is about request ${body.target?.request ?? 'none'}, not ${requestId}`);
      continue;
    }
    if (root && !proves(leaf)) continue;
    trail.push(body);
  }
  return {
    ok: problems.length === 0,
    problems,
    request: report.request ?? null,
    treeSize: Number.isSafeInteger(size) ? size : null,
    entries: Array.isArray(report.entries) ? report.entries.length : 0,
    signedBy: signed.ok ? signed.value : null,
    trail,
  };
}

function trailLine(body, people = {}) {
  if (body.redacted === true)
    return `  #${body.seq}  ${body.ts}  ${body.type} (redacted past retention; its hash is proven)`;
  const user = people.users?.[body.actor?.user];
  const agency = people.agencies?.[body.actor?.agency];
  const actor = body.actor
    ? `${body.actor.role} ${user ? `${user.username} (${user.displayName})` : body.actor.user}, ` +
      `${agency ? agency.code : `agency ${body.actor.agency}`}`
    : 'the portal';
  const target = body.target?.type === 'request' ? '' : ` ${body.target?.type} ${body.target?.id ?? ''}`;
  return `  #${body.seq}  ${body.ts}  ${body.type} ${body.outcome}${target} by ${actor}`;
}

async function main(argv) {
  const args = [...argv];
  const json = args.includes('--json');
  const keysAt = args.indexOf('--keys');
  const keysPath = keysAt >= 0 ? args[keysAt + 1] : undefined;
  const rest = args.filter((a, i) => a !== '--json' && i !== keysAt && i !== keysAt + 1);
  if (!keysPath || rest.length !== 1 || rest[0].startsWith('--'))
    throw new UsageError('usage: verify-audit-report.mjs <report.json> --keys <keys.json|key.pem> [--json]');
  let keys;
  let file;
  try {
    keys = core.loadPublishedKeys(readFileSync(keysPath, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read keys ${keysPath}: ${error.message}`);
  }
  try {
    file = JSON.parse(readFileSync(rest[0], 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${rest[0]}: ${error.message}`);
  }
  const result = verifyReport(file, keys);
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const request = result.request ?? {};
    process.stdout.write(`Audit report of request ${request.reference ?? '?'} (${request.id ?? '?'})\n`);
    // The names come from the signed report, not from the entries: they are the portal's word.
    for (const body of result.trail) process.stdout.write(`${trailLine(body, file?.report?.people)}\n`);
    for (const p of result.problems) process.stdout.write(`FAILED ${p.problem}\n`);
    if (result.ok)
      process.stdout.write(
        `VERIFIED: ${result.entries} entries, each in the audit log of tree size ${result.treeSize}; ` +
          `report signed by key ${result.signedBy.keyId}${result.signedBy.status === 'retired' ? ' (retired)' : ''}\n`,
      );
  }
  return result.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(
        `${error instanceof UsageError ? error.message : `error: ${error.stack ?? error}`}\n`,
      );
      process.exitCode = 2;
    },
  );
}
