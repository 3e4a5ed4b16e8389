import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { startsWith } from '../../shared/bytes.ts';
import { JP2_SIGNATURE } from '../../shared/jp2.ts';
import { ReaderError } from '../errors.ts';
import { eraYymmdd, parseIsoDate } from '../mynumber/code-b.ts';
import { CREDENTIAL } from '../mynumber/constants.ts';
import { isValidMyNumber } from '../mynumber/my-number.ts';
import defaultProfileJson from './profiles/mynumber-default.json' with { type: 'json' };
import seniorProfileJson from './profiles/mynumber-senior.json' with { type: 'json' };
import { cvCertifies } from './mynumber-files.ts';
import { rsaComponents } from './cv-cert.ts';
import type { CardFaceImages } from './mynumber-surface-files.ts';

/**
 * The My Number Card simulator's profile: holder data, card data, credentials, images and key
 * material, as JSON checked by a zod schema (style.md rule 9). A profile may omit `keys` and
 * any of `images`: it then inherits them from a base profile (the default one unless told),
 * so an operator can put a card with other holder data into the simulator — the files that
 * depend on holder data are built and signed at load, and the CV certificates do not depend
 * on it. Errors name the path and the rule, never the value: profiles hold personal data.
 */

export const CREDENTIAL_NAMES = [
  'textPin',
  'textCodeA',
  'textCodeB',
  'surfaceBirthDate',
  'surfaceCodeA',
  'surfaceCodeB',
  'jpkiAuthPin',
  'jpkiSignPassword',
  'jukiPin',
] as const;
export type CredentialName = (typeof CREDENTIAL_NAMES)[number];

const isoDate = z
  .string()
  .refine((s) => parseIsoDate(s) !== undefined, 'must be a valid YYYY-MM-DD date');
const digits = (n: number) =>
  z.string().regex(new RegExp(`^\\d{${n}}$`), `must be ${n} ASCII digits`);
const base64 = z
  .string()
  .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'must be base64');
const pem = z
  .string()
  .regex(
    /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n?$/,
    'must be a PKCS#8 PEM private key',
  );
const tries = (max: number) => z.number().int().min(0).max(max).optional();

const profileSchema = z.strictObject({
  description: z.string().max(2000).optional(),
  holder: z.strictObject({
    name: z.string().min(1).max(100),
    address: z.string().min(1).max(200),
    birthDate: isoDate.refine((s) => {
      if (parseIsoDate(s) === undefined) return true; // reported once, by isoDate
      try {
        eraYymmdd(s);
        return true;
      } catch {
        return false;
      }
    }, 'must be a date from the Meiji era on whose era year fits two digits'),
    sex: z.enum(['1', '2', '0', '9']),
    myNumber: digits(CREDENTIAL.MY_NUMBER_DIGITS).refine(
      isValidMyNumber,
      'check digit does not match',
    ),
  }),
  card: z.strictObject({
    expiryDate: isoDate,
    securityCode: digits(CREDENTIAL.SECURITY_CODE_DIGITS),
    municipalityCode: digits(5),
    serial: z.string().regex(/^[0-9A-F]{16}$/, 'must be 16 upper-case hex digits'),
  }),
  credentials: z.strictObject({
    textPin: digits(CREDENTIAL.PIN_DIGITS),
    jpkiAuthPin: digits(CREDENTIAL.PIN_DIGITS),
    jpkiSignPassword: z
      .string()
      .regex(/^[A-Z0-9]{6,16}$/, 'must be 6-16 of A-Z and 0-9')
      .regex(/[A-Z]/, 'must hold a letter')
      .regex(/[0-9]/, 'must hold a digit'),
    jukiPin: digits(CREDENTIAL.PIN_DIGITS),
    /** Tries left at power-up per key; 0 = blocked. Default: the key's maximum. */
    tries: z
      .strictObject({
        textPin: tries(CREDENTIAL.PIN_TRIES),
        textCodeA: tries(CREDENTIAL.CODE_TRIES),
        textCodeB: tries(CREDENTIAL.CODE_TRIES),
        surfaceBirthDate: tries(CREDENTIAL.CODE_TRIES),
        surfaceCodeA: tries(CREDENTIAL.CODE_TRIES),
        surfaceCodeB: tries(CREDENTIAL.CODE_TRIES),
        jpkiAuthPin: tries(CREDENTIAL.PIN_TRIES),
        jpkiSignPassword: tries(CREDENTIAL.SIGN_PASSWORD_TRIES),
        jukiPin: tries(CREDENTIAL.PIN_TRIES),
      })
      .optional(),
  }),
  images: z
    .strictObject({
      faceJp2: base64.optional(),
      namePng: base64.optional(),
      addressPng: base64.optional(),
      securityCodePng: base64.optional(),
    })
    .optional(),
  keys: z
    .strictObject({
      text: z.strictObject({ apKey: pem, apCvCertificate: base64, signingKey: pem }),
      surface: z.strictObject({ apKey: pem, apCvCertificate: base64, cardKey: pem }),
      jpki: z.strictObject({
        authKey: pem,
        authCertificate: base64,
        authCaCertificate: base64,
        signKey: pem,
        signCertificate: base64,
        signCaCertificate: base64,
      }),
    })
    .optional(),
});

