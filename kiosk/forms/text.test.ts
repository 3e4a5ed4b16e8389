import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codePointLabel, fitText, toClusters, widthEm, wrap, type Cluster } from './text.ts';

/** Full width for everything but ASCII, which is half: like a Japanese font's metrics. */
const measure = (c: Cluster): number => (c.base < 0x80 ? 0.5 : 1);
const join = (lines: readonly (readonly Cluster[])[]): string[] =>
  lines.map((l) => l.map((c) => c.text).join(''));

describe('clusters', () => {
  it('keeps a base and its variation selector together, and surrogate pairs whole', () => {
    const cs = toClusters('渡邉\u{E0110}　𠮷田\uFE00');
    expect(cs.map((c) => c.text)).toEqual(['渡', '邉\u{E0110}', '　', '𠮷', '田\uFE00']);
    expect(cs[1]).toMatchObject({ base: 0x9089, selector: 0xe0110 });
    expect(cs[3]).toEqual({ text: '𠮷', base: 0x20bb7 });
    expect(codePointLabel(cs[1] as Cluster)).toBe('U+9089 U+E0110');
    expect(codePointLabel(cs[3] as Cluster)).toBe('U+20BB7');
  });

  it('a selector with nothing to select stays visible as its own cluster', () => {
    expect(toClusters('\u{E0100}\u{E0101}a').map((c) => c.base)).toEqual([0xe0100, 0xe0101, 0x61]);
    expect(toClusters('a\uFE00\uFE01').map((c) => c.text)).toEqual(['a\uFE00', '\uFE01']);
  });

  it('never loses or reorders a code point', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(
          toClusters(s)
            .map((c) => c.text)
            .join(''),
        ).toBe(s);
      }),
    );
  });
});

describe('wrapping', () => {
  it('breaks Japanese anywhere but keeps 禁則 characters off the line start', () => {
    expect(join(wrap('北海道北見市北５条東', 4, measure))).toEqual([
      '北海道北',
      '見市北５',
      '条東',
    ]);
    expect(join(wrap('あいう。えお', 3, measure))).toEqual(['あい', 'う。え', 'お']);
  });

  it('breaks a Latin name at a space, and drops the space at the break', () => {
    expect(join(wrap('SMITH JOHNATHAN', 5, measure))).toEqual(['SMITH', 'JOHNATHAN']);
    expect(join(wrap('黒桐　幹也', 2, measure))).toEqual(['黒桐', '幹也']);
  });

  it('keeps hard line breaks', () => {
    expect(join(wrap('一二\n三', 10, measure))).toEqual(['一二', '三']);
  });
});

describe('fitting a box', () => {
  const box = { width: 100, height: 14, size: 10, minSize: 6, maxLines: 1 };

  it('keeps the size when the text fits', () => {
    const r = fitText({ ...box, text: '北見市' }, measure);
    expect(r).toMatchObject({ size: 10, fits: true });
  });

  it('shrinks before it gives up, and reports overflow at minSize', () => {
    const r = fitText({ ...box, text: '一二三四五六七八九十一二' }, measure);
    expect(r.fits).toBe(true);
    expect(r.size).toBe(8);
    const over = fitText({ ...box, text: '一'.repeat(30) }, measure);
    expect(over).toMatchObject({ size: 6, fits: false });
    expect(join(over.lines).join('')).toBe('一'.repeat(30));
  });

  it('uses the lines the box allows', () => {
    const r = fitText({ ...box, height: 30, maxLines: 2, text: '一'.repeat(15) }, measure);
    expect(r).toMatchObject({ size: 10, fits: true });
    expect(r.lines).toHaveLength(2);
  });

  it('whatever the text, a fitting result is inside the box and loses nothing', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }),
        fc.integer({ min: 20, max: 300 }),
        fc.integer({ min: 1, max: 4 }),
        (text, width, maxLines) => {
          const r = fitText({ text, width, height: 80, size: 12, minSize: 6, maxLines }, measure);
          const all = join(r.lines)
            .join('')
            .replace(/[ \u3000\n]/g, '');
          expect(all).toBe(text.replace(/[ \u3000\n]/g, ''));
          if (r.fits) {
            expect(r.lines.length).toBeLessThanOrEqual(maxLines);
            for (const l of r.lines)
              expect(widthEm(l, measure) * r.size).toBeLessThanOrEqual(width + 1e-6);
          }
        },
      ),
    );
  });
});
