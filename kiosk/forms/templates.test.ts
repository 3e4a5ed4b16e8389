import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isMunicipalityCode } from '../../shared/contracts/forms.ts';
import { FormsError } from './errors.ts';
import { loadTemplates, SHIPPED_TEMPLATES } from './load.ts';
import { parseTemplate, templatesFromDocuments } from './templates.ts';

const KITAMI = '012084';
const shipped = (formId: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(SHIPPED_TEMPLATES, KITAMI, `${formId}.json`), 'utf8')) as Record<
    string,
    unknown
  >;

function expectInvalid(run: () => unknown): FormsError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FormsError);
    return error as FormsError;
  }
  throw new Error('expected forms/template-invalid');
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function copyOfShipped(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kazasu-forms-'));
  dirs.push(dir);
  cpSync(SHIPPED_TEMPLATES, dir, { recursive: true });
  return dir;
}

describe('shipped templates', () => {
  it('Kitami has the four counter forms, each valid', () => {
    const catalog = loadTemplates();
    const forms = catalog.forMunicipality(KITAMI);
    expect(forms.map((t) => [t.formId, t.title, t.myNumberProcedure]).sort()).toEqual([
      ['juminhyo-request', '住民票の写し等交付請求書', false],
      ['moving-in', '住民異動届（転入）', true],
      ['nhi-enrolment', '国民健康保険 被保険者資格取得届', true],
      ['seal-registration', '印鑑登録申請書', false],
    ]);
    for (const t of forms) {
      expect(t.signature.label).toContain('署名');
      expect(t.fields.some((f) => f.source === 'card.name')).toBe(true);
    }
    expect(catalog.get(KITAMI, 'seal-registration')?.seal).toBeDefined();
  });

  it('checks the 全国地方公共団体コード check digit', () => {
    for (const ok of ['012084', '130001', '281000', '440001', '011002'])
      expect(isMunicipalityCode(ok)).toBe(true);
    for (const bad of ['012085', '01208', '0120845', 'abcdef', '440000'])
      expect(isMunicipalityCode(bad)).toBe(false);
  });
});

describe('template errors name the file and the field', () => {
  it('a bad box names the field by index and id', () => {
    const dir = copyOfShipped();
    const file = join(dir, KITAMI, 'juminhyo-request.json');
    const t = shipped('juminhyo-request');
    ((t['fields'] as Record<string, unknown>[])[1]!['box'] as Record<string, number>)['w'] = -3;
    writeFileSync(file, JSON.stringify(t));
    const e = expectInvalid(() => loadTemplates(dir));
    expect(e.code).toBe('forms/template-invalid');
    expect(e.message).toContain('juminhyo-request.json');
    expect(e.message).toContain('fields[1:applicant-address].box.w');
    expect(e.details).toMatchObject({ issues: [{ path: 'fields[1:applicant-address].box.w' }] });
  });

  it('semantic rules: unique ids, keys for staff inputs, persons for card values, formats', () => {
    const t = shipped('moving-in');
    const fields = t['fields'] as Record<string, unknown>[];
    fields[2] = { ...fields[2], id: 'date' };
    fields[3] = { ...fields[3], key: undefined };
    fields[6] = { ...fields[6], person: undefined };
    fields[1] = { ...fields[1], format: 'sex' };
    const e = expectInvalid(() => parseTemplate(t, 'moving-in.json'));
    const paths = (e.details['issues'] as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'fields[2:date].id',
        'fields[3:new-address].key',
        'fields[6:previous-address].person',
        'fields[1:move-date].format',
      ]),
    );
  });

  it('a template must sit in the folder of its municipality under its own form id', () => {
    const dir = copyOfShipped();
    writeFileSync(join(dir, KITAMI, 'other.json'), JSON.stringify(shipped('moving-in')));
    expect(expectInvalid(() => loadTemplates(dir)).message).toMatch(/other\.json: formId/);
  });

  it('not JSON, a duplicate, and a dataset key that disagrees are refused with their codes', () => {
    const dir = copyOfShipped();
    writeFileSync(join(dir, KITAMI, 'moving-in.json'), '{ "kazasuForm": 1,');
    expect(expectInvalid(() => loadTemplates(dir)).code).toBe('forms/template-invalid');
    const t = shipped('moving-in');
    expect(
      expectInvalid(() =>
        templatesFromDocuments([
          { key: `${KITAMI}/moving-in`, value: t },
          { key: `${KITAMI}/moving-in`, value: t },
        ]),
      ).code,
    ).toBe('forms/template-duplicate');
    expect(
      expectInvalid(() => templatesFromDocuments([{ key: `${KITAMI}/x`, value: t }])).message,
    ).toContain('(key)');
    expect(
      templatesFromDocuments([{ key: `${KITAMI}/moving-in`, value: t }]).get(KITAMI, 'moving-in'),
    ).toBeDefined();
  });
});

describe('malformed templates (property tests)', () => {
  const valid = shipped('nhi-enrolment');

  /** Every path into the template's JSON, for mutation. */
  function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
    if (Array.isArray(v)) return [at, ...v.flatMap((x, i) => paths(x, [...at, i]))];
    if (typeof v === 'object' && v !== null)
      return [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, k]))];
    return [at];
  }
  const all = paths(valid).filter((p) => p.length > 0);

  function mutate(path: readonly (string | number)[], value: unknown, remove: boolean): unknown {
    const copy = structuredClone(valid) as Record<string | number, unknown>;
    let at: Record<string | number, unknown> = copy;
    for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
    const last = path[path.length - 1] as string | number;
    if (remove) delete at[last];
    else at[last] = value;
    return copy;
  }

  it('any JSON value that is not a template is refused with forms/template-invalid', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const e = expectInvalid(() => parseTemplate(v, 'fuzz.json'));
        expect(e.code).toBe('forms/template-invalid');
      }),
    );
  });

  it('a template with any one value replaced or removed parses or is refused, never anything else', () => {
    fc.assert(
      fc.property(fc.constantFrom(...all), fc.jsonValue(), fc.boolean(), (path, value, remove) => {
        try {
          const t = parseTemplate(mutate(path, value, remove), 'fuzz.json');
          expect(t.formId).toMatch(/^[a-z0-9-]+$/);
        } catch (error) {
          expect(error).toBeInstanceOf(FormsError);
          expect((error as FormsError).code).toBe('forms/template-invalid');
          expect((error as FormsError).message.startsWith('fuzz.json: ')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
