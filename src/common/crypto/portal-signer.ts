import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/** The DER prefix of an Ed25519 PKCS#8 private key; the 32-byte seed follows it (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** The DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32-byte public key follows it. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** One published verification key: what a counterpart needs to check a signature offline. */
export interface PublishedKey {
  /** Hex SHA-256 of the raw public key, first 16 bytes: how receipts name the key that signed them. */
  keyId: string;
  algorithm: 'Ed25519';
  /** The raw 32-byte public key, base64. */
  publicKey: string;
  /** The same key as a PEM SubjectPublicKeyInfo, for `openssl pkeyutl -verify`. */
  publicKeyPem: string;
  /** C2SP signed-note verifier key: `<name>+<key hash hex>+<base64(0x01 ‖ key)>`. */
  noteVerifierKey: string;
  status: 'active' | 'retired';
}

/** An earlier key, still published; `name` is the key name it signed notes under, if not the current one. */
export interface RetiredKey {
  publicKey: Buffer;
  name?: string;
}

/** A signature as it travels with what it signs. */
export interface DetachedSignature {
  algorithm: 'Ed25519';
  keyId: string;
  /** base64 of the 64-byte signature over the exact bytes signed. */
  value: string;
}

export function keyIdOf(rawPublicKey: Buffer): string {
  return createHash('sha256').update(rawPublicKey).digest('hex').slice(0, 32);
}

export function publicKeyFromRaw(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new Error('An Ed25519 public key has 32 bytes');
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

/**
 * The portal's Ed25519 identity (RFC 8032): it signs evidence receipts and package manifests, and
 * later the audit log's checkpoints. Ed25519 signatures are deterministic, so re-signing the same
 * bytes yields the same signature: a receipt fetched again is byte-identical to the first one.
 * Earlier keys stay published as retired so that what they signed stays verifiable after a rotation.
 */
export class PortalSigner {
  private readonly privateKey: KeyObject;
  readonly rawPublicKey: Buffer;
  readonly keyId: string;
  private readonly retired: ReadonlyMap<string, Required<RetiredKey>>;

  constructor(
    seed: Buffer,
    readonly name: string,
    retiredPublicKeys: ReadonlyArray<Buffer | RetiredKey> = [],
  ) {
    if (seed.length !== 32) throw new Error('An Ed25519 seed has 32 bytes');
    this.privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const spki = createPublicKey(this.privateKey).export({ format: 'der', type: 'spki' });
    this.rawPublicKey = spki.subarray(SPKI_ED25519_PREFIX.length);
    this.keyId = keyIdOf(this.rawPublicKey);
    this.retired = new Map(
      retiredPublicKeys.map((key) => {
        const { publicKey, name: keyName = name } = Buffer.isBuffer(key) ? { publicKey: key } : key;
        return [keyIdOf(publicKey), { publicKey, name: keyName }];
      }),
    );
  }

  sign(bytes: Buffer | string): DetachedSignature {
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    return {
      algorithm: 'Ed25519',
      keyId: this.keyId,
      value: sign(null, data, this.privateKey).toString('base64'),
    };
  }

  /** True when `signature` is a valid signature of `bytes` by the current key or a retired one. */
  verify(bytes: Buffer | string, signature: DetachedSignature): boolean {
    const raw =
      signature.keyId === this.keyId ? this.rawPublicKey : this.retired.get(signature.keyId)?.publicKey;
    if (!raw || signature.algorithm !== 'Ed25519') return false;
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    return verify(null, data, publicKeyFromRaw(raw), Buffer.from(signature.value, 'base64'));
  }

  publishedKeys(): PublishedKey[] {
    return [
      this.describe(this.rawPublicKey, this.name, 'active'),
      ...[...this.retired.values()].map((key) => this.describe(key.publicKey, key.name, 'retired' as const)),
    ];
  }

  private describe(raw: Buffer, name: string, status: PublishedKey['status']): PublishedKey {
    // C2SP signed-note: the key hash is SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key), first 4 bytes. A retired
    // key keeps the name it signed under: its notes name it, and the hash binds the two.
    const noteKey = Buffer.concat([Buffer.from([0x01]), raw]);
    const keyHash = createHash('sha256')
      .update(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), noteKey]))
      .digest()
      .subarray(0, 4)
      .toString('hex');
    return {
      keyId: keyIdOf(raw),
      algorithm: 'Ed25519',
      publicKey: raw.toString('base64'),
      publicKeyPem: publicKeyFromRaw(raw).export({ format: 'pem', type: 'spki' }).toString(),
      noteVerifierKey: `${name}+${keyHash}+${noteKey.toString('base64')}`,
      status,
    };
  }
}
