import { fromHex } from '../../shared/bytes.ts';
import { tryDecodeCommand } from '../apdu/command.ts';
import { encodeResponse, encodeStatus as status } from '../apdu/response.ts';
import { SW } from '../apdu/status.ts';
import type { SimulatedCard } from './card.ts';

/** ISO/IEC 7816-4 §11.1.1 SELECT; PC/SC Part 3 §3.2.2.1.3 GET DATA (CLA FF, to the reader). */
const INS_SELECT = 0xa4;
const CLA_ISO = 0x00;
const CLA_READER = 0xff;
const INS_GET_DATA = 0xca;

/**
 * A generic ISO 14443-4 card that is neither a My Number Card nor FeliCa: a transit card from
 * abroad, a bank card, an office badge. The reader's ATR for it (PC/SC Part 3, ATR for
 * ISO 14443-4 cards, no historical bytes) is `3B 80 80 01 01`.
 *
 * Answers: any SELECT (CLA 00) → 6A 82, it has none of our applications; `FF CA 00 00 Le` →
 * its 7-byte UID + 90 00, because readers answer GET DATA for any card (Le 1..6 → 6C 07);
 * other CLA 00 / CLA FF instructions → 6D 00; other classes → 6E 00; unparsable bytes
 * → 67 00. No state, so reset() has nothing to clear; it never throws.
 */
export class UnknownCardSim implements SimulatedCard {
  readonly kind = 'unknown' as const;
  readonly atr = fromHex('3B 80 80 01 01');
  private readonly uid: Uint8Array;

  /** The default UID is made up (04 = NXP as manufacturer, ISO/IEC 14443-3 double-size UID). */
  constructor(uid: Uint8Array = fromHex('04 A2 2B 5C 1D 6E 80')) {
    this.uid = uid.slice();
  }

  reset(): void {
    // A stateless card: nothing is selected, nothing verified.
  }

  process(command: Uint8Array): Uint8Array {
    const cmd = tryDecodeCommand(command);
    if (!cmd) return status(SW.WRONG_LENGTH);
    if (cmd.cla === CLA_ISO)
      return status(cmd.ins === INS_SELECT ? SW.FILE_NOT_FOUND : SW.INS_NOT_SUPPORTED);
    if (cmd.cla !== CLA_READER) return status(SW.CLA_NOT_SUPPORTED);
    if (cmd.ins !== INS_GET_DATA) return status(SW.INS_NOT_SUPPORTED);
    if (cmd.p1 !== 0 || cmd.p2 !== 0) return status(SW.WRONG_P1P2);
    if (cmd.data !== undefined || cmd.le === undefined) return status(SW.WRONG_LENGTH);
    if (cmd.le < this.uid.length) return status(0x6c00 | this.uid.length);
    return encodeResponse(this.uid, SW.OK);
  }
}
