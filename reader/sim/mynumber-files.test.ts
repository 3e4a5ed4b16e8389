import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesEqual, concatBytes, fromHex, readU16be, toHex } from '../../shared/bytes.ts';
import { CV, SURFACE_TAG, TEXT_TAG } from '../mynumber/constants.ts';
import { children, parseTlv, requireTag } from '../tlv/ber.ts';
import { decodeRsaPublicKey, parseCvCertificate, sha256 } from '../mynumber/cv-certificate.ts';
import { encodeRsaPublicKey } from './cv-cert.ts';
import {
  basicFourDigestSource,
  buildBasicFourFile,
  buildJpkiToken,
  buildMyNumberFile,
  buildTextApFiles,
} from './mynumber-files.ts';
import {
  defaultMyNumberProfile,
  seniorMyNumberProfile,
  type MyNumberProfile,
} from './mynumber-profile.ts';
import { buildSurfaceApFiles, cardFaceSignedMessageOf } from './mynumber-surface-files.ts';
import simCvCaKeys from './profiles/sim-cv-ca-keys.json' with { type: 'json' };

/** card-protocols.md "Basic four, EF 0002", test vector of a JPKI test card. */
const BASIC_FOUR_VECTOR =
  'ff2065df2108000e002000590064df220fe9bb92e6a190e38080e5b9b9e4b99fdf2336e69db1e4baace983bde6b885e7' +
  '80ace5b882e8a6b3e5b883e5ad90e58d97efbc91efbc92efbc8defbc97efbc8defbc92efbc90efbc92df240831393830' +
  '30323137df250131';

const VECTOR_HOLDER = {
  name: '黒桐　幹也',
  address: '東京都清瀬市観布子南１２－７－２０２',
  birthDate: '1980-02-17',
  sex: '1',
};

/**
 * The card's TLVs, including its non-minimal tags FF10 and DF11..DF13, which
 * reader/tlv/ber.ts `parseTlvHeader` refuses ("second tag byte 10 is not allowed"): a list of
 * { tag, raw, value } for a buffer of consecutive TLVs with 1- or 2-byte tags.
 */
function cardTlvs(bytes: Uint8Array): { tag: number; raw: Uint8Array; value: Uint8Array }[] {
  const out: { tag: number; raw: Uint8Array; value: Uint8Array }[] = [];
  for (let at = 0; at < bytes.length;) {
    const start = at;
    let tag = bytes[at++] as number;
    if ((tag & 0x1f) === 0x1f) tag = (tag << 8) | (bytes[at++] as number);
    let length = bytes[at++] as number;
    if (length > 0x80) {
      const n = length & 0x7f;
      length = 0;
      for (let i = 0; i < n; i += 1) length = length * 256 + (bytes[at++] as number);
    }
    out.push({
      tag,
      raw: bytes.subarray(start, at + length),
      value: bytes.subarray(at, at + length),
    });
    at += length;
  }
  return out;
}

const pkcs1 = (data: Uint8Array, key: KeyObject, signature: Uint8Array): boolean =>
  verify('sha256', data, key, signature);

function simCaKey(name: string): { keyId: Uint8Array; key: KeyObject } {
  const entry = simCvCaKeys.keys.find((k) => k.name === name);
  if (!entry) throw new Error(`no CA ${name}`);
  const b64url = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');
  return {
    keyId: fromHex(entry.keyId),
    key: createPublicKey({
      key: { kty: 'RSA', n: b64url(entry.modulus), e: b64url(entry.exponent) },
      format: 'jwk',
    }),
  };
}

