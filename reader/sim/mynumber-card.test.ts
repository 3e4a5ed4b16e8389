import { randomBytes, verify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, toHex, u16be } from '../../shared/bytes.ts';
import type { CommandApdu } from '../apdu/command.ts';
import { CardChannel } from '../transport/channel.ts';
import { AID, COMMON_SFI, JPKI_EF, SURFACE_EF, TEXT_EF, TEXT_TAG } from '../mynumber/constants.ts';
import { children, parseTlv, requireTag, tlvTotalLength } from '../tlv/ber.ts';
import { decodeRsaPublicKey, sha256DigestInfo } from '../mynumber/cv-certificate.ts';
import { directTransport } from './direct.ts';
import { MyNumberCardSim } from './mynumber-card.ts';
import { defaultMyNumberProfile, type MyNumberProfile } from './mynumber-profile.ts';

const PROFILE = defaultMyNumberProfile();
const CODE_A = '537686677188';
const CODE_B = '55021720352285';
const ERA_BIRTH_DATE = '550217';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const selectDf = (aid: Uint8Array): CommandApdu => ({
  cla: 0x00,
  ins: 0xa4,
  p1: 0x04,
  p2: 0x0c,
  data: aid,
});
const selectEf = (fid: number): CommandApdu => ({
  cla: 0x00,
  ins: 0xa4,
  p1: 0x02,
  p2: 0x0c,
  data: u16be(fid),
});
const readBinary = (offset: number, le: number): CommandApdu => ({
  cla: 0x00,
  ins: 0xb0,
  p1: offset >> 8,
  p2: offset & 0xff,
  le,
});
const verifyKey = (secret?: string): CommandApdu => ({
  cla: 0x00,
  ins: 0x20,
  p1: 0x00,
  p2: 0x80,
  ...(secret === undefined ? {} : { data: ascii(secret), secret: true }),
});
const sign = (p2: number, data: Uint8Array): CommandApdu => ({
  cla: 0x80,
  ins: 0x2a,
  p1: 0x00,
  p2,
  data,
  le: 256,
});

function open(profile: MyNumberProfile = PROFILE): { card: MyNumberCardSim; ch: CardChannel } {
  const card = new MyNumberCardSim(profile);
  return { card, ch: new CardChannel(directTransport(card)) };
}

/** The status word of a command, whatever it is. */
async function sw(ch: CardChannel, cmd: CommandApdu): Promise<string> {
  const r = await ch.send(cmd, { accept: [() => true] });
  return r.sw.toString(16).toUpperCase();
}

/** Selects an EF and reads it whole in 256-byte chunks, until 6282 or 6B00 (the physical file). */
async function readAll(ch: CardChannel, fid: number): Promise<Uint8Array> {
  await ch.send(selectEf(fid));
  const parts: Uint8Array[] = [];
  for (let offset = 0; ; offset += 256) {
    const r = await ch.send(readBinary(offset, 256), { accept: [0x9000, 0x6282, 0x6b00] });
    parts.push(r.data);
    if (r.sw !== 0x9000) return concatBytes(...parts);
  }
}

/** jpki/myna's way for a TLV file: 7 bytes, the length from the BER header, then the rest. */
async function readTlvFile(ch: CardChannel, fid: number): Promise<Uint8Array> {
  await ch.send(selectEf(fid));
  const head = (await ch.send(readBinary(0, 7))).data;
  const total = tlvTotalLength(head);
  const parts = [head];
  for (let offset = head.length; offset < total; offset += 256) {
    parts.push((await ch.send(readBinary(offset, Math.min(256, total - offset)))).data);
  }
  return concatBytes(...parts);
}

