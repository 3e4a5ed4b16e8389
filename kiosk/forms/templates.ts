/**
 * Form templates from JSON, checked, pure: from files (load.ts) or from the `forms` dataset
 * the backend publishes (keys `<municipality code>/<form id>`). A template that fails is refused
 * with `forms/template-invalid` naming where it came from and each field path, with the field's
 * id where there is one (`fields[3:applicant-name].box.w`), and never a value.
 */
import { FormTemplateSchema, type FormTemplate } from '../../shared/contracts/forms.ts';
import { FormsError } from './errors.ts';

export interface TemplateIssue {
  readonly path: string;
  readonly message: string;
}

const MAX_ISSUES = 10;

function invalid(origin: string, issues: readonly TemplateIssue[]): FormsError {
  const list = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new FormsError('forms/template-invalid', `${origin}: ${list}`, {
    details: { origin, issues },
  });
}

/** `fields[3:applicant-name].box.w`: array items named by their id when they have one. */
export function describePath(raw: unknown, path: readonly PropertyKey[]): string {
  let out = '';
  let at: unknown = raw;
  for (const key of path) {
    if (typeof key === 'number') {
      const item: unknown = Array.isArray(at) ? at[key] : undefined;
      const id =
        typeof item === 'object' && item !== null && 'id' in item && typeof item.id === 'string'
          ? `:${item.id.slice(0, 64)}`
          : '';
      out += `[${key}${id}]`;
      at = item;
    } else {
      const name = String(key);
      out += out === '' ? name : `.${name}`;
      at =
        typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[name] : undefined;
    }
  }
  return out || '(root)';
}

/** A template from parsed JSON; `origin` names the file or dataset key in errors. */
export function parseTemplate(raw: unknown, origin: string): FormTemplate {
  const r = FormTemplateSchema.safeParse(raw);
  if (r.success) return r.data;
  throw invalid(
    origin,
    r.error.issues
      .slice(0, MAX_ISSUES)
      .map((i) => ({ path: describePath(raw, i.path), message: i.message })),
  );
}

export function parseTemplateText(text: string, origin: string): FormTemplate {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new FormsError('forms/template-invalid', `${origin}: not valid JSON`, {
      cause: error,
      details: { origin, issues: [{ path: '(root)', message: 'not valid JSON' }] },
    });
  }
  return parseTemplate(raw, origin);
}

/** Every municipality's templates, one per (municipality, form id). */
export class FormCatalog {
  private readonly byKey = new Map<string, FormTemplate>();

  constructor(templates: readonly FormTemplate[]) {
    for (const t of templates) {
      const key = catalogKey(t.municipality.code, t.formId);
      if (this.byKey.has(key)) {
        throw new FormsError('forms/template-duplicate', `two templates for ${key}`, {
          details: { municipality: t.municipality.code, formId: t.formId },
        });
      }
      this.byKey.set(key, t);
    }
  }

  get templates(): readonly FormTemplate[] {
    return [...this.byKey.values()];
  }

  get(municipality: string, formId: string): FormTemplate | undefined {
    return this.byKey.get(catalogKey(municipality, formId));
  }

  forMunicipality(municipality: string): readonly FormTemplate[] {
    return this.templates.filter((t) => t.municipality.code === municipality);
  }
}

export function catalogKey(municipality: string, formId: string): string {
  return `${municipality}/${formId}`;
}

/**
 * Templates from the `forms` dataset (DocumentRow: key `<code>/<form id>`, value the template).
 * The key must agree with the template it holds.
 */
export function templatesFromDocuments(
  rows: Iterable<{ readonly key: string; readonly value: unknown }>,
): FormCatalog {
  const out: FormTemplate[] = [];
  for (const row of rows) {
    const origin = `forms dataset key ${row.key}`;
    const t = parseTemplate(row.value, origin);
    if (row.key !== catalogKey(t.municipality.code, t.formId)) {
      throw invalid(origin, [
        { path: '(key)', message: `the key must be ${catalogKey(t.municipality.code, t.formId)}` },
      ]);
    }
    out.push(t);
  }
  return new FormCatalog(out);
}

/** A template read from `<dir>/<code>/<form id>.json` must say that code and form id. */
export function checkTemplatePlace(
  t: FormTemplate,
  folder: string,
  file: string,
  origin: string,
): void {
  const issues: TemplateIssue[] = [];
  if (t.municipality.code !== folder)
    issues.push({ path: 'municipality.code', message: `the folder says ${folder.slice(0, 16)}` });
  if (`${t.formId}.json` !== file)
    issues.push({ path: 'formId', message: `the file name says ${file.slice(0, 70)}` });
  if (issues.length > 0) throw invalid(origin, issues);
}
