/**
 * Counter form templates and filled forms (issue 6): one declarative template per form per
 * municipality (configuration, not code; docs/architecture "Counter"), checked with these schemas
 * on the kiosk when loaded from kiosk/forms/templates or the `forms` dataset, by the backend before
 * publishing, and by the renderer's review screen, which shows a FilledForm value by value with
 * where each value came from.
 *
 * Geometry is in millimetres from the top-left corner of the sheet, as one measures a paper
 * form with a ruler; font sizes are in points. Only portrait A4 (ISO 216: 210 × 297 mm).
 */
import { z } from 'zod';

export const A4_MM = { width: 210, height: 297 } as const;

/** `name`: names and addresses, IPAmj Mincho (MJ characters, variation sequences); `label`: IPAex Gothic. */
export const FONT_ROLES = ['name', 'label'] as const;
export type FontRole = (typeof FONT_ROLES)[number];

/**
 * Where a field's value comes from. `card.*`: the basic four read from the person's My Number
 * Card; `resident.*`: the municipality's resident record (住民記録) found by all four items
 * (shared/contracts/residents.ts); `staff.input`: typed by staff on the review screen (`key`
 * names it); `case.date`: the day the case is handled; `constant`: the template's own `value`.
 * There is deliberately no source for the My Number: it goes to the backend only and is never
 * printed (a print job is a file in the CUPS spool).
 */
export const FIELD_SOURCES = [
  'card.name',
  'card.address',
  'card.birthDate',
  'card.sex',
  'resident.nameKana',
  'resident.householdHead',
  'resident.relationship',
  'resident.registeredAddress',
  'resident.postalCode',
  'resident.residentSince',
  'resident.phone',
  'staff.input',
  'case.date',
  'constant',
] as const;
export type FieldSource = (typeof FIELD_SOURCES)[number];

/** `text` as given (an address exactly as on the card); dates as 令和7年5月1日 or 2025年5月1日; 性別 as 男/女. */
export const FIELD_FORMATS = ['text', 'era-date', 'gregorian-date', 'sex'] as const;
export type FieldFormat = (typeof FIELD_FORMATS)[number];

const DATE_SOURCES: readonly FieldSource[] = [
  'card.birthDate',
  'resident.residentSince',
  'case.date',
  'staff.input',
];

const mm = z.number().min(0).max(A4_MM.height);
const pt = z.number().min(4).max(72);
const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'an id of a-z, 0-9 and -' });

export const BoxSchema = z
  .strictObject({
    x: mm,
    y: mm,
    w: z.number().positive().max(210),
    h: z.number().positive().max(297),
  })
  .refine((b) => b.x + b.w <= A4_MM.width + 1e-9 && b.y + b.h <= A4_MM.height + 1e-9, {
    message: 'the box must lie on the A4 sheet (210 × 297 mm)',
  });
export type Box = z.output<typeof BoxSchema>;

const ALIGN = z.enum(['left', 'center', 'right']);
const VALIGN = z.enum(['top', 'middle', 'bottom']);

/** A value box on the form. `person` binds card/resident values (and staff inputs) to a person. */
export const FieldSchema = z.strictObject({
  id,
  /** What staff see on the review screen next to the value. */
  label: z.string().min(1).max(64),
  source: z.enum(FIELD_SOURCES),
  /** staff.input: the input's name, shared by the fields that show the same input. */
  key: id.optional(),
  /** constant: the text. */
  value: z.string().max(200).optional(),
  /** Top-level fields: whose value (the 請求者/届出人, 'applicant'); absent in groups (the row's person). */
  person: z.literal('applicant').optional(),
  format: z.enum(FIELD_FORMATS).default('text'),
  /** Dates: ASCII or full-width digits (令和7年 / 令和７年). */
  digits: z.enum(['ascii', 'fullwidth']).default('ascii'),
  box: BoxSchema,
  font: z.enum(FONT_ROLES),
  size: pt,
  /** Text that does not fit is set smaller, down to this size, before it counts as overflowing. */
  minSize: pt.optional(),
  maxLines: z.int().min(1).max(10).default(1),
  align: ALIGN.default('left'),
  valign: VALIGN.default('middle'),
});
export type FieldTemplate = z.output<typeof FieldSchema>;

