import { ReaderError, type ReaderErrorCode } from '../errors.ts';
import { SCARD_ERROR as E } from './constants.ts';

/**
 * Turns what the pcsclite binding throws into typed reader errors. The binding reports
 * failures only as messages of the form "SCardTransmit error: Card was removed.(0x80100069)";
 * the SCARD code in parentheses is the one fact we take from it (pcsclite src/common.h).
 */
export function pcscCodeOf(error: unknown): number | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const m = /\(0x([0-9a-fA-F]{8})\)/.exec(message);
  return m ? parseInt(m[1] as string, 16) : undefined;
}

const CODE_MAP: ReadonlyMap<number, ReaderErrorCode> = new Map<number, ReaderErrorCode>([
  [E.W_REMOVED_CARD, 'reader/card-removed'],
  [E.E_NO_SMARTCARD, 'reader/no-card'],
  [E.W_RESET_CARD, 'reader/card-reset'],
  [E.W_UNRESPONSIVE_CARD, 'reader/card-mute'],
  [E.W_UNPOWERED_CARD, 'reader/card-mute'],
  [E.W_UNSUPPORTED_CARD, 'reader/card-mute'],
  [E.E_SHARING_VIOLATION, 'reader/sharing-violation'],
  [E.E_UNKNOWN_READER, 'reader/reader-gone'],
  [E.E_READER_UNAVAILABLE, 'reader/reader-gone'],
  [E.E_NO_READERS_AVAILABLE, 'reader/reader-gone'],
  [E.E_NO_SERVICE, 'reader/transport-lost'],
  [E.E_SERVICE_STOPPED, 'reader/transport-lost'],
  [E.F_COMM_ERROR, 'reader/transport-lost'],
  [E.E_INVALID_HANDLE, 'reader/transport-lost'],
  [E.E_CANCELLED, 'reader/transport-lost'],
  [E.E_INSUFFICIENT_BUFFER, 'reader/response-too-long'],
  [E.E_TIMEOUT, 'reader/timeout'],
]);

/** Errors after which the card may simply have left: confirm with the reader state first. */
export const AMBIGUOUS_TRANSMIT_CODES: ReadonlySet<number> = new Set([
  E.E_NOT_TRANSACTED,
  E.F_COMM_ERROR,
  E.W_UNRESPONSIVE_CARD,
  E.E_INVALID_HANDLE,
]);

export function pcscError(error: unknown, operation: string, reader: string): ReaderError {
  if (error instanceof ReaderError) return error;
  const scard = pcscCodeOf(error);
  const code = (scard !== undefined && CODE_MAP.get(scard)) || 'reader/pcsc';
  const hexCode = scard === undefined ? undefined : `0x${scard.toString(16).padStart(8, '0')}`;
  return new ReaderError(
    code,
    `${operation} on "${reader}" failed${hexCode ? ` (${hexCode})` : ''}`,
    {
      cause: error,
      details: hexCode ? { scard: hexCode, reader } : { reader },
    },
  );
}
