/**
 * The library self-checkout as a role of the kiosk service (kiosk-service.ts): LibraryService
 * (kiosk/library/service.ts) with the devices of the config's `library` section — the library
 * system over SIP2, the barcode scanner, the receipt printer on its serial port, IC cards on the
 * readers — and the patron screen pushed as `library.view` (library-view.ts). Scanner and
 * printer are reopened by themselves when unplugged; every absence is a state on the screen
 * and the status page, never a crash.
 */
import { randomBytes } from 'node:crypto';
import type { HidTransport } from '../../hardware/hid/transport.ts';
import type { ReceiptPrinterState } from '../../hardware/receipt-printer/driver.ts';
import type { SerialLink } from '../../hardware/serial/link.ts';
import type { ReaderHub } from '../../reader/hub.ts';
import type { Clock } from '../../shared/clock.ts';
import type { LibraryConfig } from '../../shared/config/library.ts';
import { LIBRARY_METHODS, type LibraryView } from '../../shared/contracts/ui/library.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import { ConfigError, readFleetKey } from '../config/load.ts';
import { openHidTransport } from '../devices/hid.ts';
import { librarySystemOf } from '../devices/library-system.ts';
import { openSerialLink } from '../devices/serial.ts';
import { servesReader, watchCards } from '../library/cards.ts';
import type { Screen, Session } from '../library/flow.ts';
import type { LibrarySystem } from '../library/library-system.ts';
import { ReconnectingReceiptPrinter } from '../library/printer-link.ts';
import { ReconnectingScanner } from '../library/scanner-link.ts';
import { LibraryService, type LibraryReport } from '../library/service.ts';
import { serviceSettingsOf } from '../library/settings.ts';
import type { DeviceStore } from '../store/store.ts';
import type { RoleFactory } from './compose.ts';
import type { DeviceReport, RoleController } from './kiosk-service.ts';
import { libraryView } from './library-view.ts';
import type { LocalApi } from './local-api.ts';

export interface LibraryRoleOptions {
  readonly library: LibraryConfig;
  readonly hub: ReaderHub;
  readonly store: DeviceStore;
  readonly clock: Clock;
  readonly fleetKey: Uint8Array;
  readonly system: LibrarySystem;
  /** Names the library system on the status page (`sip2://host:port`). */
  readonly systemName: string;
  /** Opens the receipt printer's port; absent: no printer fitted. */
  readonly openPrinter?: (() => Promise<SerialLink>) | undefined;
  /** Opens the scanner's HID transport; absent: no scanner fitted. */
  readonly openScanner?: (() => Promise<HidTransport>) | undefined;
  /** How long the end-of-session summary stays (default 10 s). */
  readonly endedHoldMs?: number;
  /** How long a refused card's reason stays on the welcome screen (default 8 s). */
  readonly noticeHoldMs?: number;
  /** How often an unplugged scanner or printer is tried again (default 5 s). */
  readonly reopenMs?: number;
  readonly monitorIntervalMs?: number;
  readonly randomBytes?: (n: number) => Uint8Array;
  readonly logger?: Logger;
}

const PRINTER_DEVICE: Readonly<
  Record<ReceiptPrinterState, Pick<DeviceReport, 'state'> & { detail?: string }>
> = {
  ready: { state: 'ok' },
  'paper-near-end': { state: 'ok', detail: 'paper near end' },
  'paper-out': { state: 'error', detail: 'paper out' },
  'cover-open': { state: 'error', detail: 'cover open' },
  error: { state: 'error' },
  unreachable: { state: 'unreachable' },
  closed: { state: 'closed' },
};

export class LibraryRole implements RoleController {
  readonly role = 'library' as const;
  private service: LibraryService | undefined;
  private printer: ReconnectingReceiptPrinter | undefined;
  private scanner: ReconnectingScanner | undefined;
  private api: LocalApi | undefined;
  private screen: Screen | undefined;
  private lastSession: Session | undefined;
  private lapse: NodeJS.Timeout | undefined;
  private pushQueued = false;
  private readonly offs: (() => void)[] = [];
  private readonly log: Logger;

  constructor(private readonly o: LibraryRoleOptions) {
    this.log = (o.logger ?? silentLogger).child({ module: 'library-role' });
  }

  async start(api: LocalApi): Promise<void> {
    const { o } = this;
    const l = o.library;
    this.api = api;
    const retry = o.reopenMs === undefined ? {} : { retryMs: o.reopenMs };
    if (o.openPrinter) {
      this.printer = new ReconnectingReceiptPrinter(o.openPrinter, { ...retry, logger: this.log });
      await this.printer.connect();
    }
    const service = new LibraryService({
      clock: o.clock,
      store: o.store,
      system: o.system,
      fleetKey: o.fleetKey,
      printer: this.printer,
      ...serviceSettingsOf(l),
      randomBytes: o.randomBytes ?? ((n) => randomBytes(n)),
      ...(o.monitorIntervalMs === undefined ? {} : { monitorIntervalMs: o.monitorIntervalMs }),
      logger: this.log,
    });
    this.service = service;
    this.offs.push(service.onReport((r) => this.onReport(r)));
    if (o.openScanner) {
      this.scanner = new ReconnectingScanner(
        o.openScanner,
        (e) => {
          if (e.type === 'barcode') service.barcode(e.code);
          else if (e.type === 'problem') this.log.info({ problem: e.problem }, 'scan refused');
        },
        {
          layout: l.scanner?.layout ?? 'us',
          tabEnds: l.scanner?.tabEnds ?? false,
          ...retry,
          logger: this.log,
        },
      );
      await this.scanner.connect();
    }
    this.offs.push(
      watchCards(
        o.hub,
        { acceptMyNumberCard: l.acceptMyNumberCard, readers: l.readers, logger: this.log },
        (c) => service.card(c),
      ),
      // A card taken off the reader clears "please take your card".
      o.hub.subscribe((e) => {
        if (e.type === 'card-removed' || e.type === 'card-present') this.schedulePush();
      }),
    );
    api.method('library.get', LIBRARY_METHODS['library.get'], () => this.view());
    api.method('library.endSession', LIBRARY_METHODS['library.endSession'], () => {
      service.endSession();
      return this.view();
    });
    service.start();
    // After the service's own listener, so the flow has taken the new printer state in.
    if (this.printer) this.offs.push(this.printer.onState(() => this.schedulePush()));
    this.push();
  }

