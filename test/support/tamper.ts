import { tryDecodeCommand } from '../../reader/apdu/command.ts';
import type { SimulatedCard } from '../../reader/sim/card.ts';

/**
 * Wraps a simulated card and flips one bit in what READ BINARY returns from one EF of one
 * application: tampering as an attacker with a modified card (or a bad copy) would present
 * it, without touching the simulator. Tracks the selected application and EF from the
 * SELECT commands it sees.
 */
export function tamperedCard(
  inner: SimulatedCard,
  target: {
    readonly aid: Uint8Array;
    readonly ef: number;
    readonly byte: number;
    readonly mask?: number;
  },
): SimulatedCard {
  let app = '';
  let ef = -1;
  const want = Buffer.from(target.aid).toString('hex');
  return {
    kind: inner.kind,
    atr: inner.atr,
    reset: () => {
      app = '';
      ef = -1;
      inner.reset();
    },
    process(command) {
      const response = inner.process(command);
      const cmd = tryDecodeCommand(command);
      const ok = response.length >= 2 && response[response.length - 2] === 0x90;
      if (!cmd || !ok) return response;
      if (cmd.ins === 0xa4 && cmd.p1 === 0x04 && cmd.data) {
        app = Buffer.from(cmd.data).toString('hex');
        ef = -1;
      } else if (cmd.ins === 0xa4 && cmd.p1 === 0x02 && cmd.data?.length === 2) {
        ef = ((cmd.data[0] as number) << 8) | (cmd.data[1] as number);
      } else if (cmd.ins === 0xb0 && app === want && ef === target.ef) {
        const offset = (cmd.p1 << 8) | cmd.p2;
        const at = target.byte - offset;
        if (at >= 0 && at < response.length - 2) {
          const copy = response.slice();
          copy[at] = (copy[at] as number) ^ (target.mask ?? 0x01);
          return copy;
        }
      }
      return response;
    },
  };
}