export type MyNumberProfileJson = z.input<typeof profileSchema>;
type ProfileData = z.output<typeof profileSchema>;

export type MyNumberHolder = ProfileData['holder'];
export type MyNumberCardData = ProfileData['card'];
export interface MyNumberCredentials {
  readonly textPin: string;
  readonly jpkiAuthPin: string;
  readonly jpkiSignPassword: string;
  readonly jukiPin: string;
  /** Tries left at power-up per key (absent: the maximum; 0: blocked). */
  readonly tries: { readonly [K in CredentialName]?: number | undefined };
}

export interface MyNumberKeys {
  readonly text: {
    readonly apKey: KeyObject;
    readonly apCvCertificate: Uint8Array;
    readonly signingKey: KeyObject;
  };
  readonly surface: {
    readonly apKey: KeyObject;
    readonly apCvCertificate: Uint8Array;
    readonly cardKey: KeyObject;
  };
  readonly jpki: {
    readonly authKey: KeyObject;
    readonly authCertificate: Uint8Array;
    readonly authCaCertificate: Uint8Array;
    readonly signKey: KeyObject;
    readonly signCertificate: Uint8Array;
    readonly signCaCertificate: Uint8Array;
  };
}

export interface MyNumberProfile {
  readonly description: string;
  readonly holder: MyNumberHolder;
  readonly card: MyNumberCardData;
  readonly credentials: MyNumberCredentials;
  readonly images: CardFaceImages;
  readonly keys: MyNumberKeys;
}

export interface LoadProfileOptions {
  /** Where missing `keys` and `images` come from; default: the default profile. */
  readonly base?: MyNumberProfile;
}

/** PNG signature (ISO/IEC 15948 §5.2) and JP2 signature box (ISO/IEC 15444-1 §I.5.1). */
const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const RSA_BITS = 2048;
const MAX_ISSUES = 20;

interface Issue {
  readonly path: string;
  readonly message: string;
}

function invalid(issues: readonly Issue[]): ReaderError {
  const shown = issues.slice(0, MAX_ISSUES);
  const text = shown.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new ReaderError('reader/profile-invalid', `My Number profile is invalid: ${text}`, {
    details: { issues: shown },
  });
}

const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));

/** Decodes and cross-checks key material, collecting issues by path. */
function decodeKeys(
  json: NonNullable<ProfileData['keys']>,
  issues: Issue[],
): MyNumberKeys | undefined {
  const key = (path: string, text: string): KeyObject | undefined => {
    try {
      const k = createPrivateKey(text);
      if (rsaComponents(k).n.length * 8 !== RSA_BITS)
        issues.push({ path, message: 'must be an RSA-2048 key' });
      return k;
    } catch {
      issues.push({ path, message: 'is not a readable RSA private key' });
      return undefined;
    }
  };
  const cv = (
    path: string,
    text: string,
    certified: KeyObject | undefined,
    keyPath: string,
  ): Uint8Array => {
    const der = bytes(text);
    try {
      if (certified && !cvCertifies(der, certified))
        issues.push({ path, message: `does not certify ${keyPath}` });
    } catch {
      issues.push({ path, message: 'is not a 7F21 CV certificate' });
    }
    return der;
  };
  const x509 = (
    path: string,
    text: string,
    privateKey?: KeyObject,
    keyPath?: string,
  ): Uint8Array => {
    const der = bytes(text);
    try {
      const cert = new X509Certificate(der);
      if (privateKey && !cert.checkPrivateKey(privateKey))
        issues.push({ path, message: `does not certify ${keyPath ?? ''}` });
    } catch {
      issues.push({ path, message: 'is not a DER X.509 certificate' });
    }
    return der;
  };
  const textAp = key('keys.text.apKey', json.text.apKey);
  const signing = key('keys.text.signingKey', json.text.signingKey);
  const surfaceAp = key('keys.surface.apKey', json.surface.apKey);
  const cardKey = key('keys.surface.cardKey', json.surface.cardKey);
  const auth = key('keys.jpki.authKey', json.jpki.authKey);
  const sign = key('keys.jpki.signKey', json.jpki.signKey);
  const textCv = cv(
    'keys.text.apCvCertificate',
    json.text.apCvCertificate,
    textAp,
    'keys.text.apKey',
  );
  const surfaceCv = cv(
    'keys.surface.apCvCertificate',
    json.surface.apCvCertificate,
    surfaceAp,
    'keys.surface.apKey',
  );
  const jpki = {
    authCertificate: x509(
      'keys.jpki.authCertificate',
      json.jpki.authCertificate,
      auth,
      'keys.jpki.authKey',
    ),
    authCaCertificate: x509('keys.jpki.authCaCertificate', json.jpki.authCaCertificate),
    signCertificate: x509(
      'keys.jpki.signCertificate',
      json.jpki.signCertificate,
      sign,
      'keys.jpki.signKey',
    ),
    signCaCertificate: x509('keys.jpki.signCaCertificate', json.jpki.signCaCertificate),
  };
  if (!textAp || !signing || !surfaceAp || !cardKey || !auth || !sign) return undefined;
  return {
    text: { apKey: textAp, apCvCertificate: textCv, signingKey: signing },
    surface: { apKey: surfaceAp, apCvCertificate: surfaceCv, cardKey },
    jpki: { authKey: auth, signKey: sign, ...jpki },
  };
}

