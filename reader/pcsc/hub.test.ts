import { afterEach, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../shared/bytes.ts';
import { waitForEvent, type ReaderEvent } from '../hub.ts';
import { EchoCard } from '../sim/echo-card.ts';
import { CardSlot } from '../sim/slot.ts';
import { SCARD_ERROR } from './constants.ts';
import { FakePcsc } from './fake-binding.ts';
import { PcscHub } from './hub.ts';

const ECHO = fromHex('0001000003aabbcc');
const hubs: PcscHub[] = [];

function setup(names = ['Reader A']) {
  const fake = new FakePcsc();
  const slots = names.map((n) => new CardSlot(n));
  for (const s of slots) fake.plug(s);
  const hub = new PcscHub(fake.factory, { retryMs: 10, maxRetryMs: 40, removalGraceMs: 60 });
  hubs.push(hub);
  const events: ReaderEvent[] = [];
  hub.subscribe((e) => events.push(e));
  return { fake, slots, hub, events, slot: slots[0] as CardSlot };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

describe('PcscHub events', () => {
  it('reports the service, readers, and cards from state diffs', async () => {
    const { hub, slot, events } = setup();
    await settle();
    expect(events.map((e) => e.type)).toEqual(['service-up', 'reader-attached']);
    slot.insert(new EchoCard());
    await settle();
    expect(events.at(-1)).toMatchObject({
      type: 'card-present',
      reader: 'Reader A',
      atr: '3b80800101',
      eventCount: 1,
    });
    expect(hub.readers()).toEqual([
      expect.objectContaining({
        name: 'Reader A',
        cardPresent: true,
        atr: '3b80800101',
        eventCount: 1,
      }),
    ]);
    slot.remove();
    await settle();
    expect(events.at(-1)).toEqual({ type: 'card-removed', reader: 'Reader A', eventCount: 2 });
  });

  it('a card already on the reader at start is reported present', async () => {
    const fake = new FakePcsc();
    const slot = new CardSlot('R');
    slot.insert(new EchoCard());
    fake.plug(slot);
    const hub = new PcscHub(fake.factory);
    hubs.push(hub);
    const e = await waitForEvent(hub, (x) => x.type === 'card-present', 500);
    expect(e).toMatchObject({ reader: 'R', eventCount: 1 });
  });

  it('hotplug: a reader plugged in later, and unplugged', async () => {
    const { fake, events } = setup([]);
    await settle();
    const late = new CardSlot('Late Reader');
    late.insert(new EchoCard());
    fake.plug(late);
    await settle();
    expect(events.map((e) => e.type)).toEqual(['service-up', 'reader-attached', 'card-present']);
    fake.unplug('Late Reader');
    await settle();
    expect(events.slice(-2)).toEqual([
      { type: 'card-removed', reader: 'Late Reader', eventCount: 1 },
      { type: 'reader-detached', reader: 'Late Reader' },
    ]);
  });
});

describe('PcscHub sessions', () => {
  it('exchanges on an exclusive session, one at a time; a second session is refused', async () => {
    const { hub, slot } = setup();
    const card = new EchoCard();
    slot.insert(card);
    await settle();
    const t = await hub.connect('Reader A');
    const answers = await Promise.all([t.transmit(ECHO), t.transmit(ECHO)]);
    expect(answers.map((a) => toHex(a))).toEqual(['aabbcc9000', 'aabbcc9000']);
    await expect(hub.connect('Reader A')).rejects.toMatchObject({ code: 'reader/busy' });
    expect(hub.readers()[0]).toMatchObject({ inSession: true });
    const resetsBefore = card.resets;
    await t.close();
    expect(card.resets).toBe(resetsBefore + 1); // verified states do not outlive the session
    const again = await hub.connect('Reader A');
    await again.close();
  });

  it('refuses unknown readers and empty readers with typed errors', async () => {
    const { hub } = setup();
    await settle();
    await expect(hub.connect('Nope')).rejects.toMatchObject({ code: 'reader/unknown-reader' });
    await expect(hub.connect('Reader A')).rejects.toMatchObject({ code: 'reader/no-card' });
  });

  it('another process holding the card exclusively is a sharing violation', async () => {
    const { fake, hub, slot } = setup();
    slot.insert(new EchoCard());
    const other = new PcscHub(fake.factory);
    hubs.push(other);
    await settle();
    const t = await hub.connect('Reader A');
    await expect(other.connect('Reader A')).rejects.toMatchObject({
      code: 'reader/sharing-violation',
    });
    await t.close();
  });

  it('a card pulled mid-exchange is reader/card-removed, and the session stays dead', async () => {
    const { hub, slot } = setup();
    slot.insert(new EchoCard());
    await settle();
    const t = await hub.connect('Reader A');
    slot.pullOn(2);
    await t.transmit(ECHO);
    await expect(t.transmit(ECHO)).rejects.toMatchObject({ code: 'reader/card-removed' });
    slot.insert(new EchoCard());
    await settle();
    await expect(t.transmit(ECHO)).rejects.toMatchObject({ code: 'reader/card-removed' });
    expect(t.eventCount()).not.toBe(t.connectEventCount);
  });

  it('an ambiguous failure becomes card-removed only if the reader then reports the card gone', async () => {
    const { fake, hub, slot } = setup();
    slot.insert(new EchoCard());
    await settle();
    const t = await hub.connect('Reader A');
    fake.transmitFailures.set('Reader A', SCARD_ERROR.E_NOT_TRANSACTED);
    await expect(t.transmit(ECHO)).rejects.toMatchObject({
      code: 'reader/pcsc',
      details: { scard: '0x80100016' },
    });
    await t.close();

    const t2 = await hub.connect('Reader A');
    fake.transmitFailures.set('Reader A', SCARD_ERROR.E_NOT_TRANSACTED);
    setTimeout(() => slot.remove(), 15); // the reader reports the removal late
    await expect(t2.transmit(ECHO)).rejects.toMatchObject({ code: 'reader/card-removed' });
  });

  it('a card that never answers times out, and the session is then lost', async () => {
    const { hub, slot } = setup();
    slot.insert(new EchoCard());
    await settle();
    const t = await hub.connect('Reader A', { exchangeTimeoutMs: 50 });
    slot.stallOn(1);
    await expect(t.transmit(ECHO)).rejects.toMatchObject({ code: 'reader/timeout' });
    await expect(t.transmit(ECHO)).rejects.toMatchObject({ code: 'reader/transport-lost' });
  });

  it('a response longer than the receive buffer is its own error and the session survives', async () => {
    const { hub, slot } = setup();
    slot.insert(new EchoCard());
    await settle();
    const t = await hub.connect('Reader A');
    await expect(t.transmit(ECHO, { recvLength: 3 })).rejects.toMatchObject({
      code: 'reader/response-too-long',
    });
    expect(toHex(await t.transmit(ECHO))).toBe('aabbcc9000');
  });

  it('a reader unplugged mid-exchange ends the exchange with reader/reader-gone', async () => {
    const { fake, hub, slot, events } = setup();
    slot.insert(new EchoCard());
    await settle();
    const t = await hub.connect('Reader A');
    slot.stallOn(1);
    const pending = t.transmit(ECHO);
    setTimeout(() => fake.unplug('Reader A'), 10);
    await expect(pending).rejects.toMatchObject({ code: 'reader/reader-gone' });
    await expect(t.transmit(ECHO)).rejects.toMatchObject({ code: 'reader/reader-gone' });
    expect(events.slice(-2).map((e) => e.type)).toEqual(['card-removed', 'reader-detached']);
    expect(hub.readers()).toEqual([]);
  });
});

describe('PcscHub recovery', () => {
  it('pcscd stopping mid-exchange: service-down, session lost; back: readers and cards return', async () => {
    const { fake, hub, slot, events } = setup();
    slot.insert(new EchoCard());
    await settle();
    const t = await hub.connect('Reader A');
    slot.stallOn(1);
    const pending = t.transmit(ECHO);
    setTimeout(() => fake.stopService(), 10); // while the exchange is in flight
    await expect(pending).rejects.toMatchObject({ code: 'reader/transport-lost' });
    await settle();
    expect(hub.status).toBe('down');
    expect(events.map((e) => e.type).slice(-3)).toEqual([
      'card-removed',
      'reader-detached',
      'service-down',
    ]);
    await expect(t.transmit(ECHO)).rejects.toMatchObject({ code: 'reader/transport-lost' });
    await new Promise((r) => setTimeout(r, 100)); // several failed retries
    expect(events.filter((e) => e.type === 'service-down')).toHaveLength(1);
    fake.startService();
    await waitForEvent(hub, (e) => e.type === 'card-present', 1000);
    expect(hub.status).toBe('up');
    const t2 = await hub.connect('Reader A');
    expect(toHex(await t2.transmit(ECHO))).toBe('aabbcc9000');
    await t2.close();
  });

  it('starting while pcscd is down: reports down once, comes up when pcscd does', async () => {
    const fake = new FakePcsc();
    fake.stopService();
    fake.plug(new CardSlot('R'));
    const hub = new PcscHub(fake.factory, { retryMs: 10, maxRetryMs: 20 });
    hubs.push(hub);
    const events: ReaderEvent[] = [];
    hub.subscribe((e) => events.push(e));
    await hub.started;
    expect(events).toEqual([
      {
        type: 'service-down',
        error: expect.objectContaining({ code: 'reader/transport-lost' }) as unknown,
      },
    ]);
    fake.startService();
    await waitForEvent(hub, (e) => e.type === 'reader-attached', 1000);
    expect(events.map((e) => e.type)).toEqual(['service-down', 'service-up', 'reader-attached']);
  });
});
