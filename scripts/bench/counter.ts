// Benchmark: the write-less counter from a card on the reader to a printable PDF of three forms,
// excluding human input: the PIN (twice: the read, and the My Number for 住民異動届), the
// procedures and the review are given the moment the flow asks for them.
//
//   npx tsx scripts/bench/counter.ts [--cases 100] [--no-write]
//
// Real parts: a private pcscd with vsmartcard-vpcd, the simulated card behind it (in this
// process: its RSA signature for the card-present challenge counts in the wall time), the
// reference backend as a separate process on loopback (four-item look-up and My Number check,
// each a signed request), kiosk/forms (fill, preflight, pdf-lib render with IPAmj Mincho and
// IPAex Gothic subsets), the audit log in SQLite (WAL, synchronous=FULL). Printing itself (CUPS)
// is not timed: the clock stops when the PDF is handed to the printer. Each case starts at the
// reader's card-present event; pcscd's presence polling before it (up to 400 ms with vpcd) is the
// reader's, reported by bench:apdu. Results go to docs/perf.md between the `bench:counter` markers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../shared/clock.ts';
import { silentLogger } from '../../shared/log.ts';
import { waitForEvent } from '../../reader/hub.ts';
import { loadCaKeyFile } from '../../reader/mynumber/trust.ts';
import { CardSlot } from '../../reader/sim/slot.ts';
import { VpcdBridge } from '../../reader/vpcd/bridge.ts';
import { VPCD_DEFAULT_HOST } from '../../reader/vpcd/constants.ts';
import { loadConfig } from '../../kiosk/config/load.ts';
import { createFormsPort } from '../../kiosk/counter/compose-forms.ts';
import { createCounter } from '../../kiosk/counter/compose.ts';
import { SAMPLE_RESIDENTS } from '../../kiosk/counter/demo-backend.ts';
import type { CounterForms } from '../../kiosk/counter/forms-port.ts';
import { sampleCard } from '../../kiosk/counter/sim-cards.ts';
import type { CounterState } from '../../kiosk/counter/types.ts';
import { waitForState } from '../../kiosk/counter/wait.ts';
import { createPcscHub } from '../../kiosk/devices/pcsc.ts';
import { startBackend, writeDeviceConfig } from '../lib/backend-process.ts';
import { startPrivatePcscd } from '../lib/pcscd.ts';
import { machineLine, ms, summarize, writePerfSection } from './stats.ts';

const { values } = parseArgs({
  options: { cases: { type: 'string', default: '100' }, 'no-write': { type: 'boolean' } },
});
const cases = Number(values.cases);
const WARM_UP = 5;
const FORMS = ['juminhyo-request', 'moving-in', 'seal-registration'];
const STAFF = {
  relation: '本人',
  certificate: '住民票の写し',
  copies: '1',
  items: '世帯全員',
  purpose: '手続のため',
  'move-date': '2026-12-01',
  'new-address': '北海道北見市高栄西町１０丁目３番地２５',
  'new-householder': '黒桐　幹也',
};

const dir = mkdtempSync(join(tmpdir(), 'kazasu-bench-counter-'));
const pcscd = await startPrivatePcscd({ name: 'Kazasu Bench' });
pcscd.useIn(process.env);
const backend = await startBackend({ dir: join(dir, 'backend') });
backend.admin('import', 'residents', '--csv', SAMPLE_RESIDENTS);
const deviceId = 'counter-bench-01';
backend.registerDevice(join(dir, 'device', 'data'), deviceId, 'counter');
const configPath = writeDeviceConfig(join(dir, 'device'), {
  deviceId,
  role: 'counter',
  url: backend.url,
  publicKeys: [backend.publicKey],
  fleetKeyHex: backend.fleetKeyHex,
  extra: { counter: { municipalityCode: '012084' } },
});

// The real forms engine; "printing" is the moment the PDF is ready for the printer.
const real = createFormsPort({ municipalityCode: '012084', target: { kind: 'directory', dir } });
let pdfReadyAt = 0;
let pdfBytes = 0;
let pdfPages = 0;
const forms: CounterForms = {
  procedures: () => real.procedures(),
  prepare: (data) => real.prepare(data),
  async render(prepared, accepted) {
    const pdf = await real.render(prepared, accepted);
    pdfReadyAt = performance.now();
    pdfBytes = pdf.length;
    pdfPages = prepared.pages;
    return pdf;
  },
  print: () => Promise.resolve({ ok: true, jobId: 'bench' }),
};

