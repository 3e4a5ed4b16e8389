/**
 * The counter's resident look-up (issue 6): a counter device asks the municipality backend for
 * the resident record matching all four basic items read from a My Number Card, and sends the
 * My Number, when a procedure is 個人番号利用事務, to the backend only. Both sides parse with these
 * schemas; scripts/backend/openapi.yaml documents the routes.
 *
 * The four items are matched exactly after the normalisation below, never on fewer: the
 * 2023 linkage inspection found wrong links made by searching on two items and picking one of
 * several hits (seeds-B §2.6, 002:79), so a search that finds more than one record answers
 * `ambiguous` and names nobody.
 */
import { z } from 'zod';
import { parseIsoDate } from '../dates.ts';

export const COUNTER_PATHS = {
  /** `POST`: the resident record matching the four items. */
  lookup: '/v1/counter/residents/lookup',
  /** `POST`: the My Number read from the card, checked against the record; never stored. */
  myNumber: '/v1/counter/residents/my-number',
} as const;

/** The card's 性別 (reader/mynumber/basic-four.ts `Sex`). */
export const SEXES = ['male', 'female', 'not-known', 'not-applicable'] as const;
export type ResidentSex = (typeof SEXES)[number];

/** Half-width katakana and full-width ASCII: the block of width variants (Unicode FF00–FFEF). */
const WIDTH_VARIANTS = /[\uFF01-\uFFEF]+/g;
const WHITESPACE = /[\s\u3000\u200B]+/g;
/** Dash-like characters that municipal systems and cards write between address numbers. */
const ADDRESS_DASH = /(?<=\d)[\u002D\u2010-\u2015\u2212\u30FC\uFF0D\uFF70](?=\d)/g;

/**
 * Width and space differences only: full-width letters and digits become ASCII, half-width
 * katakana full-width (NFKC on those characters alone), and all spaces go. Nothing else changes:
 * whole-string NFKC or NFC would also map CJK compatibility ideographs to their unified forms,
 * and a name's 異体字 is part of the name (an MJ character or a variation selector stays as is).
 */
export function normaliseName(text: string): string {
  return text.replace(WIDTH_VARIANTS, (run) => run.normalize('NFKC')).replace(WHITESPACE, '');
}

/** As normaliseName, and the dashes between address numbers (１２－７, 12ー7, 12‐7) are one `-`. */
export function normaliseAddress(text: string): string {
  return normaliseName(text).replace(ADDRESS_DASH, '-');
}

const isoDate = z
  .string()
  .refine((s) => parseIsoDate(s) !== undefined, { message: 'a YYYY-MM-DD date' });
const text = (max: number) => z.string().min(1).max(max);

/** The four basic items as read from the card (基本4情報: 氏名・住所・生年月日・性別). */
export const LookupRequestSchema = z.strictObject({
  name: text(100),
  address: text(200),
  birthDate: isoDate,
  sex: z.enum(SEXES),
});
export type LookupRequest = z.output<typeof LookupRequestSchema>;

/** 宛名番号: the municipality's own number for a resident (not the My Number). */
export const ResidentIdSchema = z.string().regex(/^[0-9A-Za-z-]{1,32}$/, {
  message: 'resident id: 1–32 of 0-9, A-Z, a-z and -',
});

/** What the forms need from the resident record (住民記録). Optional fields may be absent. */
export const ResidentRecordSchema = z.strictObject({
  residentId: ResidentIdSchema,
  name: text(100),
  nameKana: text(100).optional(),
  birthDate: isoDate,
  sex: z.enum(SEXES),
  /** The registered address (住民票の住所). */
  address: text(200),
  postalCode: z
    .string()
    .regex(/^\d{3}-?\d{4}$/)
    .optional(),
  /** 世帯番号, 世帯主 and the resident's 続柄 to the householder. */
  householdId: ResidentIdSchema,
  householderName: text(100),
  relationship: text(20),
  /** Members of the household on the register, the resident included. */
  householdSize: z.int().min(1).max(99),
  /** 住民となった年月日. */
  residentSince: isoDate.optional(),
  phone: z
    .string()
    .regex(/^[0-9-]{6,20}$/)
    .optional(),
});
export type ResidentRecord = z.output<typeof ResidentRecordSchema>;

export const LookupResponseSchema = z.discriminatedUnion('outcome', [
  z.strictObject({
    outcome: z.literal('found'),
    resident: ResidentRecordSchema,
    serverTime: z.int().min(0),
  }),
  z.strictObject({ outcome: z.literal('not-found'), serverTime: z.int().min(0) }),
  /** More than one record has the four items: nobody is named; staff resolve it by hand. */
  z.strictObject({
    outcome: z.literal('ambiguous'),
    candidates: z.int().min(2),
    serverTime: z.int().min(0),
  }),
]);
export type LookupResponse = z.output<typeof LookupResponseSchema>;

/** 12 digits; the check digit is checked by the backend (reader/mynumber/my-number.ts rule). */
export const MyNumberRequestSchema = z.strictObject({
  residentId: ResidentIdSchema,
  myNumber: z.string().regex(/^\d{12}$/, { message: '12 digits' }),
  /** The counter case and its 個人番号利用事務 procedures, for the municipality's own records. */
  caseId: z.uuid(),
  procedures: z
    .array(z.string().regex(/^[a-z0-9-]{1,64}$/))
    .min(1)
    .max(20),
});
export type MyNumberRequest = z.output<typeof MyNumberRequestSchema>;

/**
 * `matches`: the number read from the chip is the one on the record; `differs`: it is not (a
 * linkage error to investigate, never to overwrite here); `no-record`: the record holds none.
 */
export const MY_NUMBER_OUTCOMES = ['matches', 'differs', 'no-record'] as const;
export type MyNumberOutcome = (typeof MY_NUMBER_OUTCOMES)[number];

export const MyNumberResponseSchema = z.strictObject({
  outcome: z.enum(MY_NUMBER_OUTCOMES),
  serverTime: z.int().min(0),
});
export type MyNumberResponse = z.output<typeof MyNumberResponseSchema>;
