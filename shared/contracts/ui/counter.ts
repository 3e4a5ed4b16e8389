/**
 * The write-less counter (書かないワンストップ窓口) on the local API (shared/contracts/local-api.ts):
 * the state the service pushes as `counter.view` — one view with a part for staff (the case,
 * the persons in it, the look-up, the procedures, the review, the print job) and the prompt the
 * resident-facing screen shows (place your card, PIN pad, look at the camera, consent, remove
 * your card …) — and the methods the two screens call.
 *
 * Privacy (architecture "Data rules"): the view carries personal data only where a screen must
 * show it, which is the review for staff (each value of the filled forms with its source). Persons
 * are `p1`, `p2` … everywhere else. It never carries a My Number (no form has a source for it),
 * a PIN or 照合番号B (they travel UI → service only, and the service zeroes its copy after use),
 * or a card identifier.
 */
import { z } from 'zod';
import { FilledValueSchema, PreflightFlagSchema } from '../forms.ts';

/** The flow's phases (kiosk/counter/types.ts `Phase`). */
export const COUNTER_PHASES = [
  'idle',
  'awaiting-card',
  'choosing-method',
  'pin-entry',
  'code-b-entry',
  'opening-face',
  'face-capturing',
  'face-retry',
  'staff-check',
  'reading',
  'consent',
  'looking-up',
  'person-ready',
  'my-number',
  'reading-my-number',
  'filling-forms',
  'review',
  'printing',
  'print-failed',
  'awaiting-signature',
  'signed',
] as const;
export type CounterPhase = (typeof COUNTER_PHASES)[number];

export const AUTH_METHODS = ['pin', 'face', 'staff-check'] as const;
export type CounterAuthMethod = (typeof AUTH_METHODS)[number];

/** Why staff checked the holder against the card face themselves. */
export const STAFF_CHECK_REASONS = [
  'pin-forgotten',
  'pin-blocked',
  'face-not-matched',
  'camera-unavailable',
  'other',
] as const;

/** awaiting-consent: read, waiting for the holder's answer; declined: card-only, never looked up. */
export const LOOKUP_STATES = [
  'awaiting-consent',
  'declined',
  'running',
  'found',
  'not-found',
  'ambiguous',
  'offline',
  'failed',
] as const;

export const MY_NUMBER_STATES = [
  'not-needed',
  'needed',
  'pending',
  'matches',
  'differs',
  'no-record',
] as const;

/** What the flow tells staff and the resident (kiosk/counter/types.ts `NoticeCode`). */
export const COUNTER_NOTICE_CODES = [
  'not-a-my-number-card',
  'same-card-twice',
  'same-person-twice',
  'one-card-at-a-time',
  'household-full',
  'card-removed',
  'card-swapped',
  'card-not-genuine',
  'read-failed',
  'pin-wrong',
  'pin-invalid',
  'confirm-last-try',
  'pin-blocked',
  'code-b-wrong',
  'code-b-needed',
  'face-failed',
  'face-limit',
  'camera-unavailable',
  'staff-check-not-yet',
  'lookup-pending',
  'lookup-declined',
  'lookup-not-found',
  'lookup-ambiguous',
  'procedures-invalid',
  'place-card',
  'wrong-card-for-person',
  'my-number-pending',
  'forms-failed',
  'glyph-problems',
  'print-failed',
  'not-now',
] as const;
export type CounterNoticeCode = (typeof COUNTER_NOTICE_CODES)[number];

/** What the look-up consent covers: its purpose and the items shared for it. */
export const CONSENT_PURPOSES = ['resident-lookup'] as const;
export const CONSENT_ITEMS = ['name', 'address', 'birth-date', 'sex'] as const;
export const CONSENT_ANSWERS = ['agreed', 'declined'] as const;

const code = z.string().regex(/^[a-z0-9][a-z0-9./-]{0,63}$/);
export const PersonIdSchema = z.string().regex(/^p[1-9][0-9]?$/);
const formId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);
const tries = z.int().min(0).max(20);

export const CounterNoticeSchema = z.strictObject({
  code: z.enum(COUNTER_NOTICE_CODES),
  triesLeft: tries.nullable(),
  person: PersonIdSchema.nullable(),
  /** The error code behind it (`reader/pin-wrong`, `print/paper-out` …). */
  cause: code.nullable(),
});
export type CounterNotice = z.output<typeof CounterNoticeSchema>;

export const ConsentRecordSchema = z.strictObject({
  purpose: z.enum(CONSENT_PURPOSES),
  scope: z.array(z.enum(CONSENT_ITEMS)).min(1).max(CONSENT_ITEMS.length),
  answer: z.enum(CONSENT_ANSWERS),
  /** When the holder answered (service clock, epoch ms). */
  at: z.int().min(0),
});