describe('text AP builders', () => {
  it('reproduce the basic-four test vector byte for byte', () => {
    expect(toHex(buildBasicFourFile(VECTOR_HOLDER))).toBe(BASIC_FOUR_VECTOR);
  });

  it('write offsets that point at DF22..DF25, also when the record needs a long length', () => {
    const long = { ...VECTOR_HOLDER, address: '東京都'.repeat(30) };
    for (const holder of [VECTOR_HOLDER, long]) {
      const file = buildBasicFourFile(holder);
      const outer = parseTlv(file);
      const [table, ...fields] = children(outer);
      expect(table?.tag).toBe(TEXT_TAG.OFFSETS);
      fields.forEach((f, i) => {
        expect(readU16be(table?.value ?? new Uint8Array(0), i * 2)).toBe(
          outer.headerLength + f.offset,
        );
      });
    }
  });

  it('write the My Number file as FF 10 0C + 12 ASCII digits, then filler', () => {
    const file = buildMyNumberFile('537686677188');
    expect(toHex(file.subarray(0, 15))).toBe(
      'ff100c' + toHex(new TextEncoder().encode('537686677188')),
    );
    expect(file.length).toBe(15 + 0x10);
    expect(cardTlvs(file.subarray(0, 15))[0]?.tag).toBe(TEXT_TAG.MY_NUMBER);
  });

  it('pad the JPKI token to 0x20 bytes', () => {
    const token = buildJpkiToken();
    expect(token.length).toBe(0x20);
    expect(new TextDecoder().decode(token).trimEnd()).toBe('JPKIAPICCTOKEN2');
  });
});

