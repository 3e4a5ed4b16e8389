import { describe, expect, it } from 'vitest';
import { linkedPair, type SerialLink } from '../../../hardware/serial/link.ts';
import { Sip2Client, type Sip2ClientOptions } from './client.ts';
import { encodeMessage } from './codec.ts';
import { formatSip2Date } from './dates.ts';
import { SIM } from './sim/data.ts';
import { Sip2Simulator } from './sim/server.ts';
import { Sip2FrameSplitter } from './framing.ts';
import type { MessageOf } from './messages.ts';

const NOW = Date.parse('2026-11-22T01:30:00Z');

function setup(
  options: Partial<Sip2ClientOptions> = {},
  sim = new Sip2Simulator({ now: () => NOW }),
) {
  let connects = 0;
  const client = new Sip2Client({
    connect: () => {
      connects += 1;
      const [host, device] = linkedPair();
      sim.attach(device);
      return Promise.resolve(host);
    },
    charset: 'utf-8',
    timeoutMs: 100,
    retries: 2,
    login: SIM.login,
    ...options,
  });
  return { client, sim, connects: () => connects };
}

const checkout = (itemId: string, patronId: string = SIM.patrons.ok): MessageOf<'11'> => ({
  code: '11',
  scRenewalPolicy: false,
  noBlock: false,
  transactionDate: formatSip2Date(NOW),
  nbDueDate: ' '.repeat(18),
  institutionId: SIM.institution,
  patronId,
  itemId,
});