function decodeImages(
  json: ProfileData['images'],
  base: CardFaceImages | undefined,
  issues: Issue[],
): CardFaceImages | undefined {
  const one = (name: keyof CardFaceImages, signature: Uint8Array): Uint8Array | undefined => {
    const text = json?.[name];
    if (text === undefined) {
      if (!base)
        issues.push({ path: `images.${name}`, message: 'is missing and there is no base profile' });
      return base?.[name];
    }
    const data = bytes(text);
    if (!startsWith(data, signature)) {
      issues.push({
        path: `images.${name}`,
        message: signature === PNG_SIGNATURE ? 'is not a PNG' : 'is not a JP2 file',
      });
    }
    return data;
  };
  const faceJp2 = one('faceJp2', JP2_SIGNATURE);
  const namePng = one('namePng', PNG_SIGNATURE);
  const addressPng = one('addressPng', PNG_SIGNATURE);
  const securityCodePng = one('securityCodePng', PNG_SIGNATURE);
  if (!faceJp2 || !namePng || !addressPng || !securityCodePng) return undefined;
  return { faceJp2, namePng, addressPng, securityCodePng };
}

/** `base` is asked for only when the profile leaves keys or images out. */
function load(json: unknown, base: () => MyNumberProfile | undefined): MyNumberProfile {
  const parsed = profileSchema.safeParse(json);
  if (!parsed.success) {
    throw invalid(
      parsed.error.issues.map((i) => ({
        path: i.path.map(String).join('.') || '(root)',
        message: i.message,
      })),
    );
  }
  const data = parsed.data;
  const issues: Issue[] = [];
  if (data.card.expiryDate <= data.holder.birthDate) {
    issues.push({ path: 'card.expiryDate', message: 'must be after holder.birthDate' });
  }
  const images = data.images ?? {};
  const needsBase = !data.keys || Object.keys(images).length < 4;
  const inherited = needsBase ? base() : undefined;
  if (!data.keys && !inherited)
    issues.push({ path: 'keys', message: 'is missing and there is no base profile' });
  const keys = data.keys ? decodeKeys(data.keys, issues) : inherited?.keys;
  const decodedImages = decodeImages(images, inherited?.images, issues);
  if (issues.length > 0 || !keys || !decodedImages) throw invalid(issues);
  const { tries = {}, ...secrets } = data.credentials;
  return {
    description: data.description ?? '',
    holder: data.holder,
    card: data.card,
    credentials: { ...secrets, tries },
    images: decodedImages,
    keys,
  };
}

/**
 * Validates a profile (parsed JSON) and decodes its keys and images. Throws only
 * `ReaderError('reader/profile-invalid')`, with `details.issues` = [{ path, message }].
 */
export function loadMyNumberProfile(
  json: unknown,
  options: LoadProfileOptions = {},
): MyNumberProfile {
  try {
    return load(json, () => options.base ?? defaultMyNumberProfile());
  } catch (error) {
    if (error instanceof ReaderError && error.code === 'reader/profile-invalid') throw error;
    // Something the checks above did not foresee; its message may quote the input, so drop it.
    throw new ReaderError(
      'reader/profile-invalid',
      'My Number profile is invalid: it could not be decoded',
    );
  }
}

/**
 * The default simulated card: the synthetic holder of the card-protocols.md test vector
 * (reader/sim/profiles/mynumber-default.json, made by scripts/gen-fixtures.ts).
 */
export function defaultMyNumberProfile(): MyNumberProfile {
  return load(defaultProfileJson, () => undefined);
}

/** A synthetic holder born in 1948, living in 前橋市, with keys of its own. */
export function seniorMyNumberProfile(): MyNumberProfile {
  return load(seniorProfileJson, () => undefined);
}
