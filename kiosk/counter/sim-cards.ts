/**
 * Simulated My Number Cards of the sample household in scripts/backend/fixtures/
 * sample-residents.csv, for the counter demo, tests and the benchmark: 黒桐 幹也 (the default
 * simulator profile), his sister 黒桐 鮮花 on the same register entry, and a reissued card of 幹也
 * (same holder, other card keys: "two cards of one person"). All synthetic.
 */
import { X509Certificate } from 'node:crypto';
import { verificationCodeB } from '../../reader/mynumber/code-b.ts';
import { MyNumberCardSim } from '../../reader/sim/mynumber-card.ts';
import {
  defaultMyNumberProfile,
  loadMyNumberProfile,
  seniorMyNumberProfile,
  type MyNumberProfile,
} from '../../reader/sim/mynumber-profile.ts';

/**
 * The default card's authentication certificate with another serial: the card key of a second,
 * reissued card of the same holder. Only the serial is changed (the signature is not made
 * again), which is all the counter's probe reads; a JPKI chain check of this card fails.
 */
function reissued(base: MyNumberProfile): Uint8Array {
  const der = base.keys.jpki.authCertificate.slice();
  const hex = new X509Certificate(der).serialNumber;
  const serial = Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex');
  const at = Buffer.from(der).indexOf(serial);
  der[at + serial.length - 1] = (der[at + serial.length - 1] as number) ^ 0x01;
  return der;
}

export type SampleHolder = 'mikiya' | 'azaka' | 'mikiya-reissued' | 'kazuko';

function profile(holder: SampleHolder): MyNumberProfile {
  const base = defaultMyNumberProfile();
  switch (holder) {
    case 'mikiya':
      return base;
    case 'kazuko':
      return seniorMyNumberProfile();
    case 'mikiya-reissued':
      return {
        ...base,
        card: { ...base.card, serial: '4B415A4153550004' },
        keys: { ...base.keys, jpki: { ...base.keys.jpki, authCertificate: reissued(base) } },
      };
    case 'azaka':
      return loadMyNumberProfile(
        {
          holder: {
            name: '黒桐　鮮花',
            address: base.holder.address,
            birthDate: '1983-03-03',
            sex: '2',
            myNumber: '830303000022',
          },
          card: {
            expiryDate: '2033-03-03',
            securityCode: '4417',
            municipalityCode: base.card.municipalityCode,
            serial: '4B415A4153550003',
          },
          credentials: {
            textPin: '2468',
            jpkiAuthPin: '2468',
            jpkiSignPassword: 'AZAKA1983',
            jukiPin: '2468',
          },
        },
        { base: seniorMyNumberProfile() },
      );
  }
}

export interface SampleCard {
  readonly card: MyNumberCardSim;
  readonly pin: string;
  /** 照合番号B as printed on the card face (birth date, expiry year, security code). */
  readonly codeB: string;
}

export function sampleCard(
  holder: SampleHolder,
  tries?: { readonly textPin?: number },
): SampleCard {
  const p = profile(holder);
  const withTries: MyNumberProfile = tries
    ? { ...p, credentials: { ...p.credentials, tries: { ...p.credentials.tries, ...tries } } }
    : p;
  return {
    card: new MyNumberCardSim(withTries),
    pin: p.credentials.textPin,
    codeB: verificationCodeB(
      p.holder.birthDate,
      Number(p.card.expiryDate.slice(0, 4)),
      p.card.securityCode,
    ),
  };
}
