import { afterEach, describe, expect, it } from 'vitest';
import { reportsForText } from '../../hardware/hid/keyboard.ts';
import { FedHidTransport } from '../../hardware/hid/transport.ts';
import { ReceiptPrinterSimulator } from '../../hardware/receipt-printer/simulator.ts';
import { linkedPair, type SerialLink } from '../../hardware/serial/link.ts';
import { felicaCardWithIdm } from '../../reader/sim/factory.ts';
import { SimHub } from '../../reader/sim/hub.ts';
import { CardSlot } from '../../reader/sim/slot.ts';
import { systemClock } from '../../shared/clock.ts';
import { silentLogger } from '../../shared/log.ts';
import { LibraryConfigSchema } from '../../shared/config/library.ts';
import type { Push } from '../../shared/contracts/local-api.ts';
import { LibraryViewSchema, type LibraryView } from '../../shared/contracts/ui/library.ts';
import { parseConfig } from '../config/load.ts';
import { DEMO_CARDS, demoPatronCache } from '../library/demo-data.ts';
import { installPatronCache } from '../library/patron-cache.ts';
import { SIM } from '../library/sip2/sim/data.ts';
import { Sip2Simulator } from '../library/sip2/sim/server.ts';
import { simLibrarySystem, TEST_FLEET_KEY, waitUntil as until } from '../library/testing.ts';
import { memoryStore } from '../store/testing.ts';
import { libraryRoleFactory, LibraryRole } from './library-role.ts';
import { LocalApi } from './local-api.ts';

const P = SIM.patrons;
const I = SIM.items;
let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.reverse()) await s();
  stops = [];
});

/** The role on in-process parts: the SIP2 simulator, a printer simulator, a fed scanner, a sim reader. */
async function setup(config: Record<string, unknown> = {}) {
  const store = memoryStore('lib-test-1', systemClock);
  installPatronCache(store, TEST_FLEET_KEY, demoPatronCache(), Date.now());
  const sim = new Sip2Simulator();
  const net = { down: false };
  const { system } = simLibrarySystem(() => {
    if (net.down) return Promise.reject(new Error('ECONNREFUSED'));
    const [a, b] = linkedPair();
    sim.attach(b);
    return Promise.resolve(a);
  }, systemClock);
  const printer = { sim: undefined as ReceiptPrinterSimulator | undefined, plugged: true };
  const scanner = { transport: new FedHidTransport('hid:test') };
  const slot = new CardSlot('Sim Reader 0');
  const hub = new SimHub([slot]);
  const role = new LibraryRole({
    library: LibraryConfigSchema.parse({
      sip2: { host: 'sim', institutionId: SIM.institution },
      printer: { path: '/dev/null' },
      libraryName: 'かざす市立中央図書館',
      ...config,
    }),
    hub,
    store,
    clock: systemClock,
    fleetKey: TEST_FLEET_KEY,
    system,
    systemName: 'sip2://sim:6001',
    openPrinter: (): Promise<SerialLink> => {
      if (!printer.plugged) return Promise.reject(new Error('ENOENT'));
      const [host, device] = linkedPair();
      printer.sim = new ReceiptPrinterSimulator(device);
      return Promise.resolve(host);
    },
    openScanner: () => {
      scanner.transport = new FedHidTransport('hid:test');
      return Promise.resolve(scanner.transport);
    },
    endedHoldMs: 150,
    noticeHoldMs: 150,
    reopenMs: 20,
    monitorIntervalMs: 50,
  });
  const api = new LocalApi({ demo: false });
  const pushes: Push[] = [];
  api.subscribe((p) => pushes.push(p));
  await role.start(api);
  stops.push(() => role.stop());
  const views = (): LibraryView[] =>
    pushes.filter((p) => p.event === 'library.view').map((p) => LibraryViewSchema.parse(p.data));
  const last = (): LibraryView => views().at(-1) as LibraryView;
  const scan = (code: string): void => scanner.transport.feedAll(reportsForText(code));
  const call = async (method: string): Promise<unknown> => {
    const r = await api.handle(JSON.stringify({ id: 1, method }));
    if (!r.ok) throw new Error(r.error.code);
    return r.value;
  };
  return { role, api, sim, net, printer, scanner, slot, store, pushes, views, last, scan, call };
}

