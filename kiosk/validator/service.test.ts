import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromHex } from '../../shared/bytes.ts';
import type { EntitlementRow } from '../../shared/contracts/sync/datasets.ts';
import { linkedPair } from '../../hardware/serial/link.ts';
import { ValidatorDisplay } from '../../hardware/validator-display/driver.ts';
import { ValidatorDisplaySimulator } from '../../hardware/validator-display/simulator.ts';
import { felicaAtr } from '../../reader/sim/felica-card.ts';
import { createSimulatedCard, felicaCardWithIdm } from '../../reader/sim/factory.ts';
import { SimHub } from '../../reader/sim/hub.ts';
import type { SimulatedCard } from '../../reader/sim/card.ts';
import { CardSlot } from '../../reader/sim/slot.ts';
import { tokenHash } from '../crypto.ts';
import { StoreError } from '../store/errors.ts';
import { manualClock, memoryStore } from '../store/testing.ts';
import { openDeviceStore } from '../store/open.ts';
import type { DeviceStore } from '../store/store.ts';
import { recordingLogger, type Logger } from '../../shared/log.ts';
import type { ValidatorPolicy } from './decide.ts';
import demoFares from './demo-fares.json' with { type: 'json' };
import { installLocalDatasets } from './local-data.ts';
import { ValidatorService, type RiderDisplay, type TapDurable, type TapReport } from './service.ts';

const FLEET_KEY = new Uint8Array(32).fill(7);
const AT = Date.parse('2026-11-24T08:00:00+09:00');
const SENIOR_IDM = '0101010101010101';
const MYTAKU_IDM = '0202020202020202';
const DENIED_IDM = '0303030303030303';
const STRANGER_IDM = '0404040404040404';
const hashOf = (idm: string): string => tokenHash(FLEET_KEY, 'felica-idm', idm).toString('hex');
const policy: ValidatorPolicy = {
  routeId: 'R1',
  stopId: 'S101',
  duplicateWindowMs: 120_000,
  maxDataAgeMs: 72 * 3_600_000,
  stalePolicy: 'accept-and-flag',
  overrunBound: 2,
};
const entitlement = (idm: string, over: Partial<EntitlementRow> = {}): EntitlementRow => ({
  tokenHash: hashOf(idm),
  riderCategory: 'senior',
  validFrom: '2026-04-01',
  validTo: '2027-03-31',
  ridesPerPeriod: null,
  period: 'month',
  ...over,
});

interface Rig {
  readonly clock: ReturnType<typeof manualClock>;
  readonly store: DeviceStore;
  readonly slot: CardSlot;
  readonly service: ValidatorService;
  readonly display: ValidatorDisplaySimulator;
  /** Puts a card on the reader and resolves with the service's report of the tap. */
  tap(card: SimulatedCard, arm?: (slot: CardSlot) => void): Promise<TapReport>;
}

const open: Rig[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) {
    await r.service.stop();
    await r.display.close();
    r.store.close();
  }
});

/** A device store in an SQLite file (WAL on disk) with the test riders' data. */
function fileStore(clock: ReturnType<typeof manualClock>): { store: DeviceStore; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kazasu-validator-'));
  const store = openDeviceStore({ dataDir: dir, deviceId: 'bus-0042', clock });
  installLocalDatasets(store, {
    createdAt: AT - 3_600_000,
    entitlements: [entitlement(SENIOR_IDM)],
    denyList: [],
    fares: { table: demoFares },
  });
  return { store, dir };
}

