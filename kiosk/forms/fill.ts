/**
 * Filling forms from a case, pure: templates + case data → one FilledForm per requested form,
 * each value with its source (card, resident record, staff, case, constant) and its person, so
 * the review screen can show where every printed character came from. A resident look-up that
 * has not happened yet prints 照会中 in its fields (source `pending`), so a form filled offline
 * from the card alone says so on paper.
 */
import type {
  CaseData,
  CasePerson,
  CardSex,
  FieldTemplate,
  FilledForm,
  FilledSheet,
  FilledValue,
  FormTemplate,
  ResidentFacts,
} from '../../shared/contracts/forms.ts';
import { assertNever } from '../../shared/errors.ts';
import { formatEraDate, formatGregorianDate } from './era.ts';
import { FormsError } from './errors.ts';
import type { FormCatalog } from './templates.ts';

/** Printed where a resident-record value awaits the backend look-up. */
export const PENDING_TEXT = '照会中';

const SEX_TEXT: Readonly<Record<CardSex, string>> = {
  male: '男',
  female: '女',
  'not-known': '不明', // JIS X 0303 code 0
  'not-applicable': '適用不能', // JIS X 0303 code 9
};

const RESIDENT_ITEM = {
  'resident.nameKana': 'nameKana',
  'resident.householdHead': 'householderName',
  'resident.relationship': 'relationship',
  'resident.registeredAddress': 'address',
  'resident.postalCode': 'postalCode',
  'resident.residentSince': 'residentSince',
  'resident.phone': 'phone',
} as const satisfies Record<string, keyof ResidentFacts>;

type Raw = Omit<FilledValue, 'fieldId' | 'label' | 'personId' | 'row' | 'groupId'>;

const blank = (reason: NonNullable<FilledValue['reason']>): Raw => ({
  text: '',
  source: 'blank',
  reason,
});

function rawValue(field: FieldTemplate, person: CasePerson | undefined, c: CaseData): Raw {
  const source = field.source;
  switch (source) {
    case 'card.name':
    case 'card.address':
    case 'card.birthDate':
    case 'card.sex': {
      const card = person?.card;
      if (!card) return blank('no-card');
      const item = source.slice('card.'.length) as 'name' | 'address' | 'birthDate' | 'sex';
      return { text: item === 'sex' ? card.sex : card[item], source: 'card' };
    }
    case 'resident.nameKana':
    case 'resident.householdHead':
    case 'resident.relationship':
    case 'resident.registeredAddress':
    case 'resident.postalCode':
    case 'resident.residentSince':
    case 'resident.phone': {
      const lookup = person?.resident ?? { state: 'not-requested' as const };
      switch (lookup.state) {
        case 'found': {
          const text = lookup.record[RESIDENT_ITEM[source]];
          return text ? { text, source: 'resident-record' } : blank('not-on-record');
        }
        case 'pending':
          return { text: PENDING_TEXT, source: 'pending' };
        case 'not-found':
        case 'ambiguous':
        case 'not-requested':
          return blank(lookup.state);
        default:
          return assertNever(lookup, 'resident look-up');
      }
    }
    case 'staff.input': {
      // Bound fields read the person's own inputs; unbound ones the case's.
      const inputs = person ? person.staff : c.staff;
      const text = field.key === undefined ? undefined : inputs?.[field.key];
      return text ? { text, source: 'staff' } : blank('not-entered');
    }
    case 'case.date':
      return { text: c.caseDate, source: 'case' };
    case 'constant':
      return { text: field.value ?? '', source: 'constant' };
    default:
      return assertNever(source, 'field source');
  }
}

function formatted(field: FieldTemplate, raw: Raw): Raw {
  if (raw.source === 'blank' || raw.source === 'pending') return raw;
  switch (field.format) {
    case 'text':
      return raw;
    case 'era-date':
    case 'gregorian-date': {
      const f = field.format === 'era-date' ? formatEraDate : formatGregorianDate;
      const text = f(raw.text, field.digits);
      return text === undefined ? { ...blank('invalid'), source: raw.source } : { ...raw, text };
    }
    case 'sex': {
      const text = (SEX_TEXT as Readonly<Record<string, string>>)[raw.text];
      return text === undefined ? { ...blank('invalid'), source: raw.source } : { ...raw, text };
    }
    default:
      return assertNever(field.format, 'field format');
  }
}

function valueOf(
  field: FieldTemplate,
  person: CasePerson | undefined,
  c: CaseData,
  where: { row?: number; groupId?: string } = {},
): FilledValue {
  return {
    fieldId: field.id,
    label: field.label,
    ...formatted(field, rawValue(field, person, c)),
    ...(person ? { personId: person.personId } : {}),
    ...where,
  };
}

function caseInvalid(message: string, details: Record<string, unknown> = {}): FormsError {
  return new FormsError('forms/case-invalid', message, { details });
}

function checkCase(c: CaseData): Map<string, CasePerson> {
  const persons = new Map<string, CasePerson>();
  for (const p of c.persons) {
    if (persons.has(p.personId))
      throw caseInvalid('a person is in the case twice', { personId: p.personId });
    persons.set(p.personId, p);
  }
  if (!persons.has(c.applicantId)) throw caseInvalid('the applicant is not among the persons');
  for (const f of c.forms) {
    for (const id of f.personIds ?? []) {
      if (!persons.has(id))
        throw caseInvalid('a form covers an unknown person', { formId: f.formId, personId: id });
    }
  }
  return persons;
}

function fillOne(
  t: FormTemplate,
  covered: readonly CasePerson[],
  applicant: CasePerson,
  c: CaseData,
): FilledForm {
  const members = t.groups.map((g) =>
    g.members === 'others' ? covered.filter((p) => p.personId !== applicant.personId) : covered,
  );
  const sheetCount = Math.max(
    1,
    ...t.groups.map((g, i) => Math.ceil((members[i] as CasePerson[]).length / g.rows)),
  );
  const sheets: FilledSheet[] = [];
  for (let s = 0; s < sheetCount; s += 1) {
    const values: FilledValue[] = t.fields.map((f) =>
      valueOf(f, f.person === 'applicant' ? applicant : undefined, c),
    );
    t.groups.forEach((g, gi) => {
      for (let row = 0; row < g.rows; row += 1) {
        const person = (members[gi] as CasePerson[])[s * g.rows + row];
        if (!person) break;
        for (const f of g.fields) values.push(valueOf(f, person, c, { row, groupId: g.id }));
      }
    });
    sheets.push({ sheet: s + 1, values });
  }
  return { template: t, sheets };
}

/** One filled form per requested form, in the order requested. */
export function fillForms(
  templates: FormCatalog | readonly FormTemplate[],
  c: CaseData,
): FilledForm[] {
  const persons = checkCase(c);
  const list =
    'forMunicipality' in templates ? templates.forMunicipality(c.municipality) : templates;
  const applicant = persons.get(c.applicantId) as CasePerson;
  return c.forms.map((request) => {
    const t = list.find(
      (x) => x.formId === request.formId && x.municipality.code === c.municipality,
    );
    if (!t) {
      throw new FormsError(
        'forms/template-missing',
        `no template ${c.municipality}/${request.formId}`,
        {
          details: { municipality: c.municipality, formId: request.formId },
        },
      );
    }
    const covered = request.personIds?.map((id) => persons.get(id) as CasePerson) ?? c.persons;
    return fillOne(t, covered, applicant, c);
  });
}
