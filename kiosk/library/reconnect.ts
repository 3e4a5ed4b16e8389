/**
 * A peripheral that may be unplugged at any time (the receipt printer's USB-serial adapter, the
 * scanner): opened at start if it is there, opened again every `retryMs` while it is not, and
 * again after it went away. Whoever uses it sees "not connected" as a state, never a crash.
 */
import { serializeError } from '../../shared/errors.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';

export interface ReconnectorOptions<T> {
  readonly open: () => Promise<T>;
  /** Wires up a freshly opened device; `lost` is to be called once when it goes away. */
  readonly attach: (device: T, lost: () => void) => void | Promise<void>;
  /** Closes a device (on `close`, or one that opened after `close`). */
  readonly dispose: (device: T) => Promise<void>;
  /** Called when the device comes or goes. */
  readonly onChange?: (device: T | undefined) => void;
  readonly retryMs?: number;
  /** For logs: what the device is ("receipt printer"). */
  readonly name: string;
  readonly logger?: Logger;
}

export class Reconnector<T> {
  private device: T | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private opening: Promise<void> | undefined;
  private failing = false;
  private readonly log: Logger;

  constructor(private readonly o: ReconnectorOptions<T>) {
    this.log = (o.logger ?? silentLogger).child({ device: o.name });
  }

  /** The device while it is connected. */
  get current(): T | undefined {
    return this.device;
  }

  /** Tries to open the device now (later tries happen on their own); never rejects. */
  connect(): Promise<void> {
    if (this.closed || this.device !== undefined) return Promise.resolve();
    this.opening ??= this.openOnce().finally(() => (this.opening = undefined));
    return this.opening;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.opening;
    const device = this.device;
    this.device = undefined;
    if (device !== undefined) await this.o.dispose(device).catch(() => undefined);
  }

  private async openOnce(): Promise<void> {
    let device: T;
    try {
      device = await this.o.open();
    } catch (error) {
      // Said once per absence, not every few seconds while the device stays away.
      const level = this.failing ? 'debug' : 'warn';
      this.failing = true;
      this.log[level]({ err: serializeError(error) }, 'not available; trying again later');
      this.retry();
      return;
    }
    this.failing = false;
    if (this.closed) {
      await this.o.dispose(device).catch(() => undefined);
      return;
    }
    this.device = device;
    let gone = false;
    const lost = (): void => {
      if (gone || this.device !== device) return;
      gone = true;
      this.device = undefined;
      this.log.warn({}, 'went away; trying to open it again');
      void this.o.dispose(device).catch(() => undefined);
      this.o.onChange?.(undefined);
      this.retry();
    };
    try {
      await this.o.attach(device, lost);
    } catch (error) {
      this.log.warn({ err: serializeError(error) }, 'could not be set up');
      lost();
      return;
    }
    if (this.device === device) this.o.onChange?.(device);
  }

  private retry(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, this.o.retryMs ?? 5_000);
    this.timer.unref?.();
  }
}
