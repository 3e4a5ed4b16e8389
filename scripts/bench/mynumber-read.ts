// Benchmark: a full verified read of a My Number Card through pcscd + vpcd:
//   SELECT text AP, tries left, VERIFY, EF 0002, EF 0004, EF 0003, EF 0007, challenge, checks.
//
//   npx tsx scripts/bench/mynumber-read.ts [--reads 200]
//
// The simulated card runs in a separate process (`kazasu sim card`), so this process's CPU time
// is the reader side only. To separate our code from the pcsclite binding and libpcsclite (whose
// socket calls are most of it), each read is paired with a bare replay of the very same APDUs
// through the binding, in the same run; "our own" CPU is the difference per pair. Results go to
// docs/perf.md between the `bench:mynumber-read` markers.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { silentLogger } from '../../shared/log.ts';
import { waitForEvent } from '../../reader/hub.ts';
import { parseBasicFour } from '../../reader/mynumber/basic-four.ts';
import { readTextAp } from '../../reader/mynumber/text-ap.ts';
import { loadCaKeyFile } from '../../reader/mynumber/trust.ts';
import { isProven, verifyTextAp } from '../../reader/mynumber/verify.ts';
import { MyNumberCardSim } from '../../reader/sim/mynumber-card.ts';
import { defaultMyNumberProfile } from '../../reader/sim/mynumber-profile.ts';
import { CardChannel } from '../../reader/transport/channel.ts';
import { createPcscHub } from '../../kiosk/devices/pcsc.ts';
import { startPrivatePcscd } from '../lib/pcscd.ts';
import { machineLine, ms, summarize, writePerfSection } from './stats.ts';

interface BareReader {
  name: string;
  connect(
    o: { share_mode: number; protocol: number },
    cb: (e: Error | null, p: number) => void,
  ): void;
  transmit(d: Buffer, len: number, p: number, cb: (e: Error | null, r: Buffer) => void): void;
  disconnect(d: number, cb: (e?: Error | null) => void): void;
  close(): void;
  on(ev: string, l: (...a: never[]) => void): void;
}
interface BareContext {
  on(ev: 'reader', l: (r: BareReader) => void): void;
  on(ev: 'error', l: (e: Error) => void): void;
  close(): void;
}

const { values } = parseArgs({
  options: { reads: { type: 'string', default: '200' }, 'no-write': { type: 'boolean' } },
});
const reads = Number(values.reads);
const caKeys = loadCaKeyFile('reader/sim/profiles/sim-cv-ca-keys.json');
const cpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

const pcscd = await startPrivatePcscd({ name: 'Kazasu Bench' });
pcscd.useIn(process.env);
const reader = pcscd.readerNames[0] as string;
const sim = spawn(
  process.execPath,
  ['scripts/kazasu.js', 'sim', 'card', '--kind', 'mynumber', '--port', String(pcscd.ports[0])],
  {
    stdio: 'ignore',
  },
);
const hub = createPcscHub(silentLogger);
await waitForEvent(hub, (e) => e.type === 'card-present' && e.reader === reader, 30_000);
const bare = (createRequire(import.meta.url)('pcsclite') as () => BareContext)();
bare.on('error', () => undefined);
const bareReader = await new Promise<BareReader>((resolve) =>
  bare.on('reader', (r) => {
    r.on('error', () => undefined);
    if (r.name === reader) resolve(r);
  }),
);

/** One verified read on a fresh session; returns wall and CPU ms, and the APDUs it sent. */
async function ours(record: Buffer[] | undefined): Promise<{ wall: number; cpu: number }> {
  const transport = await hub.connect(reader);
  if (record) {
    const inner = transport.transmit.bind(transport);
    transport.transmit = (c, o) => (record.push(Buffer.from(c)), inner(c, o));
  }
  const channel = new CardChannel(transport, { logger: silentLogger });
  const c0 = cpuMs();
  const t0 = performance.now();
  const read = await readTextAp(channel, {
    credential: { kind: 'pin', secret: new TextEncoder().encode('1234') },
    caKeys,
    acceptTestCards: true,
  });
  const result = { wall: performance.now() - t0, cpu: cpuMs() - c0 };
  await channel.close(); // resets the card: every read starts from scratch
  if (!isProven(read.verification)) throw new Error('the read was not proven');
  return result;
}

