import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wireEvent } from '../../shared/contracts/sync/arbitraries.ts';
import { UploadRequestSchema } from '../../shared/contracts/sync/events.ts';
import { parseWire } from '../../shared/contracts/sync/wire.ts';
import { encodeEvent } from './upload.ts';

describe('encodeEvent', () => {
  it('splices stored payload text into a body the backend schema accepts (property)', () => {
    fc.assert(
      fc.property(wireEvent, (e) => {
        const body = `{"events":[${encodeEvent({ ...e, payloadJson: JSON.stringify(e.payload), attempts: 0 })}]}`;
        const parsed = parseWire(UploadRequestSchema, JSON.parse(body));
        expect(parsed).toEqual({ ok: true, value: { events: [e] } });
      }),
    );
  });
});
