import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReceiptPrinter } from '../hardware/receipt-printer/driver.ts';
import { ReceiptPrinterSimulator } from '../hardware/receipt-printer/simulator.ts';
import { startPtyPair, type PtyPair } from '../kiosk/devices/pty.ts';
import { openSerialLink } from '../kiosk/devices/serial.ts';
import { formatReceipt } from '../kiosk/library/receipt.ts';

// The receipt printer driver and the simulated ESC/POS printer on the two ends of a socat pty
// pair (a serial cable in software), through serialport: Japanese text in Kanji mode, the
// cut, paper out before and during a receipt, a cover left open, a printer that is off.

let pty: PtyPair;
let sim: ReceiptPrinterSimulator;
let printer: ReceiptPrinter;

beforeEach(async () => {
  pty = await startPtyPair('kazasu-test-printer');
  sim = new ReceiptPrinterSimulator(await openSerialLink(pty.simulatorPath, 38_400));
  printer = new ReceiptPrinter(await openSerialLink(pty.devicePath, 38_400), {
    timeoutMs: 300,
    printTimeoutMs: 2000,
  });
});
afterEach(async () => {
  await printer.close().catch(() => undefined);
  await sim.close().catch(() => undefined);
  await pty.stop();
});

const receipt = formatReceipt(
  {
    sessionId: 's',
    at: Date.parse('2026-11-22T01:30:00Z'),
    patronMask: '*0001',
    items: [
      {
        itemId: '3000000001',
        title: '吾輩は猫である / 夏目漱石',
        dueDate: '2026-12-06',
        offline: false,
      },
      { itemId: '3000000006', title: undefined, dueDate: '2026-12-06', offline: true },
    ],
  },
  { columns: 48, libraryName: 'かざす市立中央図書館' },
);

describe('receipt printer over a pty', () => {
  it('prints the receipt in Japanese and cuts it', async () => {
    await printer.print(receipt);
    expect(sim.receipts).toHaveLength(1);
    expect(sim.receipts[0]).toEqual({
      cut: true,
      lines: [
        'かざす市立中央図書館',
        '貸出票 / Checkout receipt',
        '2026-11-22 10:30  利用者 *0001',
        '-'.repeat(48),
        '吾輩は猫である / 夏目漱石',
        '  3000000001  返す日 12月6日(日)',
        '  3000000006  返す日 12月6日(日) ※',
        '-'.repeat(48),
        '2冊 / 2 item(s)',
        '※ 図書館のシステムにあとで登録します',
        'ご利用ありがとうございました',
      ],
    });
    expect(sim.unknown).toEqual([]);
  });

  it('out of paper: refused before anything is sent; a new roll and it prints', async () => {
    sim.runOutOfPaper();
    await expect(printer.print(receipt)).rejects.toMatchObject({
      code: 'printer/paper-out',
      details: { printed: false },
    });
    expect(printer.state).toBe('paper-out');
    sim.loadPaper();
    await printer.print(receipt);
    expect(sim.receipts).toHaveLength(1);
    expect(printer.state).toBe('ready');
  });

  it('paper running out mid-receipt is reported after printing; the rest prints on the new roll', async () => {
    sim.runOutOfPaper(4);
    await expect(printer.print(receipt)).rejects.toMatchObject({
      code: 'printer/paper-out',
      details: { printed: true },
    });
    expect(sim.currentLines).toHaveLength(4);
    sim.loadPaper();
    expect(sim.receipts[0]?.lines.at(-1)).toBe('ご利用ありがとうございました');
  });

  it('a cover left open and a printer that is off are states, not crashes', async () => {
    sim.coverOpen = true;
    await expect(printer.print(receipt)).rejects.toMatchObject({ code: 'printer/cover-open' });
    expect(printer.state).toBe('cover-open');
    sim.coverOpen = false;
    sim.silent = true;
    await expect(printer.status()).rejects.toMatchObject({ code: 'hardware/timeout' });
    expect(printer.state).toBe('unreachable');
    sim.silent = false;
    await expect(printer.status()).resolves.toMatchObject({ online: true, paperOut: false });
  });
});