/** Fixed text printed on every copy: titles, box captions, notes. */
export const StaticTextSchema = z.strictObject({
  text: z.string().min(1).max(400),
  box: BoxSchema,
  font: z.enum(FONT_ROLES).default('label'),
  size: pt,
  maxLines: z.int().min(1).max(20).default(1),
  align: ALIGN.default('left'),
  valign: VALIGN.default('middle'),
});
export type StaticText = z.output<typeof StaticTextSchema>;

/** A ruled rectangle (a table cell); `fill: 'shade'` for caption cells. Line width in points. */
export const RuledBoxSchema = z.strictObject({
  box: BoxSchema,
  lineWidth: z.number().min(0).max(3).default(0.6),
  fill: z.enum(['none', 'shade']).default('none'),
});
export type RuledBox = z.output<typeof RuledBoxSchema>;

const point = z.tuple([mm, mm]);
export const RuleSchema = z.strictObject({
  from: point,
  to: point,
  lineWidth: z.number().min(0).max(3).default(0.6),
  dashed: z.boolean().default(false),
});
export type Rule = z.output<typeof RuleSchema>;

/** Rows repeated for the persons a form covers (異動者, 加入者): row i is offset by i × pitch. */
export const GroupSchema = z.strictObject({
  id,
  rows: z.int().min(1).max(12),
  pitch: z.number().positive().max(A4_MM.height),
  /** `all`: every person the form covers; `others`: all but the applicant. */
  members: z.enum(['all', 'others']).default('all'),
  fields: z.array(FieldSchema).min(1).max(40),
  texts: z.array(StaticTextSchema).max(80).default([]),
  boxes: z.array(RuledBoxSchema).max(80).default([]),
  rules: z.array(RuleSchema).max(80).default([]),
});
export type GroupTemplate = z.output<typeof GroupSchema>;

/** The box the resident signs in (署名欄) or seals (押印欄); `label` printed in its corner. */
export const MarkBoxSchema = z.strictObject({
  box: BoxSchema,
  label: z.string().min(1).max(40),
  size: pt.default(8),
});
export type MarkBox = z.output<typeof MarkBoxSchema>;

/** 全国地方公共団体コード: five digits and a check digit (JIS X 0402; 北見市 012084). */
export function isMunicipalityCode(code: string): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  const d = [...code].map(Number) as [number, number, number, number, number, number];
  const sum = d[0] * 6 + d[1] * 5 + d[2] * 4 + d[3] * 3 + d[4] * 2;
  // The last digit of 11 − (sum mod 11): 大分県 440001 (remainder 0), 神戸市 281000 (remainder 1).
  return (11 - (sum % 11)) % 10 === d[5];
}

