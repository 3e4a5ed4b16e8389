import { constants as cryptoConstants, privateEncrypt, type KeyObject } from 'node:crypto';
import type { CommandApdu } from '../apdu/command.ts';
import { SW, SW1_WRONG_LE } from '../apdu/status.ts';
import { eraYymmdd, verificationCodeB } from '../mynumber/code-b.ts';
import {
  AID,
  ATR,
  CLA,
  COMMON_SFI,
  CREDENTIAL,
  CV,
  INS,
  JPKI_EF,
  JUKI_EF,
  SIGN_P1P2,
  SURFACE_EF,
  TEXT_EF,
} from '../mynumber/constants.ts';
import type { SimulatedCard } from './card.ts';
import {
  ALWAYS,
  anyOf,
  IsoCard,
  type CardResponse,
  type DfSpec,
  type EfSpec,
  type IsoCardView,
  type RandomSource,
} from './iso-fs.ts';
import { buildJpkiToken, buildTextApFiles, type TextApFiles } from './mynumber-files.ts';
import type { CredentialName, MyNumberProfile } from './mynumber-profile.ts';
import { buildSurfaceApFiles, type SurfaceApFiles } from './mynumber-surface-files.ts';

/**
 * A stateful My Number Card built from a profile: the five applications with their EFs, key
 * EFs and access rules (card-protocols.md; anchors.md A.4), on the generic ISO model of
 * iso-fs.ts, plus the card's `80 2A` command:
 * - `80 2A 00 80 Lc <DigestInfo> 00` signs with the selected JPKI private key EF: 0017 needs
 *   the auth PIN (0018) verified, 001A the signing password (001B). No key EF selected: 6986;
 *   credential not verified: 6982.
 * - `80 2A 00 00 Lc <DigestInfo> 00` is the card-present challenge, answered with no credential
 *   by the text AP's own DF51 key (and, in the surface AP, by the card key of DF24).
 * The signature is PKCS#1 v1.5 type 1 over the data as given (the card does not parse the
 * DigestInfo), 256 bytes; Le must be 256 (00), else 6C00.
 */

export interface MyNumberCardSimOptions {
  /** GET CHALLENGE bytes; inject a seeded source for deterministic tests. */
  readonly random?: RandomSource;
}

export interface MyNumberCardFiles {
  readonly text: TextApFiles;
  readonly surface: SurfaceApFiles;
  readonly jpki: {
    readonly authCertificate: Uint8Array;
    readonly authCaCertificate: Uint8Array;
    readonly signCertificate: Uint8Array;
    readonly signCaCertificate: Uint8Array;
    readonly token: Uint8Array;
  };
  readonly commonRecord: Uint8Array;
}

/** Where each credential's key EF is. */
const KEY_EF: Readonly<Record<CredentialName, { readonly aid: Uint8Array; readonly fid: number }>> =
  {
    textPin: { aid: AID.TEXT, fid: TEXT_EF.PIN },
    textCodeA: { aid: AID.TEXT, fid: TEXT_EF.CODE_A },
    textCodeB: { aid: AID.TEXT, fid: TEXT_EF.CODE_B },
    surfaceBirthDate: { aid: AID.SURFACE, fid: SURFACE_EF.BIRTH_DATE_KEY },
    surfaceCodeA: { aid: AID.SURFACE, fid: SURFACE_EF.CODE_A },
    surfaceCodeB: { aid: AID.SURFACE, fid: SURFACE_EF.CODE_B },
    jpkiAuthPin: { aid: AID.JPKI, fid: JPKI_EF.AUTH_PIN },
    jpkiSignPassword: { aid: AID.JPKI, fid: JPKI_EF.SIGN_PIN },
    jukiPin: { aid: AID.JUKI, fid: JUKI_EF.PIN },
  };

/** PKCS#1 v1.5 type 1 needs 11 bytes of padding in the 256-byte block (RFC 8017 §9.2). */
const MAX_SIGN_INPUT = CV.MODULUS_LENGTH - 11;
/** 6C00: resend with Le 256 (ISO 7816-4 §5.6, SW1 6C with SW2 00 = 256). */
const SW_RESEND_LE_256 = SW1_WRONG_LE << 8;
/** The common AP's record EF: its FID is undocumented (simulator's choice); it is read by SFI. */
const COMMON_RECORD_FID = 0x0001;

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

export class MyNumberCardSim implements SimulatedCard {
  readonly kind = 'mynumber' as const;
  readonly atr: Uint8Array = ATR.slice();
  readonly profile: MyNumberProfile;
  /** The files as built from the profile (what READ BINARY returns), for tests and tooling. */
  readonly files: MyNumberCardFiles;
  private readonly card: IsoCard;
  private readonly privateKeyEfs = new Map<EfSpec, KeyObject>();
  private readonly cardPresentKeys = new Map<DfSpec, KeyObject>();

