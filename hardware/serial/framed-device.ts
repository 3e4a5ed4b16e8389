import { SerialQueue } from '../../shared/queue.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import { Listeners } from '../../shared/listeners.ts';
import { HardwareError } from '../errors.ts';
import { FrameDecoder, encodeFrame, type Frame } from './frame.ts';
import type { SerialLink } from './link.ts';

export const ACK = 0x80;
export const NAK = 0x8f;

export type DeviceState = 'ok' | 'unreachable' | 'closed';

export interface FramedDeviceOptions {
  /** Name for logs and errors ("validator display"). */
  readonly name: string;
  /** How long to wait for a reply before resending (default 200 ms). */
  readonly timeoutMs?: number;
  /** Resends with a new SEQ before giving up (default 1). */
  readonly retries?: number;
  readonly logger?: Logger;
  /** Human descriptions of the device's NAK error bytes. */
  readonly nakErrors?: Readonly<Record<number, string>>;
}

/**
 * The host side of a Kazasu-framed serial device (FRAMING.md): one command at a time, the reply
 * matched by SEQ (late replies to abandoned commands are dropped), a time limit with one resend,
 * NAK turned into `hardware/nak`. Tracks whether the device is reachable, so a service can show
 * "display not answering" instead of failing.
 */
export class FramedDevice {
  private readonly link: SerialLink;
  private readonly options: Required<Omit<FramedDeviceOptions, 'logger' | 'nakErrors'>> &
    Pick<FramedDeviceOptions, 'nakErrors'>;
  private readonly log: Logger;
  private readonly decoder = new FrameDecoder();
  private readonly queue = new SerialQueue();
  private readonly states = new Listeners<DeviceState>();
  private waiting: { seq: number; resolve: (f: Frame) => void } | undefined;
  private seq = 0;
  private current: DeviceState = 'ok';
  private readonly unsubscribe: (() => void)[];

  constructor(link: SerialLink, options: FramedDeviceOptions) {
    this.link = link;
    this.options = { timeoutMs: 200, retries: 1, ...options };
    this.log = (options.logger ?? silentLogger).child({ device: options.name, path: link.path });
    this.unsubscribe = [
      link.onData((chunk) => this.receive(chunk)),
      link.onClose(() => this.setState('closed')),
    ];
    if (!link.isOpen) this.current = 'closed';
  }

  get state(): DeviceState {
    return this.current;
  }

  onState(listener: (state: DeviceState) => void): () => void {
    return this.states.add(listener);
  }

  /**
   * Sends `cmd` and resolves with the reply's payload when the reply is the command `reply`
   * (ACK by default); any other reply is `hardware/unexpected-reply`.
   */
  async expect(cmd: number, reply = ACK, payload?: Uint8Array): Promise<Uint8Array> {
    const frame = await this.request(cmd, payload);
    if (frame.cmd !== reply) {
      throw new HardwareError(
        'hardware/unexpected-reply',
        `${this.options.name}: command ${cmd} answered with ${frame.cmd}, not ${reply}`,
      );
    }
    return frame.payload;
  }

  /** Sends `cmd` and resolves with the device's reply frame (ACK or data); NAK rejects. */
  request(cmd: number, payload: Uint8Array = new Uint8Array(0)): Promise<Frame> {
    return this.queue.run(async () => {
      for (let attempt = 0; attempt <= this.options.retries; attempt += 1) {
        if (this.current === 'closed' || !this.link.isOpen) {
          throw new HardwareError(
            'hardware/port-closed',
            `${this.options.name}: ${this.link.path} is closed`,
          );
        }
        this.seq = (this.seq + 1) & 0xff;
        const seq = this.seq;
        const reply = new Promise<Frame | undefined>((resolve) => {
          const timer = setTimeout(() => {
            if (this.waiting?.seq === seq) this.waiting = undefined;
            resolve(undefined);
          }, this.options.timeoutMs);
          this.waiting = {
            seq,
            resolve: (f) => {
              clearTimeout(timer);
              resolve(f);
            },
          };
        });
        try {
          await this.link.write(encodeFrame({ seq, cmd, payload }));
        } catch (error) {
          this.waiting = undefined;
          this.setState('closed');
          throw new HardwareError('hardware/port-closed', `${this.options.name}: writing failed`, {
            cause: error,
          });
        }
        const frame = await reply;
        if (!frame) continue;
        this.setState('ok');
        if (frame.cmd === NAK) {
          const code = frame.payload[0] ?? 0;
          throw new HardwareError(
            'hardware/nak',
            `${this.options.name} refused command ${cmd}: ${this.options.nakErrors?.[code] ?? `error ${code}`}`,
            {
              details: { cmd, code },
            },
          );
        }
        return frame;
      }
      this.setState('unreachable');
      throw new HardwareError(
        'hardware/timeout',
        `${this.options.name} did not answer within ${this.options.timeoutMs} ms`,
        {
          details: { cmd, timeoutMs: this.options.timeoutMs },
        },
      );
    });
  }

  async close(): Promise<void> {
    for (const u of this.unsubscribe) u();
    await this.link.close();
    this.setState('closed');
  }

  private receive(chunk: Uint8Array): void {
    const { frames, problems } = this.decoder.push(chunk);
    if (problems.length > 0) this.log.warn({ problems }, 'bad bytes from the device');
    for (const f of frames) {
      const w = this.waiting;
      if (w && f.seq === w.seq) {
        this.waiting = undefined;
        w.resolve(f);
      } else {
        this.log.debug({ seq: f.seq, cmd: f.cmd }, 'late or unexpected reply dropped');
      }
    }
  }

  private setState(next: DeviceState): void {
    if (next === this.current) return;
    if (this.current === 'closed') return; // closed is final
    this.current = next;
    this.states.emit(next);
  }
}

/** What a simulated device answers to one command; undefined = stay silent. */
export type SimulatedReply = { readonly cmd: number; readonly payload?: Uint8Array } | undefined;

/**
 * The device side of a framed protocol, for simulators: decodes frames from the link and
 * answers each through `handle`, with the command's SEQ. `silent` and `delayMs` model a dead or
 * slow device.
 */
export class FramedDeviceSide {
  silent = false;
  delayMs = 0;
  private readonly decoder = new FrameDecoder();
  private readonly off: () => void;

  constructor(
    private readonly link: SerialLink,
    private readonly handle: (frame: Frame) => SimulatedReply,
  ) {
    this.off = link.onData((chunk) => {
      for (const frame of this.decoder.push(chunk).frames) this.answer(frame);
    });
  }

  private answer(frame: Frame): void {
    if (this.silent) return;
    const reply = this.handle(frame);
    if (!reply) return;
    const bytes = encodeFrame({
      seq: frame.seq,
      cmd: reply.cmd,
      payload: reply.payload ?? new Uint8Array(0),
    });
    const send = (): void => void this.link.write(bytes).catch(() => undefined);
    if (this.delayMs > 0) setTimeout(send, this.delayMs);
    else send();
  }

  async close(): Promise<void> {
    this.off();
    await this.link.close();
  }
}
