/**
 * A keyboard-wedge barcode scanner: HID reports in, whole barcodes out. A barcode is the
 * characters typed before Enter (or Tab, for scanners set to that suffix). A scanner types a
 * code in a few milliseconds, so a gap longer than `interKeyMs` means the earlier characters
 * were a fragment (a half-read, someone leaning on a keyboard) and they are dropped, as is a
 * code with a key we cannot read: a barcode with a character missing is a wrong barcode.
 */
import { Listeners } from '../../shared/listeners.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import { KeyboardDecoder, ReportSplitter, type Key, type KeyboardLayout } from './keyboard.ts';
import type { HidTransport } from './transport.ts';

export type ScanProblem =
  | 'fragment' // characters without Enter, then a pause
  | 'unreadable-key' // a key that types nothing we know, inside a code
  | 'too-long' // longer than any barcode we accept
  | 'rollover' // the scanner reported ErrorRollOver
  | 'report-invalid'; // a report of the wrong length

export interface AssemblerOptions {
  readonly interKeyMs?: number;
  readonly maxLength?: number;
  readonly tabEnds?: boolean;
}

/** Keys with their arrival times to barcodes. Pure: time comes in with each key. */
export class BarcodeAssembler {
  private chars = '';
  private lastAt = -Infinity;
  private spoiled: ScanProblem | undefined;
  private readonly interKeyMs: number;
  private readonly maxLength: number;
  private readonly tabEnds: boolean;

  constructor(options: AssemblerOptions = {}) {
    this.interKeyMs = options.interKeyMs ?? 250;
    this.maxLength = options.maxLength ?? 64;
    this.tabEnds = options.tabEnds ?? false;
  }

  push(keys: readonly Key[], at: number): { barcodes: string[]; problems: ScanProblem[] } {
    const barcodes: string[] = [];
    const problems: ScanProblem[] = [];
    for (const key of keys) {
      if (this.chars !== '' || this.spoiled) {
        if (at - this.lastAt > this.interKeyMs) problems.push(...this.reset('fragment'));
      }
      this.lastAt = at;
      const ends = key.kind === 'enter' || (key.kind === 'tab' && this.tabEnds);
      if (ends) {
        if (this.spoiled) problems.push(this.spoiled);
        else if (this.chars !== '') barcodes.push(this.chars);
        this.chars = '';
        this.spoiled = undefined;
      } else if (key.kind === 'char') {
        if (this.chars.length >= this.maxLength) this.spoiled ??= 'too-long';
        else this.chars += key.char;
      } else {
        this.spoiled ??= 'unreadable-key';
      }
    }
    return { barcodes, problems };
  }

  /** Called when nothing arrived for a while: an unfinished code is a fragment. */
  flush(at: number): ScanProblem[] {
    if ((this.chars === '' && !this.spoiled) || at - this.lastAt <= this.interKeyMs) return [];
    return this.reset('fragment');
  }

  private reset(problem: ScanProblem): ScanProblem[] {
    const had = this.chars !== '' || this.spoiled !== undefined;
    this.chars = '';
    this.spoiled = undefined;
    return had ? [problem] : [];
  }
}

export type ScannerEvent =
  | { readonly type: 'barcode'; readonly code: string }
  | { readonly type: 'problem'; readonly problem: ScanProblem }
  | { readonly type: 'lost' };

export interface BarcodeScannerOptions extends AssemblerOptions {
  readonly layout?: KeyboardLayout;
  /** Reports that start with a report id byte (non-boot report descriptors). */
  readonly reportId?: number;
  readonly now?: () => number;
  readonly logger?: Logger;
}

/** The scanner driver over an injected HID transport. */
export class BarcodeScanner {
  private readonly splitter: ReportSplitter;
  private readonly decoder: KeyboardDecoder;
  private readonly assembler: BarcodeAssembler;
  private readonly events: Listeners<ScannerEvent>;
  private readonly off: (() => void)[];
  private readonly now: () => number;
  private readonly interKeyMs: number;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly transport: HidTransport,
    options: BarcodeScannerOptions = {},
  ) {
    const log = (options.logger ?? silentLogger).child({ device: 'barcode scanner' });
    this.events = new Listeners(() => log.error({}, 'scanner listener threw'));
    this.splitter = new ReportSplitter(options.reportId);
    this.decoder = new KeyboardDecoder(options.layout ?? 'us');
    this.assembler = new BarcodeAssembler(options);
    this.interKeyMs = options.interKeyMs ?? 250;
    this.now = options.now ?? (() => performance.now());
    this.off = [
      transport.onReport((bytes) => this.receive(bytes)),
      transport.onClose(() => {
        clearTimeout(this.flushTimer);
        this.events.emit({ type: 'lost' });
      }),
    ];
  }

  get connected(): boolean {
    return this.transport.isOpen;
  }

  onEvent(listener: (event: ScannerEvent) => void): () => void {
    return this.events.add(listener);
  }

  async close(): Promise<void> {
    clearTimeout(this.flushTimer);
    for (const off of this.off) off();
    await this.transport.close();
  }

  private receive(bytes: Uint8Array): void {
    const at = this.now();
    for (const report of this.splitter.push(bytes)) {
      const { keys, problems } = this.decoder.push(report);
      for (const problem of problems) this.events.emit({ type: 'problem', problem });
      const out = this.assembler.push(keys, at);
      for (const problem of out.problems) this.events.emit({ type: 'problem', problem });
      for (const code of out.barcodes) this.events.emit({ type: 'barcode', code });
    }
    clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => {
      for (const problem of this.assembler.flush(this.now())) {
        this.events.emit({ type: 'problem', problem });
      }
    }, this.interKeyMs + 1);
    this.flushTimer.unref?.();
  }
}