  constructor(profile: MyNumberProfile, options: MyNumberCardSimOptions = {}) {
    this.profile = profile;
    const { holder, card, credentials, keys, images } = profile;
    this.files = {
      text: buildTextApFiles(holder, keys.text),
      surface: buildSurfaceApFiles({ ...holder, ...card }, images, keys.surface),
      jpki: {
        authCertificate: keys.jpki.authCertificate.slice(),
        authCaCertificate: keys.jpki.authCaCertificate.slice(),
        signCertificate: keys.jpki.signCertificate.slice(),
        signCaCertificate: keys.jpki.signCaCertificate.slice(),
        token: buildJpkiToken(),
      },
      commonRecord: ascii(card.serial),
    };
    const codeA = ascii(holder.myNumber);
    const codeB = ascii(
      verificationCodeB(holder.birthDate, Number(card.expiryDate.slice(0, 4)), card.securityCode),
    );
    const tries = credentials.tries;
    const key = (name: CredentialName, secret: Uint8Array, maxTries: number): EfSpec => {
      const start = tries[name];
      return {
        kind: 'key',
        fid: KEY_EF[name].fid,
        secret,
        maxTries,
        ...(start === undefined ? {} : { tries: start }),
      };
    };
    const f = this.files;

    const jpkiAuthKey: EfSpec = {
      kind: 'internal',
      fid: JPKI_EF.AUTH_KEY,
      use: anyOf(JPKI_EF.AUTH_PIN),
    };
    const jpkiSignKey: EfSpec = {
      kind: 'internal',
      fid: JPKI_EF.SIGN_KEY,
      use: anyOf(JPKI_EF.SIGN_PIN),
    };
    const jpki: DfSpec = {
      aid: AID.JPKI,
      efs: [
        {
          kind: 'transparent',
          fid: JPKI_EF.SIGN_CERTIFICATE,
          content: f.jpki.signCertificate,
          read: anyOf(JPKI_EF.SIGN_PIN),
        },
        {
          kind: 'transparent',
          fid: JPKI_EF.SIGN_CA_CERTIFICATE,
          content: f.jpki.signCaCertificate,
          read: ALWAYS,
        },
        { kind: 'transparent', fid: JPKI_EF.TOKEN, content: f.jpki.token, read: ALWAYS },
        {
          kind: 'transparent',
          fid: JPKI_EF.AUTH_CERTIFICATE,
          content: f.jpki.authCertificate,
          read: ALWAYS,
        },
        {
          kind: 'transparent',
          fid: JPKI_EF.AUTH_CA_CERTIFICATE,
          content: f.jpki.authCaCertificate,
          read: ALWAYS,
        },
        jpkiAuthKey,
        key('jpkiAuthPin', ascii(credentials.jpkiAuthPin), CREDENTIAL.PIN_TRIES),
        jpkiSignKey,
        key(
          'jpkiSignPassword',
          ascii(credentials.jpkiSignPassword),
          CREDENTIAL.SIGN_PASSWORD_TRIES,
        ),
      ],
    };
    // Text AP: 0001 ← PIN or A; 0002 ← PIN or B; 0003, 0007 ← PIN or either; 0004, 0005 free
    // (card-protocols.md "Text AP files"; myna-card "only the PIN opens both").
    const { PIN, CODE_A, CODE_B } = TEXT_EF;
    const text: DfSpec = {
      aid: AID.TEXT,
      efs: [
        {
          kind: 'transparent',
          fid: TEXT_EF.MY_NUMBER,
          content: f.text.myNumber,
          read: anyOf(PIN, CODE_A),
        },
        {
          kind: 'transparent',
          fid: TEXT_EF.BASIC_FOUR,
          content: f.text.basicFour,
          read: anyOf(PIN, CODE_B),
        },
        {
          kind: 'transparent',
          fid: TEXT_EF.INTEGRITY,
          content: f.text.integrity,
          read: anyOf(PIN, CODE_A, CODE_B),
        },
        {
          kind: 'transparent',
          fid: TEXT_EF.CV_CERTIFICATE,
          content: f.text.cvCertificate,
          read: ALWAYS,
        },
        { kind: 'transparent', fid: TEXT_EF.AP_INFO, content: f.text.apInfo, read: ALWAYS },
        {
          kind: 'transparent',
          fid: TEXT_EF.SIGNING_KEY,
          content: f.text.signingKey,
          read: anyOf(PIN, CODE_A, CODE_B),
        },
        key('textPin', ascii(credentials.textPin), CREDENTIAL.PIN_TRIES),
        key('textCodeA', codeA, CREDENTIAL.CODE_TRIES),
        key('textCodeB', codeB, CREDENTIAL.CODE_TRIES),
      ],
    };
    // Surface AP: 0001 ← birth-date key; 0002 ← either 照合番号; 0005 ← A only (anchors.md A.4).
    const s = SURFACE_EF;
    const surface: DfSpec = {
      aid: AID.SURFACE,
      efs: [
        { kind: 'transparent', fid: s.AGE, content: f.surface.age, read: anyOf(s.BIRTH_DATE_KEY) },
        {
          kind: 'transparent',
          fid: s.CARD_FACE,
          content: f.surface.cardFace,
          read: anyOf(s.CODE_B, s.CODE_A),
        },
        { kind: 'transparent', fid: s.AP_INFO, content: f.surface.apInfo, read: ALWAYS },
        {
          kind: 'transparent',
          fid: s.CV_CERTIFICATE,
          content: f.surface.cvCertificate,
          read: ALWAYS,
        },
        {
          kind: 'transparent',
          fid: s.MY_NUMBER_IMAGE,
          content: f.surface.myNumberImage,
          read: anyOf(s.CODE_A),
        },
        key('surfaceBirthDate', ascii(eraYymmdd(holder.birthDate)), CREDENTIAL.CODE_TRIES),
        key('surfaceCodeB', codeB, CREDENTIAL.CODE_TRIES),
        key('surfaceCodeA', codeA, CREDENTIAL.CODE_TRIES),
      ],
    };
    const juki: DfSpec = {
      aid: AID.JUKI,
      efs: [key('jukiPin', ascii(credentials.jukiPin), CREDENTIAL.PIN_TRIES)],
    };
    const common: DfSpec = {
      aid: AID.COMMON,
      efs: [
        {
          kind: 'record',
          fid: COMMON_RECORD_FID,
          sfi: COMMON_SFI,
          records: [f.commonRecord],
          read: ALWAYS,
        },
      ],
    };

    this.privateKeyEfs.set(jpkiAuthKey, keys.jpki.authKey);
    this.privateKeyEfs.set(jpkiSignKey, keys.jpki.signKey);
    this.cardPresentKeys.set(text, keys.text.signingKey);
    this.cardPresentKeys.set(surface, keys.surface.cardKey);
    this.card = new IsoCard([jpki, text, surface, juki, common], {
      ...(options.random ? { random: options.random } : {}),
      handlers: [
        { cla: CLA.PROPRIETARY, ins: INS.SIGN, handle: (cmd, view) => this.sign(cmd, view) },
      ],
    });
  }

