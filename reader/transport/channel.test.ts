import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../shared/bytes.ts';
import { recordingLogger } from '../../shared/log.ts';
import { anyVerifyFailure } from '../apdu/status.ts';
import { StatusWordError, type ReaderError } from '../errors.ts';
import { CardChannel } from './channel.ts';
import type { CardTransport } from './types.ts';

/** A transport answering from a script keyed by command hex, recording what it was sent. */
function scripted(
  script: Record<string, string | string[]>,
): CardTransport & { sent: string[]; recv: number[] } {
  const queues = new Map(
    Object.entries(script).map(([k, v]) => [k.replace(/\s/g, ''), Array.isArray(v) ? [...v] : [v]]),
  );
  const sent: string[] = [];
  const recv: number[] = [];
  return {
    sent,
    recv,
    readerName: 'scripted',
    atr: new Uint8Array(0),
    connectEventCount: 3,
    eventCount: () => 3,
    transmit(command, options) {
      const key = toHex(command);
      sent.push(key);
      recv.push(options?.recvLength ?? -1);
      const q = queues.get(key);
      const answer = q && q.length > 1 ? q.shift() : q?.[0];
      if (answer === undefined) return Promise.reject(new Error(`unscripted ${key}`));
      return Promise.resolve(fromHex(answer));
    },
    close: () => Promise.resolve(),
  };
}

const READ = { cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 } as const;

describe('CardChannel', () => {
  it('fetches 61xx remainders with GET RESPONSE and joins them', async () => {
    const t = scripted({
      '00b0000000': '0102 6103',
      '00c0000003': '030405 6102',
      '00c0000002': '0607 9000',
    });
    const r = await new CardChannel(t).send(READ);
    expect(toHex(r.data)).toBe('01020304050607');
    expect(r.sw).toBe(0x9000);
    expect(t.sent).toEqual(['00b0000000', '00c0000003', '00c0000002']);
  });

  it('resends with the Le the card asks for on 6Cxx', async () => {
    const t = scripted({ '00b0000007': '6c05', '00b0000005': 'aabbccddee9000' });
    const r = await new CardChannel(t).send({ ...READ, le: 7 });
    expect(toHex(r.data)).toBe('aabbccddee');
    expect(t.sent).toEqual(['00b0000007', '00b0000005']);
  });

  it('passes an explicit receive length: Le + 2', async () => {
    const t = scripted({ '00b0000007': '0000000000000090 00'.replace(/ /g, '') });
    await new CardChannel(t).send({ ...READ, le: 7 });
    expect(t.recv).toEqual([9]);
  });

  it('throws StatusWordError unless the caller accepts the word', async () => {
    const verify = { cla: 0, ins: 0x20, p1: 0, p2: 0x80 } as const;
    const t = scripted({ '00200080': '63c2' });
    const channel = new CardChannel(t);
    await expect(channel.send(verify)).rejects.toMatchObject({
      code: 'reader/status-word',
      sw: 0x63c2,
    });
    await expect(channel.send(verify)).rejects.toBeInstanceOf(StatusWordError);
    expect((await channel.send(verify, { accept: [anyVerifyFailure] })).sw).toBe(0x63c2);
  });

  it('a GET RESPONSE chain that never ends is a malformed response', async () => {
    const t = scripted({ '00b0000000': '6101', '00c0000001': '00 6101'.replace(' ', '') });
    await expect(new CardChannel(t).send(READ)).rejects.toMatchObject({
      code: 'reader/malformed-response',
    });
  });

  it('a 1-byte answer is malformed, not a status word', async () => {
    const t = scripted({ '00b0000000': '90' });
    await expect(new CardChannel(t).send(READ)).rejects.toMatchObject({
      code: 'reader/malformed-response',
    });
  });

  it('traces VERIFY with the PIN masked and never logs response data', async () => {
    const logger = recordingLogger();
    const t = scripted({
      '002000800431323334': '9000',
      '00b0000000': 'e9bb92 9000'.replace(' ', ''),
    });
    const channel = new CardChannel(t, { logger });
    await channel.send({
      cla: 0,
      ins: 0x20,
      p1: 0,
      p2: 0x80,
      data: new TextEncoder().encode('1234'),
    });
    await channel.send(READ);
    const lines = logger.lines.filter((l) => l.level === 'debug').map((l) => l.fields);
    const text = JSON.stringify(logger.lines);
    expect(lines[0]).toMatchObject({ command: '00 20 00 80 04 xx xx xx xx', sw: '9000' });
    expect(text).not.toContain('31 32 33 34');
    expect(text).not.toContain('e9bb92');
    expect(lines[1]).toMatchObject({ responseLength: 3 });
  });

  it('assertSameCard compares the event counter', () => {
    let count = 5;
    const t: CardTransport = { ...scripted({}), connectEventCount: 5, eventCount: () => count };
    const channel = new CardChannel(t);
    expect(() => channel.assertSameCard()).not.toThrow();
    count = 7;
    expect(() => channel.assertSameCard()).toThrowError(
      expect.objectContaining({ code: 'reader/card-swapped' }) as ReaderError,
    );
  });

  it('runs one send at a time: a GET RESPONSE chain is never interleaved', async () => {
    const order: string[] = [];
    const t = scripted({
      '00b0000000': '01 6101'.replace(' ', ''),
      '00c0000001': '02 9000'.replace(' ', ''),
      '00b0010000': '03 9000'.replace(' ', ''),
    });
    const inner = t.transmit.bind(t);
    t.transmit = async (c, o) => {
      order.push(toHex(c));
      await new Promise((r) => setTimeout(r, 5));
      return inner(c, o);
    };
    const channel = new CardChannel(t);
    await Promise.all([channel.send(READ), channel.send({ ...READ, p1: 1 })]);
    expect(order).toEqual(['00b0000000', '00c0000001', '00b0010000']);
  });
});
