import { toHex } from '../../shared/bytes.ts';
import type { CommandApdu } from './command.ts';

/** INS codes whose data is a secret in any application: VERIFY, CHANGE REFERENCE DATA. */
const SECRET_INS: ReadonlySet<number> = new Set([0x20, 0x24, 0x2c]);

/** Whether a command's data must be masked in traces and transcripts (style.md rule 14). */
export function isSecretCommand(cmd: Pick<CommandApdu, 'cla' | 'ins' | 'secret'>): boolean {
  return cmd.secret === true || ((cmd.cla & 0x80) === 0 && SECRET_INS.has(cmd.ins));
}

/**
 * Formats encoded command bytes for a trace line, masking the data field of secret commands
 * as `xx` per byte so a transcript keeps its shape but never the PIN.
 */
export function formatCommandBytes(bytes: Uint8Array, secret: boolean): string {
  if (!secret || bytes.length <= 5) return toHex(bytes, ' ');
  // header + Lc stay visible; the data (and a trailing Le, if any) are masked
  const visible = toHex(bytes.subarray(0, 5), ' ');
  const lc = bytes[4] as number;
  const masked = Array.from({ length: Math.min(lc, bytes.length - 5) }, () => 'xx').join(' ');
  const rest = bytes.length > 5 + lc ? ' ' + toHex(bytes.subarray(5 + lc), ' ') : '';
  return `${visible} ${masked}${rest}`;
}

export function describeCommand(cmd: CommandApdu): string {
  const head = toHex(Uint8Array.of(cmd.cla, cmd.ins, cmd.p1, cmd.p2), ' ').toUpperCase();
  return cmd.label ? `${cmd.label} [${head}]` : head;
}
