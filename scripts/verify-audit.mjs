#!/usr/bin/env node
/**
 * Offline verification of an audit log export (GET /v1/audit/export) against the portal's public
 * key. Node.js 20 or later and the file beside it (audit-verify-core.mjs), nothing else, so an
 * auditor can run it on a machine that never talks to the portal:
 *
 *   node verify-audit.mjs <export.ndjson> --keys <keys.json|key.pem|vkey.txt> [--keys …]
 *                         [--checkpoint <file> …] [--json]
 *
 * <export.ndjson>  GET /v1/audit/export saved as is
 * --keys           GET /.well-known/mla-portal/keys saved as is (every key, active and retired), a
 *                  PEM Ed25519 public key, or a file of C2SP verifier keys (name+hash+key), one a line.
 *                  Repeat it to give several: after a key rotation the export holds checkpoints
 *                  signed by the old key and by the new one, and each needs its own key.
 * --checkpoint     a checkpoint you kept: a saved GET /v1/audit/checkpoints/latest, an earlier
 *                  export, a request report, an evidence or transmission receipt. Its note must
 *                  verify, and the export's entries must give its root at its size: the log you see
 *                  now extends the one that checkpoint committed to. Repeat it for several.
 * --json           print the result as one JSON object instead of sentences
 *
 * What it checks, reading the export once, line by line, in O(log n) memory:
 * - every checkpoint's signed note verifies with a known key, and its tree size and root are the
 *   line's; all checkpoints name the same log (with keys.json: its `auditLogOrigin`);
 * - entries run 1..N in order with no gap, N being the first checkpoint's tree size;
 * - each body is canonical JSON whose `seq` is the line's, and hashes to the stored `leafHash`;
 *   an entry marked `"redacted": true` (past retention) instead has the redaction marker for its seq
 *   and `leafHash` as body, and its `leafHash` goes into the tree as given;
 * - the RFC 9162 root of the leaf hashes recomputed from the bodies equals each checkpoint's root
 *   at its size.
 * It reports the first bad seq and what is wrong. A wrong root can only place the damage between
 * the last checkpoint that matched and the one that did not: the first seq of that range is given.
 *
 * Exit status: 0 everything verified, 1 a check failed, 2 bad usage or unreadable input.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import * as core from './audit-verify-core.mjs';

class UsageError extends Error {}

/**
 * The known keys as a function from a note's signature names to verifiers. A PEM key has no name,
 * so it is tried under each name a note signs with: the key hash still binds name and key.
 */
export function loadKeys(text) {
  if (text.trimStart().startsWith('-----BEGIN PUBLIC KEY')) {
    const der = createPublicKey(text).export({ format: 'der', type: 'spki' });
    const raw = der.subarray(der.length - 32);
    return {
      origin: undefined,
      // A name no key can have (empty, a space or '+') is left to verifyNote to call malformed.
      verifiersFor: (names) =>
        names
          .filter((name) => name.length > 0 && !/[\s+]/u.test(name))
          .map((name) => {
            const vkey = `${name}+${core.noteKeyHash(name, raw).toString('hex')}+${Buffer.concat([Buffer.from([1]), raw]).toString('base64')}`;
            return parsed(core.parseVerifierKey(vkey), vkey);
          }),
    };
  }
  let published;
  try {
    published = JSON.parse(text);
  } catch {
    const vkeys = text
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const verifiers = vkeys.map((vkey) => parsed(core.parseVerifierKey(vkey), vkey));
    return { origin: undefined, verifiersFor: () => verifiers };
  }
  if (!Array.isArray(published?.keys) || published.keys.length === 0)
    throw new UsageError('the keys file lists no keys');
  const verifiers = published.keys.map((key) =>
    parsed(core.parseVerifierKey(key.noteVerifierKey), key.keyId),
  );
  return {
    // The log's own name, published since origins stopped following key renames; before, `<name>/audit`.
    origin:
      typeof published.auditLogOrigin === 'string'
        ? published.auditLogOrigin
        : typeof published.name === 'string'
          ? `${published.name}/audit`
          : undefined,
    verifiersFor: () => verifiers,
  };
}

