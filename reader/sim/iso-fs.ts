import { randomBytes, timingSafeEqual } from 'node:crypto';
import { bytesEqual, startsWith } from '../../shared/bytes.ts';
import { tryDecodeCommand, type CommandApdu } from '../apdu/command.ts';
import { encodeResponse } from '../apdu/response.ts';
import { SW, SW1_WRONG_LE } from '../apdu/status.ts';
import {
  CHALLENGE_LENGTH,
  CLA,
  INS,
  MAX_READ_CHUNK,
  READ_RECORD_P2_BY_NUMBER,
  SELECT,
  VERIFY_P2_SELECTED_KEY,
} from '../mynumber/constants.ts';

/**
 * A generic ISO/IEC 7816-4 card: applications (DFs) selected by AID, transparent and record
 * EFs, key EFs (PINs) with retry counters, access rules and a security state, answering the
 * commands the My Number Card answers (card-protocols.md "Commands"). Card-specific commands
 * are added as handlers. All state is per instance; `process()` never throws.
 *
 * Behaviour, with its source:
 * - SELECT DF by name `00 A4 04 0C Lc AID`: an exact AID match, or else the first application
 *   whose AID starts with the data ("SELECT by AID prefix succeeds", card-protocols.md).
 *   Selecting another DF drops the verified state of the one left (card-protocols.md);
 *   re-selecting the current DF keeps it (simulator's choice). A failed SELECT changes nothing.
 *   P2 other than 0C (FCI requested) is refused with 6A86: the simulator returns no FCI.
 * - READ BINARY `00 B0 P1P2=offset Le`: 6B00 past the end, 6282 with the bytes available when
 *   fewer than Le remain (ISO 7816-4 §7.2.3). SFI addressing (P1 b8) is not modelled: 6A86.
 * - READ RECORD `00 B2 rec (SFI<<3)|04 Le`: 6Cxx when Le is shorter than the record.
 * - VERIFY `00 20 00 80`: without data, 63Cx without spending a try (6984 once blocked); with
 *   data, 9000 and the counter reset, or 63Cx after spending one — the exhausting try answers
 *   63C0 and every later VERIFY 6984 (myna-card README). A failed VERIFY also clears that key's
 *   verified state (ISO 7816-4 §7.5.6). No key EF selected: 6986.
 * - GET CHALLENGE `00 84 00 00 08` from an injected random source; other Le: 6C08.
 * - Extended-length APDUs, bytes that are not a command: 6700. Unknown class 6E00, unknown
 *   instruction 6D00.
 */

export type AccessRule =
  | { readonly kind: 'always' }
  | { readonly kind: 'never' }
  /** Satisfied when any of these key EFs (FIDs in the same DF) is verified. */
  | { readonly kind: 'any-of'; readonly keys: readonly number[] };

export const ALWAYS: AccessRule = { kind: 'always' };
export const NEVER: AccessRule = { kind: 'never' };
export function anyOf(...keys: number[]): AccessRule {
  return { kind: 'any-of', keys };
}

export interface TransparentEf {
  readonly kind: 'transparent';
  readonly fid: number;
  readonly content: Uint8Array;
  readonly read: AccessRule;
}

export interface RecordEf {
  readonly kind: 'record';
  readonly fid: number;
  readonly sfi: number;
  /** Record 1 first; each at most 256 bytes (one short READ RECORD). */
  readonly records: readonly Uint8Array[];
  readonly read: AccessRule;
}

/** A PIN or other reference data, checked by VERIFY. */
export interface KeyEf {
  readonly kind: 'key';
  readonly fid: number;
  readonly secret: Uint8Array;
  /** At most 15: 63Cx reports the count in four bits. */
  readonly maxTries: number;
  /** Tries left at creation (default maxTries); 0 creates it blocked. */
  readonly tries?: number;
}

/** A selectable EF that is never read, such as a private key used by a card-specific command. */
export interface InternalEf {
  readonly kind: 'internal';
  readonly fid: number;
  /** What a command using it requires (the handler checks it with `isSatisfied`). */
  readonly use: AccessRule;
}

export type EfSpec = TransparentEf | RecordEf | KeyEf | InternalEf;

export interface DfSpec {
  readonly aid: Uint8Array;
  readonly efs: readonly EfSpec[];
}

export type RandomSource = (length: number) => Uint8Array;

export interface CardResponse {
  readonly data?: Uint8Array;
  readonly sw: number;
}

/** What a card-specific handler may see of the card's state. */
export interface IsoCardView {
  readonly currentDf: DfSpec | undefined;
  readonly currentEf: EfSpec | undefined;
  isSatisfied(rule: AccessRule): boolean;
}

export interface CommandHandler {
  readonly cla: number;
  readonly ins: number;
  handle(cmd: CommandApdu, card: IsoCardView): CardResponse;
}

