import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../shared/bytes.ts';
import { ReaderError } from '../errors.ts';
import type { FelicaAccess } from './access.ts';
import { SERVICE } from './constants.ts';
import { felicaError } from './frames.ts';
import {
  decodeSuicaAttributes,
  decodeSuicaHistory,
  encodeSuicaAttributes,
  encodeSuicaHistory,
  readBalance,
  readSuicaHistory,
  type SuicaHistoryEntry,
} from './suica.ts';

describe('decodeSuicaHistory', () => {
  it('decodes a block read from a Suica through PaSoRi (qiita.com/gebo/items/cb2dd393170767852fb3)', () => {
    const entry = decodeSuicaHistory(fromHex('16 01 00 04 24 99 E3 59 E3 5E 71 0B 00 1B 08 00'));
    expect(entry).toEqual({
      deviceType: 0x16,
      usageType: 0x01,
      paymentType: 0x00,
      entryExitType: 0x04,
      date: '2018-04-25',
      entryCode: 0xe359,
      exitCode: 0xe35e,
      balance: 2929,
      serial: 0x001b08,
      region: 0,
      labels: { ja: '改札機 運賃支払(改札出場)', en: 'ticket gate, fare (gate exit)' },
    });
  });

  it('labels a bus fare, and shows unknown codes as hex', () => {
    const bus = encodeSuicaHistory({ ...base, deviceType: 0x05, usageType: 0x0d });
    expect(decodeSuicaHistory(bus)?.labels).toEqual({
      ja: '車載端末 バス',
      en: 'on-bus terminal, bus fare',
    });
    const odd = encodeSuicaHistory({ ...base, deviceType: 0xee, usageType: 0x7e });
    expect(decodeSuicaHistory(odd)?.labels).toEqual({
      ja: '不明(0xEE) 不明(0x7E)',
      en: 'unknown (0xEE), unknown (0x7E)',
    });
  });

  it('treats an all-zero block as an empty slot', () => {
    expect(decodeSuicaHistory(new Uint8Array(16))).toBeUndefined();
  });

  it('rejects wrong lengths and impossible dates with typed errors', () => {
    expect(() => decodeSuicaHistory(new Uint8Array(15))).toThrowError(
      expect.objectContaining({ code: 'reader/felica' }) as Error,
    );
    const feb30 = encodeSuicaHistory(base);
    const packed = (26 << 9) | (2 << 5) | 30;
    feb30[4] = packed >> 8;
    feb30[5] = packed & 0xff;
    expect(() => decodeSuicaHistory(feb30)).toThrowError(
      expect.objectContaining({
        code: 'reader/felica',
        details: { reason: 'invalid-date' },
      }) as Error,
    );
  });

  it('never throws anything but a ReaderError on arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          decodeSuicaHistory(bytes);
          decodeSuicaAttributes(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ReaderError);
        }
      }),
    );
  });
});

const base: SuicaHistoryEntry = {
  deviceType: 0x05,
  usageType: 0x0d,
  paymentType: 0,
  entryExitType: 0,
  date: '2026-11-20',
  entryCode: 0x0a01,
  exitCode: 0x0a15,
  balance: 1520,
  serial: 0x105,
  region: 0,
};

const entryArb: fc.Arbitrary<SuicaHistoryEntry> = fc.record({
  deviceType: fc.integer({ min: 0, max: 255 }),
  usageType: fc.integer({ min: 0, max: 255 }),
  paymentType: fc.integer({ min: 0, max: 255 }),
  entryExitType: fc.integer({ min: 0, max: 255 }),
  date: fc
    .date({
      min: new Date(Date.UTC(2000, 0, 1)),
      max: new Date(Date.UTC(2127, 11, 31)),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10)),
  entryCode: fc.integer({ min: 0, max: 0xffff }),
  exitCode: fc.integer({ min: 0, max: 0xffff }),
  balance: fc.integer({ min: 0, max: 0xffff }),
  serial: fc.integer({ min: 0, max: 0xffffff }),
  region: fc.integer({ min: 0, max: 255 }),
});

describe('encodeSuicaHistory', () => {
  it('is the exact inverse of decodeSuicaHistory (property)', () => {
    fc.assert(
      fc.property(entryArb, (entry) => {
        const block = encodeSuicaHistory(entry);
        expect(block.length).toBe(16);
        const { labels: _labels, ...decoded } = decodeSuicaHistory(block) ?? { labels: undefined };
        expect(decoded).toEqual(entry);
        expect(encodeSuicaHistory(entry)).toEqual(block);
      }),
    );
  });

  it('re-encodes the PaSoRi sample byte for byte', () => {
    const block = fromHex('16 01 00 04 24 99 E3 59 E3 5E 71 0B 00 1B 08 00');
    const entry = decodeSuicaHistory(block);
    if (!entry) throw new Error('not empty');
    expect(toHex(encodeSuicaHistory(entry))).toBe(toHex(block));
  });

  it('refuses values a block cannot hold', () => {
    for (const bad of [
      { ...base, date: '2026-02-29' },
      { ...base, date: '1999-12-31' },
      { ...base, date: '2026-1-1' },
      { ...base, balance: 70000 },
      { ...base, serial: -1 },
      { ...base, deviceType: 256 },
    ]) {
      expect(() => encodeSuicaHistory(bad)).toThrowError(
        expect.objectContaining({
          code: 'reader/felica',
          details: expect.objectContaining({ reason: 'invalid-argument' }) as unknown,
        }) as Error,
      );
    }
  });
});