function rig(
  options: {
    store?: DeviceStore;
    clock?: ReturnType<typeof manualClock>;
    policy?: Partial<ValidatorPolicy>;
    data?: boolean;
    display?: RiderDisplay;
    housekeeping?: { everyMs: number; retentionMs: number; recentTapMs: number };
    fsync?: 'after-decision' | 'in-commit';
    logger?: Logger;
  } = {},
): Rig {
  const clock = options.clock ?? manualClock(AT);
  const store = options.store ?? memoryStore('bus-0042', clock);
  if (options.data !== false && !options.store) {
    installLocalDatasets(store, {
      createdAt: AT - 3_600_000,
      entitlements: [
        entitlement(SENIOR_IDM),
        entitlement(MYTAKU_IDM, { riderCategory: 'mytaku', ridesPerPeriod: 2 }),
        entitlement(DENIED_IDM),
      ],
      denyList: [{ tokenHash: hashOf(DENIED_IDM), reason: 'lost', since: '2026-11-01' }],
      fares: { table: demoFares },
    });
  }
  const slot = new CardSlot('Sim Reader 0');
  const hub = new SimHub([slot]);
  const [host, device] = linkedPair();
  const display = new ValidatorDisplaySimulator(device);
  const service = new ValidatorService({
    hub,
    store,
    fleetKey: FLEET_KEY,
    clock,
    policy: { ...policy, ...options.policy },
    display: options.display ?? new ValidatorDisplay(host, { timeoutMs: 100 }),
    resultHoldMs: 200,
    ...(options.housekeeping ? { housekeeping: options.housekeeping } : {}),
    ...(options.fsync ? { fsync: options.fsync } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  service.start();
  const r: Rig = {
    clock,
    store,
    slot,
    service,
    display,
    tap: async (card, arm) => {
      slot.remove();
      const report = new Promise<TapReport>((resolve) => {
        const off = service.onTap((t) => {
          off();
          resolve(t);
        });
      });
      slot.insert(card);
      arm?.(slot);
      return report;
    },
  };
  open.push(r);
  return r;
}

const rideEvents = (store: DeviceStore): { type: string; payload: Record<string, unknown> }[] =>
  store.outbox
    .pending(100)
    .map((e) => ({ type: e.type, payload: JSON.parse(e.payloadJson) as Record<string, unknown> }));

/** Answers the FeliCa ATR but GET DATA with two bytes instead of an 8-byte IDm. */
class BrokenFelica implements SimulatedCard {
  readonly kind = 'felica' as const;
  readonly atr = felicaAtr();
  reset(): void {}
  process(): Uint8Array {
    return fromHex('01 02 90 00');
  }
}

describe('ValidatorService', () => {
  it('a senior tap is decided, recorded with the keyed hash in one transaction, and shown', async () => {
    const r = rig();
    const shown = new Promise<void>((resolve) =>
      r.display.onRecord((rec) => rec.kind === 'beep' && resolve()),
    );
    const t = await r.tap(felicaCardWithIdm(SENIOR_IDM));
    expect(t).toMatchObject({
      card: 'felica',
      recorded: 'ride',
      decision: { outcome: 'accepted', fareYen: 100, category: { id: 'senior' } },
    });
    expect(t.timings.totalMs).toBeGreaterThanOrEqual(t.timings.ownMs);
    const events = rideEvents(r.store);
    expect(events).toEqual([
      {
        type: 'ride.validated',
        payload: expect.objectContaining({
          tokenHash: hashOf(SENIOR_IDM),
          fareYen: 100,
        }) as unknown,
      },
    ]);
    expect(JSON.stringify(events)).not.toContain(SENIOR_IDM);
    await shown;
    expect(r.display.lines).toEqual(['シニア割引 100円', 'シニア割引']);
    expect(r.display.led).toBe('green');
  });

  it('a second tap within the window is already validated, also after a restart', async () => {
    const r = rig();
    await r.tap(felicaCardWithIdm(SENIOR_IDM));
    r.clock.advance(30_000);
    expect((await r.tap(felicaCardWithIdm(SENIOR_IDM))).decision.outcome).toBe('already-validated');
    await r.service.stop();
    const again = rig({ store: r.store, clock: r.clock });
    r.clock.advance(30_000);
    const t = await again.tap(felicaCardWithIdm(SENIOR_IDM));
    expect(t).toMatchObject({ decision: { outcome: 'already-validated' }, recorded: 'none' });
    expect(rideEvents(r.store)).toHaveLength(1);
    r.clock.advance(120_001);
    expect((await again.tap(felicaCardWithIdm(SENIOR_IDM))).decision.outcome).toBe('accepted');
  });

  it('subsidised rides count down and then the standard fare applies', async () => {
    const r = rig();
    const fares: (number | undefined)[] = [];
    for (let i = 0; i < 3; i += 1) {
      r.clock.advance(2 * 3_600_000); // past the one-hour transfer window
      const t = await r.tap(felicaCardWithIdm(MYTAKU_IDM));
      fares.push(t.decision.fareYen);
      if (i === 0) expect(t.decision).toMatchObject({ subsidised: true, allowanceLeft: 1 });
    }
    expect(fares).toEqual([0, 0, 200]);
    expect(
      r.store.lookups.tokenStatus(fromHex(hashOf(MYTAKU_IDM)), r.clock.now(), 'bus-0042'),
    ).toMatchObject({ allowance: { remaining: 0, usedHereSince: 2 } });
  });

  it('an unknown card pays the standard fare and the tap is still recorded', async () => {
    const r = rig();
    const t = await r.tap(createSimulatedCard('unknown'));
    expect(t).toMatchObject({
      card: 'unknown',
      recorded: 'unidentified',
      decision: { outcome: 'accepted', fareYen: 200, reason: { code: 'unknown-card' } },
    });
    expect(rideEvents(r.store)).toEqual([
      {
        type: 'ride.unidentified',
        payload: { reason: 'unknown-card', fareYen: 200, routeId: 'R1', stopId: 'S101' },
      },
    ]);
  });

  it('a registered card that is not in the cache pays the standard fare', async () => {
    const r = rig();
    const t = await r.tap(felicaCardWithIdm(STRANGER_IDM));
    expect(t.decision).toMatchObject({ fareYen: 200, reason: { code: 'no-entitlement' } });
    expect(t.recorded).toBe('ride');
  });

  it('a denied card goes to the driver, and the ride is flagged', async () => {
    const r = rig();
    const t = await r.tap(felicaCardWithIdm(DENIED_IDM));
    expect(t.decision).toMatchObject({ outcome: 'see-driver', reason: { code: 'denied' } });
    expect(rideEvents(r.store)[0]?.payload).toMatchObject({ flags: ['see-driver'] });
  });

  it('a card pulled mid-read or a malformed answer asks for another tap and records nothing', async () => {
    const r = rig();
    const pulled = await r.tap(felicaCardWithIdm(SENIOR_IDM), (slot) => slot.pullOn(1));
    expect(pulled).toMatchObject({ card: 'unreadable', recorded: 'none' });
    expect(pulled.decision.outcome).toBe('tap-again');
    const broken = await r.tap(new BrokenFelica());
    expect(broken.decision).toMatchObject({
      outcome: 'tap-again',
      reason: { code: 'card-read-failed' },
    });
    expect(rideEvents(r.store)).toEqual([]);
  });

  it('a damaged cache row sends the rider to the driver; the ride is kept at the standard fare', async () => {
    const r = rig();
    (r.store as unknown as { db: { exec(sql: string): void } }).db.exec(
      `UPDATE entitlements SET period = 'fortnight'`,
    );
    const t = await r.tap(felicaCardWithIdm(SENIOR_IDM));
    expect(t.decision).toMatchObject({
      outcome: 'see-driver',
      reason: { code: 'data-error' },
      fareYen: 200,
    });
    expect(rideEvents(r.store)).toHaveLength(1);
  });

  it('a route with no fare rule, or no fare table at all, is "see the driver", and recorded', async () => {
    const noRule = rig({ policy: { routeId: 'NOWHERE', stopId: undefined } });
    const t = await noRule.tap(felicaCardWithIdm(SENIOR_IDM));
    expect(t).toMatchObject({
      decision: { outcome: 'see-driver', reason: { code: 'no-fare-rule' } },
      recorded: 'refused',
    });
    expect(rideEvents(noRule.store)[0]).toMatchObject({
      type: 'ride.refused',
      payload: { reason: 'no-fare-rule', tokenHash: hashOf(SENIOR_IDM) },
    });
    const empty = rig({ data: false });
    const u = await empty.tap(felicaCardWithIdm(SENIOR_IDM));
    expect(u.decision).toMatchObject({ outcome: 'see-driver', reason: { code: 'fares-missing' } });
  });

  it('stale data is flagged, or charged the standard fare, as configured', async () => {
    const flag = rig();
    flag.clock.advance(80 * 3_600_000);
    const t = await flag.tap(felicaCardWithIdm(SENIOR_IDM));
    expect(t.decision).toMatchObject({ fareYen: 100, staleData: true });
    expect(rideEvents(flag.store)[0]?.payload).toMatchObject({ flags: ['stale-data'] });
    const strict = rig({ policy: { stalePolicy: 'full-fare' } });
    strict.clock.advance(80 * 3_600_000);
    const u = await strict.tap(felicaCardWithIdm(SENIOR_IDM));
    expect(u.decision).toMatchObject({ fareYen: 200, reason: { code: 'data-stale-full-fare' } });
  });

  it('a full disk sends the rider to the driver with the fare; the validator keeps going', async () => {
    const r = rig();
    const original = r.store.recordRide.bind(r.store);
    let full = true;
    r.store.recordRide = (...args) => {
      if (full) throw new StoreError('store/disk-full', 'no space left for the local database');
      return original(...args);
    };
    const t = await r.tap(felicaCardWithIdm(SENIOR_IDM));
    expect(t).toMatchObject({
      recorded: 'failed',
      decision: { outcome: 'see-driver', reason: { code: 'record-failed' }, fareYen: 100 },
    });
    full = false;
    r.clock.advance(1000);
    expect((await r.tap(felicaCardWithIdm(SENIOR_IDM))).recorded).toBe('ride');
  });

  it('the decision does not wait for the disk: the WAL is flushed right after, and each recorded tap is reported durable', async () => {
    const clock = manualClock(AT);
    const { store, dir } = fileStore(clock);
    try {
      const flushWal = vi.spyOn(store, 'flushWal');
      const r = rig({ store, clock });
      const durable = new Promise<TapDurable>((resolve) => r.service.onDurable(resolve));
      const t = await r.tap(felicaCardWithIdm(SENIOR_IDM));
      expect(t.recorded).toBe('ride');
      expect(flushWal).toHaveBeenCalledTimes(1);
      const d = await durable;
      expect(d.deviceSeq).toBe(t.deviceSeq);
      expect(d.durableMs).toBeGreaterThanOrEqual(0);
      // an "already validated" tap records nothing, so there is nothing to flush
      clock.advance(10_000);
      expect((await r.tap(felicaCardWithIdm(SENIOR_IDM))).recorded).toBe('none');
      expect(flushWal).toHaveBeenCalledTimes(1);
      expect(rideEvents(store)).toHaveLength(1);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a flush that fails keeps the decision and the record, and says so in the log', async () => {
    const clock = manualClock(AT);
    const { store, dir } = fileStore(clock);
    try {
      vi.spyOn(store, 'flushWal').mockRejectedValue(
        new StoreError('store/io', 'the write-ahead log could not be flushed to disk'),
      );
      const logger = recordingLogger();
      const r = rig({ store, clock, logger });
      const durable = vi.fn();
      r.service.onDurable(durable);
      const t = await r.tap(felicaCardWithIdm(SENIOR_IDM));
      expect(t).toMatchObject({ recorded: 'ride', decision: { outcome: 'accepted' } });
      await r.service.stop(); // waits for the flush under way
      expect(durable).not.toHaveBeenCalled();
      expect(logger.lines).toContainEqual(
        expect.objectContaining({
          level: 'error',
          message: 'the tap is recorded but not yet on disk',
        }),
      );
      expect(rideEvents(store)).toHaveLength(1);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("with fsync 'in-commit' the commit itself waits for the disk and nothing is flushed after", async () => {
    const clock = manualClock(AT);
    const { store, dir } = fileStore(clock);
    try {
      const flushWal = vi.spyOn(store, 'flushWal');
      const withoutFsync = vi.spyOn(store, 'withoutFsync');
      const r = rig({ store, clock, fsync: 'in-commit' });
      expect((await r.tap(felicaCardWithIdm(SENIOR_IDM))).recorded).toBe('ride');
      expect(flushWal).not.toHaveBeenCalled();
      expect(withoutFsync).not.toHaveBeenCalled();
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('taps are decided and recorded while the display is away', async () => {
    const dead: RiderDisplay = {
      state: 'unreachable',
      present: () => Promise.reject(new Error('no answer')),
    };
    const r = rig({ display: dead });
    const t = await r.tap(felicaCardWithIdm(SENIOR_IDM));
    expect(t).toMatchObject({ recorded: 'ride', decision: { outcome: 'accepted', fareYen: 100 } });
  });

  it('a My Number Card is identified by its authentication certificate, with no PIN', async () => {
    const r = rig();
    const card = createSimulatedCard('mynumber');
    const t = await r.tap(card);
    expect(t).toMatchObject({
      card: 'my-number',
      recorded: 'ride',
      decision: { reason: { code: 'no-entitlement' } },
    });
    const commands: string[] = [];
    const spy = createSimulatedCard('mynumber');
    const proc = spy.process.bind(spy);
    spy.process = (c) => {
      commands.push(Buffer.from(c.subarray(0, 2)).toString('hex'));
      return proc(c);
    };
    r.clock.advance(200_000);
    await r.tap(spy);
    expect(commands).not.toContain('0020'); // no VERIFY
    expect(commands.every((c) => c === '00a4' || c === '00b0')).toBe(true);
  });

  it('prunes last taps older than the longest window between taps', async () => {
    const r = rig({ housekeeping: { everyMs: 60_000, retentionMs: 0, recentTapMs: 3_600_000 } });
    await r.tap(felicaCardWithIdm(SENIOR_IDM));
    const hash = fromHex(hashOf(SENIOR_IDM));
    expect(r.store.lastTap(hash)).toBeDefined();
    r.clock.advance(2 * 3_600_000);
    await r.tap(felicaCardWithIdm(STRANGER_IDM));
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.store.lastTap(hash)).toBeUndefined();
    expect(r.store.lastTap(fromHex(hashOf(STRANGER_IDM)))).toBeDefined();
  });

  it('whatever a card answers, every tap ends in a decision and only identified rides are kept', async () => {
    const r = rig();
    const answers = fc.array(fc.uint8Array({ minLength: 0, maxLength: 40 }), {
      minLength: 1,
      maxLength: 6,
    });
    await fc.assert(
      fc.asyncProperty(fc.boolean(), answers, async (useFelicaAtr, replies) => {
        let n = 0;
        const card: SimulatedCard = {
          kind: 'unknown',
          atr: useFelicaAtr ? felicaAtr() : fromHex('3B 80 80 01 01'),
          reset: () => undefined,
          process: () => replies[n++ % replies.length] ?? new Uint8Array(),
        };
        const before = r.store.outbox.stats().pending;
        r.clock.advance(200_000);
        const t = await r.tap(card);
        expect(['accepted', 'tap-again', 'see-driver', 'already-validated']).toContain(
          t.decision.outcome,
        );
        const added = r.store.outbox.stats().pending - before;
        if (t.recorded === 'none' || t.recorded === 'failed') expect(added).toBe(0);
        else expect(added).toBe(1);
      }),
      { numRuns: 150 },
    );
  });

  it('a slow display gets the newest result, not a growing queue of old ones', async () => {
    const shown: string[] = [];
    let release: () => void = () => undefined;
    let hold = true;
    const slow: RiderDisplay = {
      state: 'ok',
      present: (p) => {
        shown.push(p.lines[0]);
        return hold ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
      },
    };
    const r = rig({ display: slow });
    for (let i = 0; i < 5; i += 1) {
      r.clock.advance(2 * 3_600_000);
      await r.tap(felicaCardWithIdm(i % 2 === 0 ? SENIOR_IDM : STRANGER_IDM));
    }
    expect(shown).toEqual(['カードをタッチしてください']); // still busy with the first
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(shown).toEqual(['カードをタッチしてください', 'シニア割引 100円']); // the fifth, the newest
    hold = false;
    release();
  });
});
