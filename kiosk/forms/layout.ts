/**
 * Where text goes on the sheet, shared by preflight (does it fit, can it be set) and the
 * renderer (draw it), so both decide the same thing. Millimetres in, points out.
 */
import type {
  Box,
  FieldTemplate,
  FilledForm,
  FilledSheet,
  FilledValue,
  FontRole,
  StaticText,
} from '../../shared/contracts/forms.ts';
import type { FontSet } from './fonts.ts';
import { fitText, LINE_HEIGHT, widthEm, type Cluster, type FitResult } from './text.ts';

export const PT_PER_MM = 72 / 25.4;
/** ISO 216 A4 in points. */
export const A4_PT = { width: 210 * PT_PER_MM, height: 297 * PT_PER_MM } as const;
/** Inner margin between a box's rule and its text. */
export const PADDING_MM = 1.2;
/** Baseline of a CJK em box below its top (IPA fonts: ascent 1802 / 2048 units). */
export const BASELINE_EM = 0.88;
/** Unless a template says otherwise, text may shrink to this share of its size. */
export const DEFAULT_MIN_SCALE = 0.6;

export type TextSpec = Pick<
  FieldTemplate,
  'box' | 'font' | 'size' | 'maxLines' | 'align' | 'valign'
> & {
  readonly minSize?: number | undefined;
};

export interface PlacedLine {
  readonly clusters: readonly Cluster[];
  /** Left end of the baseline, in points from the bottom-left of the page (PDF space). */
  readonly x: number;
  readonly y: number;
}

export interface Placed extends FitResult {
  readonly role: FontRole;
  readonly placedLines: readonly PlacedLine[];
}

export function boxPt(box: Box): { x: number; top: number; width: number; height: number } {
  return {
    x: box.x * PT_PER_MM,
    top: box.y * PT_PER_MM,
    width: box.w * PT_PER_MM,
    height: box.h * PT_PER_MM,
  };
}

/** `dy` shifts the box down (group rows), in millimetres. */
export function placeText(
  text: string,
  spec: TextSpec | StaticText,
  fonts: FontSet,
  dy = 0,
): Placed {
  const b = boxPt({ ...spec.box, y: spec.box.y + dy });
  const pad = PADDING_MM * PT_PER_MM;
  const width = Math.max(1, b.width - 2 * pad);
  const height = Math.max(1, b.height - pad);
  const role = spec.font;
  const measure = (c: Cluster): number => fonts.measure(c, role);
  const minSize = ('minSize' in spec ? spec.minSize : undefined) ?? spec.size * DEFAULT_MIN_SCALE;
  const fit = fitText(
    {
      text,
      width,
      height,
      size: spec.size,
      minSize: Math.max(4, minSize),
      maxLines: spec.maxLines,
    },
    measure,
  );
  const pitch = fit.size * LINE_HEIGHT;
  const block = fit.lines.length * pitch;
  const free = b.height - block;
  const offset =
    spec.valign === 'top' ? pad / 2 : spec.valign === 'bottom' ? free - pad / 2 : free / 2;
  const placedLines = fit.lines.map((clusters, i) => {
    const w = widthEm(clusters, measure) * fit.size;
    const x =
      spec.align === 'left'
        ? b.x + pad
        : spec.align === 'right'
          ? b.x + b.width - pad - w
          : b.x + (b.width - w) / 2;
    const fromTop = b.top + offset + i * pitch + (pitch - fit.size) / 2 + BASELINE_EM * fit.size;
    return { clusters, x, y: A4_PT.height - fromTop };
  });
  return { ...fit, role, placedLines };
}

/** One piece of text printed on a sheet: a filled value or a template's fixed text. */
export type SheetText =
  | {
      readonly kind: 'value';
      readonly value: FilledValue;
      readonly spec: FieldTemplate;
      readonly dy: number;
    }
  | {
      readonly kind: 'static';
      readonly id: string;
      readonly spec: StaticText;
      readonly dy: number;
    };

/** Everything a sheet prints, in drawing order: fixed texts first, then values. */
export function sheetTexts(form: FilledForm, sheet: FilledSheet): SheetText[] {
  const t = form.template;
  const out: SheetText[] = t.texts.map((spec, i) => ({
    kind: 'static',
    id: `text-${i}`,
    spec,
    dy: 0,
  }));
  t.groups.forEach((g) => {
    for (let row = 0; row < g.rows; row += 1) {
      g.texts.forEach((spec, i) =>
        out.push({ kind: 'static', id: `${g.id}-text-${i}`, spec, dy: row * g.pitch }),
      );
    }
  });
  const top = new Map(t.fields.map((f) => [f.id, f]));
  const grouped = new Map(
    t.groups.map((g) => [g.id, { g, fields: new Map(g.fields.map((f) => [f.id, f])) }]),
  );
  for (const value of sheet.values) {
    const group = value.groupId === undefined ? undefined : grouped.get(value.groupId);
    const spec = group ? group.fields.get(value.fieldId) : top.get(value.fieldId);
    if (!spec) continue; // a value the template does not place (a hand-edited FilledForm)
    out.push({ kind: 'value', value, spec, dy: group ? (value.row ?? 0) * group.g.pitch : 0 });
  }
  return out;
}

/**
 * placeText with memory, shared by preflight and drawing within one render: each text is laid
 * out once. Fixed texts are remembered in the FontSet across renders (they are the template's);
 * values only for the lifetime of this Placer, since they are names and addresses.
 */
export class Placer {
  private readonly values = new WeakMap<object, Map<string, Placed>>();

  constructor(readonly fonts: FontSet) {}

  place(item: SheetText): Placed {
    if (item.kind === 'static') {
      let byRow = this.fonts.fixedLayouts.get(item.spec) as Map<number, Placed> | undefined;
      if (!byRow) {
        byRow = new Map();
        this.fonts.fixedLayouts.set(item.spec, byRow);
      }
      let placed = byRow.get(item.dy);
      if (!placed) {
        placed = placeText(item.spec.text, item.spec, this.fonts, item.dy);
        byRow.set(item.dy, placed);
      }
      return placed;
    }
    let byText = this.values.get(item.spec);
    if (!byText) {
      byText = new Map();
      this.values.set(item.spec, byText);
    }
    const key = `${item.dy}\u0000${item.value.text}`;
    let placed = byText.get(key);
    if (!placed) {
      placed = placeText(item.value.text, item.spec, this.fonts, item.dy);
      byText.set(key, placed);
    }
    return placed;
  }
}
