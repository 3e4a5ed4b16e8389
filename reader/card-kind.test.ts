import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../shared/bytes.ts';
import { encodeResponse } from './apdu/response.ts';
import { ReaderError } from './errors.ts';
import { identifyCard } from './card-kind.ts';
import type { SimulatedCard } from './sim/card.ts';
import { directTransport } from './sim/direct.ts';
import { FelicaCardSim } from './sim/felica-card.ts';
import { UnknownCardSim } from './sim/unknown-card.ts';
import { CardChannel } from './transport/channel.ts';

const FULL_JPKI_SELECT = '00a4040c0ad392f000260100000001';

/**
 * The smallest My Number Card: answers 90 00 to the full-AID SELECT of the JPKI AP only, and
 * 6A 82 to anything else (a SELECT by a prefix of the AID included, so the test shows the full
 * AID is sent). Its ATR is what a contactless reader makes up for a Type B card.
 */
function tinyMyNumberCard(): SimulatedCard & { sent: string[] } {
  const sent: string[] = [];
  return {
    kind: 'mynumber',
    atr: fromHex('3B 88 80 01 00 00 00 00 B3 81 81 00 BE'),
    sent,
    reset: () => undefined,
    process: (command) => {
      sent.push(toHex(command));
      return encodeResponse(
        new Uint8Array(0),
        toHex(command) === FULL_JPKI_SELECT ? 0x9000 : 0x6a82,
      );
    },
  };
}

const channelFor = (card: SimulatedCard): CardChannel => new CardChannel(directTransport(card));

describe('identifyCard', () => {
  it('recognises a My Number Card by a successful SELECT of the JPKI AP by its full AID', async () => {
    const card = tinyMyNumberCard();
    expect(await identifyCard(channelFor(card))).toEqual({
      kind: 'my-number',
      atr: '3b88800100000000b3818100be',
    });
    expect(card.sent).toEqual([FULL_JPKI_SELECT]);
  });

  it('recognises FeliCa by its Part 3 ATR and reads the IDm', async () => {
    const card = new FelicaCardSim({
      idm: fromHex('012E4CD8A1B2C3D4'),
      pmm: fromHex('100B4B428485D0FF'),
      history: [],
      balance: 0,
      gate: [],
    });
    expect(await identifyCard(channelFor(card))).toEqual({
      kind: 'felica',
      atr: toHex(card.atr),
      idm: '012e4cd8a1b2c3d4',
    });
  });

  it('calls anything else unknown, without throwing on its refusal', async () => {
    const card = new UnknownCardSim();
    expect(await identifyCard(channelFor(card))).toEqual({ kind: 'unknown', atr: '3b80800101' });
  });

  it('does not take a My Number ATR for a My Number Card', async () => {
    const generic = new UnknownCardSim();
    const impostor: SimulatedCard = {
      kind: 'unknown',
      atr: tinyMyNumberCard().atr,
      reset: () => generic.reset(),
      process: (command) => generic.process(command),
    };
    expect((await identifyCard(channelFor(impostor))).kind).toBe('unknown');
  });

  it('lets transport failures through', async () => {
    const channel = new CardChannel({
      ...directTransport(new UnknownCardSim()),
      transmit: () => Promise.reject(new ReaderError('reader/card-removed', 'card left the field')),
    });
    await expect(identifyCard(channel)).rejects.toMatchObject({ code: 'reader/card-removed' });
  });
});
