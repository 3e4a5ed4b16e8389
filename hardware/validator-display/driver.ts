import type { Logger } from '../../shared/log.ts';
import { FramedDevice, type DeviceState } from '../serial/framed-device.ts';
import type { SerialLink } from '../serial/link.ts';
import {
  BEEPS,
  CMD,
  NAK_ERRORS,
  REPLY,
  decodeStatus,
  encodeLed,
  encodeShow,
  type BeepPattern,
  type DisplayStatus,
  type LedColour,
} from './protocol.ts';

/** What the rider sees and hears for one tap. */
export interface Presentation {
  readonly lines: readonly [string, string];
  readonly emphasised?: boolean;
  readonly led: LedColour;
  readonly blink?: boolean;
  /** How long the LED holds the colour (0 = until the next presentation). */
  readonly ledMs?: number;
  readonly beep?: BeepPattern;
}

/**
 * Host driver of the validator display (PROTOCOL.md): text, LED and buzzer over the framed
 * serial link. Every call resolves or rejects with a typed HardwareError; none ever hangs (the
 * framed device gives up after its time limit and one resend).
 */
export class ValidatorDisplay {
  private readonly device: FramedDevice;

  constructor(link: SerialLink, options: { logger?: Logger; timeoutMs?: number } = {}) {
    this.device = new FramedDevice(link, {
      name: 'validator display',
      nakErrors: NAK_ERRORS,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
  }

  get state(): DeviceState {
    return this.device.state;
  }

  onState(listener: (state: DeviceState) => void): () => void {
    return this.device.onState(listener);
  }

  async status(): Promise<DisplayStatus> {
    return decodeStatus(await this.device.expect(CMD.PING, REPLY.STATUS));
  }

  async show(lines: readonly [string, string], emphasised = false): Promise<void> {
    await this.expectAck(CMD.SHOW, encodeShow({ lines, emphasised }));
  }

  async clear(): Promise<void> {
    await this.expectAck(CMD.CLEAR);
  }

  async led(colour: LedColour, blink = false, durationMs = 0): Promise<void> {
    await this.expectAck(CMD.LED, encodeLed({ colour, blink, durationMs }));
  }

  async beep(pattern: BeepPattern): Promise<void> {
    await this.expectAck(CMD.BEEP, Uint8Array.of(BEEPS[pattern]));
  }

  /** Text, LED and buzzer for one result, in that order. */
  async present(p: Presentation): Promise<void> {
    await this.show(p.lines, p.emphasised ?? false);
    await this.led(p.led, p.blink ?? false, p.ledMs ?? 0);
    if (p.beep) await this.beep(p.beep);
  }

  close(): Promise<void> {
    return this.device.close();
  }

  private async expectAck(cmd: number, payload?: Uint8Array): Promise<void> {
    await this.device.expect(cmd, REPLY.ACK, payload);
  }
}