/** Several key sources as one: a note verifies with a key from any of them. */
export function mergeKeys(sources) {
  const origins = [...new Set(sources.map((keys) => keys.origin).filter((origin) => origin !== undefined))];
  if (origins.length > 1) throw new UsageError(`the keys files name different logs: ${origins.join(', ')}`);
  return {
    origin: origins[0],
    verifiersFor: (names) => sources.flatMap((keys) => keys.verifiersFor(names)),
  };
}

function parsed(result, what) {
  if (!result.ok) throw new UsageError(`key ${what}: ${result.reason}`);
  return result.value;
}

const isSize = (value) => Number.isSafeInteger(value) && value >= 0;

const REDACT_TYPE = 'audit.redact';

/**
 * The redacted seqs and the seqs the `audit.redact` entries name, both as ascending runs (a long
 * redacted stretch costs one pair): every redaction must be named by one (AuditService.verify's rule).
 */
class RedactionLedger {
  #redacted = [];
  #named = [];

  redacted(seq) {
    const last = this.#redacted[this.#redacted.length - 1];
    if (last && last[1] === seq - 1) last[1] = seq;
    else this.#redacted.push([seq, seq]);
  }

  named(ranges) {
    if (!Array.isArray(ranges)) return;
    for (const range of ranges)
      if (Array.isArray(range) && Number.isSafeInteger(range[0]) && Number.isSafeInteger(range[1]))
        this.#named.push([range[0], range[1]]);
  }

