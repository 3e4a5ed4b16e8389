import { describe, expect, it } from 'vitest';
import { fromHex } from '../../shared/bytes.ts';
import { formatCommandBytes, isSecretCommand } from './trace.ts';

describe('trace masking', () => {
  it('masks VERIFY and CHANGE REFERENCE DATA data, nothing else', () => {
    expect(isSecretCommand({ cla: 0x00, ins: 0x20 })).toBe(true);
    expect(isSecretCommand({ cla: 0x00, ins: 0x24 })).toBe(true);
    expect(isSecretCommand({ cla: 0x00, ins: 0xb0 })).toBe(false);
    expect(isSecretCommand({ cla: 0x80, ins: 0x2a })).toBe(false);
    expect(isSecretCommand({ cla: 0x00, ins: 0xb0, secret: true })).toBe(true);
  });

  it('keeps the header and Lc, hides the PIN digits', () => {
    const verify = fromHex('0020008004 31323334');
    const line = formatCommandBytes(verify, true);
    expect(line).toBe('00 20 00 80 04 xx xx xx xx');
    expect(line).not.toContain('31');
    expect(formatCommandBytes(fromHex('00200080'), true)).toBe('00 20 00 80');
  });
});
