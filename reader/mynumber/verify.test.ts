import { sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../shared/bytes.ts';
import { defaultMyNumberProfile } from '../sim/mynumber-profile.ts';
import { MyNumberCardSim } from '../sim/mynumber-card.ts';
import { encodeTlv, parseTlv, children } from '../tlv/ber.ts';
import { parseBasicFour } from './basic-four.ts';
import { loadCaKeySet } from './ca-keys.ts';
import { TEXT_TAG } from './constants.ts';
import { sha256, sha256DigestInfo } from './cv-certificate.ts';
import { SIM_CA_KEYS } from './test-support.ts';
import { verifyTextAp, type TextApEvidence, type VerifyOptions } from './verify.ts';

// Tampering, one change at a time: each gives its own distinct result.
const profile = defaultMyNumberProfile();
const files = new MyNumberCardSim(profile).files.text;
const OPTIONS: VerifyOptions = { caKeys: SIM_CA_KEYS, acceptTestCards: true };
const challenge = new Uint8Array(32).fill(7);
const challengeSignature = new Uint8Array(sign('sha256', challenge, profile.keys.text.signingKey));

function evidence(over: Partial<TextApEvidence> & { basicFour?: Uint8Array } = {}): TextApEvidence {
  const basicFour = over.basicFour ?? files.basicFour;
  return {
    cvCertificate: over.cvCertificate ?? files.cvCertificate,
    integrity: over.integrity ?? files.integrity,
    basicFourDigestSource: parseBasicFour(basicFour).digestSource,
    myNumberFile: over.myNumberFile ?? files.myNumber,
    presence: over.presence ?? {
      signingKey: files.signingKey,
      challenge,
      signature: challengeSignature,
    },
  };
}

const flip = (bytes: Uint8Array, at: number): Uint8Array => {
  const copy = bytes.slice();
  copy[at] = (copy[at] as number) ^ 0x01;
  return copy;
};

describe('verifyTextAp', () => {
  it('the genuine files with a fresh answer pass every check', () => {
    expect(verifyTextAp(evidence(), OPTIONS)).toEqual({
      certificate: 'valid',
      integrity: 'valid',
      presence: 'proven',
      reasons: [],
      caKeyName: '6999933',
    });
  });

  it('a bit flipped in the name: the basic-four digest disagrees', () => {
    const insideName = 0x0e + 3 + 1; // DF22 sits at 0x0E (the DF21 table), its value 3 bytes on
    const v = verifyTextAp(evidence({ basicFour: flip(files.basicFour, insideName) }), OPTIONS);
    expect(v).toMatchObject({ certificate: 'valid', integrity: 'invalid', presence: 'proven' });
    expect(v.reasons).toEqual(['integrity-basic-four-digest']);
  });

  it('a bit flipped in the integrity signature', () => {
    const v = verifyTextAp(
      evidence({ integrity: flip(files.integrity, files.integrity.length - 10) }),
      OPTIONS,
    );
    expect(v.reasons).toEqual(['integrity-signature']);
    expect(v.integrity).toBe('invalid');
  });

  it('a bit flipped in the CV certificate signature', () => {
    const v = verifyTextAp(
      evidence({ cvCertificate: flip(files.cvCertificate, files.cvCertificate.length - 5) }),
      OPTIONS,
    );
    expect(v).toMatchObject({ certificate: 'invalid', integrity: 'valid', presence: 'proven' });
    expect(v.reasons).toEqual(['certificate-signature']);
  });

  it('a bit flipped in the certified key breaks everything that key vouches for', () => {
    const v = verifyTextAp(evidence({ cvCertificate: flip(files.cvCertificate, 100) }), OPTIONS);
    expect(v.reasons).toEqual([
      'certificate-signature',
      'integrity-signature',
      'presence-key-signature',
    ]);
  });

  it('signed digests that disagree with the My Number file as stored (filler included)', () => {
    const v = verifyTextAp(
      evidence({ myNumberFile: flip(files.myNumber, files.myNumber.length - 1) }),
      OPTIONS,
    );
    expect(v.reasons).toEqual(['integrity-my-number-digest']);
  });

  it('a correctly signed record whose DF32 is not this data', () => {
    const record = children(parseTlv(files.integrity));
    const df31 = record.find((t) => t.tag === TEXT_TAG.MY_NUMBER_DIGEST)?.raw as Uint8Array;
    const df32 = encodeTlv(TEXT_TAG.BASIC_FOUR_DIGEST, sha256(new Uint8Array([1, 2, 3])));
    const sig = new Uint8Array(sign('sha256', concatBytes(df31, df32), profile.keys.text.apKey));
    const forged = encodeTlv(
      TEXT_TAG.INTEGRITY,
      concatBytes(df31, df32, encodeTlv(TEXT_TAG.INTEGRITY_SIGNATURE, sig)),
    );
    const v = verifyTextAp(evidence({ integrity: forged }), OPTIONS);
    expect(v.reasons).toEqual(['integrity-basic-four-digest']);
  });

  it('an unknown CA is "unknown-ca", not "invalid"', () => {
    const other = loadCaKeySet({
      keys: [
        {
          name: '5000033',
          keyId: '35303030303333080530303100000000',
          hierarchy: 'production',
          exponent: '010001',
          modulus: 'd2'.repeat(256),
        },
      ],
    });
    const v = verifyTextAp(evidence(), { caKeys: other });
    expect(v).toMatchObject({ certificate: 'unknown-ca', integrity: 'valid', presence: 'proven' });
    expect(v.reasons).toEqual(['certificate-unknown-ca']);
  });

  it('an answer to another challenge fails presence (a copy of the files does not pass)', () => {
    const v = verifyTextAp(
      evidence({
        presence: {
          signingKey: files.signingKey,
          challenge: new Uint8Array(32),
          signature: challengeSignature,
        },
      }),
      OPTIONS,
    );
    expect(v).toMatchObject({ certificate: 'valid', integrity: 'valid', presence: 'failed' });
    expect(v.reasons).toEqual(['presence-signature']);
  });

  it('malformed files are malformed, each in its own check', () => {
    expect(
      verifyTextAp(evidence({ cvCertificate: new Uint8Array([0x7f, 0x21, 0x00]) }), OPTIONS)
        .reasons,
    ).toEqual(['certificate-malformed', 'integrity-malformed', 'presence-key-signature']);
    expect(
      verifyTextAp(evidence({ integrity: new Uint8Array([0xff, 0x30, 0x00]) }), OPTIONS).reasons,
    ).toEqual(['integrity-malformed']);
    expect(
      verifyTextAp(
        evidence({
          presence: {
            signingKey: new Uint8Array([1, 2]),
            challenge,
            signature: challengeSignature,
          },
        }),
        OPTIONS,
      ).reasons,
    ).toEqual(['presence-malformed']);
  });

  it('without a challenge, presence is not-checked', () => {
    const { presence: _omit, ...rest } = evidence();
    expect(verifyTextAp(rest, OPTIONS).presence).toBe('not-checked');
    expect(sha256DigestInfo(challenge)).toHaveLength(51);
  });
});
