import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../shared/bytes.ts';
import { encodeResponse } from '../reader/apdu/response.ts';
import { ReaderError } from '../reader/errors.ts';
import type { SimulatedCard } from '../reader/sim/card.ts';
import { createSimulatedCard } from '../reader/sim/factory.ts';
import { CardChannel } from '../reader/transport/channel.ts';
import { CARD_SEQUENCES, type CardSequence } from '../scripts/lib/card-sequences.ts';
import { startPcscStack, type PcscStack } from './support/pcsc.ts';

// Faults through the real stack (pcscd + vpcd + pcsclite): a card pulled at every step of a
// read, and cards that answer garbage. Each must end in a typed error, never a crash or hang,
// and the reader must work again afterwards.
let stack: PcscStack;
beforeAll(async () => {
  stack = await startPcscStack();
});
afterAll(async () => {
  await stack?.dispose();
});

const byName = (name: string) =>
  CARD_SEQUENCES.find((s) => s.name === name) as CardSequence<unknown>;

async function countCommands(sequence: CardSequence<unknown>): Promise<number> {
  const { directTransport } = await import('../reader/sim/direct.ts');
  let n = 0;
  const inner = directTransport(createSimulatedCard(sequence.card));
  await sequence.run(
    new CardChannel({ ...inner, transmit: (c, o) => ((n += 1), inner.transmit(c, o)) }),
  );
  return n;
}

describe.each(['mynumber-text-basic-four', 'felica-history-part3'])(
  '%s with the card pulled',
  (name) => {
    it('at every step: card-removed each time, and the reader recovers', async () => {
      const sequence = byName(name);
      const steps = await countCommands(sequence);
      expect(steps).toBeGreaterThan(5);
      for (let step = 1; step <= steps; step += 1) {
        const reader = await stack.insert(0, createSimulatedCard(sequence.card));
        const mark = stack.mark();
        const channel = new CardChannel(
          await stack.hub.connect(reader, { exchangeTimeoutMs: 5000 }),
        );
        stack.slot(0).slot.pullOn(step);
        const outcome = await sequence.run(channel).then(
          () => 'completed',
          (error: unknown) =>
            error instanceof ReaderError ? error.code : `untyped: ${String(error)}`,
        );
        expect(outcome, `pulled at command ${step} of ${steps}`).toBe('reader/card-removed');
        await channel.close();
        await stack.since(mark, (e) => e.type === 'card-removed' && e.reader === reader);
      }
      // and a full read works afterwards
      const reader = await stack.insert(0, createSimulatedCard(sequence.card));
      const channel = new CardChannel(await stack.hub.connect(reader));
      await expect(sequence.run(channel)).resolves.toBeDefined();
      await channel.close();
      await stack.remove(0);
    }, 120_000);
  },
);

/** A card that answers every command with fixed bytes. */
function garbageCard(answer: Uint8Array): SimulatedCard {
  return {
    kind: 'unknown',
    atr: fromHex('3b 80 80 01 01'),
    reset: () => undefined,
    process: () => answer,
  };
}

describe('cards that answer garbage', () => {
  it.each([
    ['a 1-byte response', fromHex('90'), 'reader/malformed-response'],
    ['an unknown status word', encodeResponse(new Uint8Array(0), 0x1234), 'reader/status-word'],
    ['a GET RESPONSE chain that never ends', fromHex('6101'), 'reader/malformed-response'],
    ['6Cxx twice', fromHex('6c05'), 'reader/malformed-response'],
  ])('%s is a typed error', async (_label, answer, code) => {
    const reader = await stack.insert(1, garbageCard(answer));
    const channel = new CardChannel(await stack.hub.connect(reader, { exchangeTimeoutMs: 5000 }));
    const error = await channel
      .send({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 16 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReaderError);
    expect((error as ReaderError).code).toBe(code);
    await channel.close();
    await stack.remove(1);
  });
});
