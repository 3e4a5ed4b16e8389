import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportsForText } from '../hardware/hid/keyboard.ts';
import { BarcodeScanner } from '../hardware/hid/scanner.ts';
import { FedHidTransport } from '../hardware/hid/transport.ts';
import { ReceiptPrinterSimulator } from '../hardware/receipt-printer/simulator.ts';
import { startPtyPair, type PtyPair } from '../kiosk/devices/pty.ts';
import { openSerialLink } from '../kiosk/devices/serial.ts';
import { sip2Connector } from '../kiosk/devices/sip2-socket.ts';
import { exceptionsReport } from '../kiosk/library/report.ts';
import { SIM } from '../kiosk/library/sip2/sim/data.ts';
import { startSip2Simulator, type Sip2Simulator } from '../kiosk/library/sip2/sim/server.ts';
import { TEST_FLEET_KEY, libraryRig, type Rig } from '../kiosk/library/testing.ts';
import { openDeviceStore } from '../kiosk/store/open.ts';
import type { DeviceStore } from '../kiosk/store/store.ts';
import { systemClock } from '../shared/clock.ts';
import { json, kazasu } from './support/cli.ts';
import { writeDeviceConfig } from './support/backend.ts';

// The whole self-checkout through real parts: the simulated library system on a TCP port,
// the receipt printer simulator on a socat pty, the scanner driver fed with USB HID keyboard
// reports, and the device store in an SQLite file. Online and offline, with the failures a
// patron meets: an unknown barcode, a blocked card, a printer out of paper, walking away.

const P = SIM.patrons;
const I = SIM.items;
let dir: string;
let sim: Sip2Simulator;
let pty: PtyPair;
let printer: ReceiptPrinterSimulator;
let store: DeviceStore;
let rig: Rig;
let hid: FedHidTransport;
let scanner: BarcodeScanner;

async function start(overrides: Parameters<typeof libraryRig>[0]['overrides'] = {}): Promise<void> {
  rig = libraryRig({
    connect: sip2Connector({ host: sim.host, port: sim.port }),
    printerLink: await openSerialLink(pty.devicePath, 38_400),
    store,
    timeoutMs: 1000, // generous: a loaded CI machine must not turn a slow answer into "offline"
    overrides,
  });
  hid = new FedHidTransport();
  scanner = new BarcodeScanner(hid);
  scanner.onEvent((e) => e.type === 'barcode' && rig.service.barcode(e.code));
  rig.service.start();
}

/** Types `code` on the scanner and waits for the screen it should bring. */
async function scan(code: string, expected: string): Promise<void> {
  const from = rig.screens().length;
  hid.feedAll(reportsForText(code));
  await rig.screen(expected, from);
}

