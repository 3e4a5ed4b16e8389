/**
 * The self-checkout service: runs the pure flow (flow.ts) against the real parts. It takes
 * scans and cards in, executes the flow's commands — identify the patron, check out over SIP2
 * or store offline, print the receipt, end the session — and feeds their results back as
 * events. While idle it watches the library system and forwards stored checkouts when it is
 * back. Nothing here throws at the caller: every failure ends in a screen.
 */
import type { Clock } from '../../shared/clock.ts';
import { hasErrorCode, serializeError } from '../../shared/errors.ts';
import { Listeners } from '../../shared/listeners.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import { jstDate } from '../../shared/contracts/sync/periods.ts';
import type { ReceiptPrinter, ReceiptPrinterState } from '../../hardware/receipt-printer/driver.ts';
import type { DeviceStore } from '../store/store.ts';
import { uuidv7 } from '../store/uuid.ts';
import {
  CheckoutFlow,
  initialFlow,
  type FlowCommand,
  type FlowEvent,
  type FlowModel,
  type Screen,
  type Session,
} from './flow.ts';
import { forwardPending, type ForwardReport } from './forward.ts';
import { isLinkFailure, refusalOf, type LibrarySystem } from './library-system.ts';
import { PatronDirectory, type IdentifyPolicy } from './patrons.ts';
import { TEXT } from './messages.ts';
import { formatReceipt, type ReceiptStyle } from './receipt.ts';
import { CIRCULATION_STATUS } from './sip2/constants.ts';
import type { CheckoutOutcome, Credential, Patron, PrinterCondition } from './types.ts';

export interface OfflinePolicy {
  readonly enabled: boolean;
  readonly loanDays: number;
  /** Checkouts per patron waiting to be forwarded, at most (a cached document may lower it). */
  readonly maxItems: number;
}

/** What the service needs of a receipt printer: the driver, or a wrapper that reopens its port. */
export type ReceiptPrinterPort = Pick<ReceiptPrinter, 'state' | 'onState' | 'status' | 'print'>;

export interface LibraryServiceOptions {
  readonly clock: Clock;
  readonly store: DeviceStore;
  readonly system: LibrarySystem;
  readonly fleetKey: Uint8Array;
  readonly printer?: ReceiptPrinterPort | undefined;
  readonly policy: Omit<IdentifyPolicy, 'offlineEnabled'>;
  readonly offline: OfflinePolicy;
  readonly idleTimeoutMs: number;
  readonly receipt: ReceiptStyle;
  /** How often the library system is checked while it is away or checkouts wait (default 5 s). */
  readonly monitorIntervalMs?: number;
  /** Stored checkouts forwarded per idle moment (default 20): a patron arriving waits little. */
  readonly forwardBatch?: number;
  readonly randomBytes: (n: number) => Uint8Array;
  readonly logger?: Logger;
}

export type LibraryReport =
  | { readonly type: 'screen'; readonly screen: Screen }
  | { readonly type: 'session-ended'; readonly session: Session }
  | { readonly type: 'link'; readonly state: 'online' | 'offline' }
  | { readonly type: 'forwarded'; readonly report: ForwardReport }
  /** Scan to result, for the benchmark and the logs. */
  | { readonly type: 'timing'; readonly itemId: string; readonly ms: number };

const printerCondition = (s: ReceiptPrinterState): PrinterCondition =>
  s === 'ready' || s === 'paper-near-end' ? 'ready' : 'unavailable';

export class LibraryService {
  private model: FlowModel;
  private readonly flow: CheckoutFlow;
  private readonly directory: PatronDirectory;
  private readonly reports: Listeners<LibraryReport>;
  private readonly log: Logger;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly scannedAt = new Map<string, number>();
  private idleTimer: NodeJS.Timeout | undefined;
  private monitorTimer: NodeJS.Timeout | undefined;
  private linkDown = false;
  private probed = false;
  private stopped = true;
  private offPrinter: (() => void) | undefined;

  constructor(private readonly o: LibraryServiceOptions) {
    this.log = (o.logger ?? silentLogger).child({ module: 'library' });
    this.reports = new Listeners((error) =>
      this.log.error({ err: serializeError(error) }, 'report listener threw'),
    );
    this.flow = new CheckoutFlow({ idleTimeoutMs: o.idleTimeoutMs });
    this.model = initialFlow(o.printer ? printerCondition(o.printer.state) : 'none');
    this.directory = new PatronDirectory({
      fleetKey: o.fleetKey,
      document: (key) => o.store.lookups.document('patrons', key),
      system: o.system,
      policy: { ...o.policy, offlineEnabled: o.offline.enabled },
      linkDown: () => this.linkDown,
      onLinkFailure: (error) => this.setLinkDown(true, error),
      logger: this.log,
    });
  }

  get phase(): FlowModel['state']['phase'] {
    return this.model.state.phase;
  }

