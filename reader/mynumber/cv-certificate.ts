import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { concatBytes } from '../../shared/bytes.ts';
import { ReaderError } from '../errors.ts';
import { children, parseTlv, requireTag } from '../tlv/ber.ts';
import { CV, SHA256_DIGEST_INFO_PREFIX } from './constants.ts';

/**
 * The card's RSA material as a reader meets it: the card-verifiable certificate `7F21` of an
 * application (card-protocols.md "Proving the text-AP data is genuine", step 1; myna-card
 * src/data.rs), the `90/91` public-key encoding used in it and in DF51/DF24, and the SHA-256
 * DigestInfo the sign command takes. Pure. Signature checks live in verify.ts.
 */

export function sha256(...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** The SHA-256 DigestInfo of `data`: what `80 2A` expects as its data field. */
export function sha256DigestInfo(data: Uint8Array): Uint8Array {
  return concatBytes(SHA256_DIGEST_INFO_PREFIX, sha256(data));
}

/** A public KeyObject from `90 <e> 91 82 01 00 <n>` (the inverse of the simulator's encoder). */
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
