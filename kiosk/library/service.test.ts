import { afterEach, describe, expect, it } from 'vitest';
import { linkedPair } from '../../hardware/serial/link.ts';
import { ReceiptPrinterSimulator } from '../../hardware/receipt-printer/simulator.ts';
import { DEMO_CARDS } from './demo-data.ts';
import { SIM } from './sip2/sim/data.ts';
import { Sip2Simulator } from './sip2/sim/server.ts';
import { libraryRig, type Rig } from './testing.ts';

const P = SIM.patrons;
const I = SIM.items;
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** A rig on an in-process simulator; `down` makes the library system unreachable. */
function setup(overrides: Parameters<typeof libraryRig>[0]['overrides'] = {}) {
  const sim = new Sip2Simulator();
  const net = { down: false };
  const [host, device] = linkedPair();
  const printer = new ReceiptPrinterSimulator(device);
  rig = libraryRig({
    connect: () => {
      if (net.down) return Promise.reject(new Error('ECONNREFUSED'));
      const [a, b] = linkedPair();
      sim.attach(b);
      return Promise.resolve(a);
    },
    printerLink: host,
    overrides,
  });
  rig.service.start();
  return { rig, sim, net, printer };
}

const events = (r: Rig) => r.store.outbox.pending(100).map((e) => e.type);

describe('library service', () => {
  it('checks out online, refuses a held book and an unknown one, prints the receipt, ends the SIP2 session', async () => {
    const { rig, sim, printer } = setup();
    rig.service.barcode(P.ok);
    await rig.screen('welcome', 0);
    for (const item of [I.cat, I.kokoro, I.unknown]) rig.service.barcode(item);
    await rig.until(
      () =>
        rig.screens().filter((c) => ['checked-out', 'on-hold', 'unknown-item'].includes(c))
          .length === 3,
    );
    expect(rig.screens()).toEqual(
      expect.arrayContaining(['checked-out', 'on-hold', 'unknown-item']),
    );
    rig.service.endSession();
    await rig.screen('goodbye', 0);
    expect(printer.receipts).toHaveLength(1);
    expect(printer.receipts[0]?.lines.join('\n')).toContain('吾輩は猫である / 夏目漱石');
    expect(printer.receipts[0]?.lines.join('\n')).toContain('返す日');
    expect(printer.receipts[0]?.lines.join('\n')).not.toContain('こころ');
    await rig.until(() => sim.received.some((r) => r.code === '35'));
    expect(events(rig)).toEqual(['checkout.completed']);
    expect(sim.library.loans.get(I.cat)?.patronId).toBe(P.ok);
  });

  it('a blocked patron and a lost card are refused with their reasons', async () => {
    const { rig } = setup();
    rig.service.barcode(P.fines);
    await rig.screen('blocked-fines', 0);
    rig.service.barcode(P.cardLost);
    await rig.screen('blocked-card-lost', 0);
    rig.service.barcode('NOBODY99');
    await rig.screen('unknown-patron', 0);
  });

  it('an IC card linked in the cache identifies its patron; the My Number Card follows the policy switch', async () => {
    const { rig } = setup();
    rig.service.card({ kind: 'ic-card', idm: DEMO_CARDS.icCardIdm });
    await rig.screen('welcome', 0);
    rig.service.endSession();
    await rig.screen('goodbye', 0);
    rig.service.card({ kind: 'my-number', authSerial: DEMO_CARDS.myNumberSerial });
    await rig.screen('my-number-not-accepted', 0);
    rig.service.card({ kind: 'ic-card', idm: 'ffffffffffffffff' });
    await rig.screen('card-not-registered', 0);
    await rig.close();

    const on = setup({ policy: { acceptIcCard: true, acceptMyNumberCard: true } }).rig;
    on.service.card({ kind: 'my-number', authSerial: DEMO_CARDS.myNumberSerial });
    await on.screen('welcome', 0);
  });

  it('offline: cached patrons who are not blocked may borrow, stored with their time; the limit holds', async () => {
    const { rig, net } = setup();
    net.down = true;
    rig.service.barcode(P.ok);
    await rig.screen('welcome-offline', 0);
    rig.service.barcode(I.cat);
    const stored = await rig.screen('stored-offline', 0);
    expect(stored.item?.due?.ja).toMatch(/^返す日 \d+月\d+日/);
    rig.service.endSession();
    await rig.screen('goodbye', 0);
    rig.service.barcode(P.fines);
    await rig.screen('blocked-fines', 0);
    rig.service.barcode('L0099');
    await rig.screen('offline-unknown-patron', 0);
    rig.service.barcode(P.atLimit); // offlineLimit 1 in the cache
    await rig.screen('welcome-offline', 0);
    const n = rig.screens().length;
    rig.service.barcode(I.botchan);
    rig.service.barcode(I.rashomon);
    await rig.screen('offline-limit', n);
    expect(rig.store.checkouts.stats().pending).toBe(2);
    expect(events(rig)).toEqual(['checkout.stored', 'checkout.stored']);
  });

  it('forwards stored checkouts with no-block when the library system is back; refusals become exceptions', async () => {
    const { rig, net, sim } = setup();
    net.down = true;
    rig.service.barcode(P.ok);
    await rig.screen('welcome-offline', 0);
    rig.service.barcode(I.botchan);
    rig.service.barcode(I.unknown);
    await rig.until(() => rig.store.checkouts.stats().pending === 2);
    rig.service.endSession();
    net.down = false;
    await rig.until(() => rig.reports.some((r) => r.type === 'forwarded'));
    expect(sim.library.checkouts.map((c) => [c.itemId, c.noBlock, c.ok])).toEqual([
      [I.botchan, true, true],
      [I.unknown, true, false],
    ]);
    expect(rig.store.checkouts.exceptions()).toMatchObject([
      { itemId: I.unknown, reason: 'unknown-item' },
    ]);
    expect(events(rig)).toEqual([
      'checkout.stored',
      'checkout.stored',
      'checkout.forwarded',
      'checkout.exception',
    ]);
    expect(rig.service.online).toBe(true);
  });
});