describe('library role', () => {
  it('a checkout with receipt: card scanned, two books and a refusal, 終了, printed, then welcome again', async () => {
    const r = await setup({ showPatronName: true });
    expect(r.last()).toMatchObject({ phase: 'welcome', printer: 'ready', libraryOnline: true });
    r.scan(P.ok);
    await until(() => r.last().phase === 'session');
    expect(r.last().patron).toEqual({ displayName: '図書 花子', offline: false });
    r.scan(I.cat);
    r.scan(I.kokoro);
    r.scan(I.botchan);
    await until(() => r.last().items.filter((i) => i.result !== null).length === 3);
    expect(r.last().items.map((i) => [i.itemId, i.state, i.result?.code])).toEqual([
      [I.cat, 'checked-out', 'checked-out'],
      [I.kokoro, 'refused', 'on-hold'],
      [I.botchan, 'checked-out', 'checked-out'],
    ]);
    expect(r.last().items[0]?.title).toBe('吾輩は猫である / 夏目漱石');
    expect(r.last().items[0]?.due?.text.ja).toMatch(/^返す日 \d+月\d+日\(.\)$/);
    expect(r.last().items[1]?.result?.text.ja).toContain('予約');

    expect(await r.call('library.endSession')).toMatchObject({ phase: 'printing' });
    await until(() => r.last().phase === 'ended');
    expect(r.last()).toMatchObject({ receipt: 'printed', notice: { code: 'goodbye' } });
    const printed = r.printer.sim?.receipts[0]?.lines.join('\n') ?? '';
    expect(printed).toContain('吾輩は猫である / 夏目漱石');
    expect(printed).toContain('坊っちゃん / 夏目漱石');
    expect(printed).not.toContain('こころ');
    await until(() => r.last().phase === 'welcome');
    expect(r.last().notice).toBeNull();
    // Never the patron's id or card number on the local API.
    expect(JSON.stringify(r.pushes)).not.toContain(P.ok);
  });

  it('no display name unless the config allows it; a blocked card is refused with its reason, which lapses', async () => {
    const r = await setup();
    r.scan(P.ok);
    await until(() => r.last().phase === 'session');
    expect(r.last().patron?.displayName).toBeNull();
    await r.call('library.endSession');
    await until(() => r.last().phase === 'ended');
    expect(r.last().receipt).toBe('none');
    r.scan(P.fines);
    await until(() => r.last().notice?.code === 'blocked-fines');
    expect(r.last()).toMatchObject({ phase: 'welcome', notice: { tone: 'error' } });
    expect(r.last().notice?.text.ja).toContain('カウンター');
    await until(() => r.last().notice === null);
  });

  it('an IC card linked in the patron cache identifies the patron; "take your card" until it is removed', async () => {
    const r = await setup();
    r.slot.insert(felicaCardWithIdm(DEMO_CARDS.icCardIdm));
    await until(() => r.last().phase === 'session');
    r.scan(I.rashomon);
    await until(() => r.last().items[0]?.state === 'checked-out');
    await r.call('library.endSession');
    await until(() => r.last().phase === 'ended');
    expect(r.last().removeCard).toBe(true);
    r.slot.remove();
    await until(() => !r.last().removeCard);
    expect(r.last().phase).toBe('ended');
  });

  it('devices on the status page; an unplugged printer and scanner are states and come back', async () => {
    const r = await setup();
    const kinds = () => Object.fromEntries(r.role.devices().map((d) => [d.kind, d.state]));
    await until(() => kinds()['library-system'] === 'ok');
    expect(kinds()).toEqual({ scanner: 'ok', 'receipt-printer': 'ok', 'library-system': 'ok' });

    r.printer.plugged = false;
    await r.printer.sim?.close();
    await until(() => kinds()['receipt-printer'] === 'closed');
    expect(r.last().printer).toBe('unavailable');
    r.scanner.transport.unplug();
    expect(kinds()['scanner']).toBe('closed');
    r.printer.plugged = true;
    await until(() => kinds()['receipt-printer'] === 'ok' && kinds()['scanner'] === 'ok');
    expect(r.last().printer).toBe('ready');

    // Paper out on the new roll: the patron is told when the receipt cannot be printed.
    r.printer.sim?.runOutOfPaper();
    r.scan(P.ok);
    await until(() => r.last().phase === 'session');
    r.scan(I.botchan);
    await until(() => r.last().items[0]?.state === 'checked-out');
    await r.call('library.endSession');
    await until(() => r.last().phase === 'ended');
    expect(r.last().receipt).toBe('paper-out');
    expect(r.role.devices().find((d) => d.kind === 'receipt-printer')).toMatchObject({
      state: 'error',
      detail: 'paper out',
    });
  });

  it('the library system unreachable: offline on the screen and the status page, checkouts stored', async () => {
    const r = await setup();
    r.net.down = true;
    await r.sim.stop();
    r.scan(P.ok);
    await until(() => r.last().phase === 'session');
    expect(r.last()).toMatchObject({ libraryOnline: false, patron: { offline: true } });
    expect(r.last().notice?.code).toBe('welcome-offline');
    r.scan(I.cat);
    await until(() => r.last().items[0]?.state === 'stored-offline');
    expect(r.role.devices().find((d) => d.kind === 'library-system')).toMatchObject({
      state: 'unreachable',
      detail: '1 checkout(s) to forward',
    });
  });

  it('stop removes the methods; a config with no library section is refused', async () => {
    const r = await setup();
    await r.role.stop();
    expect(await r.api.handle(JSON.stringify({ id: 2, method: 'library.get' }))).toMatchObject({
      ok: false,
      error: { code: 'api/unknown-method' },
    });
    const config = parseConfig(
      JSON.stringify({
        deviceId: 'lib-1',
        role: 'library',
        dataDir: '.',
        backend: { url: 'http://127.0.0.1:1', publicKeys: [Buffer.alloc(32).toString('base64')] },
        fleetKeyFile: 'fleet.key',
      }),
      '/tmp/device.json',
    );
    expect(() =>
      libraryRoleFactory()({
        config,
        hub: new SimHub(),
        store: r.store,
        clock: systemClock,
        logger: silentLogger,
      }),
    ).toThrow(expect.objectContaining({ code: 'config/invalid' }));
  });
});