  /** The flow's whole state now: the kiosk screen is drawn from it (kiosk/service). */
  get flowModel(): FlowModel {
    return this.model;
  }

  get online(): boolean {
    return !this.linkDown;
  }

  onReport(listener: (report: LibraryReport) => void): () => void {
    return this.reports.add(listener);
  }

  /** Starts watching the printer and the library system. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const printer = this.o.printer;
    if (printer) {
      this.offPrinter = printer.onState((s) =>
        this.dispatch({ type: 'printer', condition: printerCondition(s) }),
      );
      this.track(printer.status().catch(() => undefined));
    }
    this.scheduleMonitor(0);
    this.show({ code: 'ready', text: TEXT.ready, tone: 'info' });
  }

  /** Stops taking input and waits for work under way (a checkout is never cut in half). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.monitorTimer);
    this.offPrinter?.();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  barcode(code: string): void {
    if (this.model.state.phase === 'session')
      this.scannedAt.set(code.trim(), this.o.clock.monotonic());
    this.dispatch({ type: 'barcode', code, at: this.o.clock.now() });
  }

  card(credential: Credential): void {
    this.dispatch({ type: 'card', credential, at: this.o.clock.now() });
  }

  endSession(): void {
    this.dispatch({ type: 'end-session', at: this.o.clock.now() });
  }

  /** Forwards stored checkouts now (the monitor does this by itself while idle). */
  async forwardNow(): Promise<ForwardReport> {
    const report = await forwardPending(this.o.store.checkouts, this.o.system, {
      limit: this.o.forwardBatch ?? 20,
      logger: this.log,
    });
    this.setLinkDown(report.stopped !== undefined, report.stopped);
    if (report.forwarded + report.exceptions > 0 || report.stopped) {
      this.reports.emit({ type: 'forwarded', report });
    }
    return report;
  }

  private dispatch(event: FlowEvent): void {
    if (this.stopped && event.type !== 'checkout-result' && event.type !== 'receipt-done') return;
    const step = this.flow.step(this.model, event);
    this.model = step.model;
    for (const c of step.commands) this.run(c);
  }

