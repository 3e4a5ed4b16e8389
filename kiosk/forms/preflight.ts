/**
 * What staff must see before a form is printed, pure given the fonts: characters no font has,
 * variation sequences the font lacks (it would print the base glyph), text that does not fit
 * its box even at its smallest size, values that could not be formatted, and fields waiting for
 * the resident look-up (照会中). Nothing is replaced silently: renderPdf refuses forms whose
 * flags needing acceptance were not accepted by id.
 *
 * A flag's id names the form (by position and id), sheet, field and row, the kind, and a short
 * hash of the text, so an acceptance no longer applies once the text changes. The id carries no
 * code points; `codePoints` does, and is for the screen only.
 */
import type { FilledForm, FlagKind, PreflightFlag } from '../../shared/contracts/forms.ts';
import type { FontSet } from './fonts.ts';
import { Placer, sheetTexts, type SheetText } from './layout.ts';
import { codePointLabel, toClusters } from './text.ts';

const NEEDS_ACCEPTANCE: Readonly<Record<FlagKind, boolean>> = {
  'missing-glyph': true,
  'variation-unsupported': true,
  overflow: true,
  'invalid-value': true,
  'pending-lookup': false,
};

/** FNV-1a, 32 bits: binds an acceptance to the exact text without putting the text in the id. */
function textHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function textOf(item: SheetText): string {
  return item.kind === 'value' ? item.value.text : item.spec.text;
}

export function preflight(
  forms: readonly FilledForm[],
  fonts: FontSet,
  placer: Placer = new Placer(fonts),
): PreflightFlag[] {
  const flags: PreflightFlag[] = [];
  forms.forEach((form, index) => {
    const formId = form.template.formId;
    for (const sheet of form.sheets) {
      for (const item of sheetTexts(form, sheet)) {
        // Fixed texts are the same on every sheet: check them once.
        if (item.kind === 'static' && sheet.sheet > 1) continue;
        const text = textOf(item);
        const fieldId = item.kind === 'value' ? item.value.fieldId : item.id;
        const row =
          item.kind === 'value' && item.value.row !== undefined ? `@${item.value.row}` : '';
        const flag = (kind: FlagKind, codePoints?: string[]): void => {
          flags.push({
            id: `${index}.${formId}/${sheet.sheet}/${fieldId}${row}/${kind}#${textHash(text)}`,
            kind,
            needsAcceptance: NEEDS_ACCEPTANCE[kind],
            formId,
            sheet: sheet.sheet,
            fieldId,
            label: item.kind === 'value' ? item.value.label : item.spec.text.slice(0, 20),
            ...(item.kind === 'value' && item.value.personId !== undefined
              ? { personId: item.value.personId }
              : {}),
            ...(codePoints ? { codePoints } : {}),
          });
        };
        if (item.kind === 'value' && item.value.source === 'pending') flag('pending-lookup');
        if (item.kind === 'value' && item.value.reason === 'invalid') flag('invalid-value');
        if (text === '') continue;
        const missing = new Set<string>();
        const variants = new Set<string>();
        for (const c of toClusters(text.replace(/\n/g, ''))) {
          const where = fonts.resolve(c, item.spec.font);
          if (where.kind === 'none') missing.add(codePointLabel(c));
          else if (where.kind === 'base-only') variants.add(codePointLabel(c));
        }
        if (missing.size > 0) flag('missing-glyph', [...missing]);
        if (variants.size > 0) flag('variation-unsupported', [...variants]);
        if (!placer.place(item).fits) flag('overflow');
      }
    }
  });
  return flags;
}

/** The flags that stop rendering: needing acceptance and not among `accepted` ids. */
export function unacceptedFlags(
  flags: readonly PreflightFlag[],
  accepted: readonly string[],
): PreflightFlag[] {
  const ok = new Set(accepted);
  return flags.filter((f) => f.needsAcceptance && !ok.has(f.id));
}
