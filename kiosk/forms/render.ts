/**
 * Filled forms to one PDF, one A4 page per sheet (pdf-lib + @pdf-lib/fontkit). Both fonts are
 * embedded as subsets (a page with a name and an address carries a few dozen glyphs, not the
 * 46 MB of IPAmj Mincho), from the fontkit fonts the FontSet opened once. Preflight runs first:
 * a flag that needs acceptance and was not accepted refuses the render (`forms/unaccepted-flags`).
 * Accepted, a character no font has prints as 〓 and a sequence the font lacks as its base glyph.
 *
 * The PDF has no title or other metadata naming anyone: print queues and spool logs keep it.
 */
import { grayscale, PDFDocument, type PDFFont, type PDFPage } from 'pdf-lib';
import type { FilledForm, FontRole, MarkBox } from '../../shared/contracts/forms.ts';
import { FormsError } from './errors.ts';
import { MISSING_GLYPH_MARK, NO_FEATURES, type FontSet } from './fonts.ts';
import { A4_PT, boxPt, placeText, Placer, sheetTexts, type Placed } from './layout.ts';
import { preflight, unacceptedFlags } from './preflight.ts';
import type { Cluster } from './text.ts';

export interface RenderOptions {
  /** Ids of the preflight flags staff accepted. */
  readonly accept?: readonly string[];
}

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];

const INK = grayscale(0);
const SHADE = grayscale(0.9);
const PENDING_INK = grayscale(0.4);
const GUIDE = grayscale(0.6);

/** PDF 32000-1 §9.6.4: a subset font's name starts with six capital letters and '+'. */
const SUBSET_TAG: Readonly<Record<FontRole, string>> = { name: 'KZSMJA', label: 'KZSGTA' };

/** Hands pdf-lib the already opened fontkit fonts instead of parsing the files again. */
function openedFonts(fonts: FontSet): Fontkit {
  const byBytes = new Map<Uint8Array, unknown>([
    [fonts.fonts.name.bytes, fonts.fonts.name.forPdf],
    [fonts.fonts.label.bytes, fonts.fonts.label.forPdf],
  ]);
  return {
    create(buffer: Uint8Array) {
      const font = byBytes.get(buffer);
      if (font === undefined)
        throw new FormsError('forms/render-failed', 'a font the FontSet did not open');
      return font as ReturnType<Fontkit['create']>;
    },
  };
}

class PageWriter {
  private readonly embedded = new Map<FontRole, Promise<PDFFont>>();

  constructor(
    private readonly doc: PDFDocument,
    private readonly fonts: FontSet,
  ) {}

  font(role: FontRole): Promise<PDFFont> {
    let f = this.embedded.get(role);
    if (!f) {
      const loaded = this.fonts.fonts[role];
      f = this.doc.embedFont(loaded.bytes, {
        subset: true,
        customName: `${SUBSET_TAG[role]}+${loaded.postscriptName}`,
        features: NO_FEATURES,
      });
      this.embedded.set(role, f);
    }
    return f;
  }

  /** Draws placed lines run by run: each run is the clusters one font sets. */
  async text(page: PDFPage, placed: Placed, ink = INK): Promise<void> {
    for (const line of placed.placedLines) {
      let x = line.x;
      let run: { role: FontRole; text: string; width: number } | undefined;
      const flush = async (): Promise<void> => {
        if (!run || run.text === '') return;
        page.drawText(run.text, {
          x,
          y: line.y,
          size: placed.size,
          font: await this.font(run.role),
          color: ink,
        });
        x += run.width;
      };
      for (const c of line.clusters) {
        const piece = this.piece(c, placed.role);
        const width = this.fonts.measure(c, placed.role) * placed.size;
        if (run && run.role === piece.role) {
          run.text += piece.text;
          run.width += width;
        } else {
          await flush();
          run = { ...piece, width };
        }
      }
      await flush();
    }
  }

  private piece(c: Cluster, role: FontRole): { role: FontRole; text: string } {
    const where = this.fonts.resolve(c, role);
    switch (where.kind) {
      case 'exact':
        return { role: where.role, text: c.text };
      case 'base-only':
        return { role: where.role, text: String.fromCodePoint(c.base) };
      case 'none':
        return { role: 'label', text: MISSING_GLYPH_MARK };
    }
  }
}

