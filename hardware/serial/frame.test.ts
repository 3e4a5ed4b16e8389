import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, MAX_PAYLOAD, crc16, encodeFrame, type Frame } from './frame.ts';

const frame = fc.record({
  seq: fc.integer({ min: 0, max: 255 }),
  cmd: fc.integer({ min: 0, max: 255 }),
  payload: fc.uint8Array({ maxLength: 300 }),
});

describe('serial framing', () => {
  it('CRC-16/CCITT-FALSE check value', () => {
    expect(crc16(new TextEncoder().encode('123456789')).toString(16)).toBe('29b1');
  });

  it('golden frame', () => {
    const bytes = encodeFrame({ seq: 1, cmd: 0x10, payload: Uint8Array.of(0x41) });
    expect(Buffer.from(bytes).toString('hex')).toBe(
      '020003011041' + crc16(bytes, 1, 6).toString(16).padStart(4, '0'),
    );
  });

  it('refuses oversize payloads and non-byte fields', () => {
    expect(() =>
      encodeFrame({ seq: 0, cmd: 0, payload: new Uint8Array(MAX_PAYLOAD + 1) }),
    ).toThrowError(expect.objectContaining({ code: 'hardware/frame-invalid' }) as Error);
    expect(() => encodeFrame({ seq: 256, cmd: 0, payload: new Uint8Array(0) })).toThrow();
  });

  it('property: any split of a stream of frames decodes to the same frames', () => {
    fc.assert(
      fc.property(
        fc.array(frame, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (frames, cuts) => {
          const stream = Buffer.concat(frames.map((f) => encodeFrame(f)));
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort(
            (a, b) => a - b,
          );
          const d = new FrameDecoder();
          const got: Frame[] = [];
          let last = 0;
          for (const p of [...points, stream.length]) {
            const r = d.push(stream.subarray(last, p));
            got.push(...r.frames);
            expect(r.problems).toEqual([]);
            last = p;
          }
          expect(got.map((f) => [f.seq, f.cmd, Buffer.from(f.payload).toString('hex')])).toEqual(
            frames.map((f) => [f.seq, f.cmd, Buffer.from(f.payload).toString('hex')]),
          );
        },
      ),
    );
  });

  it('resynchronises after garbage, a bad CRC and a bad length, keeping the good frames', () => {
    const good = encodeFrame({ seq: 7, cmd: 0x20, payload: Uint8Array.of(1, 2) });
    const badCrc = encodeFrame({ seq: 8, cmd: 0x20, payload: Uint8Array.of(3) });
    badCrc[badCrc.length - 1] = (badCrc[badCrc.length - 1] as number) ^ 0xff;
    const stream = Buffer.concat([
      Buffer.from('hello'),
      good,
      badCrc,
      Buffer.from([0x02, 0xff, 0xff]),
      good,
    ]);
    const r = new FrameDecoder().push(stream);
    expect(r.frames.map((f) => f.seq)).toEqual([7, 7]);
    expect(r.problems).toContain('garbage');
    expect(r.problems).toContain('crc');
    expect(r.problems).toContain('length');
  });

  it('property: arbitrary bytes never throw, and buffering stays bounded', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 30 }), (chunks) => {
        const d = new FrameDecoder();
        for (const c of chunks) {
          d.push(c);
          expect(d.pending).toBeLessThanOrEqual(MAX_PAYLOAD + 7 + 200);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