/** One person of the case, as staff follow them: no name, no card identifier. */
export const CounterPersonSchema = z.strictObject({
  id: PersonIdSchema,
  method: z.enum(AUTH_METHODS),
  staffReason: z.enum(STAFF_CHECK_REASONS).nullable(),
  lookup: z.enum(LOOKUP_STATES),
  myNumber: z.enum(MY_NUMBER_STATES),
  consent: ConsentRecordSchema.nullable(),
});
export type CounterPerson = z.output<typeof CounterPersonSchema>;

/** The card on the reader and how far its holder got. */
export const CounterCardSchema = z.strictObject({
  person: PersonIdSchema,
  /** new-person: becomes a person of the case; my-number: gives that person's My Number. */
  purpose: z.enum(['new-person', 'my-number']),
  pin: z.strictObject({ state: z.enum(['ready', 'blocked']), triesLeft: tries.nullable() }),
  method: z.enum(AUTH_METHODS).nullable(),
  faceAvailable: z.boolean(),
  faceTriesLeft: tries,
  /** The card face is open with 照合番号B. */
  faceReady: z.boolean(),
  staffCheckAllowed: z.boolean(),
  read: z.boolean(),
});
export type CounterCard = z.output<typeof CounterCardSchema>;

export const StaffInputSchema = z.strictObject({
  key: formId,
  label: z.string().min(1).max(64),
  /** A date (YYYY-MM-DD); the form prints it as 令和…. */
  date: z.boolean(),
  /** Typed per person of the form, not once per case. */
  perPerson: z.boolean(),
});
export type StaffInput = z.output<typeof StaffInputSchema>;

/** A procedure the municipality's templates offer: one procedure, one form. */
export const CounterProcedureSchema = z.strictObject({
  id: formId,
  title: z.string().min(1).max(64),
  /** 個人番号利用事務: the My Number is read for it, from the person's card with their PIN. */
  myNumberUse: z.boolean(),
  inputs: z.array(StaffInputSchema).max(60),
});
export type CounterProcedure = z.output<typeof CounterProcedureSchema>;

export const ChosenProcedureSchema = z.strictObject({
  id: formId,
  persons: z.array(PersonIdSchema).min(1).max(20),
});

/** The review: every value of every form with its source, and the flags to accept. */
export const CounterReviewSchema = z.strictObject({
  forms: z
    .array(
      z.strictObject({
        formId,
        title: z.string().min(1).max(64),
        sheets: z
          .array(
            z.strictObject({ sheet: z.int().min(1), values: z.array(FilledValueSchema).max(400) }),
          )
          .min(1)
          .max(20),
      }),
    )
    .max(20),
  flags: z.array(PreflightFlagSchema.extend({ accepted: z.boolean() })).max(400),
  pages: z.int().min(0),
});
export type CounterReview = z.output<typeof CounterReviewSchema>;

/** submitting → queued → printing → completed; waiting: a printer problem (paper out, offline …). */
export const PRINT_STATES = [
  'submitting',
  'queued',
  'printing',
  'waiting',
  'completed',
  'failed',
] as const;
export type PrintState = (typeof PRINT_STATES)[number];

export const CounterPrintSchema = z.strictObject({
  state: z.enum(PRINT_STATES),
  /** Why it waits (paper-out, offline, printer-stopped, door-open …). */
  problem: code.nullable(),
  /** Why it failed (`print/paper-out`, `print/queue-missing` …). */
  code: code.nullable(),
  /** The CUPS job id (no personal data: job titles carry the case id only). */
  jobId: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,32}$/)
    .nullable(),
});
export type CounterPrint = z.output<typeof CounterPrintSchema>;

export const CounterStaffViewSchema = z.strictObject({
  persons: z.array(CounterPersonSchema).max(20),
  card: CounterCardSchema.nullable(),
  procedures: z.array(CounterProcedureSchema).max(60),
  chosen: z.array(ChosenProcedureSchema).max(20),
  /** Persons whose My Number is still to be read, in order. */
  myNumberQueue: z.array(PersonIdSchema).max(20),
  review: CounterReviewSchema.nullable(),
  print: CounterPrintSchema.nullable(),
});
export type CounterStaffView = z.output<typeof CounterStaffViewSchema>;

