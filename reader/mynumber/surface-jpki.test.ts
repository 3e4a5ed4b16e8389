import type { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkAuthCertificate,
  authSign,
  cardKeyOf,
  readAuthCertificate,
  verifyAuthSignature,
} from './jpki-ap.ts';
import { parseCardFace, readCardFace, readMunicipalityCode } from './surface-ap.ts';
import { loadJpkiRoots } from './trust.ts';
import { SIM_AUTH_ROOT, ascii, simCard } from './test-support.ts';

describe('surface AP (card face)', () => {
  it('reads the municipality code without a credential', async () => {
    const { channel, sent } = simCard();
    expect(await readMunicipalityCode(channel)).toBe('13221');
    expect(sent.filter((h) => h.startsWith('0020'))).toEqual([]);
  });

  it('opens the card face with 照合番号B: photo (JP2), birth date, sex, expiry', async () => {
    const { card, channel } = simCard();
    const face = await readCardFace(channel, ascii('55021720352285'));
    expect(face).toMatchObject({
      birthDate: '1980-02-17',
      sex: 'male',
      expiryDate: '2035-02-17',
      municipalityCode: '13221',
    });
    expect(Buffer.from(face.photo.subarray(4, 8)).toString('latin1')).toBe('jP  ');
    expect(Buffer.from(face.photo).equals(Buffer.from(card.profile.images.faceJp2))).toBe(true);
    expect(Buffer.from(face.nameImage.subarray(1, 4)).toString('latin1')).toBe('PNG');
  });

  it('a wrong 照合番号B is pin-wrong with tries left; a malformed one sends nothing', async () => {
    const { channel } = simCard();
    await expect(readCardFace(channel, ascii('55021720350000'))).rejects.toMatchObject({
      code: 'reader/pin-wrong',
      details: { credential: 'surface-code-b', triesLeft: 9 },
    });
    await expect(readCardFace(channel, ascii('5502172035'))).rejects.toMatchObject({
      code: 'reader/pin-invalid',
    });
  });

  it('refuses a card face whose offsets lie', () => {
    const { card } = simCard();
    const file = card.files.surface.cardFace.slice();
    const good = parseCardFace(file);
    expect(good.sex).toBe('male');
    const badOffsets = file.slice();
    badOffsets[5] = (badOffsets[5] as number) ^ 0x01;
    expect(() => parseCardFace(badOffsets)).toThrowError(
      expect.objectContaining({ code: 'reader/tlv-invalid' }) as Error,
    );
  });
});

describe('JPKI AP', () => {
  it('reads the auth certificate with no PIN and chains it to the (simulated) root', async () => {
    const { channel, sent } = simCard();
    const der = await readAuthCertificate(channel);
    expect(sent.filter((h) => h.startsWith('0020'))).toEqual([]);
    const check = checkAuthCertificate(der, SIM_AUTH_ROOT, new Date('2026-11-22T00:00:00Z'));
    expect(check).toMatchObject({ status: 'valid', serial: cardKeyOf(der) });
    expect(check.notAfter).toBe('2034-12-31T23:59:59.000Z');
  });

  it('checks the validity dates of the certificate', async () => {
    const der = await readAuthCertificate(simCard().channel);
    expect(checkAuthCertificate(der, SIM_AUTH_ROOT, new Date('2024-06-01')).status).toBe(
      'not-yet-valid',
    );
    expect(checkAuthCertificate(der, SIM_AUTH_ROOT, new Date('2035-06-01')).status).toBe('expired');
  });

  it('a simulated card does not chain to the real J-LIS roots; garbage is malformed', async () => {
    const der = await readAuthCertificate(simCard().channel);
    const jlis = loadJpkiRoots();
    expect(jlis.map((r) => r.subject).join()).toContain('JPKI');
    expect(checkAuthCertificate(der, jlis, new Date()).status).toBe('untrusted');
    expect(
      checkAuthCertificate(new Uint8Array([0x30, 0x03, 1, 2, 3]), jlis, new Date()).status,
    ).toBe('malformed');
  });

  it('a J-LIS 2015 root is outside its validity now; the 2023 one is within', () => {
    const jlis = loadJpkiRoots();
    const now = new Date('2026-11-22');
    const valid = jlis.filter((r) => now >= new Date(r.validFrom) && now <= new Date(r.validTo));
    expect(valid.map((r: X509Certificate) => new Date(r.validFrom).getUTCFullYear())).toEqual([
      2023, 2023,
    ]);
  });

  it('signs a login challenge with the auth key after the PIN; the signature verifies', async () => {
    const { channel } = simCard();
    const der = await readAuthCertificate(channel);
    const challenge = ascii('login-challenge-from-the-backend');
    const signature = await authSign(channel, ascii('1234'), challenge);
    expect(verifyAuthSignature(der, challenge, signature)).toBe(true);
    expect(verifyAuthSignature(der, ascii('another'), signature)).toBe(false);
  });

  it('the auth PIN follows the same rules: wrong → tries left, no retry', async () => {
    const { channel } = simCard();
    await expect(authSign(channel, ascii('4321'), ascii('x'))).rejects.toMatchObject({
      code: 'reader/pin-wrong',
      details: { credential: 'jpki-auth-pin', triesLeft: 2 },
    });
  });
});