  firstUnaccounted() {
    const named = [...this.#named].sort((a, b) => a[0] - b[0]);
    let i = 0;
    for (const [from, to] of this.#redacted) {
      for (let seq = from; seq <= to;) {
        while (i < named.length && named[i][1] < seq) i += 1;
        if (i >= named.length || named[i][0] > seq) return seq;
        seq = named[i][1] + 1;
      }
    }
    return undefined;
  }
}

/**
 * Verifies an export read from `input` (a readable stream). `held` are checkpoints the auditor kept
 * from earlier reviews, receipts or reports (`{ label, note }`): each must verify with the keys and
 * the export's entries must give its root at its size, which is what "nothing was rewritten since"
 * means. Returns { ok, entries, treeSize, checkpoints, witnessed, held, firstBadSeq?, problem?,
 * checkpointProblems[] }.
 */
export async function verifyExport(input, keys, held = []) {
  const checkpointProblems = [];
  /** Sizes and roots of the checkpoints whose signature verified, smallest first. */
  const witnesses = [];
  const tree = new core.CompactTree();
  let head; // the first checkpoint line: the export is taken against it
  let origin = keys.origin;
  let checkpoints = 0;
  let previousSize = -1; // the size of the last earlier checkpoint, to keep them in order
  let lastVerified = 0; // the largest size a verified checkpoint matched so far
  let bad; // { seq, problem }: the first bad entry; checking stops there
  let redacted = 0; // entries past retention, checked as hash-only
  const ledger = new RedactionLedger();
  let lineNo = 0;
  const heldOrigins = [];
  let heldMatched = 0;
  for (const { label, note } of held) {
    const complain = (problem) =>
      checkpointProblems.push({ treeSize: null, line: null, problem: `${label}: ${problem}` });
    const opened =
      typeof note === 'string'
        ? core.verifyNote(note, keys.verifiersFor(core.noteSignatureNames(note)))
        : undefined;
    if (!opened?.ok) {
      complain(
        opened ? `its signature does not verify with --keys (${opened.reason})` : 'it holds no signed note',
      );
      continue;
    }
    const body = core.parseCheckpoint(opened.text);
    if (!body.ok) {
      complain(body.reason);
      continue;
    }
    heldOrigins.push({ label, origin: body.value.origin });
    const at = witnesses.findIndex((w) => w.size > body.value.treeSize);
    witnesses.splice(at < 0 ? witnesses.length : at, 0, {
      size: body.value.treeSize,
      root: body.value.rootHash,
      held: label,
    });
  }

  const checkpointLine = (line) => {
    checkpoints += 1;
    const label = `checkpoint at tree size ${line.treeSize} (line ${lineNo})`;
    const complain = (problem) => checkpointProblems.push({ treeSize: line.treeSize, line: lineNo, problem });
    if (!isSize(line.treeSize) || typeof line.rootHash !== 'string' || typeof line.note !== 'string') {
      complain(`${label}: treeSize, rootHash or note is missing`);
      return;
    }
    if (head && (line.treeSize >= head.treeSize || line.treeSize <= previousSize)) {
      complain(`${label}: earlier checkpoints must follow the first, smallest first, below its size`);
      return;
    }
    previousSize = head ? line.treeSize : -1;
    head ??= line;
    const opened = core.verifyNote(line.note, keys.verifiersFor(core.noteSignatureNames(line.note)));
    if (!opened.ok) {
      const why =
        opened.reason === 'unknown-key'
          ? 'signed by an unknown key (not one of --keys)'
          : opened.reason === 'invalid-signature'
            ? 'its signature does not verify: the note was altered'
            : `malformed note: ${opened.detail}`;
      complain(`${label}: ${why}`);
      return;
    }
    const body = core.parseCheckpoint(opened.text);
    if (!body.ok) return complain(`${label}: ${body.reason}`);
    const { value } = body;
    if (value.treeSize !== line.treeSize || value.rootHash.toString('base64') !== line.rootHash)
      return complain(`${label}: the signed tree size or root differs from the line's`);
    origin ??= value.origin;
    if (value.origin !== origin) return complain(`${label}: origin ${value.origin} is not ${origin}`);
    if (value.treeSize === 0 && !value.rootHash.equals(core.emptyRoot()))
      return complain(`${label}: the root of the empty tree is SHA-256 of nothing`);
    // Smallest first: the export's own checkpoint comes first in the file but is checked last.
    const at = witnesses.findIndex((w) => w.size > value.treeSize);
    witnesses.splice(at < 0 ? witnesses.length : at, 0, { size: value.treeSize, root: value.rootHash });
  };

  const entryLine = (line) => {
    const expected = tree.size + 1;
    if (!Number.isSafeInteger(line.seq))
      return { seq: expected, problem: `line ${lineNo}: an entry without an integer seq` };
    if (line.seq > expected)
      return { seq: expected, problem: `entry ${expected} is missing (line ${lineNo} holds ${line.seq})` };
    if (line.seq < expected)
      return {
        seq: line.seq,
        problem: `entry ${line.seq} appears again at line ${lineNo}, after entry ${expected - 1}: one of the two is not the logged one`,
      };
    if (line.seq > head.treeSize)
      return {
        seq: line.seq,
        problem: `entry ${line.seq} lies beyond the checkpoint's tree size ${head.treeSize}`,
      };
    if (typeof line.body !== 'string') return { seq: line.seq, problem: 'the entry has no body' };
    if (line.redacted === true) {
      // Past retention: hash-only, the leaf as given, checked against the signed roots below.
      const marker = core.redactedLeaf(line);
      if (!marker.ok) return { seq: line.seq, problem: marker.reason };
      // The purge entries account for every other redaction; one that is gone accounts for nothing.
      if (JSON.parse(line.body).type === REDACT_TYPE)
        return { seq: line.seq, problem: `an ${REDACT_TYPE} entry is redacted: they never are` };
      redacted += 1;
      ledger.redacted(line.seq);
      return appendLeaf(marker.leaf);
    }
    const leaf = core.leafHash(line.body);
    if (line.leafHash !== undefined && line.leafHash !== leaf.toString('base64'))
      return {
        seq: line.seq,
        problem:
          'the body does not hash to the leaf hash the portal stored: it was changed after it was logged',
      };
    let body;
    try {
      body = JSON.parse(line.body);
    } catch {
      return { seq: line.seq, problem: 'the body is not JSON' };
    }
    if (
      body === null ||
      typeof body !== 'object' ||
      Array.isArray(body) ||
      !core.isCanonicalJson(line.body, body)
    )
      return { seq: line.seq, problem: 'the body is not a canonical JSON object' };
    if (body.seq !== line.seq)
      return { seq: line.seq, problem: `the body's seq is ${body.seq}, not ${line.seq}` };
    if (body.type === REDACT_TYPE) ledger.named(body.data?.ranges);
    return appendLeaf(leaf);
  };

  const appendLeaf = (leaf) => {
    tree.append(leaf);
    while (witnesses.length > 0 && witnesses[0].size <= tree.size) {
      const witness = witnesses.shift();
      if (witness.size === 0) continue; // the empty tree: no entry to compare with
      if (!tree.root().equals(witness.root) && witness.held)
        return {
          seq: lastVerified + 1,
          problem:
            `entries 1..${witness.size} do not give the root of the checkpoint you hold (${witness.held}): ` +
            `the log was rewritten since; the first bad entry is one of ${lastVerified + 1}..${witness.size}`,
        };
      if (!tree.root().equals(witness.root))
        return {
          seq: lastVerified + 1,
          problem:
            `entries 1..${witness.size} do not give the root of the checkpoint at ${witness.size}, ` +
            `which the checkpoint at ${lastVerified} still matched: the first bad entry is one of ${lastVerified + 1}..${witness.size}`,
        };
      lastVerified = witness.size;
      if (witness.held) heldMatched += 1;
    }
    return undefined;
  };

  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const text of lines) {
    lineNo += 1;
    let line;
    try {
      line = JSON.parse(text);
    } catch {
      bad = { seq: tree.size + 1, problem: `line ${lineNo} is not JSON` };
      break;
    }
    if (line?.type === 'checkpoint') {
      if (tree.size > 0) {
        bad = { seq: tree.size + 1, problem: `line ${lineNo}: a checkpoint after the entries began` };
        break;
      }
      checkpointLine(line);
    } else if (line?.type === 'entry') {
      if (!head) {
        bad = { seq: 1, problem: 'the export does not start with a checkpoint' };
        break;
      }
      bad = entryLine(line);
      if (bad) break;
    } else {
      bad = { seq: tree.size + 1, problem: `line ${lineNo} is neither a checkpoint nor an entry` };
      break;
    }
  }
  lines.close();
  input.destroy?.();

