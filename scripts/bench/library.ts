// Benchmark: library self-checkout.
//   1. Scan to result: USB HID keyboard reports for an item barcode fed to the scanner driver →
//      flow → SIP2 Checkout over TCP to the simulated library system (a separate
//      `kazasu sip2 sim` process) → Checkout Response → local record with its outbox event
//      (SQLite file, WAL, synchronous=FULL) → the result screen. Also the patron card to the
//      welcome screen, and offline checkouts (library system stopped: stored with their event).
//   2. SIP2 codec throughput: encode + decode (with checksum) of checkout requests and
//      responses, UTF-8 and Shift_JIS.
//
//   npx tsx scripts/bench/library.ts [--items 1000] [--per-session 10]
//
// Results go to docs/perf.md between the `bench:library` markers.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { systemClock } from '../../shared/clock.ts';
import { reportsForText } from '../../hardware/hid/keyboard.ts';
import { BarcodeScanner } from '../../hardware/hid/scanner.ts';
import { FedHidTransport } from '../../hardware/hid/transport.ts';
import { sip2Connector } from '../../kiosk/devices/sip2-socket.ts';
import { decodeFrame, encodeMessage } from '../../kiosk/library/sip2/codec.ts';
import { formatSip2Date } from '../../kiosk/library/sip2/dates.ts';
import type { AnyMessage, MessageOf } from '../../kiosk/library/sip2/messages.ts';
import { SIM } from '../../kiosk/library/sip2/sim/data.ts';
import { libraryRig } from '../../kiosk/library/testing.ts';
import { openDeviceStore } from '../../kiosk/store/open.ts';
import { machineLine, ms, summarize, writePerfSection } from './stats.ts';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '1000' },
    'per-session': { type: 'string', default: '10' },
    offline: { type: 'string', default: '200' },
    'no-write': { type: 'boolean' },
  },
});
const items = Number(values.items);
const perSession = Number(values['per-session']);
const offlineItems = Number(values.offline);

// --- the simulated library system, in its own process -------------------------------------
const sim = spawn(
  process.execPath,
  [
    'scripts/kazasu.js',
    'sip2',
    'sim',
    '--port',
    '0',
    '--items',
    String(items + offlineItems),
    '--loan-limit',
    '100000',
  ],
  { stdio: ['ignore', 'pipe', 'ignore'] },
);
const listening = await new Promise<{ host: string; port: number }>((resolve) => {
  createInterface({ input: sim.stdout }).once('line', (line) => {
    resolve((JSON.parse(line) as { listening: { host: string; port: number } }).listening);
  });
});

const dataDir = mkdtempSync(join(tmpdir(), 'kazasu-bench-library-'));
const store = openDeviceStore({ dataDir, deviceId: 'lib-bench-1', clock: systemClock });
const rig = libraryRig({
  connect: sip2Connector(listening),
  store,
  timeoutMs: 2000,
  overrides: {
    offline: { enabled: true, loanDays: 14, maxItems: 100_000 },
    monitorIntervalMs: 3_600_000,
  },
});
const hid = new FedHidTransport();
const scanner = new BarcodeScanner(hid);
scanner.onEvent((e) => e.type === 'barcode' && rig.service.barcode(e.code));
rig.service.start();

/** Resolves at the first screen with one of `codes` (from a listener: no polling delay). */
function nextScreen(codes: readonly string[]): Promise<void> {
  return new Promise((resolve) => {
    const off = rig.service.onReport((r) => {
      if (r.type === 'screen' && codes.includes(r.screen.code)) {
        off();
        resolve();
      }
    });
  });
}

/** Feeds the scanner's reports for `code` and returns ms until one of `expected` is shown. */
async function timed(code: string, expected: readonly string[]): Promise<number> {
  const reports = reportsForText(code);
  const shown = nextScreen(expected);
  const t0 = performance.now();
  hid.feedAll(reports);
  await shown;
  return performance.now() - t0;
}

const itemId = (n: number): string => `31${String(n).padStart(8, '0')}`;
const scanToResult: number[] = [];
const identify: number[] = [];
const offline: number[] = [];

