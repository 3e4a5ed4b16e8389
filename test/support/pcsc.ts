import { silentLogger } from '../../shared/log.ts';
import { waitForEvent, type ReaderEvent } from '../../reader/hub.ts';
import type { PcscHub } from '../../reader/pcsc/hub.ts';
import type { SimulatedCard } from '../../reader/sim/card.ts';
import { CardSlot } from '../../reader/sim/slot.ts';
import { VpcdBridge } from '../../reader/vpcd/bridge.ts';
import { VPCD_DEFAULT_HOST } from '../../reader/vpcd/constants.ts';
import { createPcscHub } from '../../kiosk/devices/pcsc.ts';
import { startPrivatePcscd, type PrivatePcscd } from '../../scripts/lib/pcscd.ts';

/**
 * The real stack for one integration test file: a private pcscd with vpcd readers, simulated
 * cards bridged into it, and a PcscHub over the real pcsclite binding.
 */
export interface PcscStack {
  readonly pcscd: PrivatePcscd;
  readonly hub: PcscHub;
  readonly events: ReaderEvent[];
  /** A slot bridged to the vpcd reader `index` (0-based). */
  slot(index: number): { slot: CardSlot; bridge: VpcdBridge; reader: string };
  insert(index: number, card: SimulatedCard): Promise<string>;
  remove(index: number): Promise<void>;
  next(predicate: (e: ReaderEvent) => boolean, ms?: number): Promise<ReaderEvent>;
  /** Position in the event history, for `since`. */
  mark(): number;
  /** The first event after `mark` matching `predicate`, already seen or still to come. */
  since(mark: number, predicate: (e: ReaderEvent) => boolean, ms?: number): Promise<ReaderEvent>;
  dispose(): Promise<void>;
}

export async function startPcscStack(options: { drivers?: number } = {}): Promise<PcscStack> {
  const pcscd = await startPrivatePcscd(options);
  pcscd.useIn(process.env);
  const hub = createPcscHub(silentLogger, { retryMs: 50, maxRetryMs: 200 });
  const events: ReaderEvent[] = [];
  hub.subscribe((e) => events.push(e));
  await hub.settled(5000);
  const slots = new Map<number, { slot: CardSlot; bridge: VpcdBridge; reader: string }>();
  const stack: PcscStack = {
    pcscd,
    hub,
    events,
    slot(index) {
      let entry = slots.get(index);
      if (!entry) {
        const reader = pcscd.readerNames[index];
        const port = pcscd.ports[index];
        if (reader === undefined || port === undefined) throw new Error(`no vpcd reader ${index}`);
        const slot = new CardSlot(reader);
        const bridge = new VpcdBridge(slot, {
          host: VPCD_DEFAULT_HOST,
          port,
          reconnectMs: 50,
          emptyHoldMs: 500,
        });
        bridge.start();
        entry = { slot, bridge, reader };
        slots.set(index, entry);
      }
      return entry;
    },
    async insert(index, card) {
      const { slot, reader } = stack.slot(index);
      const seen = stack.next((e) => e.type === 'card-present' && e.reader === reader);
      slot.insert(card);
      await seen;
      return reader;
    },
    async remove(index) {
      const { slot, reader } = stack.slot(index);
      const seen = stack.next((e) => e.type === 'card-removed' && e.reader === reader);
      slot.remove();
      await seen;
    },
    next(predicate, ms = 5000) {
      return waitForEvent(hub, predicate, ms);
    },
    mark() {
      return events.length;
    },
    since(mark, predicate, ms = 5000) {
      const seen = events.slice(mark).find(predicate);
      return seen ? Promise.resolve(seen) : waitForEvent(hub, predicate, ms);
    },
    async dispose() {
      await Promise.all([...slots.values()].map((s) => s.bridge.stop()));
      await hub.close();
      await pcscd.dispose();
    },
  };
  return stack;
}
