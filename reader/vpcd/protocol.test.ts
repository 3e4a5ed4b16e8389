import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../shared/bytes.ts';
import { ReaderError } from '../errors.ts';
import { VpcdDecoder, encodeVpcdFrame, type VpcdMessage } from './protocol.ts';

describe('vpcd framing', () => {
  it('control bytes 0/1/2/4 and APDUs', () => {
    const d = new VpcdDecoder();
    const stream = fromHex('000100 000101 000102 000104 000103 0005 00a4040c00'.replace(/ /g, ''));
    expect(d.push(stream)).toEqual([
      { type: 'power-off' },
      { type: 'power-on' },
      { type: 'reset' },
      { type: 'atr' },
      { type: 'control', value: 3 },
      { type: 'apdu', bytes: fromHex('00a4040c00') },
    ]);
    expect(d.pending).toBe(0);
  });

  it('encodes a length-prefixed frame', () => {
    expect(toHex(encodeVpcdFrame(fromHex('9000')))).toBe('00029000');
    expect(() => encodeVpcdFrame(new Uint8Array(70000))).toThrowError(
      expect.objectContaining({ code: 'reader/vpcd-protocol' }) as Error,
    );
  });

  it('a zero-length frame is a protocol error', () => {
    expect(() => new VpcdDecoder().push(fromHex('0000'))).toThrow(ReaderError);
  });

  it('property: any split of a stream yields the same messages (chunk boundaries)', () => {
    const payload = fc.oneof(
      fc.constantFrom(0, 1, 2, 4).map((b) => Uint8Array.of(b)),
      fc.uint8Array({ minLength: 2, maxLength: 300 }),
    );
    fc.assert(
      fc.property(
        fc.array(payload, { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (payloads, cuts) => {
          const stream = new Uint8Array(payloads.flatMap((p) => [...encodeVpcdFrame(p)]));
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort(
            (a, b) => a - b,
          );
          const d = new VpcdDecoder();
          const got: VpcdMessage[] = [];
          let last = 0;
          for (const p of [...points, stream.length]) {
            got.push(...d.push(stream.subarray(last, p)));
            last = p;
          }
          expect(got).toHaveLength(payloads.length);
          expect(d.pending).toBe(0);
        },
      ),
    );
  });

  it('property: arbitrary bytes never throw anything but a ReaderError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), (bytes) => {
        try {
          new VpcdDecoder().push(bytes);
        } catch (error) {
          expect((error as ReaderError).code).toBe('reader/vpcd-protocol');
        }
      }),
    );
  });
});
