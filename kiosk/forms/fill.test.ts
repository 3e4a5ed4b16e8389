import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  CaseData,
  CasePerson,
  FilledForm,
  FilledValue,
} from '../../shared/contracts/forms.ts';
import { FormsError } from './errors.ts';
import { fillForms, PENDING_TEXT } from './fill.ts';
import { loadTemplates } from './load.ts';
import { SAMPLE_CARD_ADDRESS, SAMPLE_NAMES, sampleCase } from './sample.ts';

const catalog = loadTemplates();

function value(form: FilledForm, fieldId: string, row?: number, sheet = 1): FilledValue {
  const v = form.sheets[sheet - 1]?.values.find((x) => x.fieldId === fieldId && x.row === row);
  if (!v) throw new Error(`no value ${fieldId}@${row}`);
  return v;
}

function byId(forms: FilledForm[], formId: string): FilledForm {
  const f = forms.find((x) => x.template.formId === formId);
  if (!f) throw new Error(formId);
  return f;
}

describe('fillForms', () => {
  const forms = fillForms(catalog, sampleCase());

  it('fills the requested forms in order, each value with its source and person', () => {
    expect(forms.map((f) => f.template.formId)).toEqual([
      'juminhyo-request',
      'moving-in',
      'seal-registration',
      'nhi-enrolment',
    ]);
    const j = byId(forms, 'juminhyo-request');
    expect(value(j, 'applicant-name')).toMatchObject({
      text: SAMPLE_NAMES.applicant,
      source: 'card',
      personId: 'p1',
    });
    expect(value(j, 'applicant-address')).toMatchObject({
      text: SAMPLE_CARD_ADDRESS,
      source: 'card',
    });
    expect(value(j, 'householder')).toMatchObject({ source: 'resident-record', personId: 'p1' });
    expect(value(j, 'purpose')).toMatchObject({ text: '年金の手続き', source: 'staff' });
    expect(value(j, 'identity')).toMatchObject({ source: 'constant' });
    expect(value(j, 'date')).toMatchObject({ text: '令和8年12月1日', source: 'case' });
    expect(value(j, 'purpose').personId).toBeUndefined();
  });

  it('binds each household row to its own person', () => {
    const j = byId(forms, 'juminhyo-request');
    expect(
      [0, 1, 2].map((row) => [
        value(j, 'subject-name', row).text,
        value(j, 'subject-name', row).personId,
      ]),
    ).toEqual([
      [SAMPLE_NAMES.applicant, 'p1'],
      [SAMPLE_NAMES.spouse, 'p2'],
      [SAMPLE_NAMES.child, 'p3'],
    ]);
    expect([0, 1, 2].map((row) => value(j, 'subject-birth', row).text)).toEqual([
      '昭和64年1月7日',
      '平成元年1月8日',
      '令和元年5月1日',
    ]);
    expect(value(j, 'subject-sex', 1).text).toBe('女');
    // The spouse's look-up has not happened: her record values say so, the card values do not wait.
    expect(value(j, 'subject-relationship', 1)).toMatchObject({
      text: PENDING_TEXT,
      source: 'pending',
      personId: 'p2',
    });
    expect(value(j, 'subject-relationship', 2)).toMatchObject({
      text: '子',
      source: 'resident-record',
    });
    expect(j.sheets[0]!.values.some((v) => v.row === 3)).toBe(false);
  });

  it('offline, the card still fills the form and every record value is pending', () => {
    const offline = fillForms(catalog, sampleCase({ offline: true }));
    const values = offline.flatMap((f) => f.sheets.flatMap((s) => s.values));
    const resident = values.filter((v) =>
      ['householder', 'subject-address', 'applicant-phone', 'kana'].includes(v.fieldId),
    );
    expect(resident.length).toBeGreaterThan(3);
    for (const v of resident) expect(v).toMatchObject({ text: PENDING_TEXT, source: 'pending' });
    expect(value(byId(offline, 'seal-registration'), 'name')).toMatchObject({
      source: 'card',
      text: SAMPLE_NAMES.applicant,
    });
  });

  it('says why a value is blank', () => {
    const base = sampleCase({ forms: ['nhi-enrolment'] });
    const persons: CasePerson[] = [
      { ...base.persons[0]!, resident: { state: 'not-found' } },
      { personId: 'p2', resident: { state: 'ambiguous' } },
      { ...base.persons[2]!, resident: { state: 'not-requested' } },
      { ...base.persons[2]!, personId: 'p4', resident: { state: 'found', record: {} } },
    ];
    const [f] = fillForms(catalog, { ...base, persons, staff: {} });
    expect(value(f!, 'householder').reason).toBe('not-found');
    expect(value(f!, 'member-relationship', 1).reason).toBe('ambiguous');
    expect(value(f!, 'member-name', 1)).toMatchObject({
      source: 'blank',
      reason: 'no-card',
      text: '',
    });
    expect(value(f!, 'member-relationship', 2).reason).toBe('not-requested');
    expect(value(f!, 'member-relationship', 3).reason).toBe('not-on-record');
    expect(value(f!, 'reason')).toMatchObject({ source: 'blank', reason: 'not-entered' });
  });

  it('continues on further sheets when a household has more persons than rows', () => {
    const base = sampleCase({ forms: ['nhi-enrolment'] });
    const persons = Array.from({ length: 7 }, (_, i) => ({
      ...base.persons[i % 3]!,
      personId: `q${i}`,
    }));
    const [f] = fillForms(catalog, { ...base, applicantId: 'q0', persons });
    expect(f!.sheets.map((s) => s.sheet)).toEqual([1, 2]);
    expect(value(f!, 'member-name', 1, 2).personId).toBe('q6');
    expect(value(f!, 'notifier-name', undefined, 2).personId).toBe('q0');
  });

  it('an unparseable date is blank with reason invalid, never a guess', () => {
    const c = sampleCase({ forms: ['moving-in'] });
    const [f] = fillForms(catalog, { ...c, staff: { ...c.staff, 'move-date': '2026-02-30' } });
    expect(value(f!, 'move-date')).toMatchObject({ text: '', reason: 'invalid', source: 'staff' });
  });

  it('refuses unknown forms and inconsistent cases with typed errors', () => {
    const c = sampleCase();
    const code = (x: CaseData): string => {
      try {
        fillForms(catalog, x);
        return 'none';
      } catch (error) {
        expect(error).toBeInstanceOf(FormsError);
        return (error as FormsError).code;
      }
    };
    expect(code({ ...c, forms: [{ formId: 'no-such-form' }] })).toBe('forms/template-missing');
    expect(code({ ...c, municipality: '130001' })).toBe('forms/template-missing');
    expect(code({ ...c, applicantId: 'zz' })).toBe('forms/case-invalid');
    expect(code({ ...c, persons: [...c.persons, c.persons[0]!] })).toBe('forms/case-invalid');
    expect(code({ ...c, forms: [{ formId: 'moving-in', personIds: ['zz'] }] })).toBe(
      'forms/case-invalid',
    );
  });

  it('prints card values exactly as the card holds them, whatever they are', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
        fc.string({ minLength: 1, maxLength: 60 }),
        (name, address) => {
          const c = sampleCase({ forms: ['seal-registration'] });
          const p1 = { ...c.persons[0]!, card: { ...c.persons[0]!.card!, name, address } };
          const [f] = fillForms(catalog, { ...c, persons: [p1] });
          expect(value(f!, 'name').text).toBe(name);
          expect(value(f!, 'address').text).toBe(address);
        },
      ),
      { numRuns: 200 },
    );
  });
});
