import { bytesEqual } from '../../shared/bytes.ts';
import { tryDecodeCommand, type CommandApdu } from '../apdu/command.ts';
import { encodeResponse, encodeStatus as status } from '../apdu/response.ts';
import { SW } from '../apdu/status.ts';
import {
  BLOCK_SIZE,
  FELICA_COMMAND,
  FELICA_RESPONSE,
  IDM_LENGTH,
  PART3_CARD_NAME_FELICA,
  PART3_SELECT_P1,
  PART3_SELECT_P2,
  PART3_STANDARD_FELICA,
  PCSC_RID,
  POLLING_REQUEST,
  PSEUDO_CLA,
  PSEUDO_INS,
  SERVICE,
  STATUS_FLAG2,
  SUICA_HISTORY_DEPTH,
  SYSTEM_CODE_TRANSIT,
} from '../felica/constants.ts';
import {
  decodeReadWithoutEncryptionCommand,
  readWithoutEncryptionResponseFrame,
} from '../felica/frames.ts';
import { encodeSuicaAttributes, encodeSuicaHistory } from '../felica/suica.ts';
import type { SimulatedCard } from './card.ts';
import type { FelicaProfile } from './felica-profile.ts';

/** Suica card type in the attribute block (Suica+CardInformation.swift: 2 = Suica, PASMO, …). */
const CARD_TYPE_SUICA = 2;
/** The gate service keeps 3 blocks on Suica (libpafe-ruby `suica.rb` reads them all). */
const GATE_BLOCKS = 3;
/** Key version the card reports for a service that exists / does not (User's Manual §4.4.3). */
const KEY_VERSION_NONE = 0xffff;

/**
 * A FeliCa transit card *together with* the reader firmware in front of it. A FeliCa card does
 * not speak APDUs: the reader turns pseudo-APDUs (CLA FF) into FeliCa commands and back. So
 * this models both what ACS firmware does with `FF 00 00 00` pass-through frames and what
 * Sony's PC/SC driver does with Part 3 `FF A4`/`FF B0`, over one card state.
 *
 * Answers (sources in reader/felica/constants.ts):
 * - `FF CA 00 00 Le`: IDm + 90 00. Le 1..7 → 6C 08 (ISO/IEC 7816-4 §5.1.3: wrong Le, 8
 *   available; the channel resends). P1 01 (ATS bytes; FeliCa has none) → 6A 81, other P1/P2
 *   → 6A 86, no Le → 67 00.
 * - `FF 00 00 00 Lc frame`: the card's response frame + 90 00. Polling for 0003 or FFFF (FF in
 *   either byte matches any, nfcpy `polling()`) → IDm + PMm (+ system code for request code 01);
 *   Read Without Encryption, Request Service, Request Response, Request System Code as the
 *   User's Manual §4.4 describes. Read errors answer status flags: missing service
 *   <location> A6, block beyond the service <location> A8, bad counts FF A1/FF A2 — the location
 *   is the bit of the failing block list element (01 first), as an ACR1252U answered
 *   `0C 07 <IDm> 01 A6` for a missing service on a real Suica. When the card would stay silent
 *   (another IDm, another system code, an unknown command, a malformed frame) the reader has
 *   nothing to return: we answer 6A 81, a documented choice (real firmware varies).
 * - `FF A4 00 01 02 <service LE>`: selects the service → 90 00, unknown → 6A 82 (selection
 *   unchanged); other P1/P2 → 6A 86; Lc ≠ 2 → 67 00.
 * - `FF B0 00 <block> Le`: 16 bytes + 90 00 (Le 00 or ≥ 16; 1..15 → 6C 10); no service selected
 *   → 69 86; block beyond the service (or P1 ≠ 0) → 6B 00.
 * - anything else with CLA FF → 6D 00; any other CLA → 6E 00; unparsable bytes → 67 00.
 * Never throws. `reset()` forgets the selected service (the driver's state, not the card's).
 */
export class FelicaCardSim implements SimulatedCard {
  readonly kind = 'felica' as const;
  readonly atr: Uint8Array;
  private readonly idm: Uint8Array;
  private readonly pmm: Uint8Array;
  private readonly services: ReadonlyMap<number, readonly Uint8Array[]>;
  private selected: number | undefined;