describe('attribute block', () => {
  it('round-trips and keeps the balance little-endian at bytes 11-12', () => {
    const block = encodeSuicaAttributes({
      cardType: 2,
      area: 0,
      balance: 0x05f0,
      transactionCounter: 0x0105,
    });
    expect(toHex(block)).toBe('0000000000000000200000f0050001' + '05');
    expect(decodeSuicaAttributes(block)).toEqual({
      cardType: 2,
      area: 0,
      balance: 0x05f0,
      transactionCounter: 0x0105,
    });
  });
});

/** An in-memory FelicaAccess over a map of services, counting readBlocks calls. */
function fakeAccess(services: Map<number, Uint8Array[]>): FelicaAccess & { calls: number[][] } {
  const calls: number[][] = [];
  return {
    style: 'acs',
    calls,
    readIdm: () => Promise.resolve(new Uint8Array(8)),
    readBlocks: (serviceCode, blocks) => {
      calls.push([serviceCode, ...blocks]);
      const service = services.get(serviceCode);
      if (!service)
        return Promise.reject(
          felicaError('service-not-found', 'no service', { sf1: 1, sf2: 0xa6 }),
        );
      const out: Uint8Array[] = [];
      for (const b of blocks) {
        const block = service[b];
        if (!block)
          return Promise.reject(
            felicaError('block-out-of-range', 'no block', { sf1: 1, sf2: 0xa8 }),
          );
        out.push(block);
      }
      return Promise.resolve(out);
    },
  };
}

const entries = (n: number): Uint8Array[] =>
  Array.from({ length: n }, (_, i) =>
    encodeSuicaHistory({ ...base, serial: 100 - i, balance: 1000 + i }),
  );

describe('readSuicaHistory', () => {
  it('stops at the first empty slot', async () => {
    const slots = [...entries(3), new Uint8Array(16), ...entries(2)];
    while (slots.length < 20) slots.push(new Uint8Array(16));
    const access = fakeAccess(new Map([[SERVICE.HISTORY, slots]]));
    const history = await readSuicaHistory(access);
    expect(history.map((h) => h.serial)).toEqual([100, 99, 98]);
    expect(access.calls).toEqual([[SERVICE.HISTORY, ...Array.from({ length: 15 }, (_, i) => i)]]);
  });

  it('reads a full history in commands of at most 15 blocks', async () => {
    const access = fakeAccess(new Map([[SERVICE.HISTORY, entries(20)]]));
    expect(await readSuicaHistory(access)).toHaveLength(20);
    expect(access.calls.map((c) => c.length - 1)).toEqual([15, 5]);
    const few = fakeAccess(new Map([[SERVICE.HISTORY, entries(20)]]));
    expect(await readSuicaHistory(few, 4)).toHaveLength(4);
    expect(few.calls).toEqual([[SERVICE.HISTORY, 0, 1, 2, 3]]);
  });

  it('ends where the history of a shallower card ends', async () => {
    const access = fakeAccess(new Map([[SERVICE.HISTORY, entries(10)]]));
    expect(await readSuicaHistory(access)).toHaveLength(10);
  });

  it('refuses a maximum that is not a count', async () => {
    const access = fakeAccess(new Map([[SERVICE.HISTORY, entries(1)]]));
    await expect(readSuicaHistory(access, -1)).rejects.toMatchObject({
      details: { reason: 'invalid-argument' },
    });
    await expect(readSuicaHistory(access, 0)).resolves.toEqual([]);
  });

  it('passes other errors through', async () => {
    await expect(readSuicaHistory(fakeAccess(new Map()))).rejects.toMatchObject({
      details: { reason: 'service-not-found' },
    });
  });
});

describe('readBalance', () => {
  it('prefers the attribute service, falls back to the newest history entry', async () => {
    const attributes = encodeSuicaAttributes({
      cardType: 2,
      area: 0,
      balance: 1520,
      transactionCounter: 1,
    });
    const both = fakeAccess(
      new Map([
        [SERVICE.ATTRIBUTES, [attributes]],
        [SERVICE.HISTORY, entries(2)],
      ]),
    );
    expect(await readBalance(both)).toEqual({ balance: 1520, source: 'attributes' });
    const historyOnly = fakeAccess(new Map([[SERVICE.HISTORY, entries(2)]]));
    expect(await readBalance(historyOnly)).toEqual({ balance: 1000, source: 'history' });
    const empty = fakeAccess(new Map([[SERVICE.HISTORY, [new Uint8Array(16)]]]));
    expect(await readBalance(empty)).toBeUndefined();
  });
});