export const FormTemplateSchema = z
  .strictObject({
    kazasuForm: z.literal(1),
    formId: id,
    municipality: z.strictObject({
      code: z.string().refine(isMunicipalityCode, {
        message: '全国地方公共団体コード: 6 digits with a valid check digit',
      }),
      name: z.string().min(1).max(32),
    }),
    title: z.string().min(1).max(64),
    paper: z.literal('A4'),
    /** 個人番号利用事務: the counter flow reads the My Number for this procedure (never printed). */
    myNumberProcedure: z.boolean(),
    fields: z.array(FieldSchema).max(120),
    groups: z.array(GroupSchema).max(4).default([]),
    texts: z.array(StaticTextSchema).max(300).default([]),
    boxes: z.array(RuledBoxSchema).max(300).default([]),
    rules: z.array(RuleSchema).max(300).default([]),
    signature: MarkBoxSchema,
    seal: MarkBoxSchema.optional(),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    const check = (f: FieldTemplate, path: (string | number)[], inGroup: boolean): void => {
      const at = (key: string, message: string): void =>
        ctx.addIssue({ code: 'custom', path: [...path, key], message });
      if (seen.has(f.id)) at('id', `field id "${f.id}" is used twice`);
      seen.add(f.id);
      if (f.source === 'staff.input' && f.key === undefined) at('key', 'staff.input needs a key');
      if (f.source !== 'staff.input' && f.key !== undefined)
        at('key', 'only staff.input has a key');
      if (f.source === 'constant' && f.value === undefined) at('value', 'constant needs a value');
      if (f.source !== 'constant' && f.value !== undefined)
        at('value', 'only constant has a value');
      if (inGroup && f.person !== undefined) at('person', 'a group row is bound to its own person');
      const personal = f.source.startsWith('card.') || f.source.startsWith('resident.');
      if (!inGroup && personal && f.person === undefined)
        at('person', `${f.source} needs "person": "applicant" outside a group`);
      if (
        (f.format === 'era-date' || f.format === 'gregorian-date') &&
        !DATE_SOURCES.includes(f.source)
      )
        at('format', `${f.source} is not a date`);
      if (f.format === 'sex' && f.source !== 'card.sex') at('format', 'sex formats card.sex only');
      if (f.minSize !== undefined && f.minSize > f.size) at('minSize', 'minSize is above size');
    };
    t.fields.forEach((f, i) => check(f, ['fields', i], false));
    t.groups.forEach((g, gi) => {
      g.fields.forEach((f, i) => check(f, ['groups', gi, 'fields', i], true));
      const lowest = Math.max(
        ...g.fields.map((f) => f.box.y + f.box.h),
        ...g.boxes.map((b) => b.box.y + b.box.h),
        ...g.texts.map((s) => s.box.y + s.box.h),
      );
      if (lowest + g.pitch * (g.rows - 1) > A4_MM.height + 1e-9)
        ctx.addIssue({
          code: 'custom',
          path: ['groups', gi, 'rows'],
          message: 'the last row runs off the sheet',
        });
    });
  });
export type FormTemplate = z.output<typeof FormTemplateSchema>;
/** A template as written in JSON (defaults not yet applied). */
export type FormTemplateInput = z.input<typeof FormTemplateSchema>;

// ---- Case data in, filled forms out -------------------------------------------------------

/** 性別 as on the card (reader/mynumber/basic-four.ts, JIS X 0303). */
export type CardSex = 'male' | 'female' | 'not-known' | 'not-applicable';

/** The basic four read from a person's card, exactly as the card holds them. */
export interface CardFacts {
  readonly name: string;
  readonly address: string;
  /** YYYY-MM-DD. */
  readonly birthDate: string;
  readonly sex: CardSex;
}

/** What the forms use of a resident record; a ResidentRecord (contracts/residents.ts) is one. */
export interface ResidentFacts {
  readonly nameKana?: string | undefined;
  readonly householderName?: string | undefined;
  readonly relationship?: string | undefined;
  readonly address?: string | undefined;
  readonly postalCode?: string | undefined;
  readonly residentSince?: string | undefined;
  readonly phone?: string | undefined;
}

/** The backend look-up for one person: `pending` until it has happened (offline, in flight). */
export type ResidentLookup =
  | { readonly state: 'found'; readonly record: ResidentFacts }
  | { readonly state: 'pending' }
  | { readonly state: 'not-found' }
  | { readonly state: 'ambiguous' }
  | { readonly state: 'not-requested' };

export interface CasePerson {
  /** The case's own handle for the person (no personal data). */
  readonly personId: string;
  readonly card?: CardFacts | undefined;
  readonly resident: ResidentLookup;
  /** Staff inputs about this person, by template key (フリガナ, 前住所 …). */
  readonly staff?: Readonly<Record<string, string>> | undefined;
}

