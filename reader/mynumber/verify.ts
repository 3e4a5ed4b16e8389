import { randomBytes, verify as rsaVerify, type KeyObject } from 'node:crypto';
import { bytesEqual, concatBytes } from '../../shared/bytes.ts';
import { ReaderError } from '../errors.ts';
import { children, parseExactTags, parseTlv, type Tlv } from '../tlv/ber.ts';
import { findCaKey, type CaKeySet } from './ca-keys.ts';
import { TEXT_TAG } from './constants.ts';
import { decodeRsaPublicKey, parseCvCertificate, sha256 } from './cv-certificate.ts';

/**
 * Proof that the text AP's data is genuine, offline (card-protocols.md "Proving the text-AP
 * data is genuine"). Each check reports valid, invalid, or could-not-be-made separately: an
 * unknown CA is not a bad signature. Pure apart from the challenge's randomness.
 *
 * 1. EF 0004 is a CV certificate signed (PKCS1-v1_5/SHA-256 over the 297-byte body) by the CA
 *    key named by its issuer key id; it certifies the AP key.
 * 2. EF 0003 `FF30 { DF31 sha256(EF 0001 as stored, filler included), DF32 sha256(EF 0002's FF20
 *    value from DF22 on), DF33 signature }`; DF33 signs the raw DF31 and DF32 objects with the
 *    certified key.
 * 3. Both digests are compared with what was read (the two rules differ).
 * 4. Presence: the AP's own key (EF 0007 DF51, itself signed by the certified key in DF52) signs
 *    a fresh challenge, so a copy of the files does not pass.
 */
export type CertificateResult = 'valid' | 'invalid' | 'unknown-ca';
export type IntegrityResult = 'valid' | 'invalid';
export type PresenceResult = 'proven' | 'failed' | 'not-checked';

/** Why a check did not pass; stable codes for logs, the UI and the CLI. */
export type VerificationReason =
  | 'certificate-malformed'
  | 'certificate-unknown-ca'
  | 'certificate-test-hierarchy-not-accepted'
  | 'certificate-signature'
  | 'integrity-malformed'
  | 'integrity-signature'
  | 'integrity-basic-four-digest'
  | 'integrity-my-number-digest'
  | 'presence-malformed'
  | 'presence-key-signature'
  | 'presence-signature';

export interface Verification {
  readonly certificate: CertificateResult;
  readonly integrity: IntegrityResult;
  readonly presence: PresenceResult;
  /** Empty when all passed. */
  readonly reasons: readonly VerificationReason[];
  /** The CA key the certificate was checked against, by name. */
  readonly caKeyName?: string;
}

export interface TextApEvidence {
  /** EF 0004. */
  readonly cvCertificate: Uint8Array;
  /** EF 0003. */
  readonly integrity: Uint8Array;
  /** DF32's source: the FF20 value from DF22 on (basic-four.ts `digestSource`). */
  readonly basicFourDigestSource: Uint8Array;
  /** EF 0001 as stored, filler included; only when the My Number was read. */
  readonly myNumberFile?: Uint8Array;
  /** EF 0007 and the card's answer to a challenge, when presence was checked. */
  readonly presence?: {
    readonly signingKey: Uint8Array;
    readonly challenge: Uint8Array;
    readonly signature: Uint8Array;
  };
}

export interface VerifyOptions {
  readonly caKeys: CaKeySet;
  /** Accept keys of the JPKI test hierarchy (test cards). Never for real residents. */
  readonly acceptTestCards?: boolean;
}

function pkcs1Sha256(key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return rsaVerify('sha256', data, key, signature);
  } catch {
    return false;
  }
}

function checkCertificate(
  evidence: TextApEvidence,
  options: VerifyOptions,
): { result: CertificateResult; reason?: VerificationReason; key?: KeyObject; caKeyName?: string } {
  let cert;
  try {
    cert = parseCvCertificate(evidence.cvCertificate);
  } catch {
    return { result: 'invalid', reason: 'certificate-malformed' };
  }
  const lookup = findCaKey(options.caKeys, cert.issuerKeyId, options.acceptTestCards === true);
  // The certified key is usable for the later checks whatever the CA: they then show whether
  // the data and the certificate agree, while the certificate result says who vouches for it.
  if (!lookup.found) {
    const reason =
      lookup.reason === 'unknown-ca'
        ? 'certificate-unknown-ca'
        : 'certificate-test-hierarchy-not-accepted';
    return {
      result: 'unknown-ca',
      reason,
      key: cert.publicKey,
      ...(lookup.name ? { caKeyName: lookup.name } : {}),
    };
  }
  const ok = pkcs1Sha256(lookup.key.publicKey, cert.body, cert.signature);
  return ok
    ? { result: 'valid', key: cert.publicKey, caKeyName: lookup.key.name }
    : {
        result: 'invalid',
        reason: 'certificate-signature',
        key: cert.publicKey,
        caKeyName: lookup.key.name,
      };
}

