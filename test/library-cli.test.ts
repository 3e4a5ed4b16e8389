import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ReceiptPrinterSimulator } from '../hardware/receipt-printer/simulator.ts';
import { startPtyPair, type PtyPair } from '../kiosk/devices/pty.ts';
import { openSerialLink } from '../kiosk/devices/serial.ts';
import { SIM } from '../kiosk/library/sip2/sim/data.ts';
import { startSip2Simulator, type Sip2Simulator } from '../kiosk/library/sip2/sim/server.ts';
import { writeDeviceConfig } from './support/backend.ts';
import { json, kazasu } from './support/cli.ts';
import { killAllLibraries, library, screen } from './support/library.ts';

// `kazasu library` composed from its config, as on a machine: SIP2 in Shift_JIS over TCP to the
// simulated library system, the receipt printer on a socat pty opened through serialport,
// barcodes typed on standard input. And a config that is not a library's is refused.

let dir: string;
let sim: Sip2Simulator;
let pty: PtyPair;
let printer: ReceiptPrinterSimulator;
let config: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kazasu-library-cli-'));
  sim = await startSip2Simulator({ charset: 'shift_jis' });
  pty = await startPtyPair('kazasu-test-library-cli');
  printer = new ReceiptPrinterSimulator(await openSerialLink(pty.simulatorPath, 38_400));
  config = writeDeviceConfig(dir, {
    deviceId: 'lib-chuo-3',
    role: 'library',
    url: 'http://127.0.0.1:9',
    publicKeys: [Buffer.alloc(32, 1).toString('base64')],
    fleetKeyHex: randomBytes(32).toString('hex'),
    extra: {
      library: {
        sip2: {
          host: sim.host,
          port: sim.port,
          charset: 'shift_jis',
          institutionId: SIM.institution,
          login: SIM.login,
        },
        printer: { path: pty.devicePath, columns: 32 },
        libraryName: 'かざす市立中央図書館',
      },
    },
  });
});
afterEach(() => killAllLibraries());
afterAll(async () => {
  await printer.close();
  await pty.stop();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('kazasu library from its config', () => {
  it('checks out over SIP2 in Shift_JIS and prints the receipt on the serial printer', async () => {
    const run = library(config);
    run.send(SIM.patrons.ok);
    await run.until(screen('welcome'));
    run.send(SIM.items.melos);
    await run.until(screen('lost-or-missing', SIM.items.melos));
    run.send(SIM.items.botchan);
    await run.until(screen('checked-out', SIM.items.botchan));
    run.send('!end');
    await run.until(screen('goodbye'));
    expect(printer.receipts.at(-1)?.lines).toEqual(
      expect.arrayContaining(['かざす市立中央図書館', '坊っちゃん / 夏目漱石', '1冊 / 1 item(s)']),
    );
    expect(run.lines.some((l) => JSON.stringify(l).includes(SIM.patrons.ok))).toBe(false);
    expect(sim.received.filter((r) => r.code === '??')).toEqual([]); // every checksum matched
  });

  it('a config without a library section is config/invalid', async () => {
    const other = writeDeviceConfig(join(dir, 'bus'), {
      deviceId: 'bus-0001',
      url: 'http://127.0.0.1:9',
      publicKeys: [Buffer.alloc(32, 1).toString('base64')],
      fleetKeyHex: randomBytes(32).toString('hex'),
    });
    const r = await kazasu(['library', '--config', other]);
    expect(r.code).toBe(1);
    expect(json(r)).toMatchObject({ error: { code: 'config/invalid' } });
  });
});
