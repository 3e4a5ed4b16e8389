// Benchmark: APDU round trips through pcscd + vpcd, our stack against the bare binding, and the
// time from card insertion to the `card-present` event.
//
//   npx tsx scripts/bench/apdu-roundtrip.ts [--rounds 20] [--per-round 200] [--insertions 20]
//
// A private pcscd (scripts/lib/pcscd.ts) with one vpcd reader; the card is EchoCard, which
// answers at once, so what is measured is the path, not card logic. Bare and ours alternate
// exchange by exchange on the same reader in the same run; the ratio compares their medians. Results go to
// docs/perf.md between the `bench:apdu` markers.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { fromHex } from '../../shared/bytes.ts';
import { silentLogger } from '../../shared/log.ts';
import { encodeCommand, type CommandApdu } from '../../reader/apdu/command.ts';
import { waitForEvent } from '../../reader/hub.ts';
import { EchoCard } from '../../reader/sim/echo-card.ts';
import { CardSlot } from '../../reader/sim/slot.ts';
import { CardChannel } from '../../reader/transport/channel.ts';
import { VpcdBridge } from '../../reader/vpcd/bridge.ts';
import { createPcscHub } from '../../kiosk/devices/pcsc.ts';
import { startPrivatePcscd } from '../lib/pcscd.ts';
import { machineLine, ms, summarize, writePerfSection } from './stats.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20' },
    'per-round': { type: 'string', default: '200' },
    insertions: { type: 'string', default: '20' },
    'no-write': { type: 'boolean' },
  },
});
const rounds = Number(values.rounds);
const perRound = Number(values['per-round']);
const insertions = Number(values.insertions);

// The same three commands both ways: SELECT by AID (case 3), READ BINARY 256 (case 2),
// retries query (case 1).
const COMMANDS: CommandApdu[] = [
  { cla: 0, ins: 0xa4, p1: 4, p2: 0x0c, data: fromHex('D3921000310001010408') },
  { cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 },
  { cla: 0, ins: 0x20, p1: 0, p2: 0x80 },
];
const ENCODED = COMMANDS.map((c) => Buffer.from(encodeCommand(c)));
const RECV = COMMANDS.map((c) => (c.le ?? 256) + 2);

interface BareReader {
  name: string;
  connect(
    o: { share_mode: number; protocol: number },
    cb: (e: Error | null, p: number) => void,
  ): void;
  transmit(d: Buffer, len: number, p: number, cb: (e: Error | null, r: Buffer) => void): void;
  disconnect(d: number, cb: (e?: Error | null) => void): void;
  close(): void;
  on(ev: string, l: (...a: unknown[]) => void): void;
}

const pcscd = await startPrivatePcscd({ name: 'Kazasu Bench' });
pcscd.useIn(process.env);
const reader = pcscd.readerNames[0] as string;
const slot = new CardSlot(reader);
const bridge = new VpcdBridge(slot, { port: pcscd.ports[0] as number, emptyHoldMs: 1000 });
bridge.start();
const hub = createPcscHub(silentLogger);
await hub.settled(5000);

async function insert(): Promise<number> {
  const t0 = performance.now();
  const seen = waitForEvent(hub, (e) => e.type === 'card-present' && e.reader === reader, 10_000);
  slot.insert(new EchoCard());
  await seen;
  return performance.now() - t0;
}

async function remove(): Promise<void> {
  const seen = waitForEvent(hub, (e) => e.type === 'card-removed' && e.reader === reader, 10_000);
  slot.remove();
  await seen;
}

// --- insertion to card-present --------------------------------------------------------
const progress = (m: string) => process.stderr.write(`[bench] ${m}\n`);
const insertMs: number[] = [];
progress(`${insertions} insertions`);
for (let i = 0; i < insertions; i += 1) {
  insertMs.push(await insert());
  await remove();
  await new Promise((r) => setTimeout(r, 1100 + Math.random() * 400)); // de-phase from pcscd's poll
}

