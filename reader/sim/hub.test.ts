import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../shared/bytes.ts';
import type { ReaderEvent } from '../hub.ts';
import { CardChannel } from '../transport/channel.ts';
import { EchoCard } from './echo-card.ts';
import { SimHub } from './hub.ts';
import { CardSlot, type SlotEvent } from './slot.ts';

const ECHO = fromHex('0001000002abcd');

describe('CardSlot', () => {
  it('counts insertions and removals like pcsc-lite, and a swap is both', () => {
    const slot = new CardSlot('s');
    const events: SlotEvent[] = [];
    slot.subscribe((e) => events.push(e));
    slot.insert(new EchoCard());
    slot.swap(new EchoCard());
    slot.remove();
    slot.remove();
    expect(events.map((e) => `${e.type}:${e.eventCount}`)).toEqual([
      'inserted:1',
      'removed:2',
      'inserted:3',
      'removed:4',
    ]);
  });

  it('pulls on the n-th command from now or on a predicate, once', () => {
    const slot = new CardSlot('s');
    slot.insert(new EchoCard());
    slot.pullOn(2);
    expect(slot.exchange(ECHO).kind).toBe('response');
    expect(slot.exchange(ECHO).kind).toBe('pulled');
    expect(slot.card).toBeUndefined();
    expect(slot.exchange(ECHO).kind).toBe('empty');
    slot.insert(new EchoCard());
    slot.stallOn((c) => c[1] === 0xb0);
    expect(slot.exchange(ECHO).kind).toBe('response');
    expect(slot.exchange(fromHex('00b0000001')).kind).toBe('stalled');
    expect(slot.exchange(fromHex('00b0000001')).kind).toBe('response');
  });
});

describe('SimHub (in-process simulator transport)', () => {
  it('emits the same events as PC/SC and serves sessions', async () => {
    const slot = new CardSlot('sim 0');
    const hub = new SimHub([slot]);
    const events: ReaderEvent[] = [];
    hub.subscribe((e) => events.push(e));
    slot.insert(new EchoCard());
    const t = await hub.connect('sim 0');
    expect(toHex(await t.transmit(ECHO))).toBe('abcd9000');
    await expect(hub.connect('sim 0')).rejects.toMatchObject({ code: 'reader/busy' });
    await t.close();
    slot.remove();
    expect(events).toEqual([
      { type: 'card-present', reader: 'sim 0', atr: '3b80800101', eventCount: 1, mute: false },
      { type: 'card-removed', reader: 'sim 0', eventCount: 2 },
    ]);
  });

  it('a swapped card fails the old session and the channel sees the counter change', async () => {
    const slot = new CardSlot('sim 0');
    const hub = new SimHub([slot]);
    slot.insert(new EchoCard());
    const channel = new CardChannel(await hub.connect('sim 0'));
    channel.assertSameCard();
    slot.swap(new EchoCard());
    expect(() => channel.assertSameCard()).toThrowError(
      expect.objectContaining({ code: 'reader/card-swapped' }) as Error,
    );
    await expect(channel.send({ cla: 0, ins: 1, p1: 0, p2: 0, le: 1 })).rejects.toMatchObject({
      code: 'reader/card-removed',
    });
  });

  it('pull, stall and unplug are typed errors, never hangs', async () => {
    const slot = new CardSlot('sim 0');
    const hub = new SimHub([slot]);
    slot.insert(new EchoCard());
    let t = await hub.connect('sim 0', { exchangeTimeoutMs: 30 });
    slot.pullOn(1);
    await expect(t.transmit(ECHO)).rejects.toMatchObject({ code: 'reader/card-removed' });
    await t.close();
    slot.insert(new EchoCard());
    t = await hub.connect('sim 0', { exchangeTimeoutMs: 30 });
    slot.stallOn(1);
    await expect(t.transmit(ECHO)).rejects.toMatchObject({ code: 'reader/timeout' });
    await expect(t.transmit(ECHO)).rejects.toMatchObject({ code: 'reader/transport-lost' });
    await t.close();
    t = await hub.connect('sim 0');
    hub.detach('sim 0');
    await expect(t.transmit(ECHO)).rejects.toMatchObject({ code: 'reader/reader-gone' });
    expect(hub.readers()).toEqual([]);
  });
});
