import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidatorDisplaySimulator } from '../hardware/validator-display/simulator.ts';
import { startPtyPair, type PtyPair } from '../kiosk/devices/pty.ts';
import { openSerialLink } from '../kiosk/devices/serial.ts';
import { loadConfig } from '../kiosk/config/load.ts';
import { waitUntil } from '../kiosk/library/testing.ts';
import { loadOrCreateIdentity } from '../kiosk/store/identity.ts';
import type { TapDurable } from '../kiosk/validator/service.ts';
import { createSimulatedCard, felicaCardWithIdm } from '../reader/sim/factory.ts';
import type { SimulatedCard } from '../reader/sim/card.ts';
import { CardSlot } from '../reader/sim/slot.ts';
import { VpcdBridge } from '../reader/vpcd/bridge.ts';
import { startPrivatePcscd, type PrivatePcscd } from '../scripts/lib/pcscd.ts';
import demoFares from '../kiosk/validator/demo-fares.json' with { type: 'json' };
import { startBackend, writeDeviceConfig, type BackendProcess } from './support/backend.ts';
import { kazasu } from './support/cli.ts';

// The bus as its operator runs it: `kazasu validator` from a device config, cards tapped on a
// vpcd reader of a real pcscd, the rider display on a socat pty, datasets and rides synced with
// the reference backend on loopback.
const SENIOR = '0a0b0c0d0e0f1011';
const MYTAKU = '1a1b1c1d1e1f2021';
const LOST = '2a2b2c2d2e2f3031';

let pcscd: PrivatePcscd;
let backend: BackendProcess;
let pty: PtyPair;
let display: ValidatorDisplaySimulator;
let config: string;
let slot: CardSlot;
let bridge: VpcdBridge;
let validator: Validator | undefined;

interface TapLine {
  outcome: string;
  fareYen: number | null;
  reason: { code: string; ja: string };
  allowanceLeft: number | null;
  recorded: string;
  card: string;
  deviceSeq: number | null;
  timings: { totalMs: number };
}

/** A running `kazasu validator --json --durable`, its tap lines as they arrive. */
interface Validator {
  readonly child: ChildProcess;
  readonly taps: TapLine[];
  /** The device sequence numbers of recorded taps reported on disk (the --durable lines). */
  readonly durable: (number | null)[];
  readonly stderr: () => string;
  nextTap(): Promise<TapLine>;
}

function startValidator(): Promise<Validator> {
  const child = spawn(
    process.execPath,
    ['scripts/kazasu.js', 'validator', '--json', '--durable', '--config', config],
    {
      env: { ...process.env, KAZASU_LOG_LEVEL: 'warn', PCSCLITE_CSOCK_NAME: pcscd.socketPath },
    },
  );
  const taps: TapLine[] = [];
  const durable: (number | null)[] = [];
  const waiting: ((t: TapLine) => void)[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const parsed = JSON.parse(buffer.slice(0, nl)) as TapLine | { durable: TapDurable };
      buffer = buffer.slice(nl + 1);
      if ('durable' in parsed) {
        durable.push(parsed.durable.deviceSeq ?? null);
        continue;
      }
      const line = parsed;
      const w = waiting.shift();
      if (w) w(line);
      else taps.push(line);
    }
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`validator did not start: ${stderr}`)), 20_000);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('waiting for cards')) {
        clearTimeout(timer);
        resolve({
          child,
          taps,
          durable,
          stderr: () => stderr,
          nextTap: () =>
            new Promise<TapLine>((res, rej) => {
              const t = taps.shift();
              if (t) return res(t);
              const give = setTimeout(() => rej(new Error(`no tap line: ${stderr}`)), 15_000);
              waiting.push((line) => {
                clearTimeout(give);
                res(line);
              });
            }),
        });
      }
    });
  });
}

async function stopValidator(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
  const v = validator;
  validator = undefined;
  if (!v || v.child.exitCode !== null) return v?.child.exitCode ?? null;
  const exited = new Promise<number | null>((r) => v.child.once('exit', (code) => r(code)));
  v.child.kill(signal);
  return exited;
}

/** Places a card, waits for the validator's line, lifts the card. */
async function tap(card: SimulatedCard, arm?: (s: CardSlot) => void): Promise<TapLine> {
  const v = validator as Validator;
  slot.insert(card);
  arm?.(slot);
  const line = await v.nextTap();
  slot.remove();
  return line;
}

/**
 * Resolves once the display has shown `text` and then set the LED (and, if given, beeped) for
 * it: the driver sends text, LED and beep as three commands.
 */
