import type { Frame } from '../serial/frame.ts';
import { FramedDeviceSide, type SimulatedReply } from '../serial/framed-device.ts';
import type { SerialLink } from '../serial/link.ts';
import {
  CMD,
  REPLY,
  decodeBeep,
  decodeLed,
  decodeShow,
  encodeStatus,
  type BeepPattern,
  type LedColour,
} from './protocol.ts';

/** One thing the simulated display did, with the time it did it. */
export type DisplayRecord =
  | {
      readonly at: number;
      readonly kind: 'show';
      readonly lines: readonly [string, string];
      readonly emphasised: boolean;
    }
  | { readonly at: number; readonly kind: 'clear' }
  | {
      readonly at: number;
      readonly kind: 'led';
      readonly colour: LedColour;
      readonly blink: boolean;
    }
  | { readonly at: number; readonly kind: 'beep'; readonly pattern: BeepPattern };

/**
 * A simulated validator display on the device end of a serial link: it keeps what it shows,
 * records every change, and answers as PROTOCOL.md says. Tests and the demo read `lines`,
 * `led` and `history`; `side.silent` / `side.delayMs` model a dead or slow unit, `fault` a
 * hardware fault (every command NAKed with 4).
 */
export class ValidatorDisplaySimulator {
  lines: readonly [string, string] = ['', ''];
  led: LedColour = 'off';
  fault = false;
  readonly history: DisplayRecord[] = [];
  readonly side: FramedDeviceSide;
  private readonly listeners = new Set<(record: DisplayRecord) => void>();

  constructor(
    link: SerialLink,
    private readonly now: () => number = Date.now,
  ) {
    this.side = new FramedDeviceSide(link, (frame) => this.handle(frame));
  }

  /** Called for every change the display makes. */
  onRecord(listener: (record: DisplayRecord) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private record(r: DisplayRecord): void {
    this.history.push(r);
    if (this.history.length > 1000) this.history.splice(0, this.history.length - 1000);
    for (const l of [...this.listeners]) l(r);
  }

  private handle(frame: Frame): SimulatedReply {
    const nak = (code: number): SimulatedReply => ({
      cmd: REPLY.NAK,
      payload: Uint8Array.of(code),
    });
    if (frame.cmd === CMD.PING) {
      return {
        cmd: REPLY.STATUS,
        payload: encodeStatus({
          displayOk: !this.fault,
          ledOk: !this.fault,
          buzzerOk: !this.fault,
          firmware: '1.2',
        }),
      };
    }
    if (this.fault) return nak(4);
    try {
      switch (frame.cmd) {
        case CMD.SHOW: {
          const s = decodeShow(frame.payload);
          this.lines = s.lines;
          this.record({ at: this.now(), kind: 'show', lines: s.lines, emphasised: s.emphasised });
          break;
        }
        case CMD.CLEAR:
          this.lines = ['', ''];
          this.record({ at: this.now(), kind: 'clear' });
          break;
        case CMD.LED: {
          const l = decodeLed(frame.payload);
          this.led = l.colour;
          this.record({ at: this.now(), kind: 'led', colour: l.colour, blink: l.blink });
          break;
        }
        case CMD.BEEP:
          this.record({ at: this.now(), kind: 'beep', pattern: decodeBeep(frame.payload) });
          break;
        default:
          return nak(1);
      }
    } catch {
      return nak(2);
    }
    return { cmd: REPLY.ACK };
  }

  close(): Promise<void> {
    return this.side.close();
  }
}
