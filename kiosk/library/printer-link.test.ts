import { afterEach, describe, expect, it } from 'vitest';
import { reportsForText } from '../../hardware/hid/keyboard.ts';
import { FedHidTransport } from '../../hardware/hid/transport.ts';
import type { ReceiptPrinterState } from '../../hardware/receipt-printer/driver.ts';
import { ReceiptPrinterSimulator } from '../../hardware/receipt-printer/simulator.ts';
import { linkedPair, type SerialLink } from '../../hardware/serial/link.ts';
import { ReconnectingReceiptPrinter } from './printer-link.ts';
import { ReconnectingScanner } from './scanner-link.ts';
import { waitUntil as until } from './testing.ts';

const receipt = { lines: [{ kind: 'text', text: '貸出票' } as const, { kind: 'cut' } as const] };

/** A printer port that is plugged in or not; each plug-in is a new simulator on a new cable. */
function port() {
  const p = {
    plugged: false,
    sim: undefined as ReceiptPrinterSimulator | undefined,
    host: undefined as SerialLink | undefined,
    opens: 0,
    open: (): Promise<SerialLink> => {
      p.opens += 1;
      if (!p.plugged) return Promise.reject(new Error('ENOENT: no such file /dev/ttyUSB0'));
      const [host, device] = linkedPair();
      p.sim = new ReceiptPrinterSimulator(device);
      p.host = host;
      return Promise.resolve(host);
    },
    unplug: async () => {
      p.plugged = false;
      await p.sim?.close();
    },
  };
  return p;
}

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers) await c();
  closers = [];
});

describe('reconnecting receipt printer', () => {
  it('missing at start is a state; it opens by itself when plugged in, and again after being pulled', async () => {
    const p = port();
    const printer = new ReconnectingReceiptPrinter(p.open, { retryMs: 20, timeoutMs: 100 });
    closers.push(() => printer.close());
    const states: ReceiptPrinterState[] = [];
    printer.onState((s) => states.push(s));
    await printer.connect();
    expect(printer.state).toBe('closed');
    await expect(printer.print(receipt)).rejects.toMatchObject({ code: 'hardware/port-closed' });
    await expect(printer.status()).rejects.toMatchObject({ code: 'hardware/port-closed' });

    p.plugged = true;
    await until(() => printer.state === 'ready');
    await printer.print(receipt);
    expect(p.sim?.receipts[0]?.lines).toEqual(['貸出票']);

    await p.unplug();
    await until(() => printer.state === 'closed');
    await expect(printer.print(receipt)).rejects.toMatchObject({ code: 'hardware/port-closed' });
    const opensWhileAway = p.opens;
    await until(() => p.opens >= opensWhileAway + 2); // still trying, not given up
    p.plugged = true;
    await until(() => printer.state === 'ready');
    expect(states).toEqual(['ready', 'closed', 'ready']);
  });

  it('reports paper out from the status it reads on connect, and paper loaded once asked again', async () => {
    const p = port();
    p.plugged = true;
    const printer = new ReconnectingReceiptPrinter(
      async () => {
        const link = await p.open();
        p.sim?.runOutOfPaper();
        return link;
      },
      { retryMs: 20, timeoutMs: 100 },
    );
    closers.push(() => printer.close());
    await printer.connect();
    expect(printer.state).toBe('paper-out');
    await expect(printer.print(receipt)).rejects.toMatchObject({ code: 'printer/paper-out' });
    p.sim?.loadPaper();
    await printer.status();
    expect(printer.state).toBe('ready');
  });

  it('a port that opens after close is closed again, not leaked', async () => {
    let release: (link: SerialLink) => void = () => undefined;
    const [host] = linkedPair();
    const printer = new ReconnectingReceiptPrinter(
      () => new Promise<SerialLink>((r) => (release = r)),
    );
    const connecting = printer.connect();
    const closing = printer.close();
    release(host);
    await connecting;
    await closing;
    expect(host.isOpen).toBe(false);
    expect(printer.state).toBe('closed');
  });
});

describe('reconnecting scanner', () => {
  it('barcodes keep coming after the scanner is unplugged and plugged back', async () => {
    let transport = new FedHidTransport('hid:1');
    let plugged = true;
    const codes: string[] = [];
    const connections: boolean[] = [];
    const scanner = new ReconnectingScanner(
      () => {
        if (!plugged) return Promise.reject(new Error('no such device'));
        transport = new FedHidTransport('hid:again');
        return Promise.resolve(transport);
      },
      (e) => {
        if (e.type === 'barcode') codes.push(e.code);
      },
      { retryMs: 20, onConnection: (c) => connections.push(c) },
    );
    closers.push(() => scanner.close());
    await scanner.connect();
    expect(scanner.connected).toBe(true);
    transport.feedAll(reportsForText('L0001'));
    plugged = false;
    transport.unplug();
    expect(scanner.connected).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    expect(scanner.connected).toBe(false);
    plugged = true;
    await until(() => scanner.connected);
    transport.feedAll(reportsForText('3000000001'));
    expect(codes).toEqual(['L0001', '3000000001']);
    expect(connections).toEqual([true, false, true]);
  });
});
