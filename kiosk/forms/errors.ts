import { KazasuError } from '../../shared/errors.ts';

/** Failures of form templates, filling, preflight and PDF rendering. Stable codes. */
export type FormsErrorCode =
  | 'forms/template-unreadable' // a template file or folder cannot be read
  | 'forms/template-invalid' // not JSON, or fails the schema; details name the file and field paths
  | 'forms/template-duplicate' // two templates for the same municipality and form id
  | 'forms/template-missing' // a case asks for a form the municipality has no template for
  | 'forms/case-invalid' // case data that does not hold together (unknown person, duplicate id)
  | 'forms/font-unreadable' // a font file cannot be read
  | 'forms/font-invalid' // bytes that are not a usable TrueType/OpenType font
  | 'forms/unaccepted-flags' // preflight found problems the caller has not accepted
  | 'forms/render-failed'; // pdf-lib or fontkit failed while writing the PDF

export class FormsError extends KazasuError<FormsErrorCode> {}
