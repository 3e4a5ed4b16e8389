import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../shared/bytes.ts';
import { ReaderError } from '../errors.ts';
import { decodeCommand, encodeCommand, type CommandApdu } from './command.ts';

const hex = (cmd: CommandApdu, mode?: 'short' | 'extended' | 'auto'): string =>
  toHex(encodeCommand(cmd, mode), ' ');

describe('encodeCommand', () => {
  it('encodes the four short cases (ISO/IEC 7816-3 §12.1.3)', () => {
    expect(hex({ cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x80 })).toBe('00 20 00 80'); // case 1: retries query
    expect(hex({ cla: 0xff, ins: 0xca, p1: 0, p2: 0, le: 256 })).toBe('ff ca 00 00 00'); // case 2, Le 256 → 00
    expect(hex({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 7 })).toBe('00 b0 00 00 07');
    expect(hex({ cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: fromHex('0002') })).toBe(
      '00 a4 02 0c 02 00 02',
    ); // case 3
    expect(hex({ cla: 0x80, ins: 0x2a, p1: 0, p2: 0x80, data: fromHex('0102'), le: 256 })).toBe(
      '80 2a 00 80 02 01 02 00',
    ); // case 4
  });

  it('selects the JPKI AP as card-protocols.md writes it', () => {
    const aid = fromHex('D3 92 F0 00 26 01 00 00 00 01');
    expect(hex({ cla: 0, ins: 0xa4, p1: 4, p2: 0x0c, data: aid })).toBe(
      '00 a4 04 0c 0a d3 92 f0 00 26 01 00 00 00 01',
    );
  });

  it('encodes extended cases when asked or when auto needs them', () => {
    expect(hex({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 65536 }, 'extended')).toBe(
      '00 b0 00 00 00 00 00',
    ); // 2E
    expect(hex({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 1000 }, 'auto')).toBe('00 b0 00 00 00 03 e8');
    const data = new Uint8Array(300).fill(0xab);
    const e3 = encodeCommand({ cla: 0, ins: 0xd6, p1: 0, p2: 0, data }, 'auto');
    expect(toHex(e3.subarray(0, 7))).toBe('00d60000' + '00012c');
    expect(e3.length).toBe(7 + 300);
    const e4 = encodeCommand({ cla: 0, ins: 0x2a, p1: 0, p2: 0, data, le: 256 }, 'auto');
    expect(toHex(e4.subarray(e4.length - 2))).toBe('0100');
  });

  it('refuses what short mode cannot carry, and invalid fields, with typed errors', () => {
    expect(() => encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 257 })).toThrowError(
      expect.objectContaining({ code: 'reader/apdu-invalid' }) as Error,
    );
    for (const bad of [
      { cla: 256, ins: 0, p1: 0, p2: 0 },
      { cla: 0, ins: -1, p1: 0, p2: 0 },
      { cla: 0, ins: 0, p1: 0.5, p2: 0 },
      { cla: 0, ins: 0, p1: 0, p2: 0, le: 0 },
      { cla: 0, ins: 0, p1: 0, p2: 0, le: 70000 },
    ]) {
      expect(() => encodeCommand(bad, 'auto')).toThrow(ReaderError);
    }
  });
});

describe('decodeCommand', () => {
  it('decodes every case back', () => {
    expect(decodeCommand(fromHex('00200080'))).toMatchObject({ ins: 0x20, extended: false });
    expect(decodeCommand(fromHex('00b0000000'))).toMatchObject({ le: 256 });
    expect(decodeCommand(fromHex('00a4020c020002'))).toMatchObject({ data: fromHex('0002') });
    expect(decodeCommand(fromHex('802a008002010200'))).toMatchObject({
      data: fromHex('0102'),
      le: 256,
    });
    expect(decodeCommand(fromHex('00b00000000000'))).toMatchObject({ le: 65536, extended: true });
  });

  it('rejects inconsistent lengths with reader/apdu-invalid', () => {
    for (const h of [
      '',
      '00',
      '00a402',
      '00a4020c0300',
      '00a4020c02000203ff',
      '00b000000001',
      '00b000000000',
    ]) {
      expect(() => decodeCommand(fromHex(h)), h).toThrowError(
        expect.objectContaining({ code: 'reader/apdu-invalid' }) as Error,
      );
    }
  });

  it('property: encode → decode is the identity for short and extended commands', () => {
    const command = fc.record({
      cla: fc.integer({ min: 0, max: 255 }),
      ins: fc.integer({ min: 0, max: 255 }),
      p1: fc.integer({ min: 0, max: 255 }),
      p2: fc.integer({ min: 0, max: 255 }),
      data: fc.option(fc.uint8Array({ minLength: 1, maxLength: 400 }), { nil: undefined }),
      le: fc.option(fc.integer({ min: 1, max: 65536 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(command, (c) => {
        const cmd: CommandApdu = {
          cla: c.cla,
          ins: c.ins,
          p1: c.p1,
          p2: c.p2,
          ...(c.data ? { data: c.data } : {}),
          ...(c.le !== undefined ? { le: c.le } : {}),
        };
        const decoded = decodeCommand(encodeCommand(cmd, 'auto'));
        expect(decoded.cla).toBe(c.cla);
        expect(decoded.p2).toBe(c.p2);
        expect(decoded.le).toBe(c.le);
        expect(toHex(decoded.data ?? new Uint8Array(0))).toBe(toHex(c.data ?? new Uint8Array(0)));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: any bytes decode or fail with a ReaderError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        try {
          decodeCommand(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ReaderError);
          expect((error as ReaderError).code).toBe('reader/apdu-invalid');
        }
      }),
      { numRuns: 5000 },
    );
  });
});
