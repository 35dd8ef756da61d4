import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Loads the transparency-dev proof vectors (RFC 6962 / RFC 9162). Test support only.
 *
 * They are copied, unchanged and with their licence, into test/fixtures/merkle: the clone CI tests
 * may have no ../shared beside it. Where ../shared/testdata/merkle is present, a test checks that
 * the copy still equals it.
 *
 * The files hold 64-bit integers (2^64 − 1 as a "leafIdx sub 1" mutation) that JSON.parse would
 * round to a float; they are read as bigints so that each case is judged on what it really says.
 */

export const VECTOR_ROOT = join(__dirname, '../fixtures/merkle');

/** The shared workspace copy, when the checkout sits beside it. */
export const SHARED_VECTOR_ROOT = join(__dirname, '../../../shared/testdata/merkle');

export interface VectorFile {
  /** Path below VECTOR_ROOT, e.g. `inclusion/1/happy-path.json`. */
  name: string;
  desc: string;
  wantErr: boolean;
  ints: Record<string, bigint>;
  hashes: Record<string, Buffer>;
  proof: Buffer[];
}

export function loadVectors(folder: string): VectorFile[] {
  const root = join(VECTOR_ROOT, folder);
  const files = listJson(root);
  return files.map((path) => parseVector(relative(VECTOR_ROOT, path), readFileSync(path, 'utf8')));
}

function listJson(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...listJson(path));
    else if (entry.endsWith('.json')) out.push(path);
  }
  return out;
}

function parseVector(name: string, text: string): VectorFile {
  // Quote every integer literal that is a member value so that none goes through a float.
  const quoted = text.replace(/("[A-Za-z0-9]+":\s*)(\d+)(\s*[,}\n])/g, '$1"#int:$2"$3');
  const raw = JSON.parse(quoted) as Record<string, unknown>;
  const ints: Record<string, bigint> = {};
  const hashes: Record<string, Buffer> = {};
  let proof: Buffer[] = [];
  let desc = '';
  let wantErr: boolean | undefined;
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'desc' && typeof value === 'string') desc = value;
    else if (key === 'wantErr' && typeof value === 'boolean') wantErr = value;
    else if (key === 'proof') {
      if (value !== null && !Array.isArray(value))
        throw new Error(`${name}: proof is neither null nor a list`);
      proof = (value ?? []).map((p) => decodeBase64(name, p));
    } else if (typeof value === 'string' && value.startsWith('#int:')) ints[key] = BigInt(value.slice(5));
    else if (typeof value === 'string') hashes[key] = decodeBase64(name, value);
    else throw new Error(`${name}: unexpected member ${key}`);
  }
  if (wantErr === undefined) throw new Error(`${name}: no wantErr`);
  return { name, desc, wantErr, ints, hashes, proof };
}

function decodeBase64(name: string, value: unknown): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw new Error(`${name}: ${String(value)} is not base64`);
  }
  return Buffer.from(value, 'base64');
}

export function int(v: VectorFile, key: string): bigint {
  const value = v.ints[key];
  if (value === undefined) throw new Error(`${v.name}: no integer ${key}`);
  return value;
}

export function hash(v: VectorFile, key: string): Buffer {
  const value = v.hashes[key];
  if (value === undefined) throw new Error(`${v.name}: no hash ${key}`);
  return value;
}

export type Verification = { ok: true } | { ok: false; reason: string };
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The part of scripts/audit-verify-core.mjs an auditor uses, typed here: the script is plain JS. */
export interface VerifierCore {
  verifyInclusion(
    leaf: Uint8Array,
    index: bigint,
    size: bigint,
    proof: readonly Uint8Array[],
    root: Uint8Array,
  ): Verification;
  verifyConsistency(
    size1: bigint,
    size2: bigint,
    root1: Uint8Array,
    root2: Uint8Array,
    proof: readonly Uint8Array[],
  ): Verification;
  parseCheckpoint(body: string): Parsed<{ origin: string; treeSize: number; rootHash: Buffer }>;
  parseVerifierKey(vkey: string): Parsed<unknown>;
  verifyNote(note: string, verifiers: readonly unknown[]): { ok: boolean; text?: string; reason?: string };
}

/** The offline verifier's core, loaded as an auditor's Node would load it. */
export async function loadVerifierCore(): Promise<VerifierCore> {
  return (await import(join(__dirname, '../../scripts/audit-verify-core.mjs'))) as VerifierCore;
}