  async stop(): Promise<void> {
    this.api?.unregister('library.');
    clearTimeout(this.lapse);
    for (const off of this.offs.splice(0)) off();
    await this.service?.stop();
    await this.scanner?.close();
    await this.printer?.close();
    await this.o.system.close();
    this.service = undefined;
  }

  /** The screen now. */
  view(): LibraryView {
    const { o } = this;
    const service = this.service;
    const l = o.library;
    return libraryView({
      at: o.clock.now(),
      model: service?.flowModel ?? { state: { phase: 'idle' }, printer: 'none' },
      screen: this.screen,
      lastSession: this.lastSession,
      online: service?.online ?? false,
      printerState: this.printer?.state,
      cardOnReader: o.hub.readers().some((r) => r.cardPresent && servesReader(l.readers, r.name)),
      settings: {
        libraryName: l.libraryName ?? null,
        accepts: { icCard: l.acceptIcCard, myNumberCard: l.acceptMyNumberCard },
      },
    });
  }

  devices(): readonly DeviceReport[] {
    const printerState = this.printer?.state;
    const service = this.service;
    const pending = this.o.store.checkouts.stats().pending;
    return [
      {
        kind: 'scanner',
        name: 'barcode scanner',
        state: !this.scanner ? 'absent' : this.scanner.connected ? 'ok' : 'closed',
      },
      {
        kind: 'receipt-printer',
        name: 'receipt printer',
        ...(printerState === undefined ? { state: 'absent' } : PRINTER_DEVICE[printerState]),
      },
      {
        kind: 'library-system',
        name: this.o.systemName,
        state: service?.online ? 'ok' : 'unreachable',
        ...(pending > 0 ? { detail: `${pending} checkout(s) to forward` } : {}),
      },
    ];
  }

  private onReport(r: LibraryReport): void {
    switch (r.type) {
      case 'screen':
        this.screen = r.screen;
        this.armLapse();
        this.schedulePush();
        return;
      case 'session-ended':
        this.lastSession = r.session;
        return;
      case 'link':
      case 'forwarded':
        this.schedulePush();
        return;
      case 'timing':
        this.log.debug({ ms: r.ms }, 'scan to result');
        return;
    }
  }

  /** In idle, what the last screen said lapses back to the plain welcome after a while. */
  private armLapse(): void {
    clearTimeout(this.lapse);
    const view = this.view();
    if (view.phase !== 'welcome' && view.phase !== 'ended') return;
    if (view.notice === null) return;
    const ms =
      view.phase === 'ended' ? (this.o.endedHoldMs ?? 10_000) : (this.o.noticeHoldMs ?? 8_000);
    const screen = this.screen;
    this.lapse = setTimeout(() => {
      if (this.screen !== screen || this.service?.flowModel.state.phase !== 'idle') return;
      this.screen = undefined;
      this.lastSession = undefined;
      this.push();
    }, ms);
    this.lapse.unref?.();
  }

  /** Several screens in one step of the flow make one push, with the last of them. */
  private schedulePush(): void {
    if (this.pushQueued) return;
    this.pushQueued = true;
    queueMicrotask(() => {
      this.pushQueued = false;
      this.push();
    });
  }

  private push(): void {
    this.api?.push('library.view', this.view());
  }
}

/** What the demo (or a test) puts in place of a real device. */
export interface LibraryPeripherals {
  /** The scanner's HID transport, instead of node-hid with the config's `library.scanner`. */
  readonly openScanner?: () => Promise<HidTransport>;
}

/** The library role from the device config (registered in roles.ts). */
export function libraryRoleFactory(peripherals: LibraryPeripherals = {}): RoleFactory {
  return (ctx) => {
    const { config } = ctx;
    const l = config.library;
    if (!l)
      throw new ConfigError(
        'config/invalid',
        `${config.path}: a library machine needs a "library" section`,
        { details: { path: config.path, issues: [{ path: 'library', code: 'missing' }] } },
      );
    const { printer, scanner } = l;
    return new LibraryRole({
      library: l,
      hub: ctx.hub,
      store: ctx.store,
      clock: ctx.clock,
      fleetKey: readFleetKey(config),
      system: librarySystemOf(l, ctx.logger, ctx.clock),
      systemName: `${l.sip2.tls === false ? 'sip2' : 'sip2s'}://${l.sip2.host}:${l.sip2.port}`,
      openPrinter: printer ? () => openSerialLink(printer.path, printer.baudRate) : undefined,
      openScanner:
        peripherals.openScanner ?? (scanner ? () => openHidTransport(scanner) : undefined),
      logger: ctx.logger,
    });
  };
}