  constructor(profile: FelicaProfile) {
    this.atr = felicaAtr();
    this.idm = profile.idm.slice();
    this.pmm = profile.pmm.slice();
    const history: Uint8Array[] = profile.history.map((e) => encodeSuicaHistory(e));
    while (history.length < SUICA_HISTORY_DEPTH) history.push(new Uint8Array(BLOCK_SIZE)); // empty slots
    const newestSerial = profile.history[0]?.serial ?? 0;
    const attributes = encodeSuicaAttributes({
      cardType: CARD_TYPE_SUICA,
      area: 0,
      balance: profile.balance,
      transactionCounter: newestSerial & 0xffff,
    });
    const gate: Uint8Array[] = profile.gate.map((g) => g.slice());
    while (gate.length < GATE_BLOCKS) gate.push(new Uint8Array(BLOCK_SIZE));
    this.services = new Map<number, readonly Uint8Array[]>([
      [SERVICE.HISTORY, history],
      [SERVICE.ATTRIBUTES, [attributes]],
      [SERVICE.GATE, gate],
    ]);
  }

  reset(): void {
    this.selected = undefined;
  }

  process(command: Uint8Array): Uint8Array {
    const cmd = tryDecodeCommand(command);
    if (!cmd) return status(SW.WRONG_LENGTH);
    if (cmd.cla !== PSEUDO_CLA) return status(SW.CLA_NOT_SUPPORTED);
    switch (cmd.ins) {
      case PSEUDO_INS.GET_DATA:
        return this.getData(cmd);
      case PSEUDO_INS.PASS_THROUGH:
        return this.passThrough(cmd);
      case PSEUDO_INS.SELECT_FILE:
        return this.selectService(cmd);
      case PSEUDO_INS.READ_BINARY:
        return this.readBinary(cmd);
      default:
        return status(SW.INS_NOT_SUPPORTED);
    }
  }

  private getData(cmd: CommandApdu): Uint8Array {
    if (cmd.p1 === 0x01 && cmd.p2 === 0) return status(SW.FUNCTION_NOT_SUPPORTED);
    if (cmd.p1 !== 0 || cmd.p2 !== 0) return status(SW.WRONG_P1P2);
    if (cmd.data !== undefined || cmd.le === undefined) return status(SW.WRONG_LENGTH);
    if (cmd.le < IDM_LENGTH) return status(0x6c00 | IDM_LENGTH);
    return encodeResponse(this.idm, SW.OK);
  }

  private passThrough(cmd: CommandApdu): Uint8Array {
    if (cmd.p1 !== 0 || cmd.p2 !== 0) return status(SW.WRONG_P1P2);
    if (!cmd.data) return status(SW.WRONG_LENGTH);
    const frame = this.felica(cmd.data);
    return frame ? encodeResponse(frame, SW.OK) : status(SW.FUNCTION_NOT_SUPPORTED);
  }

  /** The card's answer to one FeliCa frame, or undefined when it stays silent. */
  private felica(frame: Uint8Array): Uint8Array | undefined {
    if (frame.length < 2 || frame[0] !== frame.length) return undefined;
    const code = frame[1] as number;
    if (code === FELICA_COMMAND.POLLING) return this.polling(frame);
    // Every other command addresses the card by IDm; another card's IDm gets no answer.
    if (frame.length < 2 + IDM_LENGTH || !bytesEqual(frame.subarray(2, 2 + IDM_LENGTH), this.idm))
      return undefined;
    switch (code) {
      case FELICA_COMMAND.READ_WITHOUT_ENCRYPTION:
        return this.readWithoutEncryption(frame);
      case FELICA_COMMAND.REQUEST_SERVICE:
        return this.requestService(frame);
      case FELICA_COMMAND.REQUEST_RESPONSE:
        return frame.length === 10
          ? this.withIdm(FELICA_RESPONSE.REQUEST_RESPONSE, [0x00])
          : undefined; // Mode 0
      case FELICA_COMMAND.REQUEST_SYSTEM_CODE:
        return frame.length === 10
          ? this.withIdm(FELICA_RESPONSE.REQUEST_SYSTEM_CODE, [
              1,
              SYSTEM_CODE_TRANSIT >> 8,
              SYSTEM_CODE_TRANSIT & 0xff,
            ])
          : undefined;
      default:
        return undefined;
    }
  }

  private withIdm(responseCode: number, rest: readonly number[]): Uint8Array {
    return Uint8Array.of(2 + IDM_LENGTH + rest.length, responseCode, ...this.idm, ...rest);
  }

