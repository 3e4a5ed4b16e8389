/**
 * The few cryptographic operations sync needs, on node:crypto (no library: Node has Ed25519,
 * HMAC and SHA-256 built in). Shared by the device and the reference backend, so both sign and
 * verify exactly the same bytes.
 */
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { tokenHashInput, type TokenKind } from '../shared/contracts/sync/token.ts';
import { HEX } from '../shared/contracts/sync/constants.ts';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4); the raw key follows. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_RAW_BYTES = 32;

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function generateEd25519(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ed25519');
}

export function privateKeyFromPem(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('not an Ed25519 private key');
  return key;
}

export function privateKeyToPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** The 32 raw bytes of an Ed25519 public key, base64 (how keys appear in config and the API). */
export function publicKeyToBase64(key: KeyObject): string {
  const der = key.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - ED25519_RAW_BYTES).toString('base64');
}

/** Undefined when `base64` is not 32 bytes of an Ed25519 public key. */
export function publicKeyFromBase64(base64: string): KeyObject | undefined {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== ED25519_RAW_BYTES || raw.toString('base64') !== base64) return undefined;
  try {
    return createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
      format: 'der',
      type: 'spki',
    });
  } catch {
    return undefined;
  }
}

/** A short, stable name for a public key: the first 8 bytes of SHA-256 over its raw bytes. */
export function keyId(publicKeyBase64: string): string {
  return sha256Hex(Buffer.from(publicKeyBase64, 'base64')).slice(0, HEX.keyId);
}

export function signText(privateKey: KeyObject, text: string): string {
  return sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64');
}

/** False for a wrong signature, a wrong key, or a signature that is not base64 of 64 bytes. */
export function verifyText(publicKey: KeyObject, text: string, signatureBase64: string): boolean {
  const signature = Buffer.from(signatureBase64, 'base64');
  if (signature.length !== 64) return false;
  try {
    return verify(null, Buffer.from(text, 'utf8'), publicKey, signature);
  } catch {
    return false;
  }
}

/**
 * The keyed hash a card identifier is stored and sent as (architecture "Data rules"):
 * HMAC-SHA256 with the fleet key over the normalised identifier (shared/contracts/sync/token.ts).
 */
export function tokenHash(fleetKey: Uint8Array, kind: TokenKind, normalisedId: string): Buffer {
  return createHmac('sha256', fleetKey).update(tokenHashInput(kind, normalisedId)).digest();
}
