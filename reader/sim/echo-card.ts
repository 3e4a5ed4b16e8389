import { fromHex } from '../../shared/bytes.ts';
import { encodeResponse } from '../apdu/response.ts';
import type { SimulatedCard } from './card.ts';

/**
 * The simplest card: answers every command with its own data field (or `le` zero bytes for a
 * case-2 command) and 90 00, and counts resets. For transport tests and benchmarks, where
 * the card's logic must not be what is measured.
 */
export class EchoCard implements SimulatedCard {
  readonly kind = 'unknown' as const;
  readonly atr: Uint8Array;
  resets = 0;

  constructor(atr = fromHex('3B 80 80 01 01')) {
    this.atr = atr;
  }

  reset(): void {
    this.resets += 1;
  }

  process(command: Uint8Array): Uint8Array {
    if (command.length < 4) return encodeResponse(new Uint8Array(0), 0x6700);
    if (command.length === 5) return encodeResponse(new Uint8Array(command[4] || 256), 0x9000);
    const lc = command[4] ?? 0;
    return encodeResponse(command.subarray(5, 5 + lc), 0x9000);
  }
}
