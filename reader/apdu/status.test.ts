import { describe, expect, it } from 'vitest';
import { fromHex } from '../../shared/bytes.ts';
import { encodeResponse, parseResponse } from './response.ts';
import { SW, anyVerifyFailure, describeStatusWord, isAccepted, triesLeft } from './status.ts';

describe('status words', () => {
  it('reads tries left from 63Cx only', () => {
    expect(triesLeft(0x63c2)).toBe(2);
    expect(triesLeft(0x63c0)).toBe(0);
    expect(triesLeft(SW.REFERENCE_DATA_BLOCKED)).toBeUndefined();
    expect(triesLeft(0x6300)).toBeUndefined();
  });

  it('describes known, family and unknown words', () => {
    expect(describeStatusWord(0x6982)).toBe('security status not satisfied');
    expect(describeStatusWord(0x63c1)).toBe('verification failed, 1 tries left');
    expect(describeStatusWord(0x6110)).toBe('16 more bytes available');
    expect(describeStatusWord(0x6c00)).toBe('wrong Le, 256 bytes available');
    expect(describeStatusWord(0x9999)).toBe('unknown status word');
  });

  it('accepts exact words and predicates', () => {
    expect(isAccepted(0x9000, [SW.OK])).toBe(true);
    expect(isAccepted(0x63c1, [SW.OK])).toBe(false);
    expect(isAccepted(0x63c1, [SW.OK, anyVerifyFailure])).toBe(true);
  });
});

describe('response APDUs', () => {
  it('splits data and status word', () => {
    const r = parseResponse(fromHex('0102039000'));
    expect(Array.from(r.data)).toEqual([1, 2, 3]);
    expect(r.sw).toBe(0x9000);
    expect(parseResponse(encodeResponse(fromHex('aa'), 0x6282))).toMatchObject({ sw: 0x6282 });
  });

  it('a response shorter than 2 bytes is malformed, never SW 0000', () => {
    expect(() => parseResponse(fromHex('90'))).toThrowError(
      expect.objectContaining({ code: 'reader/malformed-response' }) as Error,
    );
    expect(() => parseResponse(new Uint8Array(0))).toThrowError(
      expect.objectContaining({ code: 'reader/malformed-response' }) as Error,
    );
  });
});