function checkIntegrity(
  evidence: TextApEvidence,
  key: KeyObject | undefined,
): VerificationReason[] {
  let fields: Map<number, Tlv>;
  try {
    const outer = parseTlv(evidence.integrity, 0);
    if (outer.tag !== TEXT_TAG.INTEGRITY) return ['integrity-malformed'];
    fields = parseExactTags(
      outer.value,
      [TEXT_TAG.MY_NUMBER_DIGEST, TEXT_TAG.BASIC_FOUR_DIGEST, TEXT_TAG.INTEGRITY_SIGNATURE],
      'integrity record',
    );
  } catch {
    return ['integrity-malformed'];
  }
  const myNumberDigest = fields.get(TEXT_TAG.MY_NUMBER_DIGEST);
  const basicFourDigest = fields.get(TEXT_TAG.BASIC_FOUR_DIGEST);
  const signature = fields.get(TEXT_TAG.INTEGRITY_SIGNATURE);
  if (!myNumberDigest || !basicFourDigest || !signature || !key) return ['integrity-malformed'];
  const reasons: VerificationReason[] = [];
  if (!pkcs1Sha256(key, concatBytes(myNumberDigest.raw, basicFourDigest.raw), signature.value)) {
    reasons.push('integrity-signature');
  }
  if (!bytesEqual(basicFourDigest.value, sha256(evidence.basicFourDigestSource))) {
    reasons.push('integrity-basic-four-digest');
  }
  if (evidence.myNumberFile && !bytesEqual(myNumberDigest.value, sha256(evidence.myNumberFile))) {
    reasons.push('integrity-my-number-digest');
  }
  return reasons;
}

function checkPresence(evidence: TextApEvidence, key: KeyObject | undefined): VerificationReason[] {
  const p = evidence.presence;
  if (!p) return [];
  let apKey: KeyObject;
  let keyObject: Tlv;
  let keySignature: Tlv;
  try {
    const outer = parseTlv(p.signingKey, 0);
    if (outer.tag !== TEXT_TAG.SIGNING_KEY) return ['presence-malformed'];
    const parts = children(outer);
    const found = parts.find((t) => t.tag === TEXT_TAG.SIGNING_PUBLIC_KEY);
    const sig = parts.find((t) => t.tag === TEXT_TAG.SIGNING_KEY_SIGNATURE);
    if (!found || !sig) return ['presence-malformed'];
    keyObject = found;
    keySignature = sig;
    apKey = decodeRsaPublicKey(found.value);
  } catch {
    return ['presence-malformed'];
  }
  const reasons: VerificationReason[] = [];
  if (!key || !pkcs1Sha256(key, keyObject.raw, keySignature.value))
    reasons.push('presence-key-signature');
  if (!pkcs1Sha256(apKey, p.challenge, p.signature)) reasons.push('presence-signature');
  return reasons;
}

export function verifyTextAp(evidence: TextApEvidence, options: VerifyOptions): Verification {
  const cert = checkCertificate(evidence, options);
  const integrityReasons = checkIntegrity(evidence, cert.key);
  const presenceReasons = checkPresence(evidence, cert.key);
  const reasons = [...(cert.reason ? [cert.reason] : []), ...integrityReasons, ...presenceReasons];
  return {
    certificate: cert.result,
    integrity: integrityReasons.length === 0 ? 'valid' : 'invalid',
    presence: !evidence.presence
      ? 'not-checked'
      : presenceReasons.length === 0
        ? 'proven'
        : 'failed',
    reasons,
    ...(cert.caKeyName ? { caKeyName: cert.caKeyName } : {}),
  };
}

/** All three checks passed. */
export function isProven(v: Verification): boolean {
  return v.certificate === 'valid' && v.integrity === 'valid' && v.presence === 'proven';
}

/** A fresh challenge for the card-present check (32 random bytes). */
export function newChallenge(
  random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n)),
): Uint8Array {
  const c = random(32);
  if (c.length !== 32) throw new ReaderError('reader/apdu-invalid', 'a challenge is 32 bytes');
  return c;
}
