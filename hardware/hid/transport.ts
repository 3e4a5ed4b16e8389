/**
 * An input-report source from a HID device. Implemented over node-hid by the composition root
 * (kiosk/devices/hid.ts); tests and the demo use `FedHidTransport`, fed with the very report
 * bytes a scanner sends. Drivers never open devices themselves (style.md rule 3).
 */
export interface HidTransport {
  /** The device path or a name for logs. */
  readonly path: string;
  readonly isOpen: boolean;
  /**
   * Every input report, in order. node-hid delivers one report per call; other sources may
   * split or join them, so consumers re-frame by report length (keyboard.ts).
   */
  onReport(listener: (bytes: Uint8Array) => void): () => void;
  /** Called once when the device goes away or is closed. */
  onClose(listener: (error?: Error) => void): () => void;
  close(): Promise<void>;
}

/** A transport fed by hand: `feed` delivers bytes as the device would, `unplug` ends it. */
export class FedHidTransport implements HidTransport {
  private open = true;
  private readonly reports = new Set<(bytes: Uint8Array) => void>();
  private readonly closes = new Set<(error?: Error) => void>();

  constructor(readonly path = 'hid:fed') {}

  get isOpen(): boolean {
    return this.open;
  }

  feed(bytes: Uint8Array): void {
    if (!this.open) return;
    const copy = bytes.slice();
    for (const l of [...this.reports]) l(copy);
  }

  /** Feeds each report in turn. */
  feedAll(reports: readonly Uint8Array[]): void {
    for (const r of reports) this.feed(r);
  }

  unplug(error: Error = new Error('device unplugged')): void {
    if (!this.open) return;
    this.open = false;
    for (const l of [...this.closes]) l(error);
  }

  onReport(listener: (bytes: Uint8Array) => void): () => void {
    this.reports.add(listener);
    return () => void this.reports.delete(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    this.closes.add(listener);
    return () => void this.closes.delete(listener);
  }

  close(): Promise<void> {
    if (this.open) {
      this.open = false;
      for (const l of [...this.closes]) l();
    }
    return Promise.resolve();
  }
}
