import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERA_NAMES, formatEraDate, formatGregorianDate, toEraDate } from './era.ts';

describe('era dates', () => {
  it.each([
    ['1873-01-01', '明治6年1月1日'],
    ['1912-07-29', '明治45年7月29日'],
    ['1912-07-30', '大正元年7月30日'],
    ['1926-12-24', '大正15年12月24日'],
    ['1926-12-25', '昭和元年12月25日'],
    ['1927-01-01', '昭和2年1月1日'],
    ['1980-02-17', '昭和55年2月17日'],
    ['1989-01-07', '昭和64年1月7日'],
    ['1989-01-08', '平成元年1月8日'],
    ['1990-01-01', '平成2年1月1日'],
    ['2019-04-30', '平成31年4月30日'],
    ['2019-05-01', '令和元年5月1日'],
    ['2020-01-01', '令和2年1月1日'],
    ['2026-12-01', '令和8年12月1日'],
  ])('%s is %s', (iso, expected) => {
    expect(formatEraDate(iso)).toBe(expected);
  });

  it('writes full-width digits when asked, and 元年 either way', () => {
    expect(formatEraDate('1980-02-17', 'fullwidth')).toBe('昭和５５年２月１７日');
    expect(formatEraDate('2019-05-01', 'fullwidth')).toBe('令和元年５月１日');
    expect(formatGregorianDate('2019-05-01', 'fullwidth')).toBe('２０１９年５月１日');
  });

  it('refuses dates it cannot convert instead of guessing', () => {
    for (const bad of ['1872-12-31', '1980-02-30', '2019-5-1', '', 'yesterday', '0000-01-01']) {
      expect(formatEraDate(bad)).toBeUndefined();
    }
    expect(formatGregorianDate('2023-02-29')).toBeUndefined();
  });

  it('era years count from 1 and never go backwards over time', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1873-01-01T00:00:00Z'),
          max: new Date('2200-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (d) => {
          const day = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
          const next = new Date(d.getTime() + 86_400_000);
          const e1 = toEraDate(day);
          const e2 = toEraDate({
            year: next.getUTCFullYear(),
            month: next.getUTCMonth() + 1,
            day: next.getUTCDate(),
          });
          expect(e1 && e2).toBeTruthy();
          if (!e1 || !e2) return;
          expect(e1.year).toBeGreaterThanOrEqual(1);
          const i1 = ERA_NAMES.indexOf(e1.era);
          const i2 = ERA_NAMES.indexOf(e2.era);
          expect(i2 === i1 ? e2.year >= e1.year : i2 === i1 + 1 && e2.year === 1).toBe(true);
        },
      ),
    );
  });
});