describe('MyNumberCardSim: applications', () => {
  it('selects each application by full AID and by prefix; 6A82 for an unknown AID', async () => {
    const { card, ch } = open();
    for (const aid of Object.values(AID)) expect(await sw(ch, selectDf(aid))).toBe('9000');
    expect(await sw(ch, selectDf(AID.TEXT.subarray(0, 9)))).toBe('9000'); // D3921000310001010 4: text comes first
    expect(toHex(await readAll(ch, TEXT_EF.CV_CERTIFICATE))).toBe(
      toHex(card.files.text.cvCertificate),
    );
    expect(
      await sw(
        ch,
        selectDf(Uint8Array.of(0xd3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x09)),
      ),
    ).toBe('6A82');
    expect(await sw(ch, selectDf(Uint8Array.of(0xa0, 0x00, 0x00, 0x00, 0x03)))).toBe('6A82');
  });

  it('reassembles text EF 0002, surface EF 0002 and JPKI EF 000A from 256-byte reads', async () => {
    const { card, ch } = open();
    await ch.send(selectDf(AID.JPKI));
    const auth = await readAll(ch, JPKI_EF.AUTH_CERTIFICATE);
    expect(auth.length).toBeGreaterThan(256);
    expect(toHex(auth)).toBe(toHex(card.files.jpki.authCertificate));
    expect(toHex(await readTlvFile(ch, JPKI_EF.AUTH_CERTIFICATE))).toBe(toHex(auth));

    await ch.send(selectDf(AID.TEXT));
    await ch.send(selectEf(TEXT_EF.PIN));
    await ch.send(verifyKey('1234'));
    expect(toHex(await readTlvFile(ch, TEXT_EF.BASIC_FOUR))).toBe(toHex(card.files.text.basicFour));
    // EF 0001 is larger than its TLV: a physical read returns the filler with 6282.
    expect(toHex(await readAll(ch, TEXT_EF.MY_NUMBER))).toBe(toHex(card.files.text.myNumber));

    await ch.send(selectDf(AID.SURFACE));
    await ch.send(selectEf(SURFACE_EF.CODE_B));
    await ch.send(verifyKey(CODE_B));
    const face = await readTlvFile(ch, SURFACE_EF.CARD_FACE);
    expect(face.length).toBeGreaterThan(512);
    expect(toHex(face)).toBe(toHex(card.files.surface.cardFace));
  });

  it('refuses protected EFs with 6982 until a credential is verified', async () => {
    const { ch } = open();
    const protectedEfs: [Uint8Array, number[]][] = [
      [AID.TEXT, [TEXT_EF.MY_NUMBER, TEXT_EF.BASIC_FOUR, TEXT_EF.INTEGRITY, TEXT_EF.SIGNING_KEY]],
      [AID.SURFACE, [SURFACE_EF.AGE, SURFACE_EF.CARD_FACE, SURFACE_EF.MY_NUMBER_IMAGE]],
      [AID.JPKI, [JPKI_EF.SIGN_CERTIFICATE]],
    ];
    for (const [aid, fids] of protectedEfs) {
      await ch.send(selectDf(aid));
      for (const fid of fids) {
        await ch.send(selectEf(fid));
        expect(await sw(ch, readBinary(0, 7)), fid.toString(16)).toBe('6982');
      }
    }
    const free: [Uint8Array, number[]][] = [
      [AID.TEXT, [TEXT_EF.CV_CERTIFICATE, TEXT_EF.AP_INFO]],
      [AID.SURFACE, [SURFACE_EF.AP_INFO, SURFACE_EF.CV_CERTIFICATE]],
      [
        AID.JPKI,
        [
          JPKI_EF.SIGN_CA_CERTIFICATE,
          JPKI_EF.TOKEN,
          JPKI_EF.AUTH_CERTIFICATE,
          JPKI_EF.AUTH_CA_CERTIFICATE,
        ],
      ],
    ];
    for (const [aid, fids] of free) {
      await ch.send(selectDf(aid));
      for (const fid of fids) {
        await ch.send(selectEf(fid));
        expect(await sw(ch, readBinary(0, 7)), fid.toString(16)).toBe('9000');
      }
    }
    await ch.send(selectEf(JPKI_EF.AUTH_KEY));
    expect(await sw(ch, readBinary(0, 7))).toBe('6981'); // private keys are never read
  });

  it('holds a 住基 PIN and nothing readable; the common AP answers READ RECORD(1, SFI 1)', async () => {
    const { card, ch } = open();
    await ch.send(selectDf(AID.JUKI));
    expect(await sw(ch, selectEf(0x0001))).toBe('6A82');
    await ch.send(selectEf(0x0011));
    expect(await sw(ch, verifyKey())).toBe('63C3');
    expect(await sw(ch, verifyKey('1234'))).toBe('9000');
    await ch.send(selectDf(AID.COMMON));
    const r = await ch.send({ cla: 0, ins: 0xb2, p1: 1, p2: (COMMON_SFI << 3) | 4, le: 256 });
    expect(toHex(r.data)).toBe(toHex(card.files.commonRecord));
  });
});

