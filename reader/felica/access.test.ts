import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../shared/bytes.ts';
import { encodeResponse } from '../apdu/response.ts';
import { ReaderError } from '../errors.ts';
import type { SimulatedCard } from '../sim/card.ts';
import { directTransport } from '../sim/direct.ts';
import { FelicaCardSim } from '../sim/felica-card.ts';
import { loadFelicaProfile, type FelicaProfile } from '../sim/felica-profile.ts';
import { CardChannel } from '../transport/channel.ts';
import { chooseFelicaStyle, createFelicaAccess, readIdm, type FelicaStyle } from './access.ts';
import { SERVICE } from './constants.ts';
import {
  encodeSuicaHistory,
  readBalance,
  readSuicaHistory,
  type SuicaHistoryEntry,
} from './suica.ts';

const defaultProfile = loadFelicaProfile(
  JSON.parse(
    readFileSync(new URL('../sim/profiles/felica-default.json', import.meta.url), 'utf8'),
  ) as unknown,
);

/** A card wrapper that records every command it is sent. */
function recording(card: SimulatedCard): SimulatedCard & { sent: Uint8Array[] } {
  const sent: Uint8Array[] = [];
  return {
    kind: card.kind,
    atr: card.atr,
    sent,
    reset: () => card.reset(),
    process: (command) => {
      sent.push(command.slice());
      return card.process(command);
    },
  };
}

function open(style: FelicaStyle, profile: FelicaProfile = defaultProfile) {
  const card = recording(new FelicaCardSim(profile));
  const channel = new CardChannel(directTransport(card));
  return { card, channel, access: createFelicaAccess(channel, style) };
}

const fullProfile: FelicaProfile = {
  ...defaultProfile,
  history: Array.from({ length: 20 }, (_, i): SuicaHistoryEntry => ({
    ...(defaultProfile.history[0] as SuicaHistoryEntry),
    serial: 500 - i,
  })),
};

describe('FelicaAccess over the FeliCa simulator', () => {
  it('reads the same history in both styles, with identical decoded results', async () => {
    const acs = await readSuicaHistory(open('acs').access);
    const part3 = await readSuicaHistory(open('part3').access);
    expect(acs).toHaveLength(5);
    expect(part3).toEqual(acs);
    expect(acs.map((h) => h.labels.en)).toEqual([
      'on-bus terminal, bus fare',
      'on-bus terminal, bus fare',
      'shop terminal, purchase',
      'ticket machine, charge',
      'ticket gate, fare (gate exit)',
    ]);
    expect(acs.map(({ labels: _l, ...e }) => e)).toEqual(defaultProfile.history);
  });

  it('reads the IDm with FF CA in both styles', async () => {
    for (const style of ['acs', 'part3'] as const) {
      expect(await open(style).access.readIdm()).toEqual(defaultProfile.idm);
    }
  });

  it('splits reads of more than 15 blocks into several pass-through commands', async () => {
    const { card, access } = open('acs', fullProfile);
    const blocks = await access.readBlocks(
      SERVICE.HISTORY,
      Array.from({ length: 20 }, (_, i) => i),
    );
    expect(blocks).toHaveLength(20);
    expect(blocks.every((b) => b.length === 16)).toBe(true);
    const passThrough = card.sent.filter((c) => c[1] === 0x00);
    expect(passThrough.map((c) => c[4])).toEqual([
      1 + 1 + 8 + 1 + 2 + 1 + 15 * 2,
      1 + 1 + 8 + 1 + 2 + 1 + 5 * 2,
    ]);
    expect(card.sent.filter((c) => c[1] === 0xca)).toHaveLength(1); // IDm read once per access
    expect(await readSuicaHistory(access)).toHaveLength(20);
  });

  it('reads part 3 one block per READ BINARY after one SELECT FILE', async () => {
    const { card, access } = open('part3', fullProfile);
    await access.readBlocks(SERVICE.HISTORY, [0, 1, 2]);
    expect(card.sent.map((c) => c[1])).toEqual([0xa4, 0xb0, 0xb0, 0xb0]);
  });

  it('reads the balance from the attribute service', async () => {
    for (const style of ['acs', 'part3'] as const) {
      expect(await readBalance(open(style).access)).toEqual({
        balance: 1520,
        source: 'attributes',
      });
    }
  });

  it('reports a missing service and a block out of range with the same reasons in both styles', async () => {
    for (const style of ['acs', 'part3'] as const) {
      const { access } = open(style);
      await expect(access.readBlocks(0x0109, [0])).rejects.toMatchObject({
        code: 'reader/felica',
        details: { reason: 'service-not-found' },
      });
      await expect(access.readBlocks(SERVICE.ATTRIBUTES, [1])).rejects.toMatchObject({
        code: 'reader/felica',
        details: { reason: 'block-out-of-range' },
      });
      expect(await access.readBlocks(SERVICE.GATE, [])).toEqual([]);
    }
  });

  it('refuses block numbers the style cannot address', async () => {
    await expect(open('part3').access.readBlocks(SERVICE.HISTORY, [256])).rejects.toMatchObject({
      details: { reason: 'invalid-argument' },
    });
    await expect(open('acs').access.readBlocks(SERVICE.HISTORY, [1.5])).rejects.toMatchObject({
      details: { reason: 'invalid-argument' },
    });
  });
});

