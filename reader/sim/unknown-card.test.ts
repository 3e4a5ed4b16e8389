import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../shared/bytes.ts';
import { UnknownCardSim } from './unknown-card.ts';

const send = (card: UnknownCardSim, hex: string): string => toHex(card.process(fromHex(hex)), ' ');

describe('UnknownCardSim', () => {
  it('is an ISO 14443-4 card with no historical bytes', () => {
    const card = new UnknownCardSim();
    expect(card.kind).toBe('unknown');
    expect(toHex(card.atr, ' ')).toBe('3b 80 80 01 01');
  });

  it('has none of our applications', () => {
    const card = new UnknownCardSim();
    expect(send(card, '00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01')).toBe('6a 82');
    expect(send(card, '00 A4 04 00 07 A0 00 00 00 03 10 10 00')).toBe('6a 82');
    expect(send(card, '00 B0 00 00 00')).toBe('6d 00');
  });

  it('gives its UID to GET DATA, as readers do for any card', () => {
    const card = new UnknownCardSim(fromHex('04 11 22 33 44 55 66'));
    expect(send(card, 'FF CA 00 00 00')).toBe('04 11 22 33 44 55 66 90 00');
    expect(send(card, 'FF CA 00 00 04')).toBe('6c 07');
    expect(send(card, 'FF CA 01 00 00')).toBe('6a 86');
    expect(send(card, 'FF 00 00 00 01 00')).toBe('6d 00');
    expect(send(card, '80 CA 9F 7F 00')).toBe('6e 00');
    expect(send(card, 'FF')).toBe('67 00');
  });

  it('never throws and always answers a status word (property)', () => {
    const card = new UnknownCardSim();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (command) => {
        card.reset();
        expect(card.process(command).length).toBeGreaterThanOrEqual(2);
      }),
    );
  });
});
