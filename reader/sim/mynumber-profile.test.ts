import { verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../shared/errors.ts';
import { TEXT_TAG } from '../mynumber/constants.ts';
import { ReaderError } from '../errors.ts';
import { children, parseTlv, requireTag } from '../tlv/ber.ts';
import { parseCvCertificate } from '../mynumber/cv-certificate.ts';
import { MyNumberCardSim } from './mynumber-card.ts';
import {
  defaultMyNumberProfile,
  loadMyNumberProfile,
  type MyNumberProfileJson,
} from './mynumber-profile.ts';
import defaultJson from './profiles/mynumber-default.json' with { type: 'json' };
import seniorJson from './profiles/mynumber-senior.json' with { type: 'json' };

/** A custom holder with no keys or images of its own. */
const CUSTOM: MyNumberProfileJson = {
  holder: {
    name: '架空　花子',
    address: '北海道札幌市架空区１－２－３',
    birthDate: '2019-05-01',
    sex: '2',
    myNumber: '123456789018',
  },
  card: {
    expiryDate: '2029-05-01',
    securityCode: '0420',
    municipalityCode: '01100',
    serial: '0000000000000001',
  },
  credentials: {
    textPin: '4321',
    jpkiAuthPin: '4321',
    jpkiSignPassword: 'ABC123',
    jukiPin: '4321',
    tries: { textPin: 1 },
  },
};

const clone = <T>(value: T): T => structuredClone(value);

function issuesOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    expect(hasErrorCode(error, 'reader/profile-invalid')).toBe(true);
    return (error as ReaderError).details['issues'] as { path: string; message: string }[];
  }
  throw new Error('expected reader/profile-invalid');
}

describe('loadMyNumberProfile', () => {
  it('loads the generated profiles', () => {
    expect(loadMyNumberProfile(defaultJson).holder.myNumber).toBe('537686677188');
    expect(loadMyNumberProfile(seniorJson).holder.birthDate).toBe('1948-05-03');
  });

  it('lets a custom profile inherit keys and images, and re-signs EF 0003 for its holder', () => {
    const profile = loadMyNumberProfile(CUSTOM);
    const base = defaultMyNumberProfile();
    expect(profile.images.faceJp2).toEqual(base.images.faceJp2);
    expect(profile.credentials.tries.textPin).toBe(1);
    const card = new MyNumberCardSim(profile);
    expect(new TextDecoder().decode(card.files.text.basicFour)).toContain('架空　花子');
    const record = parseTlv(card.files.text.integrity);
    const parts = children(record);
    const df31 = requireTag(parts, TEXT_TAG.MY_NUMBER_DIGEST);
    const df33 = requireTag(parts, TEXT_TAG.INTEGRITY_SIGNATURE);
    const signed = card.files.text.integrity.subarray(
      record.headerLength,
      record.headerLength + df33.offset,
    );
    expect(signed.length).toBe(df31.raw.length * 2);
    expect(
      verify(
        'sha256',
        signed,
        parseCvCertificate(card.files.text.cvCertificate).publicKey,
        df33.value,
      ),
    ).toBe(true);
  });

  it('uses a given base profile for what is left out', () => {
    const senior = loadMyNumberProfile(seniorJson);
    const profile = loadMyNumberProfile(
      { ...CUSTOM, images: { namePng: seniorJson.images.namePng } },
      { base: senior },
    );
    expect(profile.keys).toBe(senior.keys);
    expect(profile.images.faceJp2).toBe(senior.images.faceJp2);
  });

  it('names the path and rule of each problem, never the value', () => {
    const bad = clone(CUSTOM) as Record<string, unknown> & typeof CUSTOM;
    const secret = {
      holder: {
        ...bad.holder,
        myNumber: '123456789010',
        birthDate: '1980-13-01',
        sex: '3',
        nickname: 'x',
      },
      card: { ...bad.card, securityCode: '98765' },
      credentials: {
        ...bad.credentials,
        textPin: '98a7',
        jpkiSignPassword: 'ONLYLETTERS',
        tries: { textPin: 4 },
      },
    };
    let message = '';
    try {
      loadMyNumberProfile({ ...bad, ...secret });
    } catch (error) {
      expect(error).toBeInstanceOf(ReaderError);
      message = (error as Error).message;
    }
    const issues = issuesOf(() => loadMyNumberProfile({ ...bad, ...secret }));
    expect(issues.map((i) => i.path).sort()).toEqual([
      'card.securityCode',
      'credentials.jpkiSignPassword',
      'credentials.textPin',
      'credentials.tries.textPin',
      'holder',
      'holder.birthDate',
      'holder.myNumber',
      'holder.sex',
    ]);
    for (const value of ['123456789010', '1980-13-01', '98765', '98a7', 'ONLYLETTERS', '架空']) {
      expect(message).not.toContain(value);
    }
  });

  it('refuses keys that do not match their certificates, and images of the wrong format', () => {
    const json = clone(defaultJson);
    json.keys.text.apCvCertificate = seniorJson.keys.text.apCvCertificate;
    json.keys.jpki.authCertificate = seniorJson.keys.jpki.authCertificate;
    json.images.faceJp2 = json.images.namePng;
    expect(issuesOf(() => loadMyNumberProfile(json))).toEqual([
      { path: 'keys.text.apCvCertificate', message: 'does not certify keys.text.apKey' },
      { path: 'keys.jpki.authCertificate', message: 'does not certify keys.jpki.authKey' },
      { path: 'images.faceJp2', message: 'is not a JP2 file' },
    ]);
    const broken = clone(defaultJson);
    broken.keys.surface.cardKey = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n';
    expect(issuesOf(() => loadMyNumberProfile(broken))).toEqual([
      { path: 'keys.surface.cardKey', message: 'is not a readable RSA private key' },
    ]);
  });

  it('refuses an expiry before the birth date and a birth date before Meiji', () => {
    const json = clone(CUSTOM);
    json.card.expiryDate = '2019-04-30';
    expect(issuesOf(() => loadMyNumberProfile(json)).map((i) => i.path)).toEqual([
      'card.expiryDate',
    ]);
    json.holder.birthDate = '1868-01-01';
    expect(issuesOf(() => loadMyNumberProfile(json)).map((i) => i.path)).toEqual([
      'holder.birthDate',
    ]);
  });

  it('throws nothing but reader/profile-invalid on arbitrary JSON', () => {
    const check = (json: unknown): void => {
      try {
        loadMyNumberProfile(json);
      } catch (error) {
        if (!hasErrorCode(error, 'reader/profile-invalid')) throw error;
      }
    };
    fc.assert(fc.property(fc.jsonValue(), check), { numRuns: 300 });
    // Mutations of a valid profile reach the deeper checks.
    const leaves = [
      'holder.name',
      'holder.birthDate',
      'card.expiryDate',
      'credentials.textPin',
      'credentials.tries',
      'images',
      'keys',
    ];
    fc.assert(
      fc.property(fc.constantFrom(...leaves), fc.jsonValue(), (path, value) => {
        const json = clone(CUSTOM) as unknown as Record<string, Record<string, unknown>>;
        const [head, tail] = path.split('.') as [string, string | undefined];
        if (tail === undefined) json[head] = value as Record<string, unknown>;
        else (json[head] ??= {})[tail] = value;
        check(json);
      }),
      { numRuns: 200 },
    );
  });
});
