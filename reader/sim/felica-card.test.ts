import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../shared/bytes.ts';
import { ACM1252U_FELICA_ATR, isFelicaAtr } from '../felica/constants.ts';
import { readWithoutEncryptionFrame } from '../felica/frames.ts';
import { decodeSuicaAttributes, decodeSuicaHistory } from '../felica/suica.ts';
import { FelicaCardSim, felicaAtr } from './felica-card.ts';
import { loadFelicaProfile } from './felica-profile.ts';

const profile = loadFelicaProfile(
  JSON.parse(
    readFileSync(new URL('./profiles/felica-default.json', import.meta.url), 'utf8'),
  ) as unknown,
);
const IDM = profile.idm;
const PMM = profile.pmm;

/** Sends hex, returns the answer as spaced lowercase hex. */
function send(card: FelicaCardSim, command: string | Uint8Array): string {
  return toHex(card.process(typeof command === 'string' ? fromHex(command) : command), ' ');
}
const hx = (bytes: Uint8Array): string => toHex(bytes, ' ');
const sw = (answer: string): string => answer.slice(-5);

function passThrough(frame: Uint8Array): Uint8Array {
  return Uint8Array.of(0xff, 0x00, 0x00, 0x00, frame.length, ...frame);
}

describe('FelicaCardSim', () => {
  it('reports the PC/SC Part 3 FeliCa ATR with a correct TCK', () => {
    const card = new FelicaCardSim(profile);
    expect(card.kind).toBe('felica');
    expect(card.atr).toEqual(ACM1252U_FELICA_ATR);
    expect(card.atr).toEqual(felicaAtr());
    expect(card.atr.subarray(1).reduce((x, b) => x ^ b, 0)).toBe(0); // XOR T0..TCK = 0
    expect(isFelicaAtr(card.atr)).toBe(true);
  });

  it('answers GET DATA with the IDm, and asks for Le 08 when Le is short', () => {
    const card = new FelicaCardSim(profile);
    expect(send(card, 'FF CA 00 00 00')).toBe(`${hx(IDM)} 90 00`);
    expect(send(card, 'FF CA 00 00 08')).toBe(`${hx(IDM)} 90 00`);
    expect(send(card, 'FF CA 00 00 04')).toBe('6c 08');
    expect(send(card, 'FF CA 01 00 00')).toBe('6a 81');
    expect(send(card, 'FF CA 00 01 00')).toBe('6a 86');
    expect(send(card, 'FF CA 00 00')).toBe('67 00');
  });

  it('answers Polling for 0003 and FFFF, and stays silent for other systems', () => {
    const card = new FelicaCardSim(profile);
    expect(send(card, 'FF 00 00 00 06 06 00 00 03 00 00')).toBe(
      `12 01 ${hx(IDM)} ${hx(PMM)} 90 00`,
    );
    expect(send(card, 'FF 00 00 00 06 06 00 FF FF 01 00')).toBe(
      `14 01 ${hx(IDM)} ${hx(PMM)} 00 03 90 00`,
    );
    expect(send(card, 'FF 00 00 00 06 06 00 FE 00 00 00')).toBe('6a 81');
  });

  it('answers Read Without Encryption with history newest first, attributes and gate blocks', () => {
    const card = new FelicaCardSim(profile);
    const frame = readWithoutEncryptionFrame(
      IDM,
      [0x090f, 0x008b, 0x108f],
      [
        { service: 0, block: 0 },
        { service: 1, block: 0 },
        { service: 2, block: 2 },
      ],
    );
    const answer = card.process(passThrough(frame));
    expect(hx(answer.subarray(0, 13))).toBe(`3d 07 ${hx(IDM)} 00 00 03`);
    expect(hx(answer.subarray(-2))).toBe('90 00');
    expect(decodeSuicaHistory(answer.subarray(13, 29))?.date).toBe('2026-11-20');
    expect(decodeSuicaAttributes(answer.subarray(29, 45)).balance).toBe(1520);
    expect(answer.subarray(45, 61)).toEqual(new Uint8Array(16));
  });

  it('answers status flags for a missing service (A6), a block out of range (A8) and bad counts', () => {
    const card = new FelicaCardSim(profile);
    const rwe = (services: number[], blocks: { service: number; block: number }[]): string =>
      send(card, passThrough(readWithoutEncryptionFrame(IDM, services, blocks)));
    expect(rwe([0x0109], [{ service: 0, block: 0 }])).toBe(`0c 07 ${hx(IDM)} 01 a6 90 00`);
    expect(rwe([0x090f], [{ service: 0, block: 19 }])).toMatch(/ 00 00 01 /);
    expect(rwe([0x090f], [{ service: 0, block: 20 }])).toBe(`0c 07 ${hx(IDM)} 01 a8 90 00`);
    expect(
      rwe(
        [0x090f, 0x008b],
        [
          { service: 0, block: 0 },
          { service: 1, block: 1 },
        ],
      ),
    ).toBe(`0c 07 ${hx(IDM)} 02 a8 90 00`);
    // 16 blocks in one frame: built by hand, the codec refuses to.
    const blocks = Array.from({ length: 16 }, (_, i) => [0x80, i]).flat();
    const frame = Uint8Array.of(0, 0x06, ...IDM, 1, 0x0f, 0x09, 16, ...blocks);
    frame[0] = frame.length;
    expect(send(card, passThrough(frame))).toBe(`0c 07 ${hx(IDM)} ff a2 90 00`);
  });

  it('stays silent (6A 81) for another IDm, unknown commands and malformed frames', () => {
    const card = new FelicaCardSim(profile);
    const other = fromHex('0102030405060708');
    expect(
      send(
        card,
        passThrough(readWithoutEncryptionFrame(other, [0x090f], [{ service: 0, block: 0 }])),
      ),
    ).toBe('6a 81');
    expect(send(card, passThrough(Uint8Array.of(10, 0x0a, ...IDM)))).toBe('6a 81');
    expect(send(card, 'FF 00 00 00 03 05 06 00')).toBe('6a 81');
    expect(send(card, 'FF 00 00 00')).toBe('67 00');
    expect(send(card, 'FF 00 01 00 01 01')).toBe('6a 86');
  });

  it('answers Request Service, Request Response and Request System Code', () => {
    const card = new FelicaCardSim(profile);
    expect(
      send(card, passThrough(Uint8Array.of(15, 0x02, ...IDM, 2, 0x0f, 0x09, 0x09, 0x01))),
    ).toBe(`0f 03 ${hx(IDM)} 02 00 00 ff ff 90 00`);
    expect(send(card, passThrough(Uint8Array.of(10, 0x04, ...IDM)))).toBe(
      `0b 05 ${hx(IDM)} 00 90 00`,
    );
    expect(send(card, passThrough(Uint8Array.of(10, 0x0c, ...IDM)))).toBe(
      `0d 0d ${hx(IDM)} 01 00 03 90 00`,
    );
  });

  it('answers Part 3 SELECT FILE and READ BINARY, and reset() clears the selection', () => {
    const card = new FelicaCardSim(profile);
    expect(send(card, 'FF B0 00 00 00')).toBe('69 86'); // nothing selected yet
    expect(send(card, 'FF A4 00 01 02 09 01')).toBe('6a 82');
    expect(send(card, 'FF A4 00 01 02 0F 09')).toBe('90 00');
    const first = send(card, 'FF B0 00 00 00');
    expect(sw(first)).toBe('90 00');
    expect(first.split(' ')).toHaveLength(18);
    expect(send(card, 'FF B0 00 13 10')).toBe(`${hx(new Uint8Array(16))} 90 00`); // block 19: an empty slot
    expect(send(card, 'FF B0 00 14 00')).toBe('6b 00');
    expect(send(card, 'FF B0 01 00 00')).toBe('6b 00');
    expect(send(card, 'FF B0 00 00 08')).toBe('6c 10');
    expect(send(card, 'FF A4 00 01 02 09 01')).toBe('6a 82');
    expect(sw(send(card, 'FF B0 00 00 00'))).toBe('90 00'); // a failed SELECT keeps the selection
    expect(send(card, 'FF A4 04 00 02 0F 09')).toBe('6a 86');
    expect(send(card, 'FF A4 00 01 03 0F 09 00')).toBe('67 00');
    card.reset();
    expect(send(card, 'FF B0 00 00 00')).toBe('69 86');
  });

  it('answers other instructions and classes with 6D 00 / 6E 00', () => {
    const card = new FelicaCardSim(profile);
    expect(send(card, 'FF 82 00 00 06 FF FF FF FF FF FF')).toBe('6d 00');
    expect(send(card, '00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01')).toBe('6e 00');
    expect(send(card, '00')).toBe('67 00');
  });

  it('never throws and always answers at least a status word (property)', () => {
    const card = new FelicaCardSim(profile);
    const commands = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc
        .uint8Array({ maxLength: 60 })
        .map((b) => Uint8Array.of(0xff, 0x00, 0x00, 0x00, b.length, ...b)),
      fc
        .uint8Array({ maxLength: 60 })
        .map((b) =>
          Uint8Array.of(
            0xff,
            0x00,
            0x00,
            0x00,
            b.length + 10,
            b.length + 10,
            b[0] ?? 6,
            ...IDM,
            ...b,
          ),
        ),
      fc
        .tuple(fc.constantFrom(0xa4, 0xb0, 0xca), fc.uint8Array({ maxLength: 8 }))
        .map(([ins, b]) => Uint8Array.of(0xff, ins, ...b)),
    );
    fc.assert(
      fc.property(commands, (command) => {
        const answer = card.process(command);
        expect(answer.length).toBeGreaterThanOrEqual(2);
      }),
      { numRuns: 2000 },
    );
  });
});
