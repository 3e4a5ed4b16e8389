import { X509Certificate, verify as rsaVerify } from 'node:crypto';
import { ReaderError } from '../errors.ts';
import { selectEf } from '../iso7816/commands.ts';
import { readTlvFile } from '../iso7816/read-file.ts';
import type { CardChannel } from '../transport/channel.ts';
import { selectApplication } from './applications.ts';
import { CLA, INS, JPKI_EF, SIGN_P1P2 } from './constants.ts';
import { presentCredential, type PinPolicy } from './credentials.ts';
import { sha256DigestInfo } from './cv-certificate.ts';

/**
 * 公的個人認証AP (JPKI): the user-authentication certificate (readable with no PIN; it holds no
 * name or address), its chain to a J-LIS root, and the authentication signature with the PIN
 * for a challenge-response login (card-protocols.md "JPKI AP"). The certificate's serial is a
 * stable card key: callers hash it (keyed) before storing it anywhere.
 */
export async function readAuthCertificate(channel: CardChannel): Promise<Uint8Array> {
  await selectApplication(channel, 'JPKI');
  await channel.send(selectEf(JPKI_EF.AUTH_CERTIFICATE, 'SELECT EF auth certificate'));
  return readTlvFile(channel);
}

export type ChainStatus =
  | 'valid'
  | 'malformed' // not an X.509 certificate
  | 'untrusted' // issued by none of the roots (a copy of the CA on the card does not count)
  | 'not-yet-valid'
  | 'expired'
  | 'root-expired'; // the issuing root is outside its own validity period

export interface AuthCertificateCheck {
  readonly status: ChainStatus;
  /** Certificate serial, upper-case hex: the stable card key (hash before storing). */
  readonly serial?: string;
  readonly notBefore?: string;
  readonly notAfter?: string;
  /** The root it chains to. */
  readonly root?: string;
}

function within(at: Date, cert: X509Certificate): 'ok' | 'before' | 'after' {
  if (at.getTime() < Date.parse(cert.validFrom)) return 'before';
  if (at.getTime() > Date.parse(cert.validTo)) return 'after';
  return 'ok';
}

/** Chains `der` to one of `roots` and checks both validity periods at `at`. Pure. */
export function checkAuthCertificate(
  der: Uint8Array,
  roots: readonly X509Certificate[],
  at: Date,
): AuthCertificateCheck {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch {
    return { status: 'malformed' };
  }
  const facts = {
    serial: cert.serialNumber.toUpperCase(),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
  };
  const root = roots.find((r) => r.ca && cert.checkIssued(r) && cert.verify(r.publicKey));
  if (!root) return { status: 'untrusted', ...facts };
  const withRoot = { ...facts, root: root.subject.replace(/\n/g, ', ') };
  const leaf = within(at, cert);
  if (leaf === 'before') return { status: 'not-yet-valid', ...withRoot };
  if (leaf === 'after') return { status: 'expired', ...withRoot };
  if (within(at, root) !== 'ok') return { status: 'root-expired', ...withRoot };
  return { status: 'valid', ...withRoot };
}

/** The certificate serial (upper-case hex), the card key callers hash. */
export function cardKeyOf(der: Uint8Array): string {
  try {
    return new X509Certificate(der).serialNumber.toUpperCase();
  } catch (error) {
    throw new ReaderError('reader/tlv-invalid', 'the authentication certificate is not X.509', {
      cause: error,
    });
  }
}

/**
 * Signs `message` with the user-authentication key, after presenting the 利用者証明用 PIN
 * (`pin`: 4 ASCII digits, zeroed after use) under the PIN rules: `80 2A 00 80 <SHA-256
 * DigestInfo> 00` with EF 0017 selected. Returns the PKCS1-v1_5 signature (256 bytes).
 */
export async function authSign(
  channel: CardChannel,
  pin: Uint8Array,
  message: Uint8Array,
  policy: PinPolicy = {},
): Promise<Uint8Array> {
  await selectApplication(channel, 'JPKI');
  await presentCredential(channel, 'jpki-auth-pin', pin, policy);
  channel.assertSameCard();
  await channel.send(selectEf(JPKI_EF.AUTH_KEY, 'SELECT EF auth key'));
  const r = await channel.send({
    cla: CLA.PROPRIETARY,
    ins: INS.SIGN,
    p1: SIGN_P1P2.SELECTED_KEY >> 8,
    p2: SIGN_P1P2.SELECTED_KEY & 0xff,
    data: sha256DigestInfo(message),
    le: 256,
    label: 'JPKI auth signature',
  });
  return r.data;
}

/** Whether `signature` is the auth key's PKCS1-v1_5/SHA-256 signature of `message`. */
export function verifyAuthSignature(
  der: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    return rsaVerify('sha256', message, new X509Certificate(der).publicKey, signature);
  } catch {
    return false;
  }
}

/** Parses PEM root certificates; `reader/trust-invalid` for anything else. */
export function parseRoots(pems: readonly string[]): X509Certificate[] {
  return pems.map((pem, i) => {
    try {
      const cert = new X509Certificate(pem);
      if (!cert.ca) throw new Error('not a CA certificate');
      return cert;
    } catch (error) {
      throw new ReaderError('reader/trust-invalid', `root certificate ${i + 1} cannot be used`, {
        cause: error,
      });
    }
  });
}