  if (!bad && !head) bad = { seq: 1, problem: 'the export holds no checkpoint' };
  if (!bad && isSize(head.treeSize) && tree.size < head.treeSize)
    bad = {
      seq: tree.size + 1,
      problem: `the export ends after entry ${tree.size} but its checkpoint covers ${head.treeSize}: entries ${tree.size + 1}..${head.treeSize} are missing`,
    };
  // A marker with a valid leaf hash is all it takes to hide an entry's body: only a purge entry in
  // the log, naming the seq, makes a redaction the retention job's rather than anyone's.
  const unaccounted = bad ? undefined : ledger.firstUnaccounted();
  if (unaccounted !== undefined)
    bad = {
      seq: unaccounted,
      problem: `entry ${unaccounted} is redacted, but no ${REDACT_TYPE} entry in the export names it (export again if a retention run was under way)`,
    };
  if (!bad && tree.size > lastVerified)
    bad = {
      seq: lastVerified + 1,
      problem: `entries ${lastVerified + 1}..${tree.size} are covered by no checkpoint signed by a known key`,
    };
  // A held checkpoint the export never reached: the log is now shorter than it was, or the export
  // is older than what the auditor holds. Either way it is not the log the auditor saw.
  for (const witness of witnesses)
    if (witness.held && !bad)
      checkpointProblems.push({
        treeSize: witness.size,
        line: null,
        problem: `${witness.held}: it covers ${witness.size} entries, beyond this export's ${tree.size}: the log shrank, or the export is older`,
      });
  for (const { label, origin: heldOrigin } of heldOrigins)
    if (origin !== undefined && heldOrigin !== origin)
      checkpointProblems.push({
        treeSize: null,
        line: null,
        problem: `${label}: it is of log ${heldOrigin}, not ${origin}`,
      });
  return {
    ok: !bad && checkpointProblems.length === 0,
    entries: tree.size,
    held: heldMatched,
    treeSize: head?.treeSize ?? null,
    checkpoints,
    witnessed: lastVerified,
    redacted,
    ...(bad ? { firstBadSeq: bad.seq, problem: bad.problem } : {}),
    checkpointProblems,
  };
}

