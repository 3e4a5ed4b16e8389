import type { CommandApdu } from '../apdu/command.ts';
import { SW, describeStatusWord } from '../apdu/status.ts';
import { StatusWordError, type ReaderError } from '../errors.ts';
import type { CardChannel } from '../transport/channel.ts';
import {
  BLOCK_SIZE,
  IDM_LENGTH,
  MAX_BLOCKS_PER_READ,
  PART3_SELECT_P1,
  PART3_SELECT_P2,
  PSEUDO_CLA,
  PSEUDO_INS,
} from './constants.ts';
import {
  felicaError,
  parseReadWithoutEncryptionResponse,
  readWithoutEncryptionFrame,
} from './frames.ts';

/**
 * Reading a FeliCa card through a PC/SC reader. Readers expose FeliCa in two ways
 * (anchors.md B.1, B.4), so there is one interface with two backends:
 * - 'acs': ACS firmware passes raw FeliCa frames through `FF 00 00 00` (ACR1252U, ACR1552U,
 *   ACM1252U);
 * - 'part3': PC/SC Part 3 storage-card commands, as Sony's PC/SC driver and the RC-S300's CCID
 *   firmware offer them (`FF A4` SELECT FILE of a service, `FF B0` READ BINARY per block).
 *
 * Errors the card or reader report come back as `reader/felica` with `details.reason`
 * 'service-not-found', 'block-out-of-range', 'status-flags' or 'reader-status', the same in
 * both styles; transport failures (card removed, timeout) pass through unchanged.
 */
export type FelicaStyle = 'acs' | 'part3';

export interface FelicaAccess {
  readonly style: FelicaStyle;
  /** The card's IDm (8 bytes). Personal data: hash it before storing, never log it. */
  readIdm(): Promise<Uint8Array>;
  /** 16-byte blocks of one service, in the order asked. Longer lists are split into commands of 15. */
  readBlocks(serviceCode: number, blocks: readonly number[]): Promise<Uint8Array[]>;
}

/**
 * Which backend a reader needs, by its PC/SC name. ACS readers ("ACS ACR1252 1S CL Reader PICC",
 * "ACS ACR122U PICC Interface", ACM modules) take pass-through frames; everything else gets
 * Part 3 (Sony RC-S300 "SONY FeliCa Port/PaSoRi 4.0", vpcd's "Virtual PCD").
 */
export function chooseFelicaStyle(readerName: string): FelicaStyle {
  return /\bACS\b|\bAC[RM]\d/i.test(readerName) ? 'acs' : 'part3';
}

export function createFelicaAccess(channel: CardChannel, style: FelicaStyle): FelicaAccess {
  return style === 'acs' ? new AcsFelicaAccess(channel) : new Part3FelicaAccess(channel);
}

const acceptAll = [(): boolean => true];

/** `FF CA 00 00 00`: the IDm, which every style reads the same way (anchors.md B.1). */
export async function readIdm(channel: CardChannel): Promise<Uint8Array> {
  const response = await channel.send(getIdmCommand(), { accept: acceptAll });
  if (response.sw !== SW.OK) throw readerStatusError(response.sw, 'GET DATA (IDm)');
  if (response.data.length !== IDM_LENGTH) {
    throw felicaError(
      'idm-length',
      `the reader returned ${response.data.length} bytes for the IDm`,
      {
        length: response.data.length,
      },
    );
  }
  return response.data.slice();
}

function readerStatusError(sw: number, command: string): ReaderError {
  const cause = new StatusWordError(sw, command, describeStatusWord(sw));
  return felicaError(
    'reader-status',
    `the reader answered ${sw.toString(16).padStart(4, '0')} to ${command}`,
    { sw },
    cause,
  );
}

function isUint(value: number, max: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= max;
}

