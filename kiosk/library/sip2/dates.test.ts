import { describe, expect, it } from 'vitest';
import { dueDateOf, formatSip2Date, parseSip2Date, sip2DateOfDay } from './dates.ts';

const AT = Date.parse('2026-11-22T15:30:05Z'); // 2026-11-23 00:30:05 in Japan

describe('SIP2 dates', () => {
  it('writes local time with a blank zone, or UTC with "   Z"', () => {
    expect(formatSip2Date(AT)).toBe('20261123    003005');
    expect(formatSip2Date(AT, { utc: true })).toBe('20261122   Z153005');
  });

  it('reads both back to the same instant; impossible dates are undefined', () => {
    expect(parseSip2Date('20261123    003005')).toBe(AT);
    expect(parseSip2Date('20261122   Z153005')).toBe(AT);
    expect(parseSip2Date('20260230    000000')).toBeUndefined();
    expect(parseSip2Date('                  ')).toBeUndefined();
  });

  it('reads due dates as systems send them, as a local calendar date', () => {
    expect(dueDateOf('20261206    235959')).toBe('2026-12-06');
    expect(dueDateOf('20261206')).toBe('2026-12-06');
    expect(dueDateOf('2026-12-06T00:00:00')).toBe('2026-12-06');
    expect(dueDateOf('next week')).toBeUndefined();
    expect(dueDateOf(undefined)).toBeUndefined();
    expect(sip2DateOfDay('2026-12-06')).toBe('20261206    235959');
  });
});
