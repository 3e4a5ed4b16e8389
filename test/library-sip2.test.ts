import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sip2Connector, type Sip2Endpoint } from '../kiosk/devices/sip2-socket.ts';
import { Sip2LibrarySystem } from '../kiosk/library/library-system.ts';
import { Sip2Client, type Sip2ClientOptions } from '../kiosk/library/sip2/client.ts';
import { SIM } from '../kiosk/library/sip2/sim/data.ts';
import { startSip2Simulator, type Sip2Simulator } from '../kiosk/library/sip2/sim/server.ts';
import { systemClock } from '../shared/clock.ts';

// SIP2 between the client and the simulated library system over real TCP and TLS sockets on
// loopback: checkouts and refusals, Shift_JIS checksums, every fault the simulator models, a
// library system that goes away and comes back, and garbage on the wire.

const open: { sims: Sip2Simulator[]; clients: Sip2Client[] } = { sims: [], clients: [] };
afterEach(async () => {
  for (const c of open.clients.splice(0)) await c.close();
  for (const s of open.sims.splice(0)) await s.stop();
});

async function pair(
  simOptions: Parameters<typeof startSip2Simulator>[0] = {},
  clientOptions: Partial<Sip2ClientOptions> & { tls?: Sip2Endpoint['tls'] } = {},
) {
  const sim = await startSip2Simulator(simOptions);
  open.sims.push(sim);
  const client = new Sip2Client({
    connect: sip2Connector({ host: sim.host, port: sim.port, tls: clientOptions.tls }),
    charset: simOptions.charset ?? 'utf-8',
    timeoutMs: 150,
    retries: 1,
    login: SIM.login,
    ...clientOptions,
  });
  open.clients.push(client);
  const system = new Sip2LibrarySystem(client, {
    institutionId: SIM.institution,
    utcOffsetMinutes: 540,
    clock: systemClock,
  });
  return { sim, client, system };
}

const at = (): number => Date.now();

describe('SIP2 over TCP', () => {
  it('logs in, checks out with a due date, and reads refusals and patron status', async () => {
    const { sim, system } = await pair();
    const r = await system.checkout({ patronId: SIM.patrons.ok, itemId: SIM.items.cat, at: at() });
    expect(r).toMatchObject({ ok: true, title: '吾輩は猫である / 夏目漱石' });
    expect(r.ok && r.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(
      await system.checkout({ patronId: SIM.patrons.ok, itemId: SIM.items.kokoro, at: at() }),
    ).toEqual({
      ok: false,
      screenMessage: ['ほかの利用者の予約資料です'],
    });
    const blocked = await system.patronStatus(SIM.patrons.fines);
    expect([...blocked.flags]).toEqual([
      'chargePrivilegesDenied',
      'renewalPrivilegesDenied',
      'excessiveOutstandingFines',
    ]);
    expect(await system.status()).toEqual({ online: true, checkoutOk: true });
    expect(sim.received.map((x) => x.code)).toEqual(['93', '11', '11', '63', '99']);
  });

  it('computes checksums over Shift_JIS bytes when the library system speaks Shift_JIS', async () => {
    const { system, sim } = await pair({ charset: 'shift_jis' }, { charset: 'shift_jis' });
    const item = await system.itemStatus(SIM.items.nightTrain);
    expect(item).toEqual({ circulationStatus: '04', known: true });
    const r = await system.checkout({
      patronId: SIM.patrons.ok,
      itemId: SIM.items.botchan,
      at: at(),
    });
    expect(r).toMatchObject({ ok: true, title: '坊っちゃん / 夏目漱石' });
    expect(sim.received.every((x) => x.code !== '??')).toBe(true);
  });

  it('recovers from a damaged answer (97) and a lost one (resend), and reports a slow system as a timeout', async () => {
    const { sim, client, system } = await pair();
    await client.connect();
    sim.faults.corruptNext = 1;
    expect(
      (await system.checkout({ patronId: SIM.patrons.ok, itemId: SIM.items.cat, at: at() })).ok,
    ).toBe(true);
    sim.faults.dropNext = 1;
    expect(
      (await system.checkout({ patronId: SIM.patrons.ok, itemId: SIM.items.botchan, at: at() })).ok,
    ).toBe(true);
    expect(sim.received.map((x) => x.code)).toEqual(['93', '11', '97', '11', '11']);
    sim.faults.delayMs = 400;
    await expect(system.status()).rejects.toMatchObject({ code: 'library/sip2-timeout' });
    expect(client.state).toBe('offline');
  });

  it('a stopped library system is unreachable; when it listens again the client reconnects and logs in', async () => {
    const { sim, client, system } = await pair();
    await client.connect();
    await sim.stop();
    await expect(system.status()).rejects.toMatchObject({ code: 'library/sip2-unreachable' });
    await expect(system.status()).rejects.toMatchObject({ code: 'library/sip2-unreachable' });
    await sim.start();
    await expect(system.status()).resolves.toEqual({ online: true, checkoutOk: true });
    expect(sim.received.filter((x) => x.code === '93')).toHaveLength(2);
  });

  it('garbage on the wire gets a resend request (96) and the connection keeps working', async () => {
    const sim = await startSip2Simulator();
    open.sims.push(sim);
    const socket = net.connect(sim.port, sim.host);
    await new Promise((r) => socket.once('connect', r));
    const got: string[] = [];
    socket.on('data', (d: Buffer) => got.push(...d.toString('latin1').split('\r').filter(Boolean)));
    socket.write(Buffer.from([0xff, 0x00, 0x41, 0x0d]));
    socket.write('11NY2026|AZ0000\r');
    socket.write('990 402.00AY1AZFCB4\r');
    const deadline = Date.now() + 2000;
    while (got.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    socket.destroy();
    expect(got.slice(0, 2)).toEqual(['96AZFEF6', '96AZFEF6']);
    expect(got[2]).toMatch(/^98YYYYNY030003\d{8} {4}\d{6}2\.00AOkazasu-lib\|/);
  });
});

describe('SIP2 over TLS', () => {
  let dir: string;
  let key: string;
  let cert: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kazasu-sip2-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    key = readFileSync(join(dir, 'key.pem'), 'utf8');
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('checks out over TLS with the library’s CA pinned', async () => {
    const { system } = await pair(
      { tls: { key, cert } },
      { tls: { ca: cert, serverName: 'localhost' } },
    );
    expect(
      (await system.checkout({ patronId: SIM.patrons.ok, itemId: SIM.items.rashomon, at: at() }))
        .ok,
    ).toBe(true);
  });

  it('a certificate nobody vouches for is refused: unreachable, nothing sent', async () => {
    const { sim, system } = await pair(
      { tls: { key, cert } },
      { tls: { serverName: 'localhost' } },
    );
    await expect(system.status()).rejects.toMatchObject({ code: 'library/sip2-unreachable' });
    expect(sim.received).toEqual([]);
  });
});
