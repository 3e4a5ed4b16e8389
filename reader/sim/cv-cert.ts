import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import { concatBytes } from '../../shared/bytes.ts';
import { ReaderError } from '../errors.ts';
import { CV } from '../mynumber/constants.ts';
import { sha256 } from '../mynumber/cv-certificate.ts';
import { encodeTlv } from '../tlv/ber.ts';

/**
 * Builders for the card's RSA material: the `90/91` public-key encoding, card-verifiable
 * certificates `7F21` and J-LIS style key ids (card-protocols.md "Proving the text-AP data is
 * genuine"; myna-card src/data.rs). Pure: PKCS#1 v1.5 signatures are deterministic, so the
 * same inputs give the same bytes. Used by the simulator and the fixture generator.
 */

/** RSASSA-PKCS1-v1_5 with SHA-256 (Node's default padding for RSA keys). */
export function signPkcs1Sha256(privateKey: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign('sha256', data, privateKey));
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

export { sha256 };