export interface IsoCardOptions {
  /** Source of GET CHALLENGE bytes; inject a seeded one for deterministic tests. */
  readonly random?: RandomSource;
  /** Card-specific commands, tried after the built-in ones. */
  readonly handlers?: readonly CommandHandler[];
}

/** ISO 7816-4 Table 6, not (yet) named in reader/apdu/status.ts. */
const wrongLe = (exact: number): number => (SW1_WRONG_LE << 8) | (exact % MAX_READ_CHUNK); // 6Cxx, 00 = 256
const MAX_REPORTED_TRIES = 0x0f;
const SFI_RFU = 31;
const EMPTY = new Uint8Array(0);

const status = (sw: number): CardResponse => ({ sw });
const maxTries = (ef: KeyEf): number =>
  Math.min(Math.max(Math.trunc(ef.maxTries), 1), MAX_REPORTED_TRIES);

export class IsoCard implements IsoCardView {
  private readonly dfs: readonly DfSpec[];
  private readonly random: RandomSource;
  private readonly handlers: readonly CommandHandler[];
  /** Persistent: survives reset, as on a card. */
  private readonly tries = new Map<KeyEf, number>();
  /** Volatile: cleared by reset. */
  private df: DfSpec | undefined;
  private ef: EfSpec | undefined;
  private readonly verified = new Set<number>();

  constructor(dfs: readonly DfSpec[], options: IsoCardOptions = {}) {
    this.dfs = dfs;
    this.random = options.random ?? ((n) => new Uint8Array(randomBytes(n)));
    const builtIn: CommandHandler[] = [
      { cla: CLA.ISO, ins: INS.SELECT, handle: (c) => this.select(c) },
      { cla: CLA.ISO, ins: INS.READ_BINARY, handle: (c) => this.readBinary(c) },
      { cla: CLA.ISO, ins: INS.READ_RECORD, handle: (c) => this.readRecord(c) },
      { cla: CLA.ISO, ins: INS.VERIFY, handle: (c) => this.verify(c) },
      { cla: CLA.ISO, ins: INS.GET_CHALLENGE, handle: (c) => this.getChallenge(c) },
    ];
    this.handlers = [...builtIn, ...(options.handlers ?? [])];
    for (const df of dfs) {
      for (const ef of df.efs) {
        if (ef.kind !== 'key') continue;
        const max = maxTries(ef);
        this.tries.set(ef, Math.min(Math.max(Math.trunc(ef.tries ?? max), 0), max));
      }
    }
  }

  get currentDf(): DfSpec | undefined {
    return this.df;
  }

  get currentEf(): EfSpec | undefined {
    return this.ef;
  }

  isSatisfied(rule: AccessRule): boolean {
    switch (rule.kind) {
      case 'always':
        return true;
      case 'never':
        return false;
      case 'any-of':
        return rule.keys.some((k) => this.verified.has(k));
    }
  }

  /** Tries left on the key EF `fid` of the application `aid` (undefined: no such key EF). */
  triesLeft(aid: Uint8Array, fid: number): number | undefined {
    const key = this.findKey(aid, fid);
    return key ? this.tries.get(key) : undefined;
  }

  /** Power-up or warm reset: selection and verified states go, retry counters stay. */
  reset(): void {
    this.df = undefined;
    this.ef = undefined;
    this.verified.clear();
  }

  process(command: Uint8Array): Uint8Array {
    let response: CardResponse;
    try {
      response = this.dispatch(command);
    } catch {
      response = status(SW.NO_PRECISE_DIAGNOSIS); // a simulator bug must still look like a card
    }
    return encodeResponse(response.data ?? EMPTY, response.sw);
  }

  private dispatch(bytes: Uint8Array): CardResponse {
    const cmd = tryDecodeCommand(bytes);
    if (!cmd) return status(SW.WRONG_LENGTH);
    if (cmd.extended) return status(SW.WRONG_LENGTH); // the card is driven with short APDUs only
    const handler = this.handlers.find((h) => h.cla === cmd.cla && h.ins === cmd.ins);
    if (handler) return handler.handle(cmd, this);
    const classKnown = this.handlers.some((h) => h.cla === cmd.cla);
    const insKnown = this.handlers.some((h) => h.ins === cmd.ins);
    return status(!classKnown || insKnown ? SW.CLA_NOT_SUPPORTED : SW.INS_NOT_SUPPORTED);
  }

  private findKey(aid: Uint8Array, fid: number): KeyEf | undefined {
    const df = this.dfs.find((d) => bytesEqual(d.aid, aid));
    const ef = df?.efs.find((e) => e.fid === fid);
    return ef?.kind === 'key' ? ef : undefined;
  }