/** What the resident-facing screen asks of the resident now. */
export const ResidentPromptSchema = z.discriminatedUnion('kind', [
  /** No case open: staff will call the resident. */
  z.strictObject({ kind: z.literal('closed') }),
  z.strictObject({
    kind: z.literal('place-card'),
    /** first: the visit's first card; next-person: a household member's; my-number: again, for the My Number. */
    for: z.enum(['first', 'next-person', 'my-number']),
    person: PersonIdSchema.nullable(),
  }),
  z.strictObject({ kind: z.literal('choose-method'), pin: z.boolean(), face: z.boolean() }),
  z.strictObject({
    kind: z.literal('pin'),
    triesLeft: z.int().min(1).max(20),
    /** One try left: the screen asks for explicit confirmation before sending it. */
    lastTry: z.boolean(),
    forMyNumber: z.boolean(),
  }),
  /** Face framing: opening (the card face is being read), capturing (look at the camera). */
  z.strictObject({ kind: z.literal('face'), step: z.enum(['opening', 'capturing']) }),
  /** `pin`: the PIN can be offered instead. */
  z.strictObject({ kind: z.literal('face-retry'), triesLeft: tries, pin: z.boolean() }),
  z.strictObject({
    kind: z.literal('consent'),
    person: PersonIdSchema,
    purpose: z.enum(CONSENT_PURPOSES),
    scope: z.array(z.enum(CONSENT_ITEMS)).min(1).max(CONSENT_ITEMS.length),
  }),
  z.strictObject({
    kind: z.literal('wait'),
    for: z.enum(['code-b', 'staff-check', 'reading', 'looking-up', 'staff', 'forms', 'printing']),
  }),
  z.strictObject({ kind: z.literal('remove-card') }),
  z.strictObject({ kind: z.literal('sign') }),
  z.strictObject({ kind: z.literal('done') }),
]);
export type ResidentPrompt = z.output<typeof ResidentPromptSchema>;

export const CounterViewSchema = z.strictObject({
  /** Service clock (epoch ms) when this view was made. */
  at: z.int().min(0),
  caseId: z.uuid().nullable(),
  phase: z.enum(COUNTER_PHASES),
  notice: CounterNoticeSchema.nullable(),
  /** The resident look-up: offline means card-only prefill, the look-up pending on the form. */
  backend: z.enum(['online', 'offline', 'unknown']),
  camera: z.enum(['ok', 'unreachable', 'closed', 'absent']),
  /** A card lies on a reader (after the case closed: "please take your card"). */
  cardOnReader: z.boolean(),
  staff: CounterStaffViewSchema,
  resident: ResidentPromptSchema,
});
export type CounterView = z.output<typeof CounterViewSchema>;

const inputValue = z
  .string()
  .max(200)
  .regex(/^[^\p{Cc}]*$/u, { message: 'no control characters' });
const inputs = z.record(formId, inputValue);

/** Methods of the counter role, with their params schemas (each answers with the view). */
export const COUNTER_METHODS = {
  'counter.get': z.undefined(),
  'counter.openCase': z.undefined(),
  'counter.chooseMethod': z.strictObject({ method: z.enum(AUTH_METHODS) }),
  /** The PIN as typed on the pad; never logged, zeroed by the service after use. */
  'counter.enterPin': z.strictObject({
    pin: z.string().regex(/^\d{4}$/),
    /** The holder confirmed spending the last try. */
    confirmLastTry: z.boolean().default(false),
  }),
  /** 照合番号B keyed by staff from the card face (birth date, expiry year, security code). */
  'counter.enterCodeB': z.strictObject({ codeB: z.string().regex(/^\d{14}$/) }),
  'counter.staffCheck': z.strictObject({ reason: z.enum(STAFF_CHECK_REASONS) }),
  'counter.consent': z.strictObject({ answer: z.enum(CONSENT_ANSWERS) }),
  'counter.chooseProcedures': z.strictObject({
    procedures: z.array(ChosenProcedureSchema).min(1).max(20),
    inputs: z
      .strictObject({
        case: inputs.default({}),
        persons: z.record(PersonIdSchema, inputs).default({}),
      })
      .prefault({}),
  }),
  /** Leave a person's My Number for later (PIN blocked, card not at hand); never typed in. */
  'counter.deferMyNumber': z.strictObject({ person: PersonIdSchema }),
  /** Staff accept preflight flags (a character no font has …) by id, after looking at them. */
  'counter.acceptFlags': z.strictObject({ ids: z.array(z.string().min(1).max(200)).max(400) }),
  'counter.confirmReview': z.undefined(),
  /** Prints again after a failed print (paper refilled, printer back). */
  'counter.print': z.undefined(),
  'counter.signed': z.undefined(),
  'counter.closeCase': z.undefined(),
} as const;

/** Demo only: what the simulated counter peripherals do. */
export const COUNTER_DEMO_METHODS = {
  /** What the simulated face camera sees at the next captures. */
  'demo.camera': z.strictObject({ outcome: z.enum(['match', 'no-match', 'not-live', 'no-face']) }),
  /** The reference backend (resident register) goes away or comes back. */
  'demo.backend': z.strictObject({ online: z.boolean() }),
} as const;

export const COUNTER_EVENTS = { 'counter.view': CounterViewSchema } as const;
