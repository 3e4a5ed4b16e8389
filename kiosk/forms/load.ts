/** Reads the template folder: `<dir>/<municipality code>/<form id>.json`, one file per form. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FormTemplate } from '../../shared/contracts/forms.ts';
import { FormsError } from './errors.ts';
import { checkTemplatePlace, FormCatalog, parseTemplateText } from './templates.ts';

/** The templates shipped with Kazasu (kiosk/forms/templates). */
export const SHIPPED_TEMPLATES = new URL('./templates/', import.meta.url).pathname;

function unreadable(path: string, error: unknown): FormsError {
  return new FormsError('forms/template-unreadable', `cannot read ${path}`, {
    cause: error,
    details: { path },
  });
}

export function loadTemplates(dir: string = SHIPPED_TEMPLATES): FormCatalog {
  const list = (path: string): string[] => {
    try {
      return readdirSync(path).sort();
    } catch (error) {
      throw unreadable(path, error);
    }
  };
  const templates: FormTemplate[] = [];
  for (const folder of list(dir)) {
    const folderPath = join(dir, folder);
    if (!statSync(folderPath).isDirectory()) continue;
    for (const file of list(folderPath).filter((f) => f.endsWith('.json'))) {
      const path = join(folderPath, file);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        throw unreadable(path, error);
      }
      const origin = relative(process.cwd(), path) || path;
      const t = parseTemplateText(text, origin);
      checkTemplatePlace(t, folder, file, origin);
      templates.push(t);
    }
  }
  return new FormCatalog(templates);
}