  private polling(frame: Uint8Array): Uint8Array | undefined {
    if (frame.length !== 6) return undefined;
    const hi = frame[2] as number;
    const lo = frame[3] as number;
    const matches =
      (hi === 0xff || hi === SYSTEM_CODE_TRANSIT >> 8) &&
      (lo === 0xff || lo === (SYSTEM_CODE_TRANSIT & 0xff));
    if (!matches) return undefined;
    const extra =
      frame[4] === POLLING_REQUEST.SYSTEM_CODE
        ? [SYSTEM_CODE_TRANSIT >> 8, SYSTEM_CODE_TRANSIT & 0xff]
        : [];
    return Uint8Array.of(
      2 + 16 + extra.length,
      FELICA_RESPONSE.POLLING,
      ...this.idm,
      ...this.pmm,
      ...extra,
    );
  }

  private requestService(frame: Uint8Array): Uint8Array | undefined {
    const n = frame[10];
    if (n === undefined || n < 1 || n > 32 || frame.length !== 11 + 2 * n) return undefined;
    const versions: number[] = [n];
    for (let i = 0; i < n; i += 1) {
      const code = (frame[11 + 2 * i] as number) | ((frame[12 + 2 * i] as number) << 8);
      const version = this.services.has(code) ? 0x0000 : KEY_VERSION_NONE;
      versions.push(version & 0xff, version >> 8);
    }
    return this.withIdm(FELICA_RESPONSE.REQUEST_SERVICE, versions);
  }

  private readWithoutEncryption(frame: Uint8Array): Uint8Array | undefined {
    const decoded = decodeReadWithoutEncryptionCommand(frame);
    if (decoded.kind === 'silent') return undefined;
    if (decoded.kind === 'status') return readWithoutEncryptionResponseFrame(this.idm, decoded);
    const blocks: Uint8Array[] = [];
    for (const [i, ref] of decoded.blocks.entries()) {
      const location = 1 << (i % 8);
      const service = this.services.get(decoded.serviceCodes[ref.service] as number);
      if (!service) {
        return readWithoutEncryptionResponseFrame(this.idm, {
          sf1: location,
          sf2: STATUS_FLAG2.ILLEGAL_SERVICE_CODE_LIST,
        });
      }
      const block = service[ref.block];
      if (!block) {
        return readWithoutEncryptionResponseFrame(this.idm, {
          sf1: location,
          sf2: STATUS_FLAG2.ILLEGAL_BLOCK_NUMBER,
        });
      }
      blocks.push(block);
    }
    return readWithoutEncryptionResponseFrame(this.idm, { blocks });
  }

  private selectService(cmd: CommandApdu): Uint8Array {
    if (cmd.p1 !== PART3_SELECT_P1 || cmd.p2 !== PART3_SELECT_P2) return status(SW.WRONG_P1P2);
    if (cmd.data?.length !== 2 || cmd.le !== undefined) return status(SW.WRONG_LENGTH);
    const code = (cmd.data[0] as number) | ((cmd.data[1] as number) << 8);
    if (!this.services.has(code)) return status(SW.FILE_NOT_FOUND);
    this.selected = code;
    return status(SW.OK);
  }

  private readBinary(cmd: CommandApdu): Uint8Array {
    if (cmd.data !== undefined || cmd.le === undefined) return status(SW.WRONG_LENGTH);
    const service = this.selected === undefined ? undefined : this.services.get(this.selected);
    if (!service) return status(SW.NO_CURRENT_EF);
    const block = cmd.p1 === 0 ? service[cmd.p2] : undefined;
    if (!block) return status(SW.WRONG_PARAMETERS);
    if (cmd.le < BLOCK_SIZE) return status(0x6c00 | BLOCK_SIZE);
    return encodeResponse(block, SW.OK);
  }
}

/**
 * The PC/SC Part 3 storage-card ATR for FeliCa, `3B 8F 80 01 80 4F 0C <RID> 11 00 3B 00 00 00
 * 00 <TCK>`, with TCK the XOR of T0 through the last historical byte (ISO/IEC 7816-3 §8.2.5).
 */
export function felicaAtr(): Uint8Array {
  // prettier-ignore
  const body = Uint8Array.of(
    0x3b, 0x8f, 0x80, 0x01, // TS, T0 (TD1, 15 historical bytes), TD1 (TD2, T=0), TD2 (T=1)
    0x80, 0x4f, 0x0c, ...PCSC_RID, // category, application identifier tag and length, RID
    PART3_STANDARD_FELICA, PART3_CARD_NAME_FELICA >> 8, PART3_CARD_NAME_FELICA & 0xff,
    0, 0, 0, 0, // RFU
  );
  let tck = 0;
  for (const b of body.subarray(1)) tck ^= b;
  return Uint8Array.of(...body, tck);
}
