import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../shared/bytes.ts';
import { CardChannel } from '../reader/transport/channel.ts';
import { EchoCard } from '../reader/sim/echo-card.ts';
import { startPcscStack, type PcscStack } from './support/pcsc.ts';

// Everything here goes through the real stack: a private pcscd with the vpcd driver, simulated
// cards connected to vpcd over TCP, and the pcsclite binding.
const ECHO = fromHex('0001000004deadbeef');
let stack: PcscStack;

beforeAll(async () => {
  stack = await startPcscStack();
});
afterAll(async () => {
  await stack?.dispose();
});

describe('readers and cards through pcscd + vpcd', () => {
  it('lists the vpcd readers with no card', () => {
    expect(stack.hub.status).toBe('up');
    expect(stack.hub.readers().map((r) => r.name)).toEqual(stack.pcscd.readerNames);
    expect(stack.hub.readers().every((r) => !r.cardPresent)).toBe(true);
  });

  it('reports insertion with the ATR and the event counter, then removal', async () => {
    const reader = await stack.insert(0, new EchoCard(fromHex('3B E0 00 FF 81 31 FE 45 14')));
    const present = stack.events.filter((e) => e.type === 'card-present').at(-1);
    expect(present).toMatchObject({ reader, atr: '3be000ff8131fe4514', mute: false });
    const count = present?.type === 'card-present' ? present.eventCount : -1;
    await stack.remove(0);
    const removed = stack.events.at(-1);
    expect(removed).toMatchObject({ type: 'card-removed', reader });
    expect(removed?.type === 'card-removed' && removed.eventCount).toBeGreaterThan(count);
  });

  it('exchanges APDUs on an exclusive session; another context is refused', async () => {
    const reader = await stack.insert(0, new EchoCard());
    const transport = await stack.hub.connect(reader);
    const channel = new CardChannel(transport);
    const r = await channel.send({
      cla: 0,
      ins: 1,
      p1: 0,
      p2: 0,
      data: fromHex('0102030405'),
      le: 5,
    });
    expect(toHex(r.data)).toBe('0102030405');
    // A second PC/SC context in this process stands for another program.
    const { createPcscHub } = await import('../kiosk/devices/pcsc.ts');
    const { silentLogger } = await import('../shared/log.ts');
    const other = createPcscHub(silentLogger);
    await other.settled(3000);
    await expect(other.connect(reader)).rejects.toMatchObject({ code: 'reader/sharing-violation' });
    await other.close();
    await channel.close();
    await stack.remove(0);
  });

  it('a card pulled mid-exchange is reader/card-removed, never a hang', async () => {
    const reader = await stack.insert(0, new EchoCard());
    const { slot } = stack.slot(0);
    const transport = await stack.hub.connect(reader, { exchangeTimeoutMs: 5000 });
    expect(toHex(await transport.transmit(ECHO))).toBe('deadbeef9000');
    const mark = stack.mark();
    slot.pullOn(1);
    await expect(transport.transmit(ECHO)).rejects.toMatchObject({ code: 'reader/card-removed' });
    await transport.close();
    await stack.since(mark, (e) => e.type === 'card-removed' && e.reader === reader);
    expect(stack.hub.readers()[0]?.cardPresent).toBe(false);
  });

  it('a swapped card: the old session fails and the counter shows the change', async () => {
    const reader = await stack.insert(0, new EchoCard());
    const channel = new CardChannel(await stack.hub.connect(reader));
    await channel.send({ cla: 0, ins: 1, p1: 0, p2: 0, le: 1 });
    const { slot } = stack.slot(0);
    const back = stack.next((e) => e.type === 'card-present' && e.reader === reader);
    slot.swap(new EchoCard());
    await back;
    expect(() => channel.assertSameCard()).toThrowError(
      expect.objectContaining({ code: 'reader/card-swapped' }) as Error,
    );
    await expect(channel.send({ cla: 0, ins: 1, p1: 0, p2: 0, le: 1 })).rejects.toMatchObject({
      code: expect.stringMatching(/^reader\/(card-removed|card-reset)$/) as string,
    });
    await channel.close();
    await stack.remove(0);
  });

  it('a card that stops answering times out; pulling it frees the reader', async () => {
    const reader = await stack.insert(1, new EchoCard());
    const { slot } = stack.slot(1);
    const transport = await stack.hub.connect(reader, { exchangeTimeoutMs: 300 });
    slot.stallOn(1);
    await expect(transport.transmit(ECHO)).rejects.toMatchObject({ code: 'reader/timeout' });
    await expect(transport.transmit(ECHO)).rejects.toMatchObject({ code: 'reader/transport-lost' });
    await stack.remove(1);
    await transport.close();
    const again = await stack.insert(1, new EchoCard());
    const t2 = await stack.hub.connect(again);
    expect(toHex(await t2.transmit(ECHO))).toBe('deadbeef9000');
    await t2.close();
    await stack.remove(1);
  });
});

describe('recovery', () => {
  it('pcscd restarted: service-down, then readers and the card come back by themselves', async () => {
    const reader = await stack.insert(0, new EchoCard());
    const transport = await stack.hub.connect(reader);
    const down = stack.next((e) => e.type === 'service-down', 10_000);
    await stack.pcscd.restart();
    await down;
    await expect(transport.transmit(ECHO)).rejects.toMatchObject({ code: 'reader/transport-lost' });
    await stack.next((e) => e.type === 'card-present' && e.reader === reader, 15_000);
    const t2 = await stack.hub.connect(reader);
    expect(toHex(await t2.transmit(ECHO))).toBe('deadbeef9000');
    await t2.close();
    await stack.remove(0);
  });

  it('pcscd killed mid-exchange (SIGKILL): the exchange ends with a typed error', async () => {
    const reader = await stack.insert(0, new EchoCard());
    const { slot } = stack.slot(0);
    const transport = await stack.hub.connect(reader, { exchangeTimeoutMs: 5000 });
    slot.stallOn(1);
    const pending = transport.transmit(ECHO);
    await new Promise((r) => setTimeout(r, 100));
    const mark = stack.mark();
    const started = performance.now();
    await stack.pcscd.stop('SIGKILL');
    await expect(pending).rejects.toMatchObject({
      code: expect.stringMatching(/^reader\/(transport-lost|card-removed|reader-gone)$/) as string,
    });
    expect(performance.now() - started).toBeLessThan(3000);
    await stack.since(mark, (e) => e.type === 'service-down');
    expect(stack.hub.status).toBe('down');
    await stack.pcscd.start();
    await stack.since(mark, (e) => e.type === 'card-present' && e.reader === reader, 15_000);
    await stack.remove(0);
  });
});
