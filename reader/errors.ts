import { KazasuError } from '../shared/errors.ts';

/**
 * Every failure the reader layer reports. The codes are stable: the UI, the CLI's exit codes
 * and the tests branch on them.
 */
export type ReaderErrorCode =
  | 'reader/card-removed' // the card left the field during or before an exchange
  | 'reader/card-reset' // another process reset the card; verified states are gone
  | 'reader/card-swapped' // a different card is on the reader than the one a flow started with
  | 'reader/card-mute' // a card is present but does not answer (not ISO 14443-4, bad contact)
  | 'reader/no-card' // no card on the reader
  | 'reader/reader-gone' // the reader was unplugged or is unknown to pcscd
  | 'reader/unknown-reader' // no reader of that name
  | 'reader/sharing-violation' // another process holds the card exclusively
  | 'reader/busy' // this process already holds a session on that reader
  | 'reader/transport-lost' // pcscd stopped or restarted, the vpcd peer went away, a handle died
  | 'reader/timeout' // an exchange did not complete in time
  | 'reader/pcsc' // another PC/SC failure, with its SCARD code in details
  | 'reader/status-word' // the card answered with a status word the caller does not accept
  | 'reader/malformed-response' // a response too short or inconsistent to be a response APDU
  | 'reader/response-too-long' // the card sent more than the receive buffer allowed
  | 'reader/apdu-invalid' // a command that cannot be encoded, or bytes that are not a command
  | 'reader/tlv-incomplete' // a TLV needs more bytes; details.missing says how many
  | 'reader/tlv-invalid' // bytes that are not BER-TLV
  | 'reader/felica' // a FeliCa frame that is malformed or reports an error
  | 'reader/replay-mismatch' // a replayed transcript expected another command
  | 'reader/replay-exhausted' // a command after the transcript's last line
  | 'reader/replay-unfinished' // the transcript has lines the caller never sent
  | 'reader/transcript-invalid' // a transcript file that cannot be parsed
  | 'reader/profile-invalid' // a simulator profile that fails validation
  | 'reader/vpcd-protocol' // a vpcd frame that breaks the protocol
  | 'reader/wrong-card' // the card has no such application (not a My Number Card)
  | 'reader/pin-invalid' // a PIN or 照合番号 of the wrong form; nothing was sent to the card
  | 'reader/pin-wrong' // the card refused the PIN; details.triesLeft says how many remain
  | 'reader/pin-last-try' // one try left: not sent without the holder's explicit confirmation
  | 'reader/pin-blocked' // the PIN is blocked: only the municipality can reset it
  | 'reader/not-allowed' // the caller did not ask for what this needs (e.g. the My Number)
  | 'reader/trust-invalid' // a CA key set or root certificate file that cannot be used
  | 'reader/closed'; // the transport or service was closed by its owner

export class ReaderError extends KazasuError<ReaderErrorCode> {}

/** The card answered with a status word the caller did not declare acceptable. */
export class StatusWordError extends ReaderError {
  readonly sw: number;
  constructor(sw: number, command: string, description: string) {
    super(
      'reader/status-word',
      `card answered ${sw.toString(16).toUpperCase().padStart(4, '0')} (${description}) to ${command}`,
      { details: { sw, command } },
    );
    this.sw = sw;
  }
}

/** A TLV stops before its declared end. `missing` is how many more bytes complete it. */
export class TlvIncompleteError extends ReaderError {
  readonly missing: number;
  constructor(missing: number, where: string) {
    super('reader/tlv-incomplete', `TLV ${where} needs ${missing} more byte(s)`, {
      details: { missing },
    });
    this.missing = missing;
  }
}
