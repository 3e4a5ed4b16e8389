import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GROUP, OPERATION, VALUE } from './constants.ts';
import { PrintingError } from './errors.ts';
import { attribute, decodeResponse, encodeRequest } from './ipp.ts';
import { ippResponse } from './testing.ts';

describe('IPP encoding', () => {
  it('writes a Get-Job-Attributes request as RFC 8010 lays it out', () => {
    const bytes = encodeRequest({
      operation: OPERATION.getJobAttributes,
      requestId: 1,
      attributes: [{ tag: VALUE.integer, name: 'job-id', values: [42] }],
    });
    expect([...bytes.subarray(0, 9)]).toEqual([2, 0, 0, 9, 0, 0, 0, 1, GROUP.operation]);
    // attributes-charset comes first: tag 0x47, name length 18, name, value length 5, "utf-8".
    expect([...bytes.subarray(9, 12)]).toEqual([0x47, 0, 18]);
    expect(new TextDecoder().decode(bytes.subarray(12, 30))).toBe('attributes-charset');
    // job-id: integer tag, name length 6, name, value length 4, 42; then end-of-attributes.
    const name = [...'job-id'].map((c) => c.charCodeAt(0));
    expect([...bytes.subarray(-16)]).toEqual([
      0x21,
      0,
      6,
      ...name,
      0,
      4,
      0,
      0,
      0,
      42,
      GROUP.endOfAttributes,
    ]);
  });

  it('reads attributes with several values, booleans, enums, and skips collections', () => {
    const r = decodeResponse(
      ippResponse(
        0,
        [
          [
            GROUP.operation,
            [{ tag: VALUE.charset, name: 'attributes-charset', values: ['utf-8'] }],
          ],
          [
            GROUP.printer,
            [
              { tag: VALUE.enum, name: 'printer-state', values: [5] },
              {
                tag: VALUE.keyword,
                name: 'printer-state-reasons',
                values: ['paused', 'media-empty-error'],
              },
              { tag: VALUE.begCollection, name: 'media-col-default', values: [new Uint8Array(0)] },
              { tag: VALUE.memberAttrName, name: '', values: ['media-size'] },
              { tag: VALUE.endCollection, name: '', values: [new Uint8Array(0)] },
              { tag: VALUE.boolean, name: 'printer-is-accepting-jobs', values: [false] },
            ],
          ],
        ],
        7,
      ),
    );
    expect(r).toMatchObject({ status: 0, requestId: 7 });
    expect(attribute(r, GROUP.printer, 'printer-state')).toEqual([5]);
    expect(attribute(r, GROUP.printer, 'printer-state-reasons')).toEqual([
      'paused',
      'media-empty-error',
    ]);
    expect(attribute(r, GROUP.printer, 'printer-is-accepting-jobs')).toEqual([false]);
    expect(attribute(r, GROUP.printer, 'media-col-default')).toBeUndefined();
  });

  it('refuses truncated and malformed responses with printing/ipp-malformed', () => {
    const good = ippResponse(0, [
      [GROUP.job, [{ tag: VALUE.enum, name: 'job-state', values: [9] }]],
    ]);
    for (let cut = 0; cut < good.length; cut += 1) {
      expect(() => decodeResponse(good.subarray(0, cut))).toThrow(PrintingError);
    }
    const badInt = Uint8Array.from([
      2,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      GROUP.job,
      0x21,
      0,
      1,
      0x61,
      0,
      2,
      0,
      0,
      3,
    ]);
    expect(() => decodeResponse(badInt)).toThrow(/integer of 2 bytes/);
  });

  it('never throws anything but PrintingError and never loops, whatever CUPS sends', () => {
    const good = ippResponse(0, [
      [
        GROUP.job,
        [
          { tag: VALUE.enum, name: 'job-state', values: [5] },
          { tag: VALUE.keyword, name: 'job-state-reasons', values: ['job-printing', 'x'] },
        ],
      ],
    ]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc
            .array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), {
              maxLength: 6,
            })
            .map((edits) => {
              const b = Uint8Array.from(good);
              for (const [at, v] of edits) b[at] = v;
              return b;
            }),
        ),
        (bytes) => {
          try {
            decodeResponse(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(PrintingError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