describe.each([
  ['default', defaultMyNumberProfile],
  ['senior', seniorMyNumberProfile],
])('the %s profile', (_name, load: () => MyNumberProfile) => {
  const profile = load();
  const text = buildTextApFiles(profile.holder, profile.keys.text);
  const surface = buildSurfaceApFiles(
    { ...profile.holder, ...profile.card },
    profile.images,
    profile.keys.surface,
  );

  it('has CV certificates that verify with the simulator CA keys (sim-cv-ca-keys.json)', () => {
    for (const [file, caName] of [
      [text.cvCertificate, '6999933'],
      [surface.cvCertificate, '6999923'],
    ] as const) {
      const cert = parseCvCertificate(file);
      const ca = simCaKey(caName);
      expect(bytesEqual(cert.issuerKeyId, ca.keyId)).toBe(true);
      expect(cert.body.length).toBe(CV.BODY_LENGTH);
      expect(file.length).toBe(568); // what jpki/myna Go reads from EF 0004
      expect(pkcs1(cert.body, ca.key, cert.signature)).toBe(true);
    }
  });

  it('has an integrity record whose DF33 verifies under EF 0004 and whose digests match', () => {
    const record = parseTlv(text.integrity);
    expect(record.tag).toBe(TEXT_TAG.INTEGRITY);
    expect(text.integrity.length).toBe(336);
    const parts = children(record);
    const df31 = requireTag(parts, TEXT_TAG.MY_NUMBER_DIGEST);
    const df32 = requireTag(parts, TEXT_TAG.BASIC_FOUR_DIGEST);
    const df33 = requireTag(parts, TEXT_TAG.INTEGRITY_SIGNATURE);
    // DF31: the whole EF 0001, filler included; DF32: EF 0002 from DF22, offset table skipped.
    expect(toHex(df31.value)).toBe(toHex(sha256(text.myNumber)));
    expect(toHex(df31.value)).not.toBe(toHex(sha256(text.myNumber.subarray(0, 15))));
    const fromDf22 = text.basicFour.subarray(readU16be(text.basicFour, 6));
    expect(toHex(df32.value)).toBe(toHex(sha256(fromDf22)));
    expect(toHex(basicFourDigestSource(text.basicFour))).toBe(toHex(fromDf22));
    const apKey = parseCvCertificate(text.cvCertificate).publicKey;
    const signed = text.integrity.subarray(
      df31.offset + record.headerLength,
      df33.offset + record.headerLength,
    );
    expect(pkcs1(signed, apKey, df33.value)).toBe(true);
  });

  it('has a DF52 that verifies the DF51 key under EF 0004', () => {
    const parts = children(parseTlv(text.signingKey));
    const df51 = requireTag(parts, TEXT_TAG.SIGNING_PUBLIC_KEY);
    const df52 = requireTag(parts, TEXT_TAG.SIGNING_KEY_SIGNATURE);
    const apKey = parseCvCertificate(text.cvCertificate).publicKey;
    expect(pkcs1(df51.raw, apKey, df52.value)).toBe(true);
    expect(toHex(df51.value)).toBe(toHex(encodeRsaPublicKey(profile.keys.text.signingKey)));
  });

  it('has AP info naming the certified key', () => {
    const keyId = requireTag(children(parseTlv(text.apInfo)), TEXT_TAG.AP_INFO_KEY_ID).value;
    expect(toHex(keyId)).toBe(toHex(parseCvCertificate(text.cvCertificate).subjectKeyId));
  });

  it('has a card face with offsets, a DF28 by the surface AP key, and DF29/DF2A after it', () => {
    const outer = parseTlv(surface.cardFace);
    const [table, ...objects] = children(outer);
    expect(objects.map((o) => o.tag)).toEqual([
      SURFACE_TAG.BIRTH_DATE,
      SURFACE_TAG.SEX,
      SURFACE_TAG.CARD_KEY,
      SURFACE_TAG.NAME_IMAGE,
      SURFACE_TAG.ADDRESS_IMAGE,
      SURFACE_TAG.PHOTO,
      SURFACE_TAG.SIGNATURE,
      SURFACE_TAG.EXPIRY_DATE,
      SURFACE_TAG.SECURITY_CODE_IMAGE,
    ]);
    objects.forEach((o, i) =>
      expect(readU16be(table?.value ?? new Uint8Array(0), i * 2)).toBe(
        outer.headerLength + o.offset,
      ),
    );
    const apKey = parseCvCertificate(surface.cvCertificate).publicKey;
    const signature = requireTag(objects, SURFACE_TAG.SIGNATURE).value;
    expect(pkcs1(cardFaceSignedMessageOf(surface.cardFace), apKey, signature)).toBe(true);
    const photo = requireTag(objects, SURFACE_TAG.PHOTO).value;
    expect(toHex(photo.subarray(0, 12))).toBe('0000000c6a5020200d0a870a'); // JP2 signature box
    const birth = new TextDecoder().decode(requireTag(objects, SURFACE_TAG.BIRTH_DATE).value);
    expect(birth).toBe(profile.holder.birthDate.replaceAll('-', ''));
    const key = decodeRsaPublicKey(requireTag(objects, SURFACE_TAG.CARD_KEY).value);
    expect(toHex(encodeRsaPublicKey(key))).toBe(
      toHex(encodeRsaPublicKey(profile.keys.surface.cardKey)),
    );
  });

  it('has an age record and a My Number image signed by the surface AP key, and DF34', () => {
    const apKey = parseCvCertificate(surface.cvCertificate).publicKey;
    for (const [file, sigTag] of [
      [surface.age, SURFACE_TAG.AGE_SIGNATURE],
      [surface.myNumberImage, SURFACE_TAG.MY_NUMBER_IMAGE_SIGNATURE],
    ] as const) {
      const outer = cardTlvs(file);
      const [a, b, sig] = cardTlvs(outer[0]?.value ?? new Uint8Array(0));
      expect(sig?.tag).toBe(sigTag);
      const none = new Uint8Array(0);
      expect(pkcs1(concatBytes(a?.raw ?? none, b?.raw ?? none), apKey, sig?.value ?? none)).toBe(
        true,
      );
    }
    const code = requireTag(
      children(parseTlv(surface.apInfo)),
      SURFACE_TAG.MUNICIPALITY_CODE,
    ).value;
    expect(new TextDecoder().decode(code)).toBe(profile.card.municipalityCode);
  });
});

describe('profiles as generated', () => {
  it('give the default holder the test-vector data and the senior one a 前橋市 address', () => {
    const d = defaultMyNumberProfile();
    expect(toHex(buildBasicFourFile(d.holder))).toBe(BASIC_FOUR_VECTOR);
    expect(d.holder.myNumber).toBe('537686677188');
    const s = seniorMyNumberProfile();
    expect(s.holder.birthDate.startsWith('1948')).toBe(true);
    expect(s.holder.address).toContain('前橋市');
    expect(encodeRsaPublicKey(s.keys.text.apKey)).not.toEqual(
      encodeRsaPublicKey(d.keys.text.apKey),
    );
  });
});