function checkBlockNumbers(blocks: readonly number[], max: number): void {
  for (const b of blocks) {
    if (!isUint(b, max)) {
      throw felicaError('invalid-argument', `block number ${b} outside 0..${max}`);
    }
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

class AcsFelicaAccess implements FelicaAccess {
  readonly style = 'acs' as const;
  private readonly channel: CardChannel;
  /** The IDm addresses every frame; one access object serves one card session. */
  private idm: Uint8Array | undefined;

  constructor(channel: CardChannel) {
    this.channel = channel;
  }

  async readIdm(): Promise<Uint8Array> {
    this.idm ??= await readIdm(this.channel);
    return this.idm.slice();
  }

  async readBlocks(serviceCode: number, blocks: readonly number[]): Promise<Uint8Array[]> {
    checkBlockNumbers(blocks, 0xffff);
    if (blocks.length === 0) return [];
    const idm = await this.readIdm();
    const out: Uint8Array[] = [];
    for (const part of chunks(blocks, MAX_BLOCKS_PER_READ)) {
      const frame = readWithoutEncryptionFrame(
        idm,
        [serviceCode],
        part.map((block) => ({ service: 0, block })),
      );
      const response = await this.channel.send(acsPassThroughCommand(frame), { accept: acceptAll });
      if (response.sw !== SW.OK) throw readerStatusError(response.sw, 'FeliCa pass-through');
      out.push(...parseReadWithoutEncryptionResponse(response.data, idm, part.length));
    }
    return out;
  }
}

class Part3FelicaAccess implements FelicaAccess {
  readonly style = 'part3' as const;
  private readonly channel: CardChannel;

  constructor(channel: CardChannel) {
    this.channel = channel;
  }

  readIdm(): Promise<Uint8Array> {
    return readIdm(this.channel);
  }

  async readBlocks(serviceCode: number, blocks: readonly number[]): Promise<Uint8Array[]> {
    // READ BINARY carries the block number in P2 alone (tomosoft.jp/design/?p=41054: P1 00 fixed).
    checkBlockNumbers(blocks, 0xff);
    if (blocks.length === 0) return [];
    // Selected every call: another caller, or a reset, may have changed the selection.
    const selected = await this.channel.send(part3SelectServiceCommand(serviceCode), {
      accept: acceptAll,
    });
    if (selected.sw === SW.FILE_NOT_FOUND) {
      throw felicaError('service-not-found', 'the card has no such service', { sw: selected.sw });
    }
    if (selected.sw !== SW.OK) throw readerStatusError(selected.sw, 'SELECT FILE (FeliCa service)');
    const out: Uint8Array[] = [];
    for (const block of blocks) {
      const response = await this.channel.send(part3ReadBlockCommand(block), { accept: acceptAll });
      if (response.sw === SW.WRONG_PARAMETERS) {
        throw felicaError('block-out-of-range', 'block number beyond the service', {
          sw: response.sw,
        });
      }
      if (response.sw !== SW.OK) throw readerStatusError(response.sw, 'READ BINARY (FeliCa block)');
      if (response.data.length !== BLOCK_SIZE) {
        throw felicaError(
          'block-length',
          `a block is ${BLOCK_SIZE} bytes, got ${response.data.length}`,
          {
            length: response.data.length,
          },
        );
      }
      out.push(response.data.slice());
    }
    return out;
  }
}

// --- pseudo-APDUs: commands as data (style.md rule 6); sources in constants.ts ---------------

/** GET DATA: the IDm of the FeliCa card in the field. */
export function getIdmCommand(): CommandApdu {
  return {
    cla: PSEUDO_CLA,
    ins: PSEUDO_INS.GET_DATA,
    p1: 0,
    p2: 0,
    le: 256,
    label: 'GET DATA (IDm)',
  };
}

/**
 * ACS pass-through of one FeliCa frame. Marked secret so traces mask the frame: it carries the
 * IDm, which identifies a rider's card (style.md rule 14).
 */
export function acsPassThroughCommand(frame: Uint8Array): CommandApdu {
  if (frame.length < 1 || frame.length > 255)
    throw felicaError('invalid-argument', `frame of ${frame.length} bytes`);
  return {
    cla: PSEUDO_CLA,
    ins: PSEUDO_INS.PASS_THROUGH,
    p1: 0,
    p2: 0,
    data: frame,
    secret: true,
    label: 'FeliCa pass-through',
  };
}

/** PC/SC Part 3 SELECT FILE of one FeliCa service, as Sony's driver maps it. */
export function part3SelectServiceCommand(serviceCode: number): CommandApdu {
  if (!isUint(serviceCode, 0xffff))
    throw felicaError('invalid-argument', `service code ${serviceCode} is not 16-bit`);
  return {
    cla: PSEUDO_CLA,
    ins: PSEUDO_INS.SELECT_FILE,
    p1: PART3_SELECT_P1,
    p2: PART3_SELECT_P2,
    data: Uint8Array.of(serviceCode & 0xff, serviceCode >> 8),
    label: 'SELECT FILE (FeliCa service)',
  };
}

/** PC/SC Part 3 READ BINARY of one block of the selected service (P1 00, P2 block, Le 00). */
export function part3ReadBlockCommand(block: number): CommandApdu {
  if (!isUint(block, 0xff))
    throw felicaError('invalid-argument', `part 3 reads blocks 0..255, got ${block}`);
  return {
    cla: PSEUDO_CLA,
    ins: PSEUDO_INS.READ_BINARY,
    p1: 0,
    p2: block,
    le: 256,
    label: 'READ BINARY (FeliCa block)',
  };
}
