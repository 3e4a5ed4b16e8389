/**
 * A self-checkout put together from simulated parts, for tests and the benchmark: a device
 * store with the demo patron cache, the SIP2 client over a connector you choose (an in-process
 * pair to the simulator in unit tests, TCP in integration tests), and a receipt printer link.
 * Also small waiting helpers over the service's reports.
 */
import type { Clock } from '../../shared/clock.ts';
import type { SerialLink } from '../../hardware/serial/link.ts';
import { ReceiptPrinter } from '../../hardware/receipt-printer/driver.ts';
import { systemClock } from '../../shared/clock.ts';
import type { DeviceStore } from '../store/store.ts';
import { countingBytes, memoryStore } from '../store/testing.ts';
import { demoPatronCache } from './demo-data.ts';
import type { Screen } from './flow.ts';
import { Sip2LibrarySystem } from './library-system.ts';
import { installPatronCache } from './patron-cache.ts';
import { LibraryService, type LibraryReport, type LibraryServiceOptions } from './service.ts';
import { Sip2Client } from './sip2/client.ts';
import { SIM } from './sip2/sim/data.ts';

export const TEST_FLEET_KEY = new Uint8Array(32).fill(0x42);

export interface RigOptions {
  readonly connect: () => Promise<SerialLink>;
  readonly printerLink?: SerialLink | undefined;
  readonly store?: DeviceStore;
  readonly clock?: Clock;
  readonly timeoutMs?: number;
  readonly overrides?: Partial<LibraryServiceOptions>;
}

export interface Rig {
  readonly service: LibraryService;
  readonly store: DeviceStore;
  readonly client: Sip2Client;
  readonly printer: ReceiptPrinter | undefined;
  readonly reports: LibraryReport[];
  /** Screens shown so far, by code. */
  screens(): string[];
  /** Resolves when a screen with `code` appears after the call (or already did, since `from`). */
  screen(code: string, from?: number): Promise<Screen>;
  until(predicate: () => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

/** Resolves once `predicate` holds (polled every 5 ms); rejects after `ms`. */
export async function waitUntil(predicate: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The SIP2 client and library system for the simulated library, over `connect`. */
export function simLibrarySystem(
  connect: () => Promise<SerialLink>,
  clock: Clock,
  timeoutMs = 200,
): { client: Sip2Client; system: Sip2LibrarySystem } {
  const client = new Sip2Client({
    connect,
    charset: 'utf-8',
    timeoutMs,
    retries: 1,
    connectTimeoutMs: 1000,
    login: SIM.login,
  });
  const system = new Sip2LibrarySystem(client, {
    institutionId: SIM.institution,
    utcOffsetMinutes: 540,
    clock,
  });
  return { client, system };
}

export function libraryRig(options: RigOptions): Rig {
  const clock = options.clock ?? systemClock;
  const store = options.store ?? memoryStore('lib-chuo-1', clock);
  installPatronCache(store, TEST_FLEET_KEY, demoPatronCache(), clock.now());
  const { client, system } = simLibrarySystem(options.connect, clock, options.timeoutMs);
  const printer = options.printerLink
    ? new ReceiptPrinter(options.printerLink, { timeoutMs: 1000, printTimeoutMs: 2000 })
    : undefined;
  const service = new LibraryService({
    clock,
    store,
    system,
    fleetKey: TEST_FLEET_KEY,
    printer,
    policy: { acceptIcCard: true, acceptMyNumberCard: false },
    offline: { enabled: true, loanDays: 14, maxItems: 5 },
    idleTimeoutMs: 60_000,
    receipt: { columns: 48, libraryName: 'かざす市立中央図書館' },
    monitorIntervalMs: 50,
    randomBytes: countingBytes,
    ...options.overrides,
  });
  const reports: LibraryReport[] = [];
  service.onReport((r) => reports.push(r));
  const screens = (): Screen[] => reports.flatMap((r) => (r.type === 'screen' ? [r.screen] : []));
  const until = waitUntil;
  return {
    service,
    store,
    client,
    printer,
    reports,
    screens: () => screens().map((s) => s.code),
    async screen(code, from = screens().length) {
      await until(() =>
        screens()
          .slice(from)
          .some((s) => s.code === code),
      );
      return screens()
        .slice(from)
        .find((s) => s.code === code) as Screen;
    },
    until,
    async close() {
      await service.stop();
      await client.close();
      await printer?.close();
    },
  };
}
