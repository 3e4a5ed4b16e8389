// Records the APDU transcripts in test/fixtures/apdu/ from the card simulators:
//   npx tsx scripts/record-transcripts.ts [--check]
// With --check, records into memory and exits 1 when a committed transcript differs (the tests
// do the same). Transcripts are generated, never edited by hand.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createSimulatedCard } from '../reader/sim/factory.ts';
import { directTransport } from '../reader/sim/direct.ts';
import { RecordingTransport } from '../reader/transport/recorder.ts';
import { CardChannel } from '../reader/transport/channel.ts';
import { CARD_SEQUENCES, type CardSequence } from './lib/card-sequences.ts';

export const TRANSCRIPT_DIR = join(import.meta.dirname, '..', 'test', 'fixtures', 'apdu');

export async function recordTranscript(sequence: CardSequence<unknown>): Promise<string> {
  const card = createSimulatedCard(sequence.card);
  const recorder = new RecordingTransport(directTransport(card, `simulator:${sequence.card}`), {
    keepFlagged: true, // the simulator's IDm is made up; a real card's would be masked
  });
  await sequence.run(new CardChannel(recorder));
  return recorder.transcript([
    `${sequence.name}: ${sequence.description}`,
    `recorded from the ${sequence.card} simulator (default profile) by scripts/record-transcripts.ts; do not edit`,
    ...(sequence.pin
      ? ["VERIFY data is masked (xx); the simulated card's PIN is in scripts/lib/card-sequences.ts"]
      : []),
  ]);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const check = process.argv.includes('--check');
  mkdirSync(TRANSCRIPT_DIR, { recursive: true });
  let stale = 0;
  for (const sequence of CARD_SEQUENCES) {
    const text = await recordTranscript(sequence);
    const file = join(TRANSCRIPT_DIR, `${sequence.name}.apdu`);
    if (check) {
      let committed: string;
      try {
        committed = readFileSync(file, 'utf8');
      } catch {
        committed = '';
      }
      if (committed !== text) {
        stale += 1;
        console.error(`stale: ${file}`);
      }
    } else {
      writeFileSync(file, text);
      console.log(
        `wrote ${file} (${text.split('\n').filter((l) => l.startsWith('=>')).length} exchanges)`,
      );
    }
  }
  process.exit(stale > 0 ? 1 : 0);
}