function displayShows(text: string, then: { led?: string; beep?: string } = {}): Promise<void> {
  const done = (): boolean => {
    const h = display.history;
    const shown = h.findLastIndex((r) => r.kind === 'show' && r.lines.join('\n').includes(text));
    if (shown < 0) return false;
    const after = h.slice(shown + 1);
    return (
      (then.led === undefined || after.some((r) => r.kind === 'led' && r.colour === then.led)) &&
      (then.beep === undefined || after.some((r) => r.kind === 'beep' && r.pattern === then.beep))
    );
  };
  return new Promise((resolve, reject) => {
    if (done()) return resolve();
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(
          `display never showed "${text}" ${JSON.stringify(then)}: ${display.lines.join(' / ')}`,
        ),
      );
    }, 5000);
    const off = display.onRecord(() => {
      if (!done()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

function backendEvents(): { type: string; n: number }[] {
  const db = new Database(join(backend.dataDir, 'backend.db'), { readonly: true });
  try {
    return db
      .prepare(
        `SELECT type, count(*) AS n FROM events WHERE device_id = 'bus-0007' GROUP BY type ORDER BY type`,
      )
      .all() as { type: string; n: number }[];
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  pcscd = await startPrivatePcscd({ name: 'Kazasu Bus' });
  backend = await startBackend();
  const csv = join(backend.dir, 'registrants.csv');
  writeFileSync(
    csv,
    [
      'カード種別,カード番号,利用者区分,乗車回数,期間,有効開始日,有効終了日,氏名',
      `交通系IC,${SENIOR},高齢者,,月,2020-04-01,2099-03-31,見本 花子`,
      `交通系IC,${MYTAKU},mytaku,2,月,2020-04-01,2099-03-31,見本 太郎`,
    ].join('\n'),
  );
  backend.admin('import', 'registrants', '--csv', csv);
  const lost = join(backend.dir, 'lost.csv');
  writeFileSync(lost, `card_kind,card_id,reason,since\nfelica-idm,${LOST},lost,2026-10-01\n`);
  backend.admin('publish', 'deny-list', '--csv', lost);
  const fares = join(backend.dir, 'fares.json');
  writeFileSync(fares, JSON.stringify({ table: demoFares }));
  backend.admin('publish', 'documents', '--dataset', 'fares', '--json', fares);

  pty = await startPtyPair('kazasu-test-display');
  display = new ValidatorDisplaySimulator(await openSerialLink(pty.simulatorPath));
  config = writeDeviceConfig(join(backend.dir, 'bus-0007'), {
    deviceId: 'bus-0007',
    url: backend.url,
    publicKeys: [backend.publicKey],
    fleetKeyHex: backend.fleetKeyHex,
    extra: {
      sync: { intervalSeconds: 5, attempts: 2 },
      validator: {
        routeId: 'R1',
        stopId: 'S101',
        readers: [pcscd.readerNames[0]],
        display: { path: pty.devicePath },
        duplicateWindowSeconds: 60,
        resultHoldMs: 500,
      },
    },
  });
  const c = loadConfig(config);
  const id = loadOrCreateIdentity(c.dataDir, c.deviceId);
  backend.admin(
    'device',
    'add',
    '--id',
    'bus-0007',
    '--role',
    'validator',
    '--public-key',
    id.publicKey,
  );
  slot = new CardSlot(pcscd.readerNames[0] as string);
  bridge = new VpcdBridge(slot, { port: pcscd.ports[0] as number });
  bridge.start();
  // The first sync brings the datasets down before the first rider boards.
  const once = await kazasu(['sync', '--once', '--json', '--config', config]);
  expect(JSON.parse(once.stdout)).toMatchObject({ ok: true });
  validator = await startValidator();
}, 120_000);

afterAll(async () => {
  await stopValidator('SIGKILL');
  await bridge?.stop();
  await display?.close();
  await pty?.stop();
  await backend?.dispose();
  await pcscd?.dispose();
});

describe('kazasu validator', () => {
  it('asks for the first card on the rider display', async () => {
    await displayShows('カードをタッチしてください', { led: 'blue' });
  });

  it('a senior rider pays the senior fare; a second tap is already validated', async () => {
    const first = await tap(felicaCardWithIdm(SENIOR));
    expect(first).toMatchObject({
      outcome: 'accepted',
      fareYen: 100,
      card: 'felica',
      recorded: 'ride',
      reason: { code: 'category-fare' },
    });
    await displayShows('シニア割引 100円', { led: 'green', beep: 'accept' });
    // the record reached the disk after the decision, and the validator said so
    await waitUntil(() => validator?.durable.includes(first.deviceSeq) ?? false);
    const second = await tap(felicaCardWithIdm(SENIOR));
    expect(second).toMatchObject({ outcome: 'already-validated', recorded: 'none' });
    await displayShows('処理済みです');
  });

  it("a マイタク rider rides free on one of the month's subsidised rides", async () => {
    const t = await tap(felicaCardWithIdm(MYTAKU));
    expect(t).toMatchObject({ outcome: 'accepted', fareYen: 0, allowanceLeft: 1 });
    await displayShows('残り1回');
  });

  it('a lost card goes to the driver; an unknown card pays the standard fare', async () => {
    expect(await tap(felicaCardWithIdm(LOST))).toMatchObject({
      outcome: 'see-driver',
      reason: { code: 'denied' },
    });
    await displayShows('乗務員にお知らせください', { led: 'red', beep: 'refuse' });
    expect(await tap(createSimulatedCard('unknown'))).toMatchObject({
      outcome: 'accepted',
      fareYen: 200,
      card: 'unknown',
      recorded: 'unidentified',
    });
  });

  it('a card pulled during its read asks for another tap, then the tap goes through', async () => {
    const pulled = await tap(felicaCardWithIdm('3a3b3c3d3e3f4041'), (sl) => sl.pullOn(1));
    expect(pulled).toMatchObject({ outcome: 'tap-again', recorded: 'none' });
    const again = await tap(felicaCardWithIdm('3a3b3c3d3e3f4041'));
    expect(again).toMatchObject({ outcome: 'accepted', fareYen: 200 });
  });

  it('keeps deciding with the display unplugged, and shows again when it is back', async () => {
    await display.close();
    const t = await tap(felicaCardWithIdm('4a4b4c4d4e4f5051'));
    expect(t.outcome).toBe('accepted');
    display = new ValidatorDisplaySimulator(await openSerialLink(pty.simulatorPath));
    const later = await tap(felicaCardWithIdm('5a5b5c5d5e5f6061'));
    expect(later.outcome).toBe('accepted');
    await displayShows('運賃 200円', { led: 'green' });
  });

  it('survives kill -9: the duplicate window holds after restart and every ride reaches the backend', async () => {
    await stopValidator('SIGKILL');
    validator = await startValidator();
    const t = await tap(felicaCardWithIdm(SENIOR));
    expect(t.outcome).toBe('already-validated');
    // the validator's own sync loop uploads (every 5 s in this config)
    const deadline = Date.now() + 30_000;
    let events = backendEvents();
    while (Date.now() < deadline && (events.find((e) => e.type === 'ride.validated')?.n ?? 0) < 6) {
      await new Promise((r) => setTimeout(r, 500));
      events = backendEvents();
    }
    expect(events).toEqual(
      expect.arrayContaining([
        { type: 'ride.validated', n: 6 },
        { type: 'ride.unidentified', n: 1 },
      ]),
    );
    expect(await stopValidator('SIGINT')).toBe(0);
  }, 60_000);

  it('refuses a config without a validator section, naming it', async () => {
    const other = writeDeviceConfig(join(backend.dir, 'bus-bare'), {
      deviceId: 'bus-bare',
      url: backend.url,
      publicKeys: [backend.publicKey],
      fleetKeyHex: backend.fleetKeyHex,
    });
    const r = await kazasu(['validator', '--config', other]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'config/invalid' } });
  });

  it('validator simulate drives cards through pcscd and prints a latency summary', async () => {
    const r = await kazasu(
      [
        'validator',
        'simulate',
        '--taps',
        '8',
        '--readers',
        '1',
        '--port',
        String(pcscd.ports[0]),
        '--reader-prefix',
        'Kazasu Bus 0',
        '--json',
        '--entitlements',
        '1000',
        '--deny',
        '100',
      ],
      { socketPath: pcscd.socketPath, timeoutMs: 60_000 },
    );
    // the bus's own validator stopped in the test before; its reader is free ("Kazasu Bus 0 00 00")
    expect(r.stderr).not.toContain('has no reader');
    const summary = JSON.parse(r.stdout) as {
      taps: number;
      missed: number;
      totalMs: { p99: number };
    };
    expect(r.code).toBe(0);
    expect(summary).toMatchObject({ taps: 8, missed: 0 });
    expect(summary.totalMs.p99).toBeGreaterThan(0);
  }, 90_000);
});
