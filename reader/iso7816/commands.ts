import type { CommandApdu } from '../apdu/command.ts';
import { ReaderError } from '../errors.ts';
import {
  ISO_CLA,
  ISO_INS,
  MAX_READ_BINARY_OFFSET,
  MAX_SHORT_LE,
  READ_RECORD_P2_BY_NUMBER,
  SELECT,
  VERIFY_P2_SELECTED_KEY,
} from './constants.ts';

/** Command builders of ISO/IEC 7816-4, as data (style.md rule 6). */

/** `00 A4 04 0C Lc <AID>`: select an application by its DF name, no FCI back. */
export function selectByAid(aid: Uint8Array, label = 'SELECT DF'): CommandApdu {
  if (aid.length < 1 || aid.length > SELECT.MAX_AID_LENGTH) {
    throw new ReaderError('reader/apdu-invalid', `an AID is 1..16 bytes, got ${aid.length}`);
  }
  return {
    cla: ISO_CLA,
    ins: ISO_INS.SELECT,
    p1: SELECT.P1_BY_DF_NAME,
    p2: SELECT.P2_NO_RESPONSE_DATA,
    data: aid,
    label,
  };
}

/** `00 A4 02 0C 02 <FID>`: select an EF under the current DF. */
export function selectEf(fid: number, label = 'SELECT EF'): CommandApdu {
  if (!Number.isInteger(fid) || fid < 0 || fid > 0xffff) {
    throw new ReaderError('reader/apdu-invalid', `a file identifier is 2 bytes, got ${fid}`);
  }
  return {
    cla: ISO_CLA,
    ins: ISO_INS.SELECT,
    p1: SELECT.P1_EF_UNDER_CURRENT_DF,
    p2: SELECT.P2_NO_RESPONSE_DATA,
    data: Uint8Array.of(fid >> 8, fid & 0xff),
    label,
  };
}

/** `00 B0 <offset hi> <offset lo> <Le>` on the current EF (Le 256 is sent as 00). */
export function readBinary(offset: number, le: number): CommandApdu {
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_READ_BINARY_OFFSET) {
    throw new ReaderError(
      'reader/apdu-invalid',
      `READ BINARY offset ${offset} is outside 0..32767`,
    );
  }
  if (!Number.isInteger(le) || le < 1 || le > MAX_SHORT_LE) {
    throw new ReaderError('reader/apdu-invalid', `READ BINARY Le ${le} is outside 1..256`);
  }
  return {
    cla: ISO_CLA,
    ins: ISO_INS.READ_BINARY,
    p1: offset >> 8,
    p2: offset & 0xff,
    le,
    label: 'READ BINARY',
  };
}

/** `00 20 00 80`: how many tries the selected key has left (63Cx), without spending one. */
export function retriesQuery(): CommandApdu {
  return {
    cla: ISO_CLA,
    ins: ISO_INS.VERIFY,
    p1: 0,
    p2: VERIFY_P2_SELECTED_KEY,
    label: 'VERIFY (tries left)',
  };
}

/** `00 20 00 80 Lc <secret>`: the data is masked in every trace and transcript. */
export function verify(secret: Uint8Array): CommandApdu {
  return {
    cla: ISO_CLA,
    ins: ISO_INS.VERIFY,
    p1: 0,
    p2: VERIFY_P2_SELECTED_KEY,
    data: secret,
    secret: true,
    label: 'VERIFY',
  };
}

/** `00 B2 <record> <(SFI << 3) | 04> <Le>`. */
export function readRecord(record: number, sfi: number, le = MAX_SHORT_LE): CommandApdu {
  return {
    cla: ISO_CLA,
    ins: ISO_INS.READ_RECORD,
    p1: record,
    p2: ((sfi & 0x1f) << 3) | READ_RECORD_P2_BY_NUMBER,
    le,
    label: 'READ RECORD',
  };
}

/** `00 84 00 00 <n>`. */
export function getChallenge(length: number): CommandApdu {
  return {
    cla: ISO_CLA,
    ins: ISO_INS.GET_CHALLENGE,
    p1: 0,
    p2: 0,
    le: length,
    label: 'GET CHALLENGE',
  };
}

/** `<CLA> C0 00 00 <Le>`: the rest of a response announced by 61xx, on the same logical channel. */
export function getResponse(cla: number, le: number): CommandApdu {
  return { cla: cla & 0x03, ins: ISO_INS.GET_RESPONSE, p1: 0, p2: 0, le, label: 'GET RESPONSE' };
}