const hub = createPcscHub(silentLogger);
const counter = await createCounter({
  config: loadConfig(configPath),
  clock: systemClock,
  logger: silentLogger,
  hub,
  forms,
  caKeys: loadCaKeyFile('reader/sim/profiles/sim-cv-ca-keys.json'),
  acceptTestCards: true,
  printTarget: { kind: 'directory', dir },
});
const { service } = counter;
const slot = new CardSlot('bench');
const bridge = new VpcdBridge(slot, {
  host: VPCD_DEFAULT_HOST,
  port: pcscd.ports[0] as number,
  reconnectMs: 50,
});
bridge.start();
let presentAt = 0;
hub.subscribe((e) => {
  if (e.type === 'card-present') presentAt = performance.now();
});

const ascii = (t: string): Uint8Array => new TextEncoder().encode(t);
const until = (ok: (s: CounterState) => boolean, what: string) =>
  waitForState(service, ok, what, 30_000);

interface Sample {
  total: number;
  probe: number;
  read: number;
  myNumber: number;
  fill: number;
  render: number;
}

async function oneCase(): Promise<Sample> {
  const card = sampleCard('mikiya');
  service.openCase();
  slot.insert(card.card);
  await until((s) => s.phase === 'choosing-method', 'the probe');
  const probed = performance.now();
  service.chooseMethod('pin');
  service.enterPin(ascii(card.pin));
  await until((s) => s.phase === 'consent', 'the read');
  service.answerConsent('agreed'); // human input, answered at once
  await until((s) => s.phase === 'person-ready', 'the look-up');
  const read = performance.now();
  service.chooseProcedures(
    FORMS.map((id) => ({ id, persons: ['p1'] })),
    { case: STAFF },
  );
  await until((s) => s.phase === 'my-number', 'the My Number step');
  service.enterPin(ascii(card.pin));
  await until((s) => s.phase === 'filling-forms' || s.phase === 'review', 'the My Number');
  const numbered = performance.now();
  await until((s) => s.phase === 'review', 'the forms');
  const filled = performance.now();
  service.confirmReview(true);
  await until((s) => s.phase === 'awaiting-signature', 'the PDF');
  const sample = {
    total: pdfReadyAt - presentAt,
    probe: probed - presentAt,
    read: read - probed,
    myNumber: numbered - read,
    fill: filled - numbered,
    render: pdfReadyAt - filled,
  };
  service.markSigned();
  service.closeCase();
  await service.settled();
  if (service.heldBytes !== 0) throw new Error('case data left after close');
  const left = waitForEvent(hub, (e) => e.type === 'card-removed', 5000);
  slot.remove();
  await left;
  return sample;
}

for (let i = 0; i < WARM_UP; i += 1) await oneCase();
const samples: Sample[] = [];
for (let i = 0; i < cases; i += 1) samples.push(await oneCase());
const audit = counter.audit.verify();

await bridge.stop();
await counter.close();
await hub.close();
await backend.dispose();
await pcscd.dispose();
rmSync(dir, { recursive: true, force: true });

const row = (label: string, key: keyof Sample) => {
  const s = summarize(samples.map((x) => x[key]));
  return `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.max)} |`;
};
const total = summarize(samples.map((s) => s.total));
const report = `## Counter: card on the reader to a printable PDF of three forms (issue 6)

Command: \`npx tsx scripts/bench/counter.ts --cases ${cases}\`
(${machineLine()}, ${new Date().toISOString().slice(0, 10)}; private pcscd + vpcd, the simulated card in this process; the reference backend as a separate process on loopback; kiosk/forms with IPAmj Mincho and IPAex Gothic; audit log in SQLite; ${WARM_UP} warm-up cases first)

Each case: card-present event → probe (card key, PIN tries) → PIN → verified read (CV certificate, integrity, card-present challenge) → four-item look-up → procedures ${FORMS.join(', ')} → My Number with the PIN, checked by the backend (住民異動届 is 個人番号利用事務) → fill and preflight → review → PDF rendered (${pdfPages} pages, ${Math.round(pdfBytes / 1024)} KiB). Human input (PIN, choices, review) is given the moment it is asked for; CUPS is not timed.

| per case (ms) | n | p50 | p90 | p99 | max |
|---|---|---|---|---|---|
${row('**card on the reader → printable PDF**', 'total')}
${row('probe (card key, tries left)', 'probe')}
${row('PIN → read proven, resident found', 'read')}
${row('PIN → My Number read and checked', 'myNumber')}
${row('fill + preflight (review ready)', 'fill')}
${row('render the PDF', 'render')}

Target p99 ≤ 500 ms: p50 **${ms(total.p50)} ms**, p99 **${ms(total.p99)} ms**. Audit chain after the run: ${audit.entries} entries, ${audit.ok ? 'intact' : 'BROKEN'}.`;
console.log(report);
if (!values['no-write']) writePerfSection('docs/perf.md', 'counter', report);
process.exit(0);
