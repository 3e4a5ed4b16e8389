import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { concatBytes } from '../../shared/bytes.ts';
import { ReaderError } from '../errors.ts';
import { CV, SHA256_DIGEST_INFO_PREFIX } from '../mynumber/constants.ts';
import { children, encodeTlv, parseTlv, requireTag } from '../tlv/ber.ts';

/**
 * Builders for the card's RSA material: the `90/91` public-key encoding, card-verifiable
 * certificates `7F21` and J-LIS style key ids (card-protocols.md "Proving the text-AP data is
 * genuine"; myna-card src/data.rs). Pure: PKCS#1 v1.5 signatures are deterministic, so the
 * same inputs give the same bytes. Used by the simulator and the fixture generator.
 */

export function sha256(...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** RSASSA-PKCS1-v1_5 with SHA-256 (Node's default padding for RSA keys). */
export function signPkcs1Sha256(privateKey: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign('sha256', data, privateKey));
}

/** The SHA-256 DigestInfo of `data`: what `80 2A` expects as its data field. */
export function sha256DigestInfo(data: Uint8Array): Uint8Array {
  return concatBytes(SHA256_DIGEST_INFO_PREFIX, sha256(data));
}

function jwkBytes(value: unknown, what: string): Uint8Array {
  if (typeof value !== 'string')
    throw new ReaderError('reader/profile-invalid', `RSA key has no ${what}`);
  return new Uint8Array(Buffer.from(value, 'base64url'));
}

/** Modulus and exponent of an RSA key (public or private), big-endian without sign bytes. */
export function rsaComponents(key: KeyObject): { n: Uint8Array; e: Uint8Array } {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new ReaderError(
      'reader/profile-invalid',
      `expected an RSA key, got ${key.asymmetricKeyType ?? 'none'}`,
    );
  }
  const jwk = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' });
  return { n: jwkBytes(jwk.n, 'modulus'), e: jwkBytes(jwk.e, 'exponent') };
}

/**
 * `90 <e> 91 82 01 00 <n>`: the key part of a CV certificate body, and of DF51 (text EF 0007),
 * DF24/DF12/DF42 (surface AP). RSA-2048 only, as on the card.
 */
export function encodeRsaPublicKey(key: KeyObject): Uint8Array {
  const { n, e } = rsaComponents(key);
  if (n.length !== CV.MODULUS_LENGTH) {
    throw new ReaderError(
      'reader/profile-invalid',
      `card keys are RSA-2048, got a ${n.length * 8}-bit modulus`,
    );
  }
  // encodeTlv would do, but the layout is fixed: spell it out so it reads like the spec.
  return concatBytes(
    Uint8Array.of(CV.EXPONENT, e.length),
    e,
    Uint8Array.of(CV.MODULUS, 0x82, n.length >> 8, n.length & 0xff),
    n,
  );
}

/** The inverse of `encodeRsaPublicKey`: a public KeyObject from `90 … 91 …` (tests, tooling). */
export function decodeRsaPublicKey(bytes: Uint8Array): KeyObject {
  const e = parseTlv(bytes, 0);
  const n = parseTlv(bytes, e.raw.length);
  if (
    e.tag !== CV.EXPONENT ||
    n.tag !== CV.MODULUS ||
    e.raw.length + n.raw.length !== bytes.length
  ) {
    throw new ReaderError('reader/tlv-invalid', 'not a 90/91 RSA public key');
  }
  return createPublicKey({
    key: {
      kty: 'RSA',
      n: Buffer.from(n.value).toString('base64url'),
      e: Buffer.from(e.value).toString('base64url'),
    },
    format: 'jwk',
  });
}

/** A J-LIS style 16-byte key id: the 7-character name, then `08 05 30 30 31 00 00 00 00`. */
export function cvKeyId(name: string): Uint8Array {
  if (!/^[0-9A-Z]{7}$/.test(name))
    throw new ReaderError('reader/profile-invalid', 'a CV key name is 7 characters');
  return concatBytes(new TextEncoder().encode(name), CV.KEY_ID_SUFFIX);
}

/**
 * The subject key id the simulator gives a card key: the first 16 bytes of SHA-256 over the
 * encoded public key (simulator's choice; real cards use issuer-assigned ids).
 */
export function simSubjectKeyId(key: KeyObject): Uint8Array {
  return sha256(encodeRsaPublicKey(key)).slice(0, CV.KEY_ID_LENGTH);
}

/**
 * `7F21 { 5F4E <issuer id | subject id | key>, 5F37 <PKCS1-v1_5/SHA-256 by the CA over 5F4E's
 * 297 value bytes> }` (card-protocols.md step 1).
 */
export function buildCvCertificate(
  issuerKeyId: Uint8Array,
  subjectKeyId: Uint8Array,
  subjectKey: KeyObject,
  caPrivateKey: KeyObject,
): Uint8Array {
  if (issuerKeyId.length !== CV.KEY_ID_LENGTH || subjectKeyId.length !== CV.KEY_ID_LENGTH) {
    throw new ReaderError('reader/profile-invalid', 'CV key ids are 16 bytes');
  }
  const body = concatBytes(issuerKeyId, subjectKeyId, encodeRsaPublicKey(subjectKey));
  const signature = signPkcs1Sha256(caPrivateKey, body);
  return encodeTlv(
    CV.CERTIFICATE,
    concatBytes(encodeTlv(CV.BODY, body), encodeTlv(CV.SIGNATURE, signature)),
  );
}

export interface CvCertificate {
  readonly issuerKeyId: Uint8Array;
  readonly subjectKeyId: Uint8Array;
  readonly publicKey: KeyObject;
  /** The 297 signed bytes. */
  readonly body: Uint8Array;
  readonly signature: Uint8Array;
}

/** Splits a `7F21` certificate (no signature check: that needs the CA key). */
export function parseCvCertificate(bytes: Uint8Array): CvCertificate {
  const outer = parseTlv(bytes, 0);
  if (outer.tag !== CV.CERTIFICATE)
    throw new ReaderError('reader/tlv-invalid', 'not a 7F21 certificate');
  const parts = children(outer);
  const body = requireTag(parts, CV.BODY, '7F21').value;
  const signature = requireTag(parts, CV.SIGNATURE, '7F21').value;
  if (body.length !== CV.BODY_LENGTH)
    throw new ReaderError('reader/tlv-invalid', '5F4E is not 297 bytes');
  return {
    issuerKeyId: body.slice(0, CV.KEY_ID_LENGTH),
    subjectKeyId: body.slice(CV.KEY_ID_LENGTH, 2 * CV.KEY_ID_LENGTH),
    publicKey: decodeRsaPublicKey(body.subarray(2 * CV.KEY_ID_LENGTH)),
    body: body.slice(),
    signature: signature.slice(),
  };
}
