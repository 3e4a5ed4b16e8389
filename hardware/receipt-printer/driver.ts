/**
 * Host driver of an ESC/POS receipt printer on a serial link (PROTOCOL.md): asks its status
 * with DLE EOT before and after printing, refuses to print into an empty roll, and reports
 * what it found as a state the kiosk shows ("receipt printer out of paper") instead of
 * failing the checkout. Every call settles within its time limits; none hangs.
 */
import { Listeners } from '../../shared/listeners.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import { SerialQueue } from '../../shared/queue.ts';
import { HardwareError } from '../errors.ts';
import type { SerialLink } from '../serial/link.ts';
import { REQUEST_STATUS, STATUS_REQUEST } from './constants.ts';
import { ReceiptPrinterError } from './errors.ts';
import { encodeReceipt, type Receipt } from './escpos.ts';
import {
  conditionOf,
  decodeStatus,
  isStatusByte,
  type PrinterCondition,
  type PrinterStatus,
} from './status.ts';

/** What the kiosk knows of its printer: a condition it reported, or that it does not answer. */
export type ReceiptPrinterState = PrinterCondition | 'unreachable' | 'closed';

export interface ReceiptPrinterOptions {
  /** How long one status byte may take (default 500 ms). */
  readonly timeoutMs?: number;
  /** How long the printer may take to print a receipt before its status is read again. */
  readonly printTimeoutMs?: number;
  readonly logger?: Logger;
}

export class ReceiptPrinter {
  private readonly queue = new SerialQueue();
  private readonly states = new Listeners<ReceiptPrinterState>();
  private readonly bytes: number[] = [];
  private waiter: (() => void) | undefined;
  private current: ReceiptPrinterState = 'ready';
  private readonly timeoutMs: number;
  private readonly printTimeoutMs: number;
  private readonly log: Logger;
  private readonly off: (() => void)[];

  constructor(
    private readonly link: SerialLink,
    options: ReceiptPrinterOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 500;
    this.printTimeoutMs = options.printTimeoutMs ?? 5_000;
    this.log = (options.logger ?? silentLogger).child({
      device: 'receipt printer',
      path: link.path,
    });
    this.off = [
      link.onData((chunk) => {
        for (const b of chunk) this.bytes.push(b);
        this.waiter?.();
      }),
      link.onClose(() => this.setState('closed')),
    ];
    if (!link.isOpen) this.current = 'closed';
  }

  get state(): ReceiptPrinterState {
    return this.current;
  }

  onState(listener: (state: ReceiptPrinterState) => void): () => void {
    return this.states.add(listener);
  }

  /** Reads printer, offline-cause and paper-sensor status (DLE EOT 1, 2, 4). */
  status(): Promise<PrinterStatus> {
    return this.queue.run(() => this.readStatus(this.timeoutMs));
  }

  /**
   * Prints `receipt` and cuts. Rejects with `printer/paper-out` (also when the roll ran out
   * while printing: the receipt is then incomplete), `printer/cover-open`, `printer/error`,
   * `hardware/timeout` or `hardware/port-closed`.
   */
  print(receipt: Receipt): Promise<void> {
    return this.queue.run(async () => {
      const before = await this.readStatus(this.timeoutMs);
      this.refuseUnlessReady(before, false);
      await this.write(encodeReceipt(receipt));
      // Status requests are answered in real time, but a printer that ran out of paper
      // mid-receipt says so only once it reached that point: the wait allows for that.
      const after = await this.readStatus(this.printTimeoutMs);
      this.refuseUnlessReady(after, true);
    });
  }

  async close(): Promise<void> {
    for (const off of this.off) off();
    await this.link.close();
    this.setState('closed');
  }

  private refuseUnlessReady(s: PrinterStatus, printed: boolean): void {
    const condition = conditionOf(s);
    if (condition === 'ready' || condition === 'paper-near-end') return;
    const details = { printed };
    if (condition === 'paper-out') {
      throw new ReceiptPrinterError('printer/paper-out', 'the receipt printer is out of paper', {
        details,
      });
    }
    if (condition === 'cover-open') {
      throw new ReceiptPrinterError('printer/cover-open', 'the receipt printer cover is open', {
        details,
      });
    }
    throw new ReceiptPrinterError('printer/error', 'the receipt printer reports an error', {
      details,
    });
  }

  private async write(bytes: Uint8Array): Promise<void> {
    if (!this.link.isOpen) {
      this.setState('closed');
      throw new HardwareError(
        'hardware/port-closed',
        `receipt printer: ${this.link.path} is closed`,
      );
    }
    try {
      await this.link.write(bytes);
    } catch (error) {
      this.setState('closed');
      throw new HardwareError('hardware/port-closed', 'receipt printer: writing failed', {
        cause: error,
      });
    }
  }

  private async readStatus(firstTimeoutMs: number): Promise<PrinterStatus> {
    const printer = await this.query(STATUS_REQUEST.printer, firstTimeoutMs);
    const cause = await this.query(STATUS_REQUEST.offlineCause, this.timeoutMs);
    const paper = await this.query(STATUS_REQUEST.paperSensor, this.timeoutMs);
    const s = decodeStatus(printer, cause, paper);
    this.setState(conditionOf(s));
    return s;
  }

  /** One DLE EOT n and its status byte; bytes that cannot be status bytes are skipped. */
  private async query(n: number, timeoutMs: number): Promise<number> {
    this.bytes.length = 0; // a late answer to an abandoned query must not answer this one
    await this.write(REQUEST_STATUS(n));
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      while (this.bytes.length > 0) {
        const b = this.bytes.shift() as number;
        if (isStatusByte(b)) return b;
        this.log.debug({ byte: b }, 'not a status byte');
      }
      const left = deadline - performance.now();
      if (left <= 0 || !(await this.wait(left))) {
        this.setState('unreachable');
        throw new HardwareError(
          'hardware/timeout',
          `receipt printer did not answer DLE EOT ${n} within ${timeoutMs} ms`,
          {
            details: { n, timeoutMs },
          },
        );
      }
    }
  }

  private wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve(false);
      }, ms);
      this.waiter = () => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve(true);
      };
    });
  }

  private setState(next: ReceiptPrinterState): void {
    if (next === this.current || this.current === 'closed') return;
    this.current = next;
    this.states.emit(next);
  }
}
