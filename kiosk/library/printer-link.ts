/**
 * The receipt printer on a serial port that may not be there: unplugged at start, pulled while
 * in service, switched off. While its port is gone the state is `closed`, printing fails fast
 * with `hardware/port-closed` (the flow then keeps the due dates on the screen), and the port
 * is opened again in the background; once it is back its status is read, so a patron never
 * waits on a printer nobody knows the state of. A printer that is switched off but whose port
 * stays (RS-232) is `unreachable` until it answers a status request again.
 */
import { HardwareError } from '../../hardware/errors.ts';
import {
  ReceiptPrinter,
  type ReceiptPrinterOptions,
  type ReceiptPrinterState,
} from '../../hardware/receipt-printer/driver.ts';
import type { Receipt } from '../../hardware/receipt-printer/escpos.ts';
import type { PrinterStatus } from '../../hardware/receipt-printer/status.ts';
import type { SerialLink } from '../../hardware/serial/link.ts';
import { Listeners } from '../../shared/listeners.ts';
import type { Logger } from '../../shared/log.ts';
import { Reconnector } from './reconnect.ts';
import type { ReceiptPrinterPort } from './service.ts';

export interface ReconnectingPrinterOptions extends ReceiptPrinterOptions {
  /** How often a missing port is tried again (default 5 s). */
  readonly retryMs?: number;
  readonly logger?: Logger;
}

export class ReconnectingReceiptPrinter implements ReceiptPrinterPort {
  private readonly link: Reconnector<ReceiptPrinter>;
  private readonly states = new Listeners<ReceiptPrinterState>();
  private current: ReceiptPrinterState = 'closed';

  constructor(open: () => Promise<SerialLink>, options: ReconnectingPrinterOptions = {}) {
    const { retryMs, ...driver } = options;
    this.link = new Reconnector<ReceiptPrinter>({
      name: 'receipt printer',
      open: async () => new ReceiptPrinter(await open(), driver),
      attach: async (printer, lost) => {
        printer.onState((s) => {
          if (s === 'closed') lost();
          else this.setState(s);
        });
        if (printer.state === 'closed') return lost();
        // What is in the printer now (paper, cover) before anyone is told it is back.
        await printer.status().catch(() => undefined);
        this.setState(printer.state); // 'closed' here: lost() has run and said so already
      },
      dispose: (printer) => printer.close(),
      onChange: (printer) => {
        if (!printer) this.setState('closed');
      },
      ...(retryMs === undefined ? {} : { retryMs }),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }

  get state(): ReceiptPrinterState {
    return this.current;
  }

  onState(listener: (state: ReceiptPrinterState) => void): () => void {
    return this.states.add(listener);
  }

  /** Opens the port if it is there (never rejects; it is tried again later if not). */
  connect(): Promise<void> {
    return this.link.connect();
  }

  async status(): Promise<PrinterStatus> {
    return this.printer().status();
  }

  async print(receipt: Receipt): Promise<void> {
    return this.printer().print(receipt);
  }

  close(): Promise<void> {
    return this.link.close();
  }

  private printer(): ReceiptPrinter {
    const p = this.link.current;
    if (!p) throw new HardwareError('hardware/port-closed', 'the receipt printer is not connected');
    return p;
  }

  private setState(s: ReceiptPrinterState): void {
    if (s === this.current) return;
    this.current = s;
    this.states.emit(s);
  }
}
