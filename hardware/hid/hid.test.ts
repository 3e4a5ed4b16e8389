import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../shared/bytes.ts';
import { KeyboardDecoder, ReportSplitter, reportsForText, type Key } from './keyboard.ts';
import { BarcodeAssembler, BarcodeScanner, type ScannerEvent } from './scanner.ts';
import { FedHidTransport } from './transport.ts';

const chars = (keys: Key[]): string =>
  keys.map((k) => (k.kind === 'char' ? k.char : k.kind === 'enter' ? '⏎' : '?')).join('');

describe('boot keyboard reports', () => {
  it('decodes key presses by usage id, with Shift from the modifier byte', () => {
    const d = new KeyboardDecoder('us');
    const keys: Key[] = [];
    for (const hex of [
      '00 00 1e 00 00 00 00 00', // 1
      '00 00 00 00 00 00 00 00',
      '02 00 04 00 00 00 00 00', // Shift+a
      '00 00 00 00 00 00 00 00',
      '20 00 1f 00 00 00 00 00', // right Shift+2
      '00 00 2d 00 00 00 00 00', // - (2 released in the same report)
      '00 00 59 00 00 00 00 00', // keypad 1
      '00 00 28 00 00 00 00 00', // Enter
    ]) {
      keys.push(...d.push(fromHex(hex)).keys);
    }
    expect(chars(keys)).toBe('1A@-1⏎');
  });

  it('a key held across reports counts once; pressed again after release it counts again', () => {
    const d = new KeyboardDecoder();
    const seen = [
      '00 00 1e 00 00 00 00 00',
      '00 00 1e 1f 00 00 00 00', // 1 still held, 2 new
      '00 00 00 00 00 00 00 00',
      '00 00 1e 00 00 00 00 00',
    ].flatMap((h) => d.push(fromHex(h)).keys);
    expect(chars(seen)).toBe('121');
  });

  it('the JIS layout types its own symbols', () => {
    const d = new KeyboardDecoder('jis');
    const seen = [
      '02 00 1f 00 00 00 00 00',
      '00 00 2f 00 00 00 00 00',
      '00 00 34 00 00 00 00 00',
    ].flatMap((h) => d.push(fromHex(h)).keys);
    expect(chars(seen)).toBe('"@:');
  });

  it('ErrorRollOver and wrong-length reports are problems, not keys', () => {
    const d = new KeyboardDecoder();
    expect(d.push(fromHex('00 00 01 01 01 01 01 01'))).toEqual({
      keys: [],
      problems: ['rollover'],
    });
    expect(d.push(fromHex('00 00 1e'))).toEqual({ keys: [], problems: ['report-invalid'] });
  });

  it('reportsForText makes the reports a scanner sends, for both layouts', () => {
    for (const layout of ['us', 'jis'] as const) {
      const d = new KeyboardDecoder(layout);
      const text = 'L-0001@x"';
      const keys = reportsForText(text, { layout }).flatMap((r) => d.push(r).keys);
      expect(chars(keys)).toBe(`${text}⏎`);
    }
  });

  it('re-frames reports split and joined at any byte (with a report id byte too)', () => {
    const reports = reportsForText('3000000001');
    const stream = Uint8Array.from(reports.flatMap((r) => [5, ...r]));
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 12 }),
        (cuts) => {
          const s = new ReportSplitter(5);
          const d = new KeyboardDecoder();
          const points = [...new Set(cuts)].sort((a, b) => a - b);
          const keys: Key[] = [];
          let from = 0;
          for (const p of [...points, stream.length]) {
            for (const r of s.push(stream.subarray(from, p))) keys.push(...d.push(r).keys);
            from = p;
          }
          expect(chars(keys)).toBe('3000000001⏎');
        },
      ),
    );
  });

  it('property: arbitrary report bytes never throw and yield only keys or problems', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 10 }), { maxLength: 20 }),
        (rs) => {
          const d = new KeyboardDecoder('jis');
          const a = new BarcodeAssembler();
          rs.forEach((r, i) => {
            const { keys } = d.push(r);
            const out = a.push(keys, i);
            for (const b of out.barcodes) expect(b.length).toBeGreaterThan(0);
          });
        },
      ),
    );
  });
});

describe('barcode assembly', () => {
  const typed = (text: string): Key[] => [...text].map((c) => ({ kind: 'char', char: c }) as const);
  const enter: Key = { kind: 'enter' };

  it('Enter ends a barcode; an empty Enter is nothing', () => {
    const a = new BarcodeAssembler();
    expect(a.push([...typed('L0001'), enter, enter], 0)).toEqual({
      barcodes: ['L0001'],
      problems: [],
    });
  });

  it('a pause inside a code makes the earlier part a fragment', () => {
    const a = new BarcodeAssembler({ interKeyMs: 100 });
    expect(a.push(typed('300'), 0).barcodes).toEqual([]);
    expect(a.push([...typed('L0001'), enter], 500)).toEqual({
      barcodes: ['L0001'],
      problems: ['fragment'],
    });
    a.push(typed('12'), 600);
    expect(a.flush(650)).toEqual([]);
    expect(a.flush(800)).toEqual(['fragment']);
  });

  it('a code with an unreadable key, or too long, is refused whole', () => {
    const a = new BarcodeAssembler({ maxLength: 4 });
    expect(
      a.push(
        [...typed('12'), { kind: 'unmapped', usage: 0x3a, shift: false }, ...typed('3'), enter],
        0,
      ),
    ).toEqual({ barcodes: [], problems: ['unreadable-key'] });
    expect(a.push([...typed('123456'), enter], 1)).toEqual({
      barcodes: [],
      problems: ['too-long'],
    });
  });

  it('Tab ends a code only when the scanner is set to a Tab suffix', () => {
    expect(
      new BarcodeAssembler({ tabEnds: true }).push([...typed('A1'), { kind: 'tab' }], 0).barcodes,
    ).toEqual(['A1']);
    expect(
      new BarcodeAssembler().push([...typed('A1'), { kind: 'tab' }, enter], 0).problems,
    ).toEqual(['unreadable-key']);
  });
});

describe('barcode scanner driver', () => {
  it('turns fed report bytes into barcodes and reports an unplugged scanner', () => {
    const transport = new FedHidTransport();
    let t = 0;
    const scanner = new BarcodeScanner(transport, { now: () => t });
    const events: ScannerEvent[] = [];
    scanner.onEvent((e) => events.push(e));
    transport.feedAll(reportsForText('L0001'));
    t = 1000;
    const joined = Uint8Array.from(reportsForText('3000000001').flatMap((r) => [...r]));
    transport.feed(joined.subarray(0, 13));
    transport.feed(joined.subarray(13));
    transport.unplug();
    expect(events).toEqual([
      { type: 'barcode', code: 'L0001' },
      { type: 'barcode', code: '3000000001' },
      { type: 'lost' },
    ]);
    expect(scanner.connected).toBe(false);
  });
});
