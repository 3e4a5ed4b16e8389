import { randomBytes } from 'node:crypto';
import type { SimulatedCard } from '../../reader/sim/card.ts';
import { createSimulatedCard, felicaCardWithIdm } from '../../reader/sim/factory.ts';
import { CardSlot } from '../../reader/sim/slot.ts';
import { VpcdBridge } from '../../reader/vpcd/bridge.ts';
import type { DenyRow, EntitlementRow } from '../../shared/contracts/sync/datasets.ts';
import { summarize, type Summary } from '../../shared/stats.ts';
import { tokenHash } from '../crypto.ts';
import type { DeviceStore } from '../store/store.ts';
import { installLocalDatasets } from './local-data.ts';
import type { TapReport } from './service.ts';

/** What load generation needs of a tap: from the service in process, or a validator's JSON lines. */
export type SimTapReport = Pick<TapReport, 'reader' | 'recorded' | 'timings'> & {
  readonly outcome: string;
};

/** A TapReport in the shape simulateTaps counts. */
export const simReport = (t: TapReport): SimTapReport => ({
  reader: t.reader,
  recorded: t.recorded,
  timings: t.timings,
  outcome: t.decision.outcome,
});

/**
 * Load for a validator: simulated riders tap through real pcscd + vpcd, one card after another
 * on each reader, the way a queue of passengers boards. Used by `kazasu validator simulate` and
 * the validator benchmark. The rider population is synthetic: IDms are numbers, never a real
 * card's.
 */

/** The rider behind the n-th registered card. */
export const riderIdm = (n: number): string =>
  (0x0100_0000_0000_0000n + BigInt(n)).toString(16).padStart(16, '0');
const strangerIdm = (n: number): string =>
  (0x0f00_0000_0000_0000n + BigInt(n)).toString(16).padStart(16, '0');
const CATEGORIES = ['senior', 'disability', 'resident', 'mytaku'] as const;

export interface Population {
  readonly entitlements: number;
  readonly denied: number;
}

/** The registered riders (a quarter each senior, disability, resident, マイタク with 20 rides a month). */
export function* entitlementRows(fleetKey: Uint8Array, count: number): Generator<EntitlementRow> {
  for (let i = 0; i < count; i += 1) {
    const category = CATEGORIES[i % CATEGORIES.length] ?? 'senior';
    yield {
      tokenHash: tokenHash(fleetKey, 'felica-idm', riderIdm(i)).toString('hex'),
      riderCategory: category,
      validFrom: '2026-04-01',
      validTo: '2099-03-31',
      ridesPerPeriod: category === 'mytaku' ? 20 : null,
      period: 'month',
    };
  }
}

/** Deny-list entries: cards reported lost, numbered after the registered ones. */
export function* denyRows(fleetKey: Uint8Array, p: Population): Generator<DenyRow> {
  for (let i = 0; i < p.denied; i += 1) {
    yield {
      tokenHash: tokenHash(fleetKey, 'felica-idm', riderIdm(p.entitlements + i)).toString('hex'),
      reason: 'lost',
      since: '2026-10-01',
    };
  }
}

export function installPopulation(
  store: DeviceStore,
  fleetKey: Uint8Array,
  p: Population,
  fares: unknown,
  createdAt: number,
): void {
  installLocalDatasets(store, {
    createdAt,
    entitlements: entitlementRows(fleetKey, p.entitlements),
    denyList: denyRows(fleetKey, p),
    fares: { table: fares },
  });
}

/** A 32-bit integer hash (the murmur3 finaliser): every input bit reaches every output bit. */
function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85eb_ca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2_ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The card for tap `i`: mostly registered riders, some lost cards, some unregistered transit
 * cards, now and then a foreign card and a My Number Card. Deterministic in `i` and `seed`.
 */