describe('MyNumberCardSim: credentials', () => {
  it('reports tries without spending one; 63C2, 63C1, 63C0, then 6984 for every VERIFY', async () => {
    const { card, ch } = open();
    await ch.send(selectDf(AID.TEXT));
    await ch.send(selectEf(TEXT_EF.PIN));
    expect(await sw(ch, verifyKey())).toBe('63C3');
    expect(await sw(ch, verifyKey())).toBe('63C3');
    expect(card.triesLeft('textPin')).toBe(3);
    expect(await sw(ch, verifyKey('0000'))).toBe('63C2');
    expect(await sw(ch, verifyKey('0000'))).toBe('63C1');
    expect(await sw(ch, verifyKey('0000'))).toBe('63C0');
    expect(await sw(ch, verifyKey())).toBe('6984');
    expect(await sw(ch, verifyKey('1234'))).toBe('6984');
    expect(await sw(ch, verifyKey('0000'))).toBe('6984');
    expect(card.triesLeft('textPin')).toBe(0);
    card.reset();
    expect(card.triesLeft('textPin')).toBe(0);
  });

  it('resets the counter on the right PIN', async () => {
    const { card, ch } = open();
    await ch.send(selectDf(AID.TEXT));
    await ch.send(selectEf(TEXT_EF.PIN));
    expect(await sw(ch, verifyKey('9999'))).toBe('63C2');
    expect(await sw(ch, verifyKey('9999'))).toBe('63C1');
    expect(await sw(ch, verifyKey('1234'))).toBe('9000');
    expect(await sw(ch, verifyKey())).toBe('63C3');
    expect(card.triesLeft('textPin')).toBe(3);
  });

  it('reset() clears the verified state but not the counters', async () => {
    const { card, ch } = open();
    await ch.send(selectDf(AID.TEXT));
    await ch.send(selectEf(TEXT_EF.PIN));
    await ch.send(verifyKey('0000'), { accept: [0x63c2] });
    await ch.send(selectEf(TEXT_EF.PIN));
    await ch.send(verifyKey('1234'));
    await ch.send(verifyKey('0000'), { accept: [0x63c2] });
    await ch.send(verifyKey('1234'));
    await ch.send(selectEf(TEXT_EF.BASIC_FOUR));
    expect(await sw(ch, readBinary(0, 7))).toBe('9000');
    await ch.send(selectEf(TEXT_EF.CODE_A));
    await ch.send(verifyKey('000000000000'), { accept: [0x63c9] });
    card.reset();
    await ch.send(selectDf(AID.TEXT));
    await ch.send(selectEf(TEXT_EF.BASIC_FOUR));
    expect(await sw(ch, readBinary(0, 7))).toBe('6982');
    expect(card.triesLeft('textCodeA')).toBe(9);
  });

  it('drops verification when another DF is selected', async () => {
    const { ch } = open();
    await ch.send(selectDf(AID.TEXT));
    await ch.send(selectEf(TEXT_EF.PIN));
    await ch.send(verifyKey('1234'));
    await ch.send(selectDf(AID.JPKI));
    await ch.send(selectDf(AID.TEXT));
    await ch.send(selectEf(TEXT_EF.BASIC_FOUR));
    expect(await sw(ch, readBinary(0, 7))).toBe('6982');
  });

  it('opens text EF 0002 with 照合番号B but not EF 0001, and EF 0001 with 照合番号A but not EF 0002', async () => {
    const cases: [number, string, number[], number[]][] = [
      [
        TEXT_EF.CODE_B,
        CODE_B,
        [TEXT_EF.BASIC_FOUR, TEXT_EF.INTEGRITY, TEXT_EF.SIGNING_KEY],
        [TEXT_EF.MY_NUMBER],
      ],
      [
        TEXT_EF.CODE_A,
        CODE_A,
        [TEXT_EF.MY_NUMBER, TEXT_EF.INTEGRITY, TEXT_EF.SIGNING_KEY],
        [TEXT_EF.BASIC_FOUR],
      ],
      [
        TEXT_EF.PIN,
        '1234',
        [TEXT_EF.MY_NUMBER, TEXT_EF.BASIC_FOUR, TEXT_EF.INTEGRITY, TEXT_EF.SIGNING_KEY],
        [],
      ],
    ];
    for (const [key, secret, opened, closed] of cases) {
      const { ch } = open();
      await ch.send(selectDf(AID.TEXT));
      await ch.send(selectEf(key));
      await ch.send(verifyKey(secret));
      for (const fid of opened) {
        await ch.send(selectEf(fid));
        expect(await sw(ch, readBinary(0, 7)), `${key}→${fid}`).toBe('9000');
      }
      for (const fid of closed) {
        await ch.send(selectEf(fid));
        expect(await sw(ch, readBinary(0, 7)), `${key}→${fid}`).toBe('6982');
      }
    }
  });

  it('opens the surface AP: birth-date key → 0001, B → 0002 not 0005, A → 0002 and 0005', async () => {
    const cases: [number, string, number[], number[]][] = [
      [SURFACE_EF.BIRTH_DATE_KEY, ERA_BIRTH_DATE, [SURFACE_EF.AGE], [SURFACE_EF.CARD_FACE]],
      [
        SURFACE_EF.CODE_B,
        CODE_B,
        [SURFACE_EF.CARD_FACE],
        [SURFACE_EF.MY_NUMBER_IMAGE, SURFACE_EF.AGE],
      ],
      [
        SURFACE_EF.CODE_A,
        CODE_A,
        [SURFACE_EF.CARD_FACE, SURFACE_EF.MY_NUMBER_IMAGE],
        [SURFACE_EF.AGE],
      ],
    ];
    for (const [key, secret, opened, closed] of cases) {
      const { ch } = open();
      await ch.send(selectDf(AID.SURFACE));
      await ch.send(selectEf(key));
      await ch.send(verifyKey(secret));
      for (const fid of opened) {
        await ch.send(selectEf(fid));
        expect(await sw(ch, readBinary(0, 7))).toBe('9000');
      }
      for (const fid of closed) {
        await ch.send(selectEf(fid));
        expect(await sw(ch, readBinary(0, 7))).toBe('6982');
      }
    }
  });

  it('starts with the tries the profile gives: one left, or blocked', async () => {
    const profile: MyNumberProfile = {
      ...PROFILE,
      credentials: { ...PROFILE.credentials, tries: { textPin: 1, jpkiAuthPin: 0 } },
    };
    const { card, ch } = open(profile);
    await ch.send(selectDf(AID.TEXT));
    await ch.send(selectEf(TEXT_EF.PIN));
    expect(await sw(ch, verifyKey())).toBe('63C1');
    await ch.send(selectDf(AID.JPKI));
    await ch.send(selectEf(JPKI_EF.AUTH_PIN));
    expect(await sw(ch, verifyKey())).toBe('6984');
    expect(await sw(ch, verifyKey('1234'))).toBe('6984');
    expect(card.triesLeft('jpkiAuthPin')).toBe(0);
    expect(card.triesLeft('jpkiSignPassword')).toBe(5);
  });
});

