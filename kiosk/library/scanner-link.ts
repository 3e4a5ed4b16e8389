/**
 * The barcode scanner as a device that may be unplugged and plugged back: the HID transport is
 * opened again after it went away (a USB scanner whose cable was pulled, a hub that reset),
 * and barcodes keep coming to the same listener.
 */
import { BarcodeScanner, type BarcodeScannerOptions } from '../../hardware/hid/scanner.ts';
import type { ScannerEvent } from '../../hardware/hid/scanner.ts';
import type { HidTransport } from '../../hardware/hid/transport.ts';
import type { Logger } from '../../shared/log.ts';
import { Reconnector } from './reconnect.ts';

export interface ReconnectingScannerOptions extends BarcodeScannerOptions {
  readonly retryMs?: number;
  readonly logger?: Logger;
  /** Called when the scanner comes or goes. */
  readonly onConnection?: (connected: boolean) => void;
}

export class ReconnectingScanner {
  private readonly link: Reconnector<BarcodeScanner>;

  constructor(
    open: () => Promise<HidTransport>,
    onEvent: (event: ScannerEvent) => void,
    options: ReconnectingScannerOptions = {},
  ) {
    const { retryMs, onConnection, ...driver } = options;
    this.link = new Reconnector<BarcodeScanner>({
      name: 'barcode scanner',
      open: async () => new BarcodeScanner(await open(), driver),
      attach: (scanner, lost) => {
        scanner.onEvent((e) => {
          onEvent(e);
          if (e.type === 'lost') lost();
        });
        if (!scanner.connected) lost();
      },
      dispose: (scanner) => scanner.close(),
      onChange: (scanner) => onConnection?.(scanner !== undefined),
      ...(retryMs === undefined ? {} : { retryMs }),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }

  get connected(): boolean {
    return this.link.current?.connected ?? false;
  }

  connect(): Promise<void> {
    return this.link.connect();
  }

  close(): Promise<void> {
    return this.link.close();
  }
}