function rect(page: PDFPage, box: MarkBox['box'], lineWidth: number, fill?: typeof SHADE): void {
  const b = boxPt(box);
  page.drawRectangle({
    x: b.x,
    y: A4_PT.height - b.top - b.height,
    width: b.width,
    height: b.height,
    borderWidth: lineWidth,
    borderColor: INK,
    ...(fill ? { color: fill } : {}),
  });
}

async function drawMark(
  page: PDFPage,
  w: PageWriter,
  fonts: FontSet,
  mark: MarkBox,
  seal: boolean,
): Promise<void> {
  rect(page, mark.box, 1);
  const caption = {
    box: { ...mark.box, h: Math.min(mark.box.h, mark.size * 0.5) },
    font: 'label' as const,
    size: mark.size,
    maxLines: 1,
    align: 'left' as const,
    valign: 'top' as const,
  };
  await w.text(page, placeText(mark.label, caption, fonts));
  if (seal) {
    const b = boxPt(mark.box);
    const r = Math.min(b.width, b.height) * 0.38;
    page.drawEllipse({
      x: b.x + b.width / 2,
      y: A4_PT.height - b.top - b.height / 2 - mark.size * 0.2,
      xScale: r,
      yScale: r,
      borderWidth: 0.5,
      borderColor: GUIDE,
      borderDashArray: [2, 2],
    });
  }
}

async function drawForm(
  doc: PDFDocument,
  w: PageWriter,
  placer: Placer,
  form: FilledForm,
): Promise<void> {
  const fonts = placer.fonts;
  const t = form.template;
  for (const sheet of form.sheets) {
    const page = doc.addPage([A4_PT.width, A4_PT.height]);
    const shapes = [
      { dy: 0, boxes: t.boxes, rules: t.rules },
      ...t.groups.flatMap((g) =>
        Array.from({ length: g.rows }, (_, row) => ({
          dy: row * g.pitch,
          boxes: g.boxes,
          rules: g.rules,
        })),
      ),
    ];
    for (const s of shapes) {
      for (const b of s.boxes)
        rect(
          page,
          { ...b.box, y: b.box.y + s.dy },
          b.lineWidth,
          b.fill === 'shade' ? SHADE : undefined,
        );
      for (const r of s.rules) {
        const [x1, y1] = r.from;
        const [x2, y2] = r.to;
        const k = 72 / 25.4;
        page.drawLine({
          start: { x: x1 * k, y: A4_PT.height - (y1 + s.dy) * k },
          end: { x: x2 * k, y: A4_PT.height - (y2 + s.dy) * k },
          thickness: r.lineWidth,
          color: INK,
          ...(r.dashed ? { dashArray: [2, 2] } : {}),
        });
      }
    }
    for (const item of sheetTexts(form, sheet)) {
      const text = item.kind === 'value' ? item.value.text : item.spec.text;
      if (text === '') continue;
      const pending = item.kind === 'value' && item.value.source === 'pending';
      await w.text(page, placer.place(item), pending ? PENDING_INK : INK);
    }
    await drawMark(page, w, fonts, t.signature, false);
    if (t.seal) await drawMark(page, w, fonts, t.seal, true);
  }
}

export async function renderPdf(
  forms: readonly FilledForm[],
  fonts: FontSet,
  options: RenderOptions = {},
): Promise<Uint8Array> {
  const placer = new Placer(fonts);
  const refused = unacceptedFlags(preflight(forms, fonts, placer), options.accept ?? []);
  if (refused.length > 0) {
    throw new FormsError(
      'forms/unaccepted-flags',
      `${refused.length} preflight flag(s) not accepted`,
      {
        details: { ids: refused.map((f) => f.id), kinds: [...new Set(refused.map((f) => f.kind))] },
      },
    );
  }
  try {
    const doc = await PDFDocument.create({ updateMetadata: false });
    doc.registerFontkit(openedFonts(fonts));
    doc.setProducer('Kazasu');
    doc.setCreator('Kazasu forms');
    const writer = new PageWriter(doc, fonts);
    for (const form of forms) await drawForm(doc, writer, placer, form);
    return await doc.save({ useObjectStreams: true });
  } catch (error) {
    if (error instanceof FormsError) throw error;
    throw new FormsError('forms/render-failed', 'writing the PDF failed', { cause: error });
  }
}