async function sessions(from: number, count: number, into: number[], ok: string[]): Promise<void> {
  for (let n = from; n < from + count; n += perSession) {
    identify.push(await timed(SIM.patrons.ok, ['welcome', 'welcome-offline']));
    for (let k = n; k < Math.min(from + count, n + perSession); k += 1) {
      into.push(await timed(itemId(k), ok));
    }
    const done = nextScreen(['goodbye', 'no-receipt']);
    rig.service.endSession();
    await done;
  }
}

await sessions(0, 50, [], ['checked-out']); // warm-up: connection, page cache, JIT
await sessions(50, items, scanToResult, ['checked-out']);
sim.kill('SIGKILL'); // the library system goes away
await new Promise((r) => sim.once('exit', r));
await sessions(50 + items, offlineItems, offline, ['stored-offline']);
await scanner.close();
await rig.close();
store.close();
rmSync(dataDir, { recursive: true, force: true });

// --- codec throughput -----------------------------------------------------------------------
const request: MessageOf<'11'> = {
  code: '11',
  scRenewalPolicy: false,
  noBlock: false,
  transactionDate: formatSip2Date(Date.now()),
  nbDueDate: ' '.repeat(18),
  institutionId: SIM.institution,
  patronId: SIM.patrons.ok,
  itemId: '3100000123',
  terminalPassword: 'terminal',
};
const response: MessageOf<'12'> = {
  code: '12',
  ok: true,
  renewalOk: false,
  magneticMedia: 'N',
  desensitize: 'Y',
  transactionDate: formatSip2Date(Date.now()),
  institutionId: SIM.institution,
  patronId: SIM.patrons.ok,
  itemId: '3100000123',
  titleId: '吾輩は猫である / 夏目漱石',
  dueDate: '20261206    235959',
  screenMessage: ['貸出しました'],
};

function throughput(charset: 'utf-8' | 'shift_jis', messages: readonly AnyMessage[]): number {
  const run = (n: number): number => {
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1) {
      const m = messages[i % messages.length] as AnyMessage;
      const bytes = encodeMessage(m, { charset, sequence: i % 10 });
      decodeFrame(bytes.subarray(0, -1), { charset, requireChecksum: true });
    }
    return (n / (performance.now() - t0)) * 1000;
  };
  run(20_000); // warm-up
  const rates = [run(100_000), run(100_000), run(100_000)];
  return rates.sort((a, b) => a - b)[1] ?? 0;
}
const utf8Rate = throughput('utf-8', [request, response]);
const sjisRate = throughput('shift_jis', [request, response]);

// --- report ---------------------------------------------------------------------------------
const row = (label: string, s: ReturnType<typeof summarize>) =>
  `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.max)} |`;
const s = summarize(scanToResult);
const k = (n: number): string => `${Math.round(n).toLocaleString('en-US')}`;
const report = `## Library self-checkout: scan to result, SIP2 codec (issue 7)

Command: \`npx tsx scripts/bench/library.ts --items ${items} --per-session ${perSession} --offline ${offlineItems}\`
(${machineLine()}, ${new Date().toISOString().slice(0, 10)}; the simulated library system in a separate \`kazasu sip2 sim\` process on loopback TCP; the device store an SQLite file (WAL, synchronous=FULL); scans are USB HID boot keyboard reports fed to the scanner driver; ${perSession} items a session; 50 items of warm-up not counted)

| per scan (ms) | n | p50 | p90 | p99 | max |
|---|---|---|---|---|---|
${row('**item scan → result** (online: SIP2 11/12 + local record and event)', s)}
${row('library card scan → welcome (SIP2 63/64, cache lookup)', summarize(identify))}
${row('item scan → result, library system down (stored with its event)', summarize(offline))}

Target: scan-to-result p99 ≤ 300 ms: **${ms(s.p99)} ms**.

| SIP2 codec (encode + decode with checksum, checkout request and response alternately) | messages/s |
|---|---|
| UTF-8 | **${k(utf8Rate)}** |
| Shift_JIS (hand-written encoder) | **${k(sjisRate)}** |

Target: ≥ 50,000 messages/s.`;
console.log(report);
if (!values['no-write']) writePerfSection('docs/perf.md', 'library', report);
process.exit(0);