  private track<T>(p: Promise<T>): void {
    const tracked = p.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private run(c: FlowCommand): void {
    switch (c.kind) {
      case 'show':
        this.show(c.screen);
        return;
      case 'idle-timer':
        clearTimeout(this.idleTimer);
        if (c.deadline !== undefined) {
          const at = c.deadline;
          this.idleTimer = setTimeout(
            () => this.dispatch({ type: 'idle-timeout', at: Math.max(at, this.o.clock.now()) }),
            Math.max(0, at - this.o.clock.now()),
          );
        }
        return;
      case 'identify':
        this.track(this.identify(c.credential));
        return;
      case 'checkout':
        this.track(this.checkout(c.sessionId, c.patron, c.itemId));
        return;
      case 'print-receipt':
        this.track(this.print(c));
        return;
      case 'end-patron-session':
        if (!this.linkDown) {
          this.track(
            this.o.system.endSession(c.patron.patronId).catch((error: unknown) => {
              this.log.info({ err: serializeError(error) }, 'end of session not acknowledged');
            }),
          );
        }
        return;
      case 'session-ended':
        this.reports.emit({ type: 'session-ended', session: c.session });
        return;
    }
  }

  private show(screen: Screen): void {
    this.reports.emit({ type: 'screen', screen });
  }

  private async identify(credential: Credential): Promise<void> {
    let result: Awaited<ReturnType<PatronDirectory['identify']>>;
    try {
      result = await this.directory.identify(credential, this.o.clock.now());
    } catch (error) {
      this.log.error({ err: serializeError(error) }, 'identification failed');
      result = { ok: false, reason: 'card-read-failed' };
    }
    const at = this.o.clock.now();
    this.dispatch({
      type: 'identified',
      result,
      sessionId: uuidv7(at, this.o.randomBytes(10)),
      at,
    });
  }

  private async checkout(sessionId: string, patron: Patron, itemId: string): Promise<void> {
    const outcome = await this.checkoutOutcome(sessionId, patron, itemId);
    const started = this.scannedAt.get(itemId);
    this.scannedAt.delete(itemId);
    if (started !== undefined) {
      this.reports.emit({ type: 'timing', itemId, ms: this.o.clock.monotonic() - started });
    }
    this.dispatch({ type: 'checkout-result', itemId, outcome, at: this.o.clock.now() });
  }

  private async checkoutOutcome(
    sessionId: string,
    patron: Patron,
    itemId: string,
  ): Promise<CheckoutOutcome> {
    const at = this.o.clock.now();
    if (!this.linkDown) {
      try {
        const reply = await this.o.system.checkout({ patronId: patron.patronId, itemId, at });
        if (!reply.ok) {
          const item = await this.o.system.itemStatus(itemId).catch(() => undefined);
          // An available item refused: the patron's counts may say why (the loan limit).
          const who =
            item?.known && item.circulationStatus === CIRCULATION_STATUS.available
              ? await this.o.system.patronStatus(patron.patronId).catch(() => undefined)
              : undefined;
          return {
            kind: 'refused',
            reason: refusalOf(item, who),
            screenMessage: reply.screenMessage,
          };
        }
        try {
          this.o.store.checkouts.recordCompleted({
            txnId: uuidv7(at, this.o.randomBytes(10)),
            sessionId,
            itemId,
            occurredAt: at,
            dueDate: reply.dueDate,
          });
        } catch (error) {
          // The loan is in the library system; only our own record of it failed.
          this.log.error({ err: serializeError(error) }, 'checkout not recorded locally');
        }
        return { kind: 'checked-out', dueDate: reply.dueDate, title: reply.title };
      } catch (error) {
        if (!isLinkFailure(error)) {
          this.log.error({ err: serializeError(error) }, 'checkout failed');
          return { kind: 'refused', reason: 'system-error' };
        }
        this.setLinkDown(true, error);
      }
    }
    return this.storeOffline(sessionId, patron, itemId, at);
  }

  private storeOffline(
    sessionId: string,
    patron: Patron,
    itemId: string,
    at: number,
  ): CheckoutOutcome {
    const policy = this.o.offline;
    if (!policy.enabled) return { kind: 'refused', reason: 'offline-unavailable' };
    const limit = Math.min(policy.maxItems, patron.cached?.offlineLimit ?? policy.maxItems);
    try {
      if (this.o.store.checkouts.pendingCountFor(patron.patronHash) >= limit) {
        return { kind: 'refused', reason: 'offline-limit' };
      }
      const dueDate = jstDate(at + policy.loanDays * 86_400_000);
      this.o.store.checkouts.storeOffline({
        txnId: uuidv7(at, this.o.randomBytes(10)),
        sessionId,
        itemId,
        patronId: patron.patronId,
        patronHash: patron.patronHash,
        occurredAt: at,
        dueDate,
      });
      return { kind: 'stored-offline', dueDate };
    } catch (error) {
      // Not on disk: the patron must not be told the item is theirs.
      this.log.error({ err: serializeError(error) }, 'offline checkout not stored');
      return { kind: 'refused', reason: 'system-error' };
    }
  }

  private async print(c: Extract<FlowCommand, { kind: 'print-receipt' }>): Promise<void> {
    const printer = this.o.printer;
    let result: 'printed' | 'paper-out' | 'failed' = 'failed';
    if (printer) {
      try {
        await printer.print(formatReceipt(c.receipt, this.o.receipt));
        result = 'printed';
      } catch (error) {
        result = hasErrorCode(error, 'printer/paper-out') ? 'paper-out' : 'failed';
        this.log.warn({ err: serializeError(error) }, 'receipt not printed');
      }
    }
    this.dispatch({ type: 'receipt-done', result });
  }

  private setLinkDown(down: boolean, error?: unknown): void {
    if (down === this.linkDown) return;
    this.linkDown = down;
    if (down) this.log.warn({ err: serializeError(error) }, 'library system unreachable: offline');
    this.reports.emit({ type: 'link', state: down ? 'offline' : 'online' });
    if (down) this.scheduleMonitor(this.o.monitorIntervalMs ?? 5_000);
  }

  private scheduleMonitor(ms: number): void {
    clearTimeout(this.monitorTimer);
    if (this.stopped) return;
    this.monitorTimer = setTimeout(() => this.track(this.monitor()), ms);
  }

  /** While idle: is the printer ready, is the library system back, are there checkouts to forward? */
  private async monitor(): Promise<void> {
    const interval = this.o.monitorIntervalMs ?? 5_000;
    try {
      if (this.model.state.phase !== 'idle') return;
      // The printer's state is read between patrons, so a roll that ran out is known before
      // the next receipt (the flow then keeps due dates on the screen instead).
      if (this.o.printer) await this.o.printer.status().catch(() => undefined);
      const pending = this.o.store.checkouts.stats().pending;
      // The first run asks even with nothing to forward, so the screen and the status page
      // know from the start whether the library system is there.
      if (!this.linkDown && pending === 0 && this.probed) return;
      this.probed = true;
      try {
        const s = await this.o.system.status();
        this.setLinkDown(!s.online || !s.checkoutOk);
      } catch (error) {
        if (!isLinkFailure(error)) throw error;
        this.setLinkDown(true, error);
      }
      if (!this.linkDown && pending > 0 && this.model.state.phase === 'idle')
        await this.forwardNow();
    } catch (error) {
      this.log.error({ err: serializeError(error) }, 'library monitor failed');
    } finally {
      this.scheduleMonitor(interval);
    }
  }
}