  reset(): void {
    this.card.reset();
  }

  process(command: Uint8Array): Uint8Array {
    return this.card.process(command);
  }

  /** Tries left on a credential's key EF (0 = blocked); survives reset, as on the card. */
  triesLeft(name: CredentialName): number {
    const ref = KEY_EF[name];
    return this.card.triesLeft(ref.aid, ref.fid) ?? 0;
  }

  private sign(cmd: CommandApdu, view: IsoCardView): CardResponse {
    const p1p2 = (cmd.p1 << 8) | cmd.p2;
    if (p1p2 !== SIGN_P1P2.SELECTED_KEY && p1p2 !== SIGN_P1P2.CARD_PRESENT)
      return { sw: SW.WRONG_P1P2 };
    const data = cmd.data;
    if (!data || data.length > MAX_SIGN_INPUT || cmd.le === undefined)
      return { sw: SW.WRONG_LENGTH };
    const df = view.currentDf;
    if (!df) return { sw: SW.NO_CURRENT_EF };
    let key: KeyObject | undefined;
    if (p1p2 === SIGN_P1P2.SELECTED_KEY) {
      const ef = view.currentEf;
      key = ef ? this.privateKeyEfs.get(ef) : undefined;
      if (!ef || !key || ef.kind !== 'internal') return { sw: SW.NO_CURRENT_EF };
      if (!view.isSatisfied(ef.use)) return { sw: SW.SECURITY_NOT_SATISFIED };
    } else {
      key = this.cardPresentKeys.get(df);
      if (!key) return { sw: SW.WRONG_P1P2 };
    }
    if (cmd.le !== CV.MODULUS_LENGTH) return { sw: SW_RESEND_LE_256 };
    const signature = privateEncrypt({ key, padding: cryptoConstants.RSA_PKCS1_PADDING }, data);
    return { data: new Uint8Array(signature), sw: SW.OK };
  }
}
