import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wireEvent } from './arbitraries.ts';
import {
  eventAllowedForRole,
  findPersonalKey,
  UploadRequestSchema,
  UploadResponseSchema,
  WireEventSchema,
} from './events.ts';
import { parseJsonText, parseWire } from './wire.ts';

describe('event contract', () => {
  it('accepts well-formed events and they survive a JSON round trip (property)', () => {
    fc.assert(
      fc.property(wireEvent, (e) => {
        const r = parseWire(WireEventSchema, JSON.parse(JSON.stringify(e)));
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.value).toEqual(e);
      }),
    );
  });

  it('never throws on arbitrary input, only reports (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        expect(parseWire(UploadRequestSchema, v).ok).toBe(false);
        parseWire(UploadResponseSchema, v);
      }),
    );
  });

  it('refuses any single field broken (property)', () => {
    const breakers: Array<(e: Record<string, unknown>) => void> = [
      (e) => delete e['eventId'],
      (e) => (e['deviceSeq'] = 0),
      (e) => (e['deviceSeq'] = 1.5),
      (e) => (e['type'] = 'Ride'),
      (e) => (e['payload'] = []),
      (e) => (e['createdAt'] = '2026-01-01'),
      (e) => (e['extra'] = 1),
    ];
    fc.assert(
      fc.property(wireEvent, fc.nat(breakers.length - 1), (e, i) => {
        const copy = { ...e } as Record<string, unknown>;
        breakers[i]?.(copy);
        expect(parseWire(WireEventSchema, copy).ok).toBe(false);
      }),
    );
  });

  it('refuses payloads carrying personal field names, at any depth', () => {
    const e = {
      eventId: '01890a5d-ac96-774b-bcce-b302099a8057',
      deviceSeq: 1,
      type: 'case.closed',
      createdAt: 1,
    };
    expect(parseWire(WireEventSchema, { ...e, payload: { form: { Name: 'x' } } }).ok).toBe(false);
    expect(parseWire(WireEventSchema, { ...e, payload: { items: [{ myNumber: 'x' }] } }).ok).toBe(
      false,
    );
    expect(findPersonalKey({ a: [{ b: { idm: 1 } }] })).toBe('idm');
    expect(findPersonalKey({ fareYen: 100 })).toBeUndefined();
  });

  it('requires increasing seqs within one upload', () => {
    fc.assert(
      fc.property(fc.array(wireEvent, { minLength: 2, maxLength: 5 }), (events) => {
        const seqs = events.map((e) => e.deviceSeq);
        const increasing = seqs.every((s, i) => i === 0 || s > (seqs[i - 1] ?? 0));
        expect(parseWire(UploadRequestSchema, { events }).ok).toBe(increasing);
      }),
    );
  });

  it('reports a truncated body instead of throwing', () => {
    expect(parseJsonText('{"results":[{"deviceSeq":1,').ok).toBe(false);
  });

  it('authorises event families by role', () => {
    expect(eventAllowedForRole('ride.validated', 'validator')).toBe(true);
    expect(eventAllowedForRole('ride.validated', 'library')).toBe(false);
    expect(eventAllowedForRole('audit.entry', 'counter')).toBe(true);
    expect(eventAllowedForRole('checkout.stored', 'counter')).toBe(false);
  });
});