async function end(expected: string): Promise<void> {
  const from = rig.screens().length;
  rig.service.endSession();
  await rig.screen(expected, from);
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kazasu-library-'));
  sim = await startSip2Simulator();
  pty = await startPtyPair('kazasu-test-library');
  printer = new ReceiptPrinterSimulator(await openSerialLink(pty.simulatorPath, 38_400));
  store = openDeviceStore({
    dataDir: join(dir, 'data'),
    deviceId: 'lib-chuo-1',
    clock: systemClock,
  });
});
afterEach(async () => {
  await scanner?.close();
  await rig?.close();
  store.close();
  await printer.close();
  await pty.stop();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('library self-checkout, end to end', () => {
  it('a patron borrows two books; the receipt comes out of the printer; the library system has the loans', async () => {
    await start();
    await scan(P.ok, 'welcome');
    await scan(I.cat, 'checked-out');
    await scan(I.botchan, 'checked-out');
    await end('goodbye');
    const text = printer.receipts[0]?.lines.join('\n') ?? '';
    expect(text).toContain('吾輩は猫である / 夏目漱石');
    expect(text).toContain('坊っちゃん / 夏目漱石');
    expect(text).toMatch(/返す日 \d+月\d+日\(.\)/);
    expect(text).not.toContain(P.ok); // masked
    expect(sim.library.loans.get(I.cat)?.patronId).toBe(P.ok);
    expect(store.outbox.pending(10).map((e) => e.type)).toEqual([
      'checkout.completed',
      'checkout.completed',
    ]);
    await rig.until(() => sim.received.some((r) => r.code === '35'));
  });

  it('an unknown barcode and a book held for someone else are refused; a blocked patron cannot start', async () => {
    await start();
    await scan(P.fines, 'blocked-fines');
    await scan(P.ok, 'welcome');
    await scan(I.unknown, 'unknown-item');
    await scan(I.kokoro, 'on-hold');
    await scan('12 34', 'invalid-barcode');
    await end('goodbye'); // nothing borrowed: no receipt
    expect(printer.receipts).toEqual([]);
  });

  it('paper running out at the receipt: the books are still checked out and the patron is told', async () => {
    await start();
    await scan(P.ok, 'welcome');
    // The printer was ready when the session began: a status read between patrons may still be
    // on the wire, and the driver answers requests in turn, so this one waits behind it.
    expect((await rig.printer!.status()).paperOut).toBe(false);
    expect(rig.printer!.state).toBe('ready');
    printer.runOutOfPaper(); // during the session: the service learns it at the receipt
    await scan(I.rashomon, 'checked-out');
    await end('receipt-failed-paper');
    expect(sim.library.loans.get(I.rashomon)?.patronId).toBe(P.ok);
    expect(printer.receipts).toEqual([]);
  });

  it('a printer already out of paper is said at the start, and the due dates stay on the screen', async () => {
    printer.runOutOfPaper();
    await start();
    await rig.until(() => rig.printer?.state === 'paper-out');
    await scan(P.ok, 'printer-unavailable');
    await scan(I.rashomon, 'checked-out');
    await end('no-receipt');
    const last = rig.reports.filter((r) => r.type === 'screen').at(-1);
    expect(last?.type === 'screen' && last.screen.summary).toMatchObject([{ itemId: I.rashomon }]);
  });

  it('walking away: the idle timeout ends the session and prints the receipt', async () => {
    await start({ idleTimeoutMs: 1000 }); // long enough for the two scans on a loaded machine
    await scan(P.ok, 'welcome');
    await scan(I.cat, 'checked-out');
    await rig.screen('goodbye', 0);
    expect(printer.receipts).toHaveLength(1);
  });

  it('offline then online: stored checkouts are forwarded with no-block and their times; a refusal becomes an exception for staff', async () => {
    await start();
    await sim.stop();
    await scan(P.ok, 'welcome-offline');
    await scan(I.botchan, 'stored-offline');
    await scan(I.unknown, 'stored-offline');
    await end('goodbye');
    const times = store.checkouts.pending().map((p) => p.occurredAt);
    expect(times).toHaveLength(2);
    expect(printer.receipts[0]?.lines).toContain('※ 図書館のシステムにあとで登録します');

    await sim.start();
    await rig.until(() => store.checkouts.stats().pending === 0, 10_000);
    expect(sim.library.checkouts.map((c) => [c.itemId, c.noBlock, c.ok])).toEqual([
      [I.botchan, true, true],
      [I.unknown, true, false],
    ]);
    const { formatSip2Date } = await import('../kiosk/library/sip2/dates.ts');
    expect(sim.library.checkouts.map((c) => c.transactionDate)).toEqual(
      times.map((t) => formatSip2Date(t)),
    );
    expect(exceptionsReport(store.checkouts.exceptions())[1]).toContain(
      `資料 ${I.unknown}  利用者 ${P.ok}`,
    );

    // the staff command reads the same store
    await rig.close();
    store.close();
    const config = writeDeviceConfig(dir, {
      deviceId: 'lib-chuo-1',
      role: 'library',
      url: 'http://127.0.0.1:9',
      publicKeys: [Buffer.alloc(32, 1).toString('base64')],
      fleetKeyHex: Buffer.from(TEST_FLEET_KEY).toString('hex'),
      extra: {
        library: { sip2: { host: sim.host, port: sim.port, institutionId: SIM.institution } },
      },
    });
    const listed = json<{
      exceptions: { txnId: string; itemId: string; reason: string }[];
      pending: number;
    }>(await kazasu(['library', 'exceptions', '--json', '--config', config]));
    expect(listed).toMatchObject({
      pending: 0,
      exceptions: [{ itemId: I.unknown, reason: 'unknown-item' }],
    });
    const txn = listed.exceptions[0]?.txnId ?? '';
    expect(
      json(await kazasu(['library', 'exceptions', '--json', '--resolve', txn, '--config', config])),
    ).toEqual({
      resolved: true,
    });
    store = openDeviceStore({
      dataDir: join(dir, 'data'),
      deviceId: 'lib-chuo-1',
      clock: systemClock,
    });
    expect(store.checkouts.exceptions()).toEqual([]);
    expect(store.outbox.pending(20).map((e) => e.type)).toEqual([
      'checkout.stored',
      'checkout.stored',
      'checkout.forwarded',
      'checkout.exception',
      'checkout.resolved',
    ]);
  });
});