describe('MyNumberCardSim: signatures', () => {
  const authRoot = new X509Certificate(
    readFileSync(new URL('./profiles/sim-jpki-roots/auth_ca_sim.pem', import.meta.url)),
  );
  const signRoot = new X509Certificate(
    readFileSync(new URL('./profiles/sim-jpki-roots/sign_ca_sim.pem', import.meta.url)),
  );

  it('signs with the JPKI auth key only after the auth PIN; the signature verifies with EF 000A', async () => {
    const { ch } = open();
    const digestInfo = sha256DigestInfo(ascii('log in to the municipal portal'));
    await ch.send(selectDf(AID.JPKI));
    const cert = new X509Certificate(await readAll(ch, JPKI_EF.AUTH_CERTIFICATE));
    expect(cert.verify(authRoot.publicKey)).toBe(true);
    expect(cert.validFrom).toBe('Jan  1 00:00:00 2025 GMT');
    expect(cert.validTo).toBe('Dec 31 23:59:59 2034 GMT');
    expect(await sw(ch, sign(0x80, digestInfo))).toBe('6986'); // no key EF selected
    await ch.send(selectEf(JPKI_EF.AUTH_KEY));
    expect(await sw(ch, sign(0x80, digestInfo))).toBe('6982');
    await ch.send(selectEf(JPKI_EF.AUTH_PIN));
    await ch.send(verifyKey('1234'));
    await ch.send(selectEf(JPKI_EF.SIGN_KEY));
    expect(await sw(ch, sign(0x80, digestInfo))).toBe('6982'); // the auth PIN does not open the sign key
    await ch.send(selectEf(JPKI_EF.AUTH_KEY));
    const r = await ch.send(sign(0x80, digestInfo));
    expect(r.data.length).toBe(256);
    expect(verify('sha256', ascii('log in to the municipal portal'), cert.publicKey, r.data)).toBe(
      true,
    );
    expect(await sw(ch, sign(0x00, digestInfo))).toBe('6A86'); // no card-present key in the JPKI AP
  });

  it('signs with the JPKI sign key after the signing password, and the sign certificate chains', async () => {
    const { ch } = open();
    await ch.send(selectDf(AID.JPKI));
    await ch.send(selectEf(JPKI_EF.SIGN_PIN));
    expect(await sw(ch, verifyKey())).toBe('63C5');
    await ch.send(verifyKey('KAZASU2026'));
    const cert = new X509Certificate(await readAll(ch, JPKI_EF.SIGN_CERTIFICATE));
    expect(cert.verify(signRoot.publicKey)).toBe(true);
    expect(cert.verify(authRoot.publicKey)).toBe(false);
    await ch.send(selectEf(JPKI_EF.SIGN_KEY));
    const r = await ch.send(sign(0x80, sha256DigestInfo(ascii('申請書'))));
    expect(verify('sha256', ascii('申請書'), cert.publicKey, r.data)).toBe(true);
  });

  it('answers the text AP card-present challenge with the DF51 key, with no credential', async () => {
    const { card, ch } = open();
    await ch.send(selectDf(AID.TEXT));
    const challenge = (await ch.send({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 8 })).data;
    expect(challenge.length).toBe(8);
    const r = await ch.send(sign(0x00, sha256DigestInfo(challenge)));
    const df51 = requireTag(
      children(parseTlv(card.files.text.signingKey)),
      TEXT_TAG.SIGNING_PUBLIC_KEY,
    );
    expect(verify('sha256', challenge, decodeRsaPublicKey(df51.value), r.data)).toBe(true);
    // Le other than 256: 6C00 (the channel would resend with Le 256 on its own).
    const short = concatBytes(
      Uint8Array.of(0x80, 0x2a, 0x00, 0x00, 51),
      sha256DigestInfo(challenge),
      Uint8Array.of(0x80),
    );
    expect(toHex(card.process(short))).toBe('6c00');
    expect(await sw(ch, { ...sign(0x00, new Uint8Array(246)) })).toBe('6700');
    expect(await sw(ch, { ...sign(0x01, sha256DigestInfo(challenge)) })).toBe('6A86');
  });

  it('draws GET CHALLENGE bytes from the injected source', async () => {
    const card = new MyNumberCardSim(PROFILE, { random: (n) => new Uint8Array(n).fill(0xab) });
    const ch = new CardChannel(directTransport(card));
    const r = await ch.send({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 8 });
    expect(toHex(r.data)).toBe('abababababababab');
  });
});

describe('MyNumberCardSim: properties', () => {
  it('process() never throws and answers at least 2 bytes, from any state', () => {
    const card = new MyNumberCardSim(PROFILE, { random: (n) => new Uint8Array(randomBytes(n)) });
    const prefixes = [AID.JPKI, AID.TEXT, AID.SURFACE, AID.JUKI, AID.COMMON].map((aid) =>
      Uint8Array.of(0x00, 0xa4, 0x04, 0x0c, aid.length, ...aid),
    );
    const command = fc.oneof(
      fc.uint8Array({ maxLength: 270 }),
      fc.constantFrom(...prefixes),
      fc
        .tuple(
          fc.constantFrom(0x00, 0x80),
          fc.constantFrom(0xa4, 0xb0, 0xb2, 0x20, 0x84, 0x2a),
          fc.uint8Array({ minLength: 2, maxLength: 260 }),
        )
        .map(([cla, ins, rest]) => Uint8Array.of(cla, ins, ...rest)),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 12 }), (commands) => {
        for (const c of commands) expect(card.process(c).length).toBeGreaterThanOrEqual(2);
      }),
      { numRuns: 400 },
    );
  });
});