export function riderCard(
  i: number,
  p: Population,
  seed: number,
  myNumber: SimulatedCard,
): SimulatedCard {
  const r = mix32(i ^ mix32(seed));
  const bucket = r % 100;
  const pick = (n: number): number => (n <= 0 ? 0 : (r >>> 7) % n);
  if (bucket < 70 && p.entitlements > 0) return felicaCardWithIdm(riderIdm(pick(p.entitlements)));
  if (bucket < 78 && p.denied > 0)
    return felicaCardWithIdm(riderIdm(p.entitlements + pick(p.denied)));
  if (bucket < 93) return felicaCardWithIdm(strangerIdm(pick(1_000_000)));
  if (bucket < 97) return createSimulatedCard('unknown');
  return myNumber;
}

export interface SimulationOptions {
  /** Subscribes to the validator's tap reports; returns the unsubscribe function. */
  readonly reports: (listener: (report: SimTapReport) => void) => () => void;
  readonly taps: number;
  /** vpcd ports, one per reader the service serves, and those readers' names. */
  readonly ports: readonly number[];
  readonly host?: string;
  readonly readerNames: readonly string[];
  readonly population: Population;
  readonly seed?: number;
  /** How long a card stays on the reader after its result (a rider lifting it away). */
  readonly dwellMs?: number;
  /** Gives up on one tap after this long (the validator missed the card). */
  readonly tapTimeoutMs?: number;
  readonly onTap?: (report: SimTapReport, index: number) => void;
}

export interface SimulationResult {
  readonly taps: number;
  readonly missed: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly recorded: Readonly<Record<string, number>>;
  readonly totalMs: Summary;
  readonly ownMs: Summary;
  /** ownMs without the commit: hash, lookups, fare decision. */
  readonly decideMs: Summary;
  readonly commitMs: Summary;
  readonly cardMs: Summary;
  readonly wallMs: number;
}

export async function simulateTaps(o: SimulationOptions): Promise<SimulationResult> {
  const seed = o.seed ?? randomBytes(4).readUInt32LE(0);
  const lanes = o.ports.map((port, i) => {
    const slot = new CardSlot(o.readerNames[i] ?? `reader ${i}`);
    const bridge = new VpcdBridge(slot, { port, ...(o.host ? { host: o.host } : {}) });
    bridge.start();
    // A card is in one reader at a time: each lane has its own My Number Card.
    const myNumber = createSimulatedCard('mynumber');
    return { slot, bridge, reader: o.readerNames[i] ?? '', myNumber };
  });
  const reports: SimTapReport[] = [];
  let missed = 0;
  let next = 0;
  const started = performance.now();
  const waiters = new Map<string, (r: SimTapReport) => void>();
  const off = o.reports((report) => waiters.get(report.reader)?.(report));
  try {
    await Promise.all(
      lanes.map(async (lane) => {
        while (next < o.taps) {
          const index = next;
          next += 1;
          const card = riderCard(index, o.population, seed, lane.myNumber);
          const report = await new Promise<SimTapReport | undefined>((resolve) => {
            const timer = setTimeout(() => resolve(undefined), o.tapTimeoutMs ?? 10_000);
            waiters.set(lane.reader, (r) => {
              clearTimeout(timer);
              resolve(r);
            });
            lane.slot.insert(card);
          });
          waiters.delete(lane.reader);
          if (report) {
            reports.push(report);
            o.onTap?.(report, index);
          } else missed += 1;
          await new Promise((r) => setTimeout(r, o.dwellMs ?? 50));
          lane.slot.remove();
        }
      }),
    );
  } finally {
    off();
    await Promise.all(lanes.map((l) => l.bridge.stop()));
  }
  const count = (f: (r: SimTapReport) => string): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const r of reports) out[f(r)] = (out[f(r)] ?? 0) + 1;
    return out;
  };
  return {
    taps: reports.length,
    missed,
    outcomes: count((r) => r.outcome),
    recorded: count((r) => r.recorded),
    totalMs: summarize(reports.map((r) => r.timings.totalMs)),
    ownMs: summarize(reports.map((r) => r.timings.ownMs)),
    decideMs: summarize(reports.map((r) => r.timings.ownMs - r.timings.commitMs)),
    commitMs: summarize(reports.map((r) => r.timings.commitMs)),
    cardMs: summarize(reports.map((r) => r.timings.cardMs)),
    wallMs: performance.now() - started,
  };
}
