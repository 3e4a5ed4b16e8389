import { HardwareError } from '../../hardware/errors.ts';
import type { DeviceState } from '../../hardware/serial/framed-device.ts';
import type { SerialLink } from '../../hardware/serial/link.ts';
import { ValidatorDisplay, type Presentation } from '../../hardware/validator-display/driver.ts';
import { serializeError } from '../../shared/errors.ts';
import { Listeners } from '../../shared/listeners.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import type { RiderDisplay } from './service.ts';

/**
 * The rider display on a serial port that may not be there: unplugged at start, pulled during
 * service, a unit that reboots. The port is (re)opened in the background every `retryMs`; while
 * it is away, `present` fails fast with `hardware/port-closed`, the state says so, and the last
 * presentation is shown again once the unit is back.
 */
export class ReconnectingDisplay implements RiderDisplay {
  private display: ValidatorDisplay | undefined;
  private last: Presentation | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private current: DeviceState = 'closed';
  private readonly states = new Listeners<DeviceState>();
  private readonly log: Logger;

  constructor(
    private readonly open: () => Promise<SerialLink>,
    private readonly options: { retryMs?: number; timeoutMs?: number; logger?: Logger } = {},
  ) {
    this.log = (options.logger ?? silentLogger).child({ device: 'validator display' });
  }

  get state(): DeviceState {
    return this.current;
  }

  onState(listener: (state: DeviceState) => void): () => void {
    return this.states.add(listener);
  }

  /** Tries to open the port now; later tries happen on their own. */
  async connect(): Promise<void> {
    if (this.closed || this.display) return;
    let link: SerialLink;
    try {
      link = await this.open();
    } catch (error) {
      this.log.warn({ err: serializeError(error) }, 'display port not available; retrying');
      this.retry();
      return;
    }
    const display = new ValidatorDisplay(link, {
      logger: this.log,
      ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
    });
    this.display = display;
    display.onState((s) => {
      this.setState(s);
      if (s === 'closed' && this.display === display) {
        this.display = undefined;
        this.retry();
      }
    });
    this.setState(display.state === 'closed' ? 'closed' : 'ok');
    if (this.last) await this.present(this.last).catch(() => undefined);
  }

  async present(p: Presentation): Promise<void> {
    this.last = p;
    const display = this.display;
    if (!display)
      throw new HardwareError('hardware/port-closed', 'the rider display is not connected');
    await display.present(p);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.display?.close();
    this.display = undefined;
  }

  private retry(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, this.options.retryMs ?? 5000);
    this.timer.unref?.();
  }

  private setState(s: DeviceState): void {
    if (s === this.current) return;
    this.current = s;
    this.states.emit(s);
  }
}