/** A card that answers every command with one fixed response. */
function fixed(response: Uint8Array): SimulatedCard {
  return {
    kind: 'felica',
    atr: new Uint8Array(0),
    reset: () => undefined,
    process: () => response,
  };
}

describe('malformed reader answers', () => {
  it('rejects an IDm that is not 8 bytes', async () => {
    const channel = new CardChannel(
      directTransport(fixed(encodeResponse(fromHex('01020304050607'), 0x9000))),
    );
    await expect(readIdm(channel)).rejects.toMatchObject({
      code: 'reader/felica',
      details: { reason: 'idm-length' },
    });
  });

  it('rejects a part 3 block that is not 16 bytes', async () => {
    const channel = new CardChannel(
      directTransport(fixed(encodeResponse(new Uint8Array(15), 0x9000))),
    );
    const access = createFelicaAccess(channel, 'part3');
    await expect(access.readBlocks(SERVICE.HISTORY, [0])).rejects.toMatchObject({
      details: { reason: 'block-length' },
    });
  });

  it('turns a reader error status into reader/felica with the status word', async () => {
    const channel = new CardChannel(
      directTransport(fixed(encodeResponse(new Uint8Array(0), 0x6a81))),
    );
    const error: unknown = await readIdm(channel).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReaderError);
    expect(error).toMatchObject({
      code: 'reader/felica',
      details: { reason: 'reader-status', sw: 0x6a81 },
    });
  });

  it('gets no answer for the old IDm once another card is on the reader', async () => {
    const { card, channel } = open('acs');
    const other = new FelicaCardSim({ ...defaultProfile, idm: fromHex('0102030405060708') });
    const access = createFelicaAccess(channel, 'acs');
    await access.readIdm();
    // Swap the card behind the channel: the new card does not answer frames for the old IDm.
    card.process = (command) => other.process(command);
    await expect(access.readBlocks(SERVICE.HISTORY, [0])).rejects.toMatchObject({
      details: { reason: 'reader-status', sw: 0x6a81 },
    });
  });
});

describe('chooseFelicaStyle', () => {
  it('takes pass-through for ACS readers and Part 3 for the rest', () => {
    expect(chooseFelicaStyle('ACS ACR1252 1S CL Reader [ACR1252 1S CL Reader PICC] 00 00')).toBe(
      'acs',
    );
    expect(chooseFelicaStyle('ACS ACR122U PICC Interface 00 00')).toBe('acs');
    expect(chooseFelicaStyle('ACM1252U-Y3 PICC 0')).toBe('acs');
    expect(chooseFelicaStyle('SONY FeliCa Port/PaSoRi 4.0 00 00')).toBe('part3');
    expect(chooseFelicaStyle('Sony FeliCa Port/PaSoRi 3.0 0')).toBe('part3');
    expect(chooseFelicaStyle('Virtual PCD 00 00')).toBe('part3');
    expect(chooseFelicaStyle('Faces Reader 0')).toBe('part3');
  });
});

describe('encodeSuicaHistory and the simulator agree', () => {
  it('serves the profile history bytes unchanged', async () => {
    const blocks = await open('acs').access.readBlocks(SERVICE.HISTORY, [0, 5]);
    expect(blocks[0]).toEqual(encodeSuicaHistory(defaultProfile.history[0] as SuicaHistoryEntry));
    expect(blocks[1]).toEqual(new Uint8Array(16));
  });
});
