import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../shared/bytes.ts';
import { linkedPair } from '../serial/link.ts';
import { ReceiptPrinter } from './driver.ts';
import {
  EscPosParser,
  columnsOf,
  encodeReceipt,
  wrapColumns,
  type EscPosOp,
  type Receipt,
} from './escpos.ts';
import { ReceiptPrinterSimulator } from './simulator.ts';
import { decodeStatus, encodeStatusByte, isStatusByte } from './status.ts';

const receipt: Receipt = {
  lines: [
    { kind: 'text', text: 'かざす市立中央図書館', align: 'center', bold: true },
    { kind: 'text', text: '貸出票 2026-11-22 10:30' },
    { kind: 'text', text: '吾輩は猫である  返却日 12月6日' },
    { kind: 'feed', lines: 2 },
    { kind: 'cut' },
  ],
};

function setup(timeoutMs = 50) {
  const [host, device] = linkedPair();
  const sim = new ReceiptPrinterSimulator(device);
  const printer = new ReceiptPrinter(host, { timeoutMs, printTimeoutMs: timeoutMs });
  return { sim, printer };
}

describe('ESC/POS codec', () => {
  it('starts with ESC @, ESC t 1, FS C 1, FS & and ends with GS V 66 3', () => {
    const bytes = encodeReceipt(receipt);
    expect(toHex(bytes.subarray(0, 10))).toBe('1b401b74011c43011c26');
    expect(toHex(bytes.subarray(-4))).toBe('1d564203');
  });

  it('counts half-width columns by Shift_JIS bytes and wraps without splitting characters', () => {
    expect(columnsOf('本ｶA')).toBe(4);
    expect(wrapColumns('吾輩は猫である。名前はまだ無い', 10)).toEqual([
      '吾輩は猫で',
      'ある。名前',
      'はまだ無い',
    ]);
    expect(wrapColumns('', 10)).toEqual(['']);
  });

  it('property: any chunking of the printer stream yields the same operations', () => {
    const bytes = encodeReceipt(receipt);
    /** Ops as text, with adjacent text runs joined (a chunk boundary may split one). */
    const normal = (ops: EscPosOp[]): string[] =>
      ops.reduce<string[]>((acc, op) => {
        const item = op.op === 'text' ? `text:${toHex(op.bytes)}` : JSON.stringify(op);
        const last = acc.at(-1);
        if (op.op === 'text' && last?.startsWith('text:'))
          acc[acc.length - 1] = last + toHex(op.bytes);
        else acc.push(item);
        return acc;
      }, []);
    const whole = normal(new EscPosParser().push(bytes));
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 10 }),
        (cuts) => {
          const p = new EscPosParser();
          const ops: EscPosOp[] = [];
          let from = 0;
          for (const c of [...new Set(cuts)].sort((a, b) => a - b).concat(bytes.length)) {
            ops.push(...p.push(bytes.subarray(from, c)));
            from = c;
          }
          expect(normal(ops)).toEqual(whole);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: arbitrary bytes never make the parser or simulator throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const [, device] = linkedPair();
        const sim = new ReceiptPrinterSimulator(device);
        expect(() => new EscPosParser().push(bytes)).not.toThrow();
        expect(sim.receipts.length).toBe(0);
      }),
    );
  });

  it('status bytes carry their fixed bits and decode back', () => {
    const out = {
      online: true,
      coverOpen: false,
      paperOut: true,
      paperNearEnd: true,
      error: false,
    };
    const bytes = [1, 2, 4].map((n) => encodeStatusByte(n, out));
    expect(bytes.every(isStatusByte)).toBe(true);
    expect(bytes.map((b) => b.toString(16))).toEqual(['1a', '32', '7e']);
    expect(decodeStatus(bytes[0] ?? 0, bytes[1] ?? 0, bytes[2] ?? 0)).toEqual({
      ...out,
      online: false,
    });
  });
});

describe('receipt printer driver and simulator', () => {
  it('prints Japanese text in Kanji mode and cuts; the simulator keeps the receipt', async () => {
    const { sim, printer } = setup();
    await printer.print(receipt);
    expect(sim.receipts).toEqual([
      {
        lines: [
          'かざす市立中央図書館',
          '貸出票 2026-11-22 10:30',
          '吾輩は猫である  返却日 12月6日',
        ],
        cut: true,
      },
    ]);
    expect(sim.unknown).toEqual([]);
    expect(printer.state).toBe('ready');
  });

  it('out of paper: refused before printing, state paper-out; a new roll lets it print', async () => {
    const { sim, printer } = setup();
    sim.runOutOfPaper();
    await expect(printer.print(receipt)).rejects.toMatchObject({
      code: 'printer/paper-out',
      details: { printed: false },
    });
    expect(printer.state).toBe('paper-out');
    expect(sim.receipts).toEqual([]);
    sim.loadPaper();
    await printer.print(receipt);
    expect(sim.receipts).toHaveLength(1);
  });

  it('paper running out mid-receipt is paper-out after printing; the rest prints on a new roll', async () => {
    const { sim, printer } = setup();
    sim.runOutOfPaper(2);
    await expect(printer.print(receipt)).rejects.toMatchObject({
      code: 'printer/paper-out',
      details: { printed: true },
    });
    expect(sim.currentLines).toEqual(['かざす市立中央図書館', '貸出票 2026-11-22 10:30']);
    sim.loadPaper();
    expect(sim.receipts[0]?.lines.at(-1)).toBe('吾輩は猫である  返却日 12月6日');
  });

  it('cover open and near end are reported; near end still prints', async () => {
    const { sim, printer } = setup();
    sim.coverOpen = true;
    await expect(printer.print(receipt)).rejects.toMatchObject({ code: 'printer/cover-open' });
    sim.coverOpen = false;
    sim.paperNearEnd = true;
    await printer.print(receipt);
    expect(printer.state).toBe('paper-near-end');
  });

  it('a silent printer is hardware/timeout and unreachable, then recovers', async () => {
    const { sim, printer } = setup(30);
    sim.silent = true;
    await expect(printer.status()).rejects.toMatchObject({ code: 'hardware/timeout' });
    expect(printer.state).toBe('unreachable');
    sim.silent = false;
    await expect(printer.status()).resolves.toMatchObject({ paperOut: false });
    expect(printer.state).toBe('ready');
  });

  it('a closed port is hardware/port-closed at once', async () => {
    const { printer } = setup();
    await printer.close();
    await expect(printer.print(receipt)).rejects.toMatchObject({ code: 'hardware/port-closed' });
    expect(printer.state).toBe('closed');
  });
});