/**
 * The signed note in a file an auditor kept: a saved checkpoint (GET /v1/audit/checkpoints/latest or
 * an export's first line), a request report (GET /v1/audit/requests/{id}/report), an evidence or a
 * transmission receipt. Only the note is used: the rest of the file is not trusted.
 */
function heldNote(path) {
  let value;
  try {
    value = JSON.parse(readFileSync(path, 'utf8').split('\n')[0]);
  } catch (error) {
    throw new UsageError(`cannot read checkpoint ${path}: ${error.message}`);
  }
  const receipt = value?.receipt ?? value?.items?.[0]?.receipt;
  const note = value?.note ?? value?.report?.checkpoint?.note ?? receipt?.audit?.checkpoint?.note;
  if (typeof note !== 'string') throw new UsageError(`${path} holds no checkpoint note`);
  return note;
}

async function main(argv) {
  const args = [...argv];
  const json = args.includes('--json');
  const keyPaths = [];
  const heldPaths = [];
  const rest = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--json') continue;
    if (args[i] === '--keys') {
      keyPaths.push(args[i + 1]);
      i += 1;
    } else if (args[i] === '--checkpoint') {
      heldPaths.push(args[i + 1]);
      i += 1;
    } else rest.push(args[i]);
  }
  if (
    keyPaths.length === 0 ||
    keyPaths.some((path) => !path) ||
    heldPaths.some((path) => !path) ||
    rest.length !== 1 ||
    rest[0].startsWith('--')
  )
    throw new UsageError(
      'usage: verify-audit.mjs <export.ndjson> --keys <keys.json|key.pem|vkeys.txt> [--keys …] [--checkpoint <file> …] [--json]',
    );
  const sources = keyPaths.map((keysPath) => {
    try {
      return loadKeys(readFileSync(keysPath, 'utf8'));
    } catch (error) {
      throw error instanceof UsageError
        ? error
        : new UsageError(`cannot read keys ${keysPath}: ${error.message}`);
    }
  });
  const keys = mergeKeys(sources);
  const held = heldPaths.map((path) => ({ label: path, note: heldNote(path) }));
  const input = createReadStream(rest[0]);
  await new Promise((resolve, reject) => {
    input.once('open', resolve);
    input.once('error', (error) => reject(new UsageError(`cannot read ${rest[0]}: ${error.message}`)));
  });
  const started = process.hrtime.bigint();
  const result = await verifyExport(input, keys, held);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...result, seconds })}\n`);
  } else {
    for (const c of result.checkpointProblems) process.stdout.write(`FAILED ${c.problem}\n`);
    if (result.problem !== undefined)
      process.stdout.write(`FAILED at seq ${result.firstBadSeq}: ${result.problem}\n`);
    if (result.ok)
      process.stdout.write(
        `OK: entries 1..${result.entries} and ${result.checkpoints} checkpoint(s) verified in ${seconds.toFixed(2)} s` +
          `${result.held > 0 ? `; the log still has the root of each of the ${result.held} checkpoint(s) you hold` : ''}` +
          `${result.redacted > 0 ? ` (${result.redacted} redacted past retention, checked by hash only)` : ''}\n`,
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
