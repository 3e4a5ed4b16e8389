import fc from 'fast-check';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import type { CaseData } from '../../shared/contracts/forms.ts';
import { FormsError } from './errors.ts';
import { fillForms } from './fill.ts';
import { loadFontSet } from './fonts.ts';
import { loadTemplates } from './load.ts';
import { preflight } from './preflight.ts';
import { renderPdf } from './render.ts';
import { sampleCase } from './sample.ts';
import { toClusters } from './text.ts';

const catalog = loadTemplates();
const fonts = loadFontSet();
const NO_FONT_HAS = '\u{30EDE}'; // CJK Extension G (Unicode 13, 2020): newer than both fonts

function withApplicantName(
  name: string,
  forms: readonly string[] = ['seal-registration'],
): CaseData {
  const c = sampleCase({ forms, applicantName: name });
  return c;
}

describe('fonts', () => {
  it('sets the IVS variant from IPAmj Mincho and falls back between the two fonts', () => {
    const [kenta, vs] = [toClusters('邉\u{E0110}')[0]!, toClusters('𠮷')[0]!];
    expect(fonts.resolve(kenta, 'name')).toEqual({ kind: 'exact', role: 'name' });
    // IPAex Gothic has 邉 but not this sequence: a label-font field takes IPAmj's variant.
    expect(fonts.resolve(kenta, 'label')).toEqual({ kind: 'exact', role: 'name' });
    expect(fonts.resolve(vs, 'label')).toEqual({ kind: 'exact', role: 'name' });
    expect(fonts.resolve(toClusters('邉\u{E0100}')[0]!, 'name')).toEqual({
      kind: 'base-only',
      role: 'name',
    });
    expect(fonts.resolve(toClusters(NO_FONT_HAS)[0]!, 'name')).toEqual({ kind: 'none' });
    const variant = fonts.fonts.name.font.glyphsForString('邉\u{E0110}');
    const base = fonts.fonts.name.font.glyphsForString('邉');
    expect(variant).toHaveLength(1);
    expect(variant[0]!.id).not.toBe(base[0]!.id);
  });
});

describe('preflight', () => {
  it('the sample household needs nothing accepted; pending look-ups are notices', () => {
    const flags = preflight(fillForms(catalog, sampleCase()), fonts);
    expect(flags.length).toBeGreaterThan(0);
    for (const f of flags)
      expect(f).toMatchObject({ kind: 'pending-lookup', needsAcceptance: false });
    expect(flags.map((f) => f.personId)).toContain('p2');
  });

  it('flags a character no font has, with its field and code point, and refuses to render it', async () => {
    const filled = fillForms(catalog, withApplicantName(`山${NO_FONT_HAS}\u3000太郎`));
    const flags = preflight(filled, fonts).filter((f) => f.needsAcceptance);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({
      kind: 'missing-glyph',
      fieldId: 'name',
      personId: 'p1',
      codePoints: ['U+30EDE'],
    });
    expect(flags[0]!.id).not.toContain('30EDE');
    const refused = await renderPdf(filled, fonts).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(FormsError);
    expect((refused as FormsError).code).toBe('forms/unaccepted-flags');
    expect((refused as FormsError).details).toMatchObject({
      ids: [flags[0]!.id],
      kinds: ['missing-glyph'],
    });
    const pdf = await renderPdf(filled, fonts, { accept: [flags[0]!.id] });
    expect((await PDFDocument.load(pdf)).getPageCount()).toBe(1);
  });

  it('flags a variation sequence the font lacks instead of printing the base glyph quietly', () => {
    const flags = preflight(fillForms(catalog, withApplicantName('渡邉\u{E0100}　健太')), fonts);
    expect(flags.find((f) => f.kind === 'variation-unsupported')).toMatchObject({
      fieldId: 'name',
      codePoints: ['U+9089 U+E0100'],
      needsAcceptance: true,
    });
  });

  it('flags text that does not fit its box even at its smallest size', () => {
    const c = withApplicantName('渡邉　健太');
    const long = { ...c.persons[0]!.card!, address: '北海道北見市'.repeat(40) };
    const filled = fillForms(catalog, { ...c, persons: [{ ...c.persons[0]!, card: long }] });
    expect(
      preflight(filled, fonts)
        .filter((f) => f.needsAcceptance)
        .map((f) => [f.kind, f.fieldId]),
    ).toEqual([['overflow', 'address']]);
  });

  it('an acceptance is bound to the text it was given for', () => {
    const one = preflight(fillForms(catalog, withApplicantName(`山${NO_FONT_HAS}`)), fonts);
    const two = preflight(fillForms(catalog, withApplicantName(`川${NO_FONT_HAS}`)), fonts);
    const id = (f: typeof one): string | undefined => f.find((x) => x.kind === 'missing-glyph')?.id;
    expect(id(one)).toBeDefined();
    expect(id(one)).not.toBe(id(two));
  });

  it('whatever the name, preflight returns flags and never throws; only unknown code points are missing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }), (name) => {
        const flags = preflight(fillForms(catalog, withApplicantName(name)), fonts);
        for (const f of flags.filter((x) => x.kind === 'missing-glyph')) {
          for (const cp of f.codePoints ?? [])
            expect(cp).toMatch(/^U\+[0-9A-F]{4,6}( U\+[0-9A-F]{4,6})?$/);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('renderPdf', () => {
  it('one A4 page per sheet, fonts embedded as tagged subsets, nothing personal in the metadata', async () => {
    const filled = fillForms(catalog, sampleCase());
    const pdf = await renderPdf(filled, fonts);
    expect(pdf.length).toBeLessThan(200_000);
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBe(4);
    const { width, height } = doc.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    expect(doc.getTitle()).toBeUndefined();
    expect(doc.getAuthor()).toBeUndefined();
    const baseFonts = doc.context
      .enumerateIndirectObjects()
      .flatMap(([, o]) => (o instanceof PDFDict ? [o.get(PDFName.of('BaseFont'))] : []))
      .filter((n) => n !== undefined)
      .map(String);
    expect(new Set(baseFonts)).toEqual(new Set(['/KZSMJA+IPAmjMincho', '/KZSGTA+IPAexGothic']));
  });
});
