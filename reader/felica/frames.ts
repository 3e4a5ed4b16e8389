import { bytesEqual } from '../../shared/bytes.ts';
import { ReaderError } from '../errors.ts';
import {
  BLOCK_ELEMENT_ACCESS_MODE_MASK,
  BLOCK_ELEMENT_SERVICE_INDEX_MASK,
  BLOCK_ELEMENT_TWO_BYTE,
  BLOCK_SIZE,
  FELICA_COMMAND,
  FELICA_RESPONSE,
  IDM_LENGTH,
  MAX_BLOCKS_PER_READ,
  MAX_SERVICES_PER_READ,
  PMM_LENGTH,
  POLLING_REQUEST,
  STATUS_FLAG2,
} from './constants.ts';

/**
 * FeliCa frame codec (the pseudo-APDUs that carry frames are in access.ts). Pure: bytes in, bytes or typed
 * errors out. Every failure is `ReaderError('reader/felica')` with a stable `details.reason`
 * (below) so callers branch on data, never on message text. IDm values never appear in
 * messages or details: they identify a rider's card.
 *
 * A frame starts with its length byte, which counts itself (ACM1252U-Y3 manual §5.2.6 example
 * `10 06 <IDm> 01 09 01 01 80 00` is 16 bytes).
 */
export type FelicaErrorReason =
  | 'invalid-argument' // a caller asked for something no frame can carry
  | 'truncated' // the frame ends before its fixed fields
  | 'length-mismatch' // the length byte disagrees with the frame's size
  | 'response-code' // not the response to the command sent
  | 'idm-mismatch' // another card answered
  | 'block-count' // the block count disagrees with the data or with the request
  | 'status-flags' // the card reported an error (details.sf1, details.sf2)
  | 'service-not-found' // status flag 2 = A6 / part 3 SELECT answered 6A82
  | 'block-out-of-range' // status flag 2 = A8 / part 3 READ BINARY answered 6B00
  | 'block-length' // a block that is not 16 bytes
  | 'idm-length' // an IDm that is not 8 bytes
  | 'reader-status' // the reader answered the pseudo-APDU with an error status word
  | 'invalid-date'; // a Suica history block whose date cannot exist