describe('SIP2 client', () => {
  it('logs in, checks out, and gets the response to its request', async () => {
    const { client, sim } = setup();
    const states: string[] = [];
    client.onState((s) => states.push(s));
    const r = await client.request(checkout(SIM.items.cat));
    expect(r).toMatchObject({ code: '12', ok: true, itemId: SIM.items.cat });
    expect(r.dueDate).toBe('20261206    235959');
    expect(sim.received.map((x) => x.code)).toEqual(['93', '11']);
    expect(states).toEqual(['connecting', 'online']);
    // sequence numbers advance per request
    expect(sim.received.map((x) => x.sequence)).toEqual([0, 1]);
  });

  it('a refusal is an answer, not an error', async () => {
    const { client } = setup();
    const r = await client.request(checkout(SIM.items.kokoro));
    expect(r.ok).toBe(false);
    expect(r.screenMessage).toEqual(['ほかの利用者の予約資料です']);
  });

  it('asks for a resend (97) of an answer with a wrong checksum, and gets the same answer', async () => {
    const { client, sim } = setup();
    await client.connect();
    sim.faults.corruptNext = 1;
    const r = await client.request(checkout(SIM.items.botchan));
    expect(r.ok).toBe(true);
    expect(sim.received.map((x) => x.code)).toEqual(['93', '11', '97']);
    expect(sim.library.checkouts).toHaveLength(1);
  });

  it('resends a request after a lost answer, with the same sequence number', async () => {
    const { client, sim } = setup();
    await client.connect();
    sim.faults.dropNext = 1;
    const r = await client.request(checkout(SIM.items.cat));
    expect(r.ok).toBe(true);
    const sent = sim.received.filter((x) => x.code === '11');
    expect(sent).toHaveLength(2);
    expect(sent[0]?.sequence).toBe(sent[1]?.sequence);
    // carried out twice: the second is a renewal of the patron's own loan, not a refusal
    expect(sim.library.checkouts.map((c) => c.ok)).toEqual([true, true]);
  });

  it('resends its request when the library system asks (96)', async () => {
    const sim = new Sip2Simulator({ now: () => NOW });
    let damaged = false;
    const client = new Sip2Client({
      connect: () => {
        const [host, device] = linkedPair();
        sim.attach(device);
        const flaky: SerialLink = {
          ...host,
          path: host.path,
          get isOpen() {
            return host.isOpen;
          },
          onData: (l) => host.onData(l),
          onClose: (l) => host.onClose(l),
          close: () => host.close(),
          write: (bytes) => {
            if (!damaged && bytes[0] === 0x31) {
              damaged = true;
              const copy = bytes.slice();
              copy[5] = 0x21;
              return host.write(copy);
            }
            return host.write(bytes);
          },
        };
        return Promise.resolve(flaky);
      },
      charset: 'utf-8',
      timeoutMs: 100,
      login: SIM.login,
    });
    const r = await client.request(checkout(SIM.items.rashomon));
    expect(r.ok).toBe(true);
    expect(sim.received.map((x) => x.code)).toEqual(['93', '??', '11']);
  });

  it('a library system that stops answering is a timeout after the resends; the link is dropped and the next request reconnects', async () => {
    const { client, sim, connects } = setup({ retries: 1 });
    await client.connect();
    sim.faults.dropNext = 2;
    await expect(client.request(checkout(SIM.items.cat))).rejects.toMatchObject({
      code: 'library/sip2-timeout',
      details: { sends: 2 },
    });
    expect(client.state).toBe('offline');
    const r = await client.request(checkout(SIM.items.botchan));
    expect(r.ok).toBe(true);
    expect(connects()).toBe(2);
  });

  it('a late answer to an abandoned request does not answer the next one', async () => {
    const { client, sim } = setup({ retries: 0 });
    await client.connect();
    sim.faults.delayMs = 150;
    await expect(client.request(checkout(SIM.items.cat))).rejects.toMatchObject({
      code: 'library/sip2-timeout',
    });
    sim.faults.delayMs = 0;
    const r = await client.request({
      code: '17',
      transactionDate: formatSip2Date(NOW),
      institutionId: SIM.institution,
      itemId: SIM.items.kokoro,
    });
    expect(r).toMatchObject({ code: '18', itemId: SIM.items.kokoro, circulationStatus: '08' });
  });

  it('a refused login is library/sip2-login-refused and leaves the client offline', async () => {
    const { client } = setup({ login: { userId: 'kiosk-01', password: 'wrong' } });
    await expect(client.request(checkout(SIM.items.cat))).rejects.toMatchObject({
      code: 'library/sip2-login-refused',
    });
    expect(client.state).toBe('offline');
  });

  it('a connector that fails is library/sip2-unreachable', async () => {
    const client = new Sip2Client({
      connect: () => Promise.reject(new Error('ECONNREFUSED')),
      charset: 'utf-8',
    });
    await expect(client.connect()).rejects.toMatchObject({ code: 'library/sip2-unreachable' });
    expect(client.state).toBe('offline');
  });

  it('a link closed by the library system mid-request is library/sip2-unreachable', async () => {
    const { client, sim } = setup();
    await client.connect();
    sim.faults.closeNext = 1;
    await expect(client.request(checkout(SIM.items.cat))).rejects.toMatchObject({
      code: 'library/sip2-unreachable',
    });
    expect(client.state).toBe('offline');
  });

  it('an answer with the wrong command is library/sip2-unexpected-reply; one with an old sequence number is skipped', async () => {
    const answers: Uint8Array[] = [];
    const client = new Sip2Client({
      connect: () => {
        const [host, device] = linkedPair();
        const splitter = new Sip2FrameSplitter();
        device.onData((chunk) => {
          if (splitter.push(chunk).frames.length > 0)
            void device.write(answers.shift() ?? new Uint8Array(0));
        });
        return Promise.resolve(host);
      },
      charset: 'utf-8',
      timeoutMs: 100,
    });
    const end: MessageOf<'36'> = {
      code: '36',
      endSession: true,
      transactionDate: formatSip2Date(NOW),
      institutionId: 'x',
      patronId: 'p',
    };
    const stale = encodeMessage(end, { charset: 'utf-8', sequence: 7 });
    const right = encodeMessage(end, { charset: 'utf-8', sequence: 0 });
    answers.push(new Uint8Array([...stale, ...right]));
    const request: MessageOf<'35'> = {
      code: '35',
      transactionDate: formatSip2Date(NOW),
      institutionId: 'x',
      patronId: 'p',
    };
    await expect(client.request(request)).resolves.toMatchObject({ code: '36', endSession: true });
    answers.push(encodeMessage({ code: '94', ok: true }, { charset: 'utf-8', sequence: 1 }));
    await expect(client.request(request)).rejects.toMatchObject({
      code: 'library/sip2-unexpected-reply',
    });
  });
});
