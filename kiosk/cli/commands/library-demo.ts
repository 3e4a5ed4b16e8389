import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../../shared/clock.ts';
import { silentLogger } from '../../../shared/log.ts';
import { reportsForText } from '../../../hardware/hid/keyboard.ts';
import { BarcodeScanner } from '../../../hardware/hid/scanner.ts';
import { FedHidTransport } from '../../../hardware/hid/transport.ts';
import { ReceiptPrinterSimulator } from '../../../hardware/receipt-printer/simulator.ts';
import { startPtyPair } from '../../devices/pty.ts';
import { openSerialLink } from '../../devices/serial.ts';
import { sip2Connector } from '../../devices/sip2-socket.ts';
import { reportLine } from '../../library/present.ts';
import { exceptionsReport } from '../../library/report.ts';
import { SIM } from '../../library/sip2/sim/data.ts';
import { startSip2Simulator } from '../../library/sip2/sim/server.ts';
import { libraryRig, type Rig } from '../../library/testing.ts';
import { openDeviceStore } from '../../store/open.ts';
import type { CliContext } from '../context.ts';

export const libraryDemoHelp = `kazasu library demo [--online-only]
  A scripted self-checkout, end to end through real parts: the simulated library system on a
  TCP port (SIP2), a barcode scanner fed with USB HID keyboard reports, and the simulated
  ESC/POS receipt printer on a socat pty. A patron borrows (one book is on hold for someone
  else, one barcode is unknown), the receipt is printed and shown; a blocked patron is refused;
  then the library system goes away, a cached patron borrows offline, and when it is back the
  stored checkouts are forwarded with no-block and the refusal appears in the exceptions
  report. --online-only stops after the first part.`;

const P = SIM.patrons;
const I = SIM.items;

export async function libraryDemoCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { 'online-only': { type: 'boolean' } },
    strict: true,
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'kazasu-library-demo-'));
  const sim = await startSip2Simulator({ logger: ctx.logger });
  const pty = await startPtyPair('kazasu-receipt');
  const printerSide = await openSerialLink(pty.simulatorPath, 38_400);
  const printerSim = new ReceiptPrinterSimulator(printerSide);
  const store = openDeviceStore({ dataDir, deviceId: 'lib-demo-1', clock: systemClock });
  const rig: Rig = libraryRig({
    connect: sip2Connector({ host: sim.host, port: sim.port }),
    printerLink: await openSerialLink(pty.devicePath, 38_400),
    store,
    timeoutMs: 500,
    // The demo prints every screen; the service's own warnings would repeat them.
    overrides: { logger: silentLogger, monitorIntervalMs: 200 },
  });
  const hid = new FedHidTransport('hid:demo-scanner');
  const scanner = new BarcodeScanner(hid);
  scanner.onEvent((e) => {
    if (e.type === 'barcode') rig.service.barcode(e.code);
  });
  rig.service.onReport((r) => {
    const line = reportLine(r, true);
    if (line) ctx.out(`    ${line}`);
  });
  printerSim.onReceipt((receipt) => {
    ctx.out('    ┌─ レシート / receipt ─────────────────────────');
    for (const l of receipt.lines) ctx.out(`    │ ${l}`);
    ctx.out('    └──────────────────────────────────────────────');
  });
  const step = (what: string): void => ctx.out(`\n▶ ${what}`);
  const scan = async (code: string, expect: string): Promise<void> => {
    const from = rig.screens().length;
    step(`スキャン / scan ${code}`);
    hid.feedAll(reportsForText(code));
    await rig.screen(expect, from);
  };
  const finish = async (expect: string): Promise<void> => {
    const from = rig.screens().length;
    step('終了ボタン / end session');
    rig.service.endSession();
    await rig.screen(expect, from);
  };
  try {
    ctx.out('かざす 図書館セルフ貸出デモ / Kazasu library self-checkout demo');
    ctx.out(
      `  library system (simulated SIP2 ACS): ${sim.host}:${sim.port}; receipt printer (simulated): ${pty.devicePath}`,
    );
    rig.service.start();
    await scan(P.ok, 'welcome');
    await scan(I.cat, 'checked-out');
    await scan(I.kokoro, 'on-hold');
    await scan(I.unknown, 'unknown-item');
    await scan(I.botchan, 'checked-out');
    await finish('goodbye');
    await scan(P.fines, 'blocked-fines');
    if (!values['online-only']) {
      step('図書館システムが止まります / the library system goes away');
      await sim.stop();
      await scan(P.ok, 'welcome-offline');
      await scan(I.rashomon, 'stored-offline');
      await scan(I.unknown, 'stored-offline');
      await finish('goodbye');
      step('図書館システムが戻ります / the library system is back');
      await sim.start();
      await rig.until(() => store.checkouts.stats().pending === 0, 15_000);
      ctx.out('');
      for (const line of exceptionsReport(store.checkouts.exceptions())) ctx.out(`  ${line}`);
    }
    const loans = [...sim.library.loans].filter(([, l]) => l.patronId === P.ok).map(([id]) => id);
    ctx.out(`\n  library system now shows ${P.ok} with ${loans.length} loans: ${loans.join(', ')}`);
    return 0;
  } finally {
    await scanner.close();
    await rig.close();
    await printerSim.close();
    store.close();
    await sim.stop();
    await pty.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