export function felicaError(
  reason: FelicaErrorReason,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
  cause?: unknown,
): ReaderError {
  return new ReaderError('reader/felica', message, {
    details: { reason, ...details },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** One block list element: which block of which service (index into the Service Code List). */
export interface BlockRef {
  readonly service: number;
  readonly block: number;
}

function checkIdm(idm: Uint8Array): void {
  if (idm.length !== IDM_LENGTH) {
    throw felicaError('idm-length', `an IDm is ${IDM_LENGTH} bytes, got ${idm.length}`, {
      length: idm.length,
    });
  }
}

function isUint(value: number, max: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= max;
}

/**
 * Read Without Encryption command frame (User's Manual §4.4.5; anchors.md B.2):
 * `[len] 06 [IDm 8] [m] [service codes LE]×m [n] [block list elements]×n`, where an element is
 * `80|index, block` for blocks below 256 and `00|index, block LE` otherwise.
 */
export function readWithoutEncryptionFrame(
  idm: Uint8Array,
  serviceCodes: readonly number[],
  blocks: readonly BlockRef[],
): Uint8Array {
  checkIdm(idm);
  if (serviceCodes.length < 1 || serviceCodes.length > MAX_SERVICES_PER_READ) {
    throw felicaError(
      'invalid-argument',
      `1..${MAX_SERVICES_PER_READ} services per read, got ${serviceCodes.length}`,
    );
  }
  if (blocks.length < 1 || blocks.length > MAX_BLOCKS_PER_READ) {
    throw felicaError(
      'invalid-argument',
      `1..${MAX_BLOCKS_PER_READ} blocks per read, got ${blocks.length}`,
    );
  }
  const out: number[] = [0, FELICA_COMMAND.READ_WITHOUT_ENCRYPTION, ...idm, serviceCodes.length];
  for (const code of serviceCodes) {
    if (!isUint(code, 0xffff))
      throw felicaError('invalid-argument', `service code ${code} is not 16-bit`);
    out.push(code & 0xff, code >> 8);
  }
  out.push(blocks.length);
  for (const { service, block } of blocks) {
    if (!isUint(service, serviceCodes.length - 1)) {
      throw felicaError('invalid-argument', `block list element names service index ${service}`);
    }
    if (!isUint(block, 0xffff))
      throw felicaError('invalid-argument', `block number ${block} is not 16-bit`);
    if (block < 0x100) out.push(BLOCK_ELEMENT_TWO_BYTE | service, block);
    else out.push(service, block & 0xff, block >> 8);
  }
  out[0] = out.length; // at most 1+1+8+1+32+1+45 = 89 bytes: always fits the length byte
  return Uint8Array.from(out);
}

/** Checks the parts every response frame shares: length byte and response code. */
function checkResponseHead(frame: Uint8Array, code: number, minLength: number): void {
  if (frame.length < 2)
    throw felicaError('truncated', `a FeliCa frame needs 2 bytes, got ${frame.length}`);
  if (frame[0] !== frame.length) {
    throw felicaError(
      'length-mismatch',
      `length byte ${frame[0]} but the frame has ${frame.length} bytes`,
      {
        declared: frame[0],
        actual: frame.length,
      },
    );
  }
  if (frame[1] !== code) {
    throw felicaError('response-code', `expected response code ${code}, got ${frame[1]}`, {
      expected: code,
      actual: frame[1],
    });
  }
  if (frame.length < minLength) {
    throw felicaError(
      'truncated',
      `response ${code} needs ${minLength} bytes, got ${frame.length}`,
    );
  }
}

/** A status-flag error, with the reason the flags name when the reader layer can act on it. */
export function statusFlagError(sf1: number, sf2: number): ReaderError {
  const reason: FelicaErrorReason =
    sf2 === STATUS_FLAG2.ILLEGAL_SERVICE_CODE_LIST
      ? 'service-not-found'
      : sf2 === STATUS_FLAG2.ILLEGAL_BLOCK_NUMBER
        ? 'block-out-of-range'
        : 'status-flags';
  const hex = (b: number): string => b.toString(16).toUpperCase().padStart(2, '0');
  return felicaError(reason, `card reported status flags ${hex(sf1)} ${hex(sf2)}`, { sf1, sf2 });
}

/**
 * Parses a Read Without Encryption response: `[len] 07 [IDm 8] [SF1] [SF2] [n] [16×n]`. When
 * the status flags are not 00 00 the card sends no count and no data (User's Manual §4.4.5).
 */
export function parseReadWithoutEncryptionResponse(
  frame: Uint8Array,
  expectedIdm: Uint8Array,
  expectedBlocks?: number,
): Uint8Array[] {
  checkResponseHead(frame, FELICA_RESPONSE.READ_WITHOUT_ENCRYPTION, 12);
  if (!bytesEqual(frame.subarray(2, 10), expectedIdm)) {
    throw felicaError('idm-mismatch', 'the response carries another IDm than the command');
  }
  const sf1 = frame[10] as number;
  const sf2 = frame[11] as number;
  if (sf1 !== 0 || sf2 !== 0) throw statusFlagError(sf1, sf2);
  const count = frame[12];
  if (count === undefined)
    throw felicaError('truncated', 'the response ends before its block count');
  if (frame.length !== 13 + count * BLOCK_SIZE) {
    throw felicaError(
      'block-count',
      `${count} blocks announced, ${frame.length - 13} data bytes sent`,
      {
        announced: count,
        dataBytes: frame.length - 13,
      },
    );
  }
  if (expectedBlocks !== undefined && count !== expectedBlocks) {
    throw felicaError('block-count', `asked for ${expectedBlocks} blocks, got ${count}`, {
      expected: expectedBlocks,
      announced: count,
    });
  }
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i += 1)
    out.push(frame.slice(13 + i * BLOCK_SIZE, 13 + (i + 1) * BLOCK_SIZE));
  return out;
}

/** Polling frame: `06 00 [system code BE] [request code] [time slots]` (User's Manual §4.4.2). */
export function pollingFrame(
  systemCode: number,
  requestCode: number = POLLING_REQUEST.NONE,
  timeSlots = 0,
): Uint8Array {
  if (!isUint(systemCode, 0xffff))
    throw felicaError('invalid-argument', `system code ${systemCode} is not 16-bit`);
  if (!isUint(requestCode, 0xff) || !isUint(timeSlots, 0xff)) {
    throw felicaError('invalid-argument', 'request code and time slots are bytes');
  }
  return Uint8Array.of(
    6,
    FELICA_COMMAND.POLLING,
    systemCode >> 8,
    systemCode & 0xff,
    requestCode,
    timeSlots,
  );
}

export interface PollingResponse {
  readonly idm: Uint8Array;
  readonly pmm: Uint8Array;
  /** Present when the request code asked for it (request code 01). */
  readonly requestData?: Uint8Array;
}

/** Polling response: `[len] 01 [IDm 8] [PMm 8] ([request data 2])`, 18 or 20 bytes. */
export function parsePollingResponse(frame: Uint8Array): PollingResponse {
  checkResponseHead(frame, FELICA_RESPONSE.POLLING, 2 + IDM_LENGTH + PMM_LENGTH);
  if (frame.length !== 18 && frame.length !== 20) {
    throw felicaError(
      'length-mismatch',
      `a polling response is 18 or 20 bytes, got ${frame.length}`,
    );
  }
  const idm = frame.slice(2, 10);
  const pmm = frame.slice(10, 18);
  return frame.length === 20 ? { idm, pmm, requestData: frame.slice(18, 20) } : { idm, pmm };
}

// --- card side: what a FeliCa card makes of a Read Without Encryption frame ------------------

export type ReadCommandDecode =
  | {
      readonly kind: 'ok';
      readonly idm: Uint8Array;
      readonly serviceCodes: number[];
      readonly blocks: BlockRef[];
    }
  /** The card answers with these status flags (and no block data). */
  | {
      readonly kind: 'status';
      readonly idm: Uint8Array;
      readonly sf1: number;
      readonly sf2: number;
    }
  /** The card does not answer: the frame is not one it can parse. */
  | { readonly kind: 'silent' };

/**
 * Decodes a Read Without Encryption command as a card does (for the simulator). Counts outside
 * 1..16 services / 1..15 blocks answer FF A1 / FF A2, an element naming a service index beyond
 * the list answers <location> A3, a non-zero access mode <location> A7 (User's Manual status
 * flags, proxmark3 `cmdhffelica.c`; location bit as in nfcpy's Type 3 emulation). Service
 * existence and block ranges are the caller's to check. A frame cut short gets no answer.
 */
export function decodeReadWithoutEncryptionCommand(frame: Uint8Array): ReadCommandDecode {
  if (
    frame.length < 11 ||
    frame[0] !== frame.length ||
    frame[1] !== FELICA_COMMAND.READ_WITHOUT_ENCRYPTION
  ) {
    return { kind: 'silent' };
  }
  const idm = frame.slice(2, 10);
  const answer = (sf1: number, sf2: number): ReadCommandDecode => ({
    kind: 'status',
    idm,
    sf1,
    sf2,
  });
  const m = frame[10] as number;
  if (m < 1 || m > MAX_SERVICES_PER_READ)
    return answer(0xff, STATUS_FLAG2.ILLEGAL_NUMBER_OF_SERVICE);
  let at = 11;
  const serviceCodes: number[] = [];
  for (let i = 0; i < m; i += 1) {
    const lo = frame[at];
    const hi = frame[at + 1];
    if (lo === undefined || hi === undefined) return { kind: 'silent' };
    serviceCodes.push(lo | (hi << 8));
    at += 2;
  }
  const n = frame[at];
  if (n === undefined) return { kind: 'silent' };
  at += 1;
  if (n < 1 || n > MAX_BLOCKS_PER_READ) return answer(0xff, STATUS_FLAG2.ILLEGAL_NUMBER_OF_BLOCK);
  const blocks: BlockRef[] = [];
  for (let i = 0; i < n; i += 1) {
    const head = frame[at];
    if (head === undefined) return { kind: 'silent' };
    const twoByte = (head & BLOCK_ELEMENT_TWO_BYTE) !== 0;
    const b0 = frame[at + 1];
    const b1 = twoByte ? 0 : frame[at + 2];
    if (b0 === undefined || b1 === undefined) return { kind: 'silent' };
    at += twoByte ? 2 : 3;
    const service = head & BLOCK_ELEMENT_SERVICE_INDEX_MASK;
    const location = 1 << (i % 8);
    if (service >= m) return answer(location, STATUS_FLAG2.ILLEGAL_BLOCK_LIST_ORDER);
    if ((head & BLOCK_ELEMENT_ACCESS_MODE_MASK) !== 0) {
      return answer(location, STATUS_FLAG2.ILLEGAL_BLOCK_LIST_ACCESS_MODE);
    }
    blocks.push({ service, block: b0 | (b1 << 8) });
  }
  if (at !== frame.length) return { kind: 'silent' };
  return { kind: 'ok', idm, serviceCodes, blocks };
}

/** A Read Without Encryption response frame: the blocks, or status flags and no data. */
export function readWithoutEncryptionResponseFrame(
  idm: Uint8Array,
  result:
    { readonly blocks: readonly Uint8Array[] } | { readonly sf1: number; readonly sf2: number },
): Uint8Array {
  checkIdm(idm);
  if ('sf1' in result) {
    return Uint8Array.of(
      12,
      FELICA_RESPONSE.READ_WITHOUT_ENCRYPTION,
      ...idm,
      result.sf1,
      result.sf2,
    );
  }
  const { blocks } = result;
  if (blocks.length > MAX_BLOCKS_PER_READ)
    throw felicaError('invalid-argument', `at most ${MAX_BLOCKS_PER_READ} blocks`);
  const out = new Uint8Array(13 + blocks.length * BLOCK_SIZE);
  out.set([out.length, FELICA_RESPONSE.READ_WITHOUT_ENCRYPTION, ...idm, 0, 0, blocks.length]);
  blocks.forEach((b, i) => {
    if (b.length !== BLOCK_SIZE)
      throw felicaError('block-length', `a block is ${BLOCK_SIZE} bytes, got ${b.length}`);
    out.set(b, 13 + i * BLOCK_SIZE);
  });
  return out;
}