export interface FormRequest {
  readonly formId: string;
  /** The persons this form covers, in row order; all the case's persons when absent. */
  readonly personIds?: readonly string[] | undefined;
}

export interface CaseData {
  /** 全国地方公共団体コード of the counter's municipality: templates are chosen by it. */
  readonly municipality: string;
  /** YYYY-MM-DD, the case's day in JST (from the flow's Clock). */
  readonly caseDate: string;
  /** 請求者 / 届出人 / 申請者: the person at the counter. */
  readonly applicantId: string;
  readonly persons: readonly CasePerson[];
  /** Case-level staff inputs by template key (転入日, 必要通数 …). */
  readonly staff?: Readonly<Record<string, string>> | undefined;
  readonly forms: readonly FormRequest[];
}

/**
 * Where a printed value came from (its `source`), for the review screen: `pending` prints 照会中 (the resident
 * look-up has not happened yet); `blank` prints nothing and `reason` says why.
 */
export const VALUE_SOURCES = [
  'card',
  'resident-record',
  'staff',
  'case',
  'constant',
  'pending',
  'blank',
] as const;
export type ValueSource = (typeof VALUE_SOURCES)[number];

export const BLANK_REASONS = [
  'no-card', // the person's card was not read
  'not-found', // the look-up found no record
  'ambiguous', // the look-up found several records; staff resolve it
  'not-requested', // no look-up was made
  'not-on-record', // the record has no such item
  'not-entered', // staff have not typed the input yet
  'invalid', // a value that cannot be formatted (preflight flags it)
  'no-person', // a row beyond the persons the form covers
] as const;
export type BlankReason = (typeof BLANK_REASONS)[number];

export const FilledValueSchema = z.strictObject({
  fieldId: id,
  label: z.string(),
  text: z.string(),
  source: z.enum(VALUE_SOURCES),
  reason: z.enum(BLANK_REASONS).optional(),
  /** The person the value belongs to (household cases: each value is bound to one person). */
  personId: z.string().optional(),
  /** Group rows: the row index, 0-based, on this sheet. */
  row: z.int().min(0).optional(),
  groupId: id.optional(),
});
export type FilledValue = z.output<typeof FilledValueSchema>;

export const FilledSheetSchema = z.strictObject({
  /** 1-based; a form covering more persons than its rows continues on further sheets. */
  sheet: z.int().min(1),
  values: z.array(FilledValueSchema),
});
export type FilledSheet = z.output<typeof FilledSheetSchema>;

export const FilledFormSchema = z.strictObject({
  template: FormTemplateSchema,
  sheets: z.array(FilledSheetSchema).min(1),
});
export type FilledForm = z.output<typeof FilledFormSchema>;

/**
 * Something staff must see before printing. `missing-glyph`: no font has the character;
 * `variation-unsupported`: the font lacks this variation sequence and would print the base
 * glyph; `overflow`: the text does not fit its box even at minSize; `invalid-value`: a value
 * that cannot be formatted. These need acceptance before rendering. `pending-lookup` is a
 * notice: the field prints 照会中. `codePoints` ('U+20BB7', 'U+9089 U+E0110') are part of a
 * name: show them, never log them.
 */
export const FLAG_KINDS = [
  'missing-glyph',
  'variation-unsupported',
  'overflow',
  'invalid-value',
  'pending-lookup',
] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

export const PreflightFlagSchema = z.strictObject({
  /** Stable across preflight runs of the same forms; renderPdf's `accept` lists these. */
  id: z.string(),
  kind: z.enum(FLAG_KINDS),
  needsAcceptance: z.boolean(),
  formId: id,
  sheet: z.int().min(1),
  fieldId: id,
  label: z.string(),
  personId: z.string().optional(),
  codePoints: z.array(z.string()).optional(),
});
export type PreflightFlag = z.output<typeof PreflightFlagSchema>;
