import { toHex } from '../../shared/bytes.ts';
import { anyVerifyFailure } from '../../reader/apdu/status.ts';
import { identifyCard, type CardIdentity } from '../../reader/card-kind.ts';
import { createFelicaAccess, type FelicaStyle } from '../../reader/felica/access.ts';
import { readSuicaHistory, type DecodedSuicaHistory } from '../../reader/felica/suica.ts';
import {
  readRecord,
  retriesQuery,
  selectByAid,
  selectEf,
  verify,
} from '../../reader/iso7816/commands.ts';
import { readTlvFile } from '../../reader/iso7816/read-file.ts';
import { AID, COMMON_SFI, JPKI_EF, TEXT_EF } from '../../reader/mynumber/constants.ts';
import type { CardChannel } from '../../reader/transport/channel.ts';

/**
 * The card sequences that transcripts record and that tests replay: what a reader session
 * sends to each kind of card, in order. Recorded from the simulators by
 * scripts/record-transcripts.ts into test/fixtures/apdu/, and replayed by test/transcripts.test.ts.
 */
export interface CardSequence<T> {
  readonly name: string;
  readonly description: string;
  readonly card: 'mynumber' | 'felica';
  /** The PIN of the simulated card, for sequences that VERIFY (the transcript masks it). */
  readonly pin?: string;
  run(channel: CardChannel): Promise<T>;
}

export interface FelicaRead {
  readonly identity: CardIdentity;
  readonly history: readonly DecodedSuicaHistory[];
}

function felicaHistory(style: FelicaStyle): CardSequence<FelicaRead> {
  return {
    name: `felica-history-${style}`,
    description: `identify a FeliCa card, then read its Suica history (${style === 'acs' ? 'ACS pass-through' : 'PC/SC part 3'})`,
    card: 'felica',
    async run(channel) {
      const identity = await identifyCard(channel);
      const history = await readSuicaHistory(createFelicaAccess(channel, style));
      return { identity, history };
    },
  };
}

export interface AuthCertificateRead {
  readonly identity: CardIdentity;
  readonly certificate: string;
  readonly commonRecord: string;
}

const myNumberAuthCertificate: CardSequence<AuthCertificateRead> = {
  name: 'mynumber-auth-certificate',
  description:
    'identify a My Number Card, read the JPKI user-authentication certificate (no PIN) and the common AP record',
  card: 'mynumber',
  async run(channel) {
    const identity = await identifyCard(channel);
    await channel.send(selectByAid(AID.JPKI, 'SELECT JPKI AP'));
    await channel.send(selectEf(JPKI_EF.AUTH_CERTIFICATE, 'SELECT EF auth certificate'));
    const certificate = toHex(await readTlvFile(channel));
    await channel.send(selectByAid(AID.COMMON, 'SELECT common AP'));
    const record = await channel.send(readRecord(1, COMMON_SFI));
    return { identity, certificate, commonRecord: toHex(record.data) };
  },
};

export interface BasicFourRead {
  readonly triesBefore: number;
  readonly basicFour: string;
}

const myNumberBasicFour: CardSequence<BasicFourRead> = {
  name: 'mynumber-text-basic-four',
  description: 'text AP: tries left, VERIFY the PIN (masked), read the basic four (EF 0002)',
  card: 'mynumber',
  pin: '1234',
  async run(channel) {
    await channel.send(selectByAid(AID.TEXT, 'SELECT text AP'));
    await channel.send(selectEf(TEXT_EF.PIN, 'SELECT EF PIN'));
    const tries = await channel.send(retriesQuery(), { accept: [anyVerifyFailure] });
    const pin = new TextEncoder().encode(this.pin ?? '');
    try {
      await channel.send(verify(pin));
    } finally {
      pin.fill(0);
    }
    await channel.send(selectEf(TEXT_EF.BASIC_FOUR, 'SELECT EF basic four'));
    const basicFour = toHex(await readTlvFile(channel));
    return { triesBefore: tries.sw & 0x0f, basicFour };
  },
};

export interface WrongPinRun {
  readonly answers: readonly string[];
}

const myNumberWrongPin: CardSequence<WrongPinRun> = {
  name: 'mynumber-text-wrong-pin',
  description: 'text AP: three wrong PINs block the key; the right PIN then gets 6984 too',
  card: 'mynumber',
  pin: '0000',
  async run(channel) {
    await channel.send(selectByAid(AID.TEXT, 'SELECT text AP'));
    await channel.send(selectEf(TEXT_EF.PIN, 'SELECT EF PIN'));
    const answers: string[] = [];
    for (const attempt of ['0000', '0000', '0000', '1234']) {
      const r = await channel.send(verify(new TextEncoder().encode(attempt)), {
        accept: [() => true],
      });
      answers.push(r.sw.toString(16));
    }
    return { answers };
  },
};

export const CARD_SEQUENCES = [
  felicaHistory('part3'),
  felicaHistory('acs'),
  myNumberAuthCertificate,
  myNumberBasicFour,
  myNumberWrongPin,
] as const;
