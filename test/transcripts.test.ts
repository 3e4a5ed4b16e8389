import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../shared/bytes.ts';
import { AID, TEXT_EF } from '../reader/mynumber/constants.ts';
import { selectByAid, selectEf } from '../reader/iso7816/commands.ts';
import { readTlvFile } from '../reader/iso7816/read-file.ts';
import { directTransport } from '../reader/sim/direct.ts';
import { createSimulatedCard } from '../reader/sim/factory.ts';
import { CardChannel } from '../reader/transport/channel.ts';
import { ReplayTransport } from '../reader/transport/replay.ts';
import { parseTranscript } from '../reader/transport/transcript.ts';
import { CARD_SEQUENCES, type CardSequence } from '../scripts/lib/card-sequences.ts';
import { TRANSCRIPT_DIR, recordTranscript } from '../scripts/record-transcripts.ts';

// Transcript tests: the reader sequences for FeliCa and the My Number Card are replayed from
// recorded `=> / <=` transcripts (test/fixtures/apdu), and the simulators must still answer
// exactly what was recorded. Regenerate with `npx tsx scripts/record-transcripts.ts`.
const BASIC_FOUR_VECTOR =
  'ff2065df2108000e002000590064df220fe9bb92e6a190e38080e5b9b9e4b99fdf2336e69db1e4baace983bde6b885e7' +
  '80ace5b882e8a6b3e5b883e5ad90e58d97efbc91efbc92efbc8defbc97efbc8defbc92efbc90efbc92df240831393830' +
  '30323137df250131';

const load = (name: string) => readFileSync(join(TRANSCRIPT_DIR, `${name}.apdu`), 'utf8');

async function replay<T>(sequence: CardSequence<T>): Promise<T> {
  const transport = new ReplayTransport(parseTranscript(load(sequence.name)), sequence.name);
  const result = await sequence.run(new CardChannel(transport));
  transport.assertFinished();
  return result;
}

async function live<T>(sequence: CardSequence<T>): Promise<T> {
  return sequence.run(new CardChannel(directTransport(createSimulatedCard(sequence.card))));
}

describe.each(CARD_SEQUENCES.map((s) => [s.name, s] as const))(
  'transcript %s',
  (_name, sequence) => {
    it('the simulator still answers exactly as recorded', async () => {
      expect(await recordTranscript(sequence as CardSequence<unknown>)).toBe(load(sequence.name));
    });

    it('replays to the same result as the live simulator', async () => {
      const s = sequence as CardSequence<unknown>;
      expect(await replay(s)).toEqual(await live(s));
    });
  },
);

describe('what the replayed sequences read', () => {
  const byName = Object.fromEntries(CARD_SEQUENCES.map((s) => [s.name, s]));

  it('FeliCa: both reader styles give the same five history entries, newest first', async () => {
    const part3 = await replay(byName['felica-history-part3'] as (typeof CARD_SEQUENCES)[0]);
    const acs = await replay(byName['felica-history-acs'] as (typeof CARD_SEQUENCES)[1]);
    expect(part3.identity).toMatchObject({ kind: 'felica', idm: '012e4cd8a1b2c3d4' });
    expect(acs.history).toEqual(part3.history);
    expect(part3.history).toHaveLength(5);
    expect(part3.history[0]?.balance).toBe(1520);
    expect(part3.history.filter((h) => /bus fare/.test(h.labels.en))).toHaveLength(2);
  });

  it('My Number: identified by SELECT, auth certificate chains to the simulated JPKI root', async () => {
    const read = await replay(byName['mynumber-auth-certificate'] as (typeof CARD_SEQUENCES)[2]);
    expect(read.identity.kind).toBe('my-number');
    const cert = new X509Certificate(fromHex(read.certificate));
    const root = new X509Certificate(
      readFileSync('reader/sim/profiles/sim-jpki-roots/auth_ca_sim.pem'),
    );
    expect(cert.verify(root.publicKey)).toBe(true);
  });

  it('My Number: the basic four of the default card is the card-protocols.md test vector', async () => {
    const read = await replay(byName['mynumber-text-basic-four'] as (typeof CARD_SEQUENCES)[3]);
    expect(read).toEqual({ triesBefore: 3, basicFour: BASIC_FOUR_VECTOR });
  });

  it('My Number: wrong PINs count down to a block that even the right PIN cannot lift', async () => {
    const read = await replay(byName['mynumber-text-wrong-pin'] as (typeof CARD_SEQUENCES)[4]);
    expect(read.answers).toEqual(['63c2', '63c1', '63c0', '6984']);
  });

  it('a sequence that deviates fails on the transcript line it broke', async () => {
    const transport = new ReplayTransport(parseTranscript(load('mynumber-text-basic-four')));
    const channel = new CardChannel(transport);
    await channel.send(selectByAid(AID.TEXT));
    // skips the PIN: selects EF 0002 where the transcript has EF 0011
    await expect(channel.send(selectEf(TEXT_EF.BASIC_FOUR))).rejects.toMatchObject({
      code: 'reader/replay-mismatch',
      details: { line: 7 },
    });
    await expect(readTlvFile(channel)).rejects.toMatchObject({ code: 'reader/replay-mismatch' });
  });
});
