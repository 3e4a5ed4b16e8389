/**
 * The library self-checkout on the local API (shared/contracts/local-api.ts): the patron-facing
 * screen state the service pushes as `library.view`, and the few methods the screen may call.
 * Patrons identify with the scanner and the card reader, never through the screen; the screen
 * only offers the large 終了 (finish) button.
 *
 * Privacy (shared/contracts/sync/library.ts, 図書館の自由に関する宣言 第3): the view never holds
 * a patron id, a library card number or a card identifier. A display name appears only when the
 * library system sent one (SIP2 64 AE) and the device config allows showing it.
 */
import { z } from 'zod';
import { IsoDateSchema } from '../sync/datasets.ts';

const words = z.string().min(1).max(300);

/** Everything said to the patron comes in both languages; the screen picks one. */
export const LibraryTextSchema = z.strictObject({ ja: words, en: words });
export type LibraryText = z.output<typeof LibraryTextSchema>;

export const LIBRARY_TONES = ['info', 'ok', 'warn', 'error'] as const;
export type LibraryTone = (typeof LIBRARY_TONES)[number];

/**
 * One message of the flow (kiosk/library/messages.ts): its stable code (`checked-out`,
 * `on-hold`, `blocked-fines` …), how it should look, and its words.
 */
export const LibraryNoticeSchema = z.strictObject({
  code: z.string().regex(/^[a-z][a-z-]{1,40}$/),
  tone: z.enum(LIBRARY_TONES),
  text: LibraryTextSchema,
});
export type LibraryNotice = z.output<typeof LibraryNoticeSchema>;

/** checking: its checkout is under way; queued: scanned while another one was. */
export const LIBRARY_ITEM_STATES = [
  'checking',
  'queued',
  'checked-out',
  'stored-offline',
  'refused',
] as const;
export type LibraryItemState = (typeof LIBRARY_ITEM_STATES)[number];

export const LibraryItemViewSchema = z.strictObject({
  /** The book's barcode: an item's id, not a person's. */
  itemId: z.string().regex(/^[0-9A-Za-z-]{1,32}$/),
  /** From the library system; unknown for a checkout stored while it was unreachable. */
  title: z.string().min(1).max(200).nullable(),
  state: z.enum(LIBRARY_ITEM_STATES),
  due: z.strictObject({ date: IsoDateSchema, text: LibraryTextSchema }).nullable(),
  /** What happened to it, in words (借りました, or why not and what to do); none while pending. */
  result: LibraryNoticeSchema.nullable(),
});
export type LibraryItemView = z.output<typeof LibraryItemViewSchema>;

/**
 * welcome: waiting for a library card (or showing why the last one was refused, in `notice`);
 * identifying: asking the library system; session: scanning books; printing: the session ended
 * and the receipt is printing; ended: the summary, for a few seconds, then welcome again.
 */
export const LIBRARY_PHASES = ['welcome', 'identifying', 'session', 'printing', 'ended'] as const;
export type LibraryPhase = (typeof LIBRARY_PHASES)[number];

/**
 * The receipt at the end: printing, printed, the printer ran out of paper, it failed, it could
 * not be printed at all (the printer was unavailable: the due dates are on the screen), or
 * nothing was borrowed.
 */
export const LIBRARY_RECEIPT_STATES = [
  'printing',
  'printed',
  'paper-out',
  'failed',
  'not-printed',
  'none',
] as const;
export type LibraryReceiptState = (typeof LIBRARY_RECEIPT_STATES)[number];

export const LIBRARY_PRINTER_PROBLEMS = [
  'paper-out',
  'cover-open',
  'error',
  'unreachable',
  'closed',
] as const;

export const LibraryViewSchema = z.strictObject({
  /** Service clock (epoch ms) when this view was made. */
  at: z.int().min(0),
  phase: z.enum(LIBRARY_PHASES),
  /** The latest thing said to the patron (announced by screen readers). */
  notice: LibraryNoticeSchema.nullable(),
  /** Present while a patron is identified (and in the summary at the end). */
  patron: z
    .strictObject({
      displayName: z.string().min(1).max(64).nullable(),
      /** Identified from the local cache: the library system is unreachable. */
      offline: z.boolean(),
    })
    .nullable(),
  /** Books of this session, in the order they were scanned. */
  items: z.array(LibraryItemViewSchema).max(200),
  /** When the session ends by itself if nothing is scanned (service clock, epoch ms). */
  sessionEndsAt: z.int().min(0).nullable(),
  receipt: z.enum(LIBRARY_RECEIPT_STATES).nullable(),
  /** An IC card is still on the reader after the patron is done with it. */
  removeCard: z.boolean(),
  printer: z.enum(['ready', 'unavailable', 'none']),
  /** Why the printer is unavailable, when it says (paper out, cover open) or is gone. */
  printerProblem: z.enum(LIBRARY_PRINTER_PROBLEMS).nullable(),
  /** False while the library system is unreachable (checkouts are stored to forward). */
  libraryOnline: z.boolean(),
  /** Which cards the welcome screen may mention. */
  accepts: z.strictObject({ icCard: z.boolean(), myNumberCard: z.boolean() }),
  libraryName: z.string().min(1).max(64).nullable(),
});
export type LibraryView = z.output<typeof LibraryViewSchema>;

/** Methods of the library role, with their params schemas (each answers with the view). */
export const LIBRARY_METHODS = {
  'library.get': z.undefined(),
  /** The patron touched 終了: the session ends and the receipt prints. */
  'library.endSession': z.undefined(),
} as const;

/** What a keyboard-wedge scanner can type: printable ASCII, as long as a barcode gets. */
export const ScanCodeSchema = z.string().regex(/^[\x21-\x7e]{1,64}$/);

/** Demo only: what the simulated library peripherals do. */
export const LIBRARY_DEMO_METHODS = {
  /** The simulated scanner reads `code` (fed to the driver as USB HID keyboard reports). */
  'demo.scan': z.strictObject({ code: ScanCodeSchema }),
  /** The receipt roll runs out or is replaced; the library system goes away or comes back. */
  'demo.libraryFault': z.strictObject({
    fault: z.enum(['paper-out', 'paper-loaded', 'system-offline', 'system-online']),
  }),
} as const;

export const LIBRARY_EVENTS = { 'library.view': LibraryViewSchema } as const;
