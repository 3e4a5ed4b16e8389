/**
 * Counter forms: templates, filling, preflight and PDF (issue 6). The public API for the counter
 * flow; everything else in kiosk/forms is internal.
 *
 *   const catalog = loadTemplates();              // kiosk/forms/templates/<code>/<form id>.json
 *   // or templatesFromDocuments(rows)            // the synced `forms` dataset, key "<code>/<form id>"
 *   const fonts = loadFontSet();                  // once per process: IPAmj Mincho + IPAex Gothic
 *
 *   const filled = fillForms(catalog, caseData);  // pure; FilledForm[] in the order of caseData.forms
 *   const flags = preflight(filled, fonts);       // PreflightFlag[]: show them on the review screen
 *   const pdf = await renderPdf(filled, fonts, { accept: idsStaffAccepted });   // Uint8Array
 *
 *   const printer = createCupsPrinter({ queue: 'Kazasu-PDF' });   // kiosk/devices/cups.ts
 *   const job = printer.print(pdf, `case-${caseId}`);             // title: no personal data
 *   job.onState((s) => show(s));                  // queued → printing → completed, or waiting/failed
 *   const final = await job.done;                 // never rejects: completed | failed{reason, problem?}
 *
 * Case data (shared/contracts/forms.ts CaseData): the municipality code, the case date (JST,
 * from the flow's Clock), the applicant (請求者/届出人), every person of the visit with their card's
 * basic four and the state of their resident look-up (`found` with the record, or `pending`,
 * `not-found`, `ambiguous`, `not-requested`), staff inputs per case and per person by template key,
 * and the forms chosen, each with the persons it covers (household rows follow that order).
 *
 * Filled values (FilledValue) carry `source` — `card`, `resident-record`, `staff`, `case`,
 * `constant`, `pending` (prints 照会中) or `blank` with a `reason` — and the `personId` they belong
 * to, for the review screen. Addresses and names are printed exactly as the card holds them.
 *
 * Preflight flags: `missing-glyph` (no font has a character), `variation-unsupported` (the font
 * lacks an IVS and would print the base glyph), `overflow` (text does not fit its box at its
 * minimum size), `invalid-value` (an unparseable date) need acceptance; `pending-lookup` is a
 * notice. renderPdf throws `forms/unaccepted-flags` (details.ids) for any not accepted by id; an
 * id stops matching when the text changes. Flags' `codePoints` are part of a name: show, never log.
 *
 * Templates are declarative JSON checked by FormTemplateSchema (shared/contracts/forms.ts) on
 * load; a bad one throws `forms/template-invalid` naming the file and field path
 * (`fields[1:applicant-address].box.w`). A template with `myNumberProcedure: true` marks a
 * 個人番号利用事務: the flow reads the My Number for it and sends it to the backend; no template can
 * print it (there is no source for it).
 */
export { fillForms, PENDING_TEXT } from './fill.ts';
export { DEFAULT_FONT_FILES, FontSet, loadFontSet } from './fonts.ts';
export { loadTemplates, SHIPPED_TEMPLATES } from './load.ts';
export { preflight, unacceptedFlags } from './preflight.ts';
export { renderPdf, type RenderOptions } from './render.ts';
export { sampleCase } from './sample.ts';
export { FormCatalog, parseTemplate, templatesFromDocuments } from './templates.ts';
export { formatEraDate, formatGregorianDate } from './era.ts';
export { FormsError, type FormsErrorCode } from './errors.ts';
export type {
  CaseData,
  CasePerson,
  FilledForm,
  FilledValue,
  FormTemplate,
  PreflightFlag,
} from '../../shared/contracts/forms.ts';