// --- round trips ------------------------------------------------------------------------
await insert();
const require = createRequire(import.meta.url);
const pcsclite = require('pcsclite') as () => {
  on(ev: 'reader', l: (r: BareReader) => void): void;
  on(ev: 'error', l: (e: Error) => void): void;
  close(): void;
};
const bare = pcsclite();
bare.on('error', () => undefined); // close() cancels its status wait, reported as an error
const bareReader = await new Promise<BareReader>((resolve) =>
  bare.on('reader', (r) => {
    r.on('error', () => undefined);
    if (r.name === reader) resolve(r);
  }),
);

// Both paths hold the card at once (shared mode) and alternate exchange by exchange, in ABBA
// order, so drift in the machine's speed (a VM's idle vCPUs wake slowly) hits both equally.
const protocol = await new Promise<number>((res, rej) =>
  bareReader.connect({ share_mode: 2, protocol: 3 }, (e, p) => (e ? rej(e) : res(p))),
);
const channel = new CardChannel(await hub.connect(reader, { share: 'shared' }), {
  logger: silentLogger,
});

async function bareOnce(k: number): Promise<number> {
  const t0 = performance.now();
  await new Promise<Buffer>((res, rej) =>
    bareReader.transmit(ENCODED[k] as Buffer, RECV[k] as number, protocol, (e, r) =>
      e ? rej(e) : res(r),
    ),
  );
  return performance.now() - t0;
}

async function oursOnce(k: number): Promise<number> {
  const t0 = performance.now();
  await channel.send(COMMANDS[k] as CommandApdu);
  return performance.now() - t0;
}

const bareMs: number[] = [];
const oursMs: number[] = [];
const total = rounds * perRound;
for (let i = 0; i < 200; i += 1) {
  await bareOnce(i % 3); // warm-up
  await oursOnce(i % 3);
}
for (let i = 0; i < total; i += 1) {
  const k = i % COMMANDS.length;
  if (i % 4 === 0 || i % 4 === 3) {
    bareMs.push(await bareOnce(k));
    oursMs.push(await oursOnce(k));
  } else {
    oursMs.push(await oursOnce(k));
    bareMs.push(await bareOnce(k));
  }
}

await channel.close('leave');
await new Promise<void>((res) => bareReader.disconnect(0, () => res()));
bareReader.close();
bare.close();
await bridge.stop();
await hub.close();
await pcscd.dispose();

const b = summarize(bareMs);
const o = summarize(oursMs);
const ins = summarize(insertMs);
const row = (name: string, s: ReturnType<typeof summarize>) =>
  `| ${name} | ${s.n} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.max)} |`;
const report = `## APDU round trip through pcscd + vpcd (issue 2)

Command: \`npx tsx scripts/bench/apdu-roundtrip.ts --rounds ${rounds} --per-round ${perRound} --insertions ${insertions}\`
(${machineLine()}, ${new Date().toISOString().slice(0, 10)}; private pcscd, one vpcd reader, EchoCard; SELECT, READ BINARY 256, retries query in turn; bare and ours hold the card in shared mode and alternate exchange by exchange)

| path (ms) | n | p50 | p90 | p99 | max |
|---|---|---|---|---|---|
${row('bare pcsclite transmit', b)}
${row('Kazasu stack (CardChannel.send → PcscTransport)', o)}
${row('card insertion → card-present event', ins)}

Ratio ours/bare: p50 **${(o.p50 / b.p50).toFixed(3)}**, p99 ${(o.p99 / b.p99).toFixed(3)}, mean ${(o.mean / b.mean).toFixed(3)} (target p50 ratio ≤ 1.2).
Insertion latency is dominated by pcscd polling vpcd for presence every 400 ms (PCSCLITE_STATUS_POLL_RATE); a CCID reader with interrupt notification reports sooner.
Round trips need the \`quickack\` route the bootstrap adds for 127.35.96.3 (without it, ~44 ms each: see reader/vpcd/constants.ts).`;
console.log(report);
if (!values['no-write']) writePerfSection('docs/perf.md', 'apdu', report);
process.exit(0);