/** The same APDUs through the bare binding (same card, same answers). */
async function bareReplay(commands: readonly Buffer[]): Promise<number> {
  const protocol = await new Promise<number>((res, rej) =>
    bareReader.connect({ share_mode: 1, protocol: 3 }, (e, p) => (e ? rej(e) : res(p))),
  );
  const c0 = cpuMs();
  for (const c of commands) {
    await new Promise<Buffer>((res, rej) =>
      bareReader.transmit(c, 258, protocol, (e, r) => (e ? rej(e) : res(r))),
    );
  }
  const cpu = cpuMs() - c0;
  await new Promise<void>((res) => bareReader.disconnect(1, () => res()));
  return cpu;
}

const commands: Buffer[] = [];
await ours(commands);
for (let i = 0; i < 5; i += 1) {
  await ours(undefined);
  await bareReplay(commands);
}
const wall: number[] = [];
const cpu: number[] = [];
const bareCpu: number[] = [];
const own: number[] = [];
for (let i = 0; i < reads; i += 1) {
  const o = await ours(undefined);
  const b = await bareReplay(commands);
  wall.push(o.wall);
  cpu.push(o.cpu);
  bareCpu.push(b);
  own.push(o.cpu - b);
}

// The pure checks alone (parse + CV certificate + integrity), on the card's own files.
const files = new MyNumberCardSim(defaultMyNumberProfile()).files.text;
const checkMs: number[] = [];
for (let i = 0; i < 500; i += 1) {
  const t0 = performance.now();
  const parsed = parseBasicFour(files.basicFour);
  verifyTextAp(
    {
      cvCertificate: files.cvCertificate,
      integrity: files.integrity,
      basicFourDigestSource: parsed.digestSource,
    },
    { caKeys, acceptTestCards: true },
  );
  checkMs.push(performance.now() - t0);
}

bareReader.close();
bare.close();
sim.kill('SIGINT');
await hub.close();
await pcscd.dispose();

const row = (label: string, s: ReturnType<typeof summarize>) =>
  `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.max)} |`;
const o = summarize(own);
const n = commands.length;
const report = `## My Number Card: full verified read through pcscd + vpcd (issue 3)

Command: \`npx tsx scripts/bench/mynumber-read.ts --reads ${reads}\`
(${machineLine()}, ${new Date().toISOString().slice(0, 10)}; private pcscd; the simulated card in a separate \`kazasu sim card\` process; each read on a fresh session with the PIN, then the same ${n} APDUs replayed through the bare binding)

| per read (ms) | n | p50 | p90 | p99 | max |
|---|---|---|---|---|---|
${row('wall time, select to all checks done', summarize(wall))}
${row('CPU time of the reading process', summarize(cpu))}
${row('CPU time of the bare binding for the same APDUs', summarize(bareCpu))}
${row('**our own CPU time** (paired difference)', o)}
${row('the checks alone (parse + CV certificate + integrity)', summarize(checkMs))}

Target: our own CPU time ≤ 5 ms per read: p50 **${ms(o.p50)} ms**, p99 ${ms(o.p99)} ms. Most of the process's CPU is libpcsclite's socket calls, which scale with the APDU count.

APDUs per read: **${n}**: SELECT AP 1; SELECT key EF, tries left, VERIFY 3; for EF 0002, 0004, 0003 and 0007 a SELECT, a 7-byte header read and the rest in 256-byte chunks (3 + 5 + 4 + 5); the challenge 1.
The minimum for the same checks is 13: knowing the file sizes in advance saves the 4 header probes, and READ BINARY by short file identifier (which myna-card reports the card takes) saves the 4 SELECT EFs. We send ${n - 13} more (${((n / 13 - 1) * 100).toFixed(0)}% over) and keep the probes, because card-protocols.md reads files that way and real cards' answers to an over-long Le are not documented.`;
console.log(report);
if (!values['no-write']) writePerfSection('docs/perf.md', 'mynumber-read', report);
process.exit(0);
