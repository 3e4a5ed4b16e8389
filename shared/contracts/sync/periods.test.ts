import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jstDate, periodKey } from './periods.ts';

describe('periodKey (JST)', () => {
  it('turns the day, month and fiscal year at JST midnight', () => {
    const lastMarchJst = Date.parse('2026-03-31T14:59:59Z'); // 23:59:59 JST, 31 March
    const firstAprilJst = Date.parse('2026-03-31T15:00:00Z'); // 00:00 JST, 1 April
    expect(periodKey('fiscal-year', lastMarchJst)).toBe('FY2025');
    expect(periodKey('fiscal-year', firstAprilJst)).toBe('FY2026');
    expect(periodKey('month', firstAprilJst)).toBe('2026-04');
    expect(periodKey('day', firstAprilJst)).toBe('2026-04-01');
    expect(jstDate(Date.parse('2026-12-31T15:00:00Z'))).toBe('2027-01-01');
  });

  it('a day key starts with its month key, and the fiscal year follows the month (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (t) => {
        const day = periodKey('day', t);
        const month = periodKey('month', t);
        expect(day.startsWith(month)).toBe(true);
        const [y, m] = month.split('-').map(Number) as [number, number];
        expect(periodKey('fiscal-year', t)).toBe(
          `FY${String(m >= 4 ? y : y - 1).padStart(4, '0')}`,
        );
      }),
    );
  });
});
