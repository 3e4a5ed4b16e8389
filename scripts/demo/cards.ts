import type { z } from 'zod';
import { createSimulatedCard, felicaCardWithIdm } from '../../reader/sim/factory.ts';
import type { SimulatedCard } from '../../reader/sim/card.ts';
import { CardSlot } from '../../reader/sim/slot.ts';
import { VpcdBridge } from '../../reader/vpcd/bridge.ts';
import { CORE_METHODS } from '../../shared/contracts/local-api.ts';
import type { Logger } from '../../shared/log.ts';
import type { LocalApi } from '../../kiosk/service/local-api.ts';

/** Synthetic transit cards of the demo (made-up IDms; the senior one is registered). */
export const DEMO_IDM = { senior: '012E4CD8A1B2C3D4', rider: '0FEDCBA987654321' } as const;

type DemoCard = NonNullable<z.output<(typeof CORE_METHODS)['demo.card']>['card']>;

function make(card: DemoCard): SimulatedCard {
  switch (card) {
    case 'mynumber':
      return createSimulatedCard('mynumber');
    case 'mynumber-senior':
      return createSimulatedCard('mynumber', { builtin: 'senior' });
    case 'felica-senior':
      return felicaCardWithIdm(DEMO_IDM.senior);
    case 'felica-rider':
      return felicaCardWithIdm(DEMO_IDM.rider);
    case 'unknown':
      return createSimulatedCard('unknown');
  }
}

/**
 * The demo's card readers: one slot per vpcd reader of the system pcscd, driven from the UI's
 * demo panel (`demo.card`), so the service reads every card through pcscd like a real one.
 * Each My Number Card keeps its state (PIN tries) across insertions, like a real card would.
 */
export class DemoCards {
  private readonly slots: CardSlot[];
  private readonly bridges: VpcdBridge[];
  private readonly cards = new Map<DemoCard, SimulatedCard>();

  constructor(o: { port: number; readers: readonly string[]; logger: Logger }) {
    this.slots = o.readers.map((name) => new CardSlot(name));
    this.bridges = this.slots.map(
      (slot, i) => new VpcdBridge(slot, { port: o.port + i, logger: o.logger }),
    );
    for (const b of this.bridges) b.start();
  }

  /** Registers `demo.card` (demo-only) on a service's API. */
  register(api: LocalApi): void {
    api.method(
      'demo.card',
      CORE_METHODS['demo.card'],
      ({ reader, action, card }) => {
        const slot = this.slots[reader];
        if (!slot) throw new RangeError(`no demo reader ${reader}`);
        if (action === 'remove') slot.remove();
        else if (action === 'pull') slot.pullOn(1);
        else {
          const kind = card ?? 'mynumber';
          let c = this.cards.get(kind);
          if (!c) this.cards.set(kind, (c = make(kind)));
          for (const other of this.slots) if (other !== slot && other.card === c) other.remove();
          slot.insert(c);
        }
        return { reader: slot.name, card: slot.card ? (card ?? 'mynumber') : null };
      },
      { demoOnly: true },
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.bridges.map((b) => b.stop()));
  }
}
