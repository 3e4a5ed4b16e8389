import { KazasuError } from '../../shared/errors.ts';

/**
 * Failures of the library self-checkout: the SIP2 link to the library system, and patron
 * identification. Stable codes; the flow, CLI and tests branch on them, never on messages.
 */
export type LibraryErrorCode =
  | 'library/sip2-checksum' // a frame whose AZ checksum does not match its bytes (or is missing)
  | 'library/sip2-malformed' // bytes that are not a SIP2 message (fixed field, field id, command)
  | 'library/sip2-charset' // text the configured character set cannot carry, or bytes it cannot decode
  | 'library/sip2-timeout' // no answer after the resends: the link is declared dead
  | 'library/sip2-unreachable' // the library system cannot be connected to, or the link closed
  | 'library/sip2-unexpected-reply' // an answer that is not the response to the request sent
  | 'library/sip2-login-refused' // 94 with ok = 0: the terminal credentials were refused
  | 'library/patron-cache' // a patron cache document that does not have the expected shape
  | 'library/config'; // the library section of the device config is missing or unusable

export class LibraryError extends KazasuError<LibraryErrorCode> {}
