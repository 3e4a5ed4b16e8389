import { fromHex, toHex } from '../../shared/bytes.ts';
import { isSecretCommand } from '../apdu/trace.ts';
import { ReaderError } from '../errors.ts';

/**
 * APDU transcripts, the format of `test/fixtures/apdu/*.apdu` (after Ledger's hw-transport
 * mocker): one exchange per pair of lines,
 *
 *     # a comment
 *     @atr 3B E0 00 FF 81 31 FE 45 14
 *     => 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01
 *     <= 90 00
 *     => 00 20 00 80 04 xx xx xx xx        (xx: a masked byte — any value matches)
 *     <= !removed                          (the card left instead of answering)
 *
 * Secrets never reach a transcript: the recorder masks VERIFY and CHANGE REFERENCE DATA data.
 */
export interface ExpectedCommand {
  readonly bytes: Uint8Array;
  /** true where the byte is masked (`xx`) and matches anything. */
  readonly mask: readonly boolean[];
}

export type TranscriptAnswer =
  | { readonly kind: 'response'; readonly bytes: Uint8Array }
  | { readonly kind: 'removed' }
  | { readonly kind: 'timeout' };

export interface TranscriptExchange {
  /** 1-based line number of the `=>` line. */
  readonly line: number;
  readonly command: ExpectedCommand;
  readonly answer: TranscriptAnswer;
}

export interface Transcript {
  readonly atr: Uint8Array;
  readonly exchanges: readonly TranscriptExchange[];
}

function bad(line: number, message: string): ReaderError {
  return new ReaderError('reader/transcript-invalid', `transcript line ${line}: ${message}`, {
    details: { line },
  });
}

function parseCommand(text: string, line: number): ExpectedCommand {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  if (tokens.length < 4) throw bad(line, 'a command needs at least 4 bytes');
  const bytes = new Uint8Array(tokens.length);
  const mask: boolean[] = [];
  tokens.forEach((t, i) => {
    if (/^xx$/i.test(t)) {
      mask.push(true);
    } else if (/^[0-9a-f]{2}$/i.test(t)) {
      bytes[i] = parseInt(t, 16);
      mask.push(false);
    } else {
      throw bad(line, `"${t.slice(0, 8)}" is not a byte`);
    }
  });
  return { bytes, mask };
}

function parseBytes(text: string, line: number): Uint8Array {
  try {
    return fromHex(text);
  } catch {
    throw bad(line, 'not a hex byte string');
  }
}

export function parseTranscript(text: string): Transcript {
  let atr: Uint8Array = new Uint8Array(0);
  const exchanges: TranscriptExchange[] = [];
  let pending: { line: number; command: ExpectedCommand } | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) return;
    if (text.startsWith('@atr')) {
      atr = parseBytes(text.slice(4), line);
    } else if (text.startsWith('=>')) {
      if (pending) throw bad(line, `line ${pending.line} has no answer`);
      pending = { line, command: parseCommand(text.slice(2), line) };
    } else if (text.startsWith('<=')) {
      if (!pending) throw bad(line, 'an answer without a command');
      const body = text.slice(2).trim();
      let answer: TranscriptAnswer;
      if (body === '!removed') answer = { kind: 'removed' };
      else if (body === '!timeout') answer = { kind: 'timeout' };
      else {
        const bytes = parseBytes(body, line);
        if (bytes.length < 2) throw bad(line, 'a response needs its 2 status bytes');
        answer = { kind: 'response', bytes };
      }
      exchanges.push({ ...pending, answer });
      pending = undefined;
    } else {
      throw bad(line, 'expected "=>", "<=", "@atr" or "#"');
    }
  });
  if (pending) throw bad(pending.line, 'the last command has no answer');
  return { atr, exchanges };
}

export function matchesCommand(expected: ExpectedCommand, actual: Uint8Array): boolean {
  if (expected.bytes.length !== actual.length) return false;
  for (let i = 0; i < actual.length; i += 1) {
    if (!expected.mask[i] && expected.bytes[i] !== actual[i]) return false;
  }
  return true;
}

export function formatExpected(expected: ExpectedCommand): string {
  return Array.from(expected.bytes, (b, i) =>
    expected.mask[i] ? 'xx' : b.toString(16).padStart(2, '0'),
  ).join(' ');
}

/**
 * Offsets of a short command's data field when it is a secret (VERIFY data, or anything the
 * sender flagged, such as a FeliCa frame carrying the IDm), else none.
 */
export function secretDataRange(
  command: Uint8Array,
  flagged = false,
): { start: number; end: number } | undefined {
  const head = { cla: command[0] ?? 0, ins: command[1] ?? 0, secret: flagged };
  if (!isSecretCommand(head) || command.length <= 5) return undefined;
  return { start: 5, end: Math.min(command.length, 5 + (command[4] as number)) };
}

/** A command's bytes for a transcript line, with the data of secret commands masked. */
export function formatRecordedCommand(command: Uint8Array, flagged = false): string {
  const secret = secretDataRange(command, flagged);
  return Array.from(command, (b, i) =>
    secret && i >= secret.start && i < secret.end ? 'xx' : b.toString(16).padStart(2, '0'),
  ).join(' ');
}

export function formatTranscript(
  atr: Uint8Array,
  exchanges: readonly { command: Uint8Array; answer: TranscriptAnswer; secret?: boolean }[],
  header: readonly string[] = [],
): string {
  const out = header.map((h) => `# ${h}`);
  if (atr.length > 0) out.push(`@atr ${toHex(atr, ' ')}`);
  for (const e of exchanges) {
    out.push(`=> ${formatRecordedCommand(e.command, e.secret)}`);
    out.push(
      e.answer.kind === 'response'
        ? `<= ${toHex(e.answer.bytes, ' ')}`
        : e.answer.kind === 'removed'
          ? '<= !removed'
          : '<= !timeout',
    );
  }
  return out.join('\n') + '\n';
}