  private select(cmd: CommandApdu): CardResponse {
    if (cmd.p2 !== SELECT.P2_NO_RESPONSE_DATA) return status(SW.WRONG_P1P2);
    const data = cmd.data;
    if (cmd.p1 === SELECT.P1_BY_DF_NAME) {
      if (!data || data.length > SELECT.MAX_AID_LENGTH) return status(SW.WRONG_LENGTH);
      const df =
        this.dfs.find((d) => bytesEqual(d.aid, data)) ??
        this.dfs.find((d) => startsWith(d.aid, data));
      if (!df) return status(SW.FILE_NOT_FOUND);
      if (df !== this.df) this.verified.clear();
      this.df = df;
      this.ef = undefined;
      return status(SW.OK);
    }
    if (cmd.p1 === SELECT.P1_EF_UNDER_CURRENT_DF) {
      if (!data || data.length !== SELECT.FID_LENGTH) return status(SW.WRONG_LENGTH);
      const fid = ((data[0] as number) << 8) | (data[1] as number);
      const ef = this.df?.efs.find((e) => e.fid === fid);
      if (!ef) return status(SW.FILE_NOT_FOUND);
      this.ef = ef;
      return status(SW.OK);
    }
    return status(SW.WRONG_P1P2);
  }

  private readBinary(cmd: CommandApdu): CardResponse {
    if ((cmd.p1 & 0x80) !== 0) return status(SW.WRONG_P1P2);
    if (cmd.data !== undefined || cmd.le === undefined) return status(SW.WRONG_LENGTH);
    const ef = this.ef;
    if (!ef) return status(SW.NO_CURRENT_EF);
    if (ef.kind !== 'transparent') return status(SW.INCOMPATIBLE_FILE_STRUCTURE);
    if (!this.isSatisfied(ef.read)) return status(SW.SECURITY_NOT_SATISFIED);
    const offset = (cmd.p1 << 8) | cmd.p2;
    if (offset >= ef.content.length) return status(SW.WRONG_PARAMETERS);
    const data = ef.content.slice(offset, offset + cmd.le);
    return { data, sw: data.length < cmd.le ? SW.END_OF_FILE : SW.OK };
  }

  private readRecord(cmd: CommandApdu): CardResponse {
    if ((cmd.p2 & 0x07) !== READ_RECORD_P2_BY_NUMBER || cmd.p1 === 0) return status(SW.WRONG_P1P2);
    const sfi = cmd.p2 >> 3;
    if (sfi === SFI_RFU) return status(SW.WRONG_P1P2);
    if (cmd.data !== undefined || cmd.le === undefined) return status(SW.WRONG_LENGTH);
    // SFI 0 means the current EF (ISO 7816-4 §7.3.3).
    const ef = sfi === 0 ? this.ef : this.df?.efs.find((e) => e.kind === 'record' && e.sfi === sfi);
    if (!ef) return status(sfi === 0 ? SW.NO_CURRENT_EF : SW.FILE_NOT_FOUND);
    if (ef.kind !== 'record') return status(SW.INCOMPATIBLE_FILE_STRUCTURE);
    this.ef = ef;
    if (!this.isSatisfied(ef.read)) return status(SW.SECURITY_NOT_SATISFIED);
    const record = ef.records[cmd.p1 - 1];
    if (!record) return status(SW.RECORD_NOT_FOUND);
    if (record.length > cmd.le) return status(wrongLe(record.length));
    return { data: record.slice(), sw: SW.OK };
  }

  private verify(cmd: CommandApdu): CardResponse {
    if (cmd.p1 !== 0 || cmd.p2 !== VERIFY_P2_SELECTED_KEY) return status(SW.WRONG_P1P2);
    const ef = this.ef;
    if (ef?.kind !== 'key') return status(SW.NO_CURRENT_EF);
    const left = this.tries.get(ef) ?? 0;
    const data = cmd.data;
    if (data === undefined) {
      if (cmd.le !== undefined) return status(SW.WRONG_LENGTH);
      return status(left === 0 ? SW.REFERENCE_DATA_BLOCKED : SW.VERIFY_FAILED | left);
    }
    if (left === 0) return status(SW.REFERENCE_DATA_BLOCKED);
    const match = data.length === ef.secret.length && timingSafeEqual(data, ef.secret);
    if (match) {
      this.tries.set(ef, maxTries(ef));
      this.verified.add(ef.fid);
      return status(SW.OK);
    }
    this.tries.set(ef, left - 1);
    this.verified.delete(ef.fid);
    return status(SW.VERIFY_FAILED | (left - 1));
  }

  private getChallenge(cmd: CommandApdu): CardResponse {
    if (cmd.p1 !== 0 || cmd.p2 !== 0) return status(SW.WRONG_P1P2);
    if (cmd.data !== undefined || cmd.le === undefined) return status(SW.WRONG_LENGTH);
    if (cmd.le !== CHALLENGE_LENGTH) return status(wrongLe(CHALLENGE_LENGTH));
    const bytes = this.random(CHALLENGE_LENGTH);
    if (bytes.length !== CHALLENGE_LENGTH) return status(SW.NO_PRECISE_DIAGNOSIS);
    return { data: bytes.slice(), sw: SW.OK };
  }
}
