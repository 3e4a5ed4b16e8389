/**
 * The `library` section of the device config: how a self-checkout machine reaches the library
 * system (SIP2), its scanner and receipt printer, and the municipality's policy switches.
 * Required by `kazasu library`; other roles leave it out.
 */
import { z } from 'zod';

/** SIP2 has no charset negotiation: the library system's setting is copied here. */
export const SIP2_CHARSET_NAMES = ['utf-8', 'shift_jis'] as const;

const port = z.int().min(1).max(65_535);

export const LibraryConfigSchema = z.strictObject({
  sip2: z.strictObject({
    host: z.string().min(1).max(255),
    port: port.default(6001),
    /** TLS to the library system: `true` with the system CA store, or a CA file (PEM). */
    tls: z
      .union([
        z.boolean(),
        z.strictObject({
          caFile: z.string().min(1).optional(),
          serverName: z.string().min(1).max(255).optional(),
          /** Accept any certificate: only for a test library system. */
          insecure: z.boolean().default(false),
        }),
      ])
      .default(false),
    charset: z.enum(SIP2_CHARSET_NAMES).default('utf-8'),
    /** SIP2 AO: the library's institution id. */
    institutionId: z.string().min(1).max(64),
    /** SIP2 93 (CN/CO/CP); absent when the library system admits terminals by address. */
    login: z
      .strictObject({
        userId: z.string().min(1).max(64),
        password: z.string().min(1).max(128),
        locationCode: z.string().min(1).max(64).optional(),
      })
      .optional(),
    /** SIP2 AC, if the library system wants one. */
    terminalPassword: z.string().min(1).max(128).optional(),
    /** Sequence numbers and checksums (SIP2 "error detection"), as configured at the library. */
    errorDetection: z.boolean().default(true),
    timeoutMs: z.int().min(200).max(60_000).default(3_000),
    /** Resends of one request before the library system counts as unreachable. */
    retries: z.int().min(0).max(5).default(1),
  }),
  /** The keyboard-wedge scanner (node-hid): a hidraw path, or vendor and product id. */
  scanner: z
    .strictObject({
      path: z.string().min(1).optional(),
      vendorId: z.int().min(0).max(0xffff).optional(),
      productId: z.int().min(0).max(0xffff).optional(),
      layout: z.enum(['us', 'jis']).default('us'),
      /** The scanner ends codes with Tab instead of Enter. */
      tabEnds: z.boolean().default(false),
    })
    .refine(
      (s) => s.path !== undefined || (s.vendorId !== undefined && s.productId !== undefined),
      {
        message: 'a scanner needs a path, or a vendorId and productId',
      },
    )
    .optional(),
  /** The ESC/POS receipt printer on a serial port; absent: no receipts. */
  printer: z
    .strictObject({
      path: z.string().min(1),
      baudRate: z.int().min(1200).max(921_600).default(38_400),
      /** Half-width columns per line: 48 on 80 mm paper, 32 on 58 mm. */
      columns: z.int().min(24).max(64).default(48),
    })
    .optional(),
  /** The name on receipts. */
  libraryName: z.string().min(1).max(64).optional(),
  /** PC/SC reader names for IC cards (exact, or a prefix ending in "*"); absent: every reader. */
  readers: z.array(z.string().min(1).max(128)).min(1).optional(),
  /** Patrons may identify with an IC card linked to their library card. */
  acceptIcCard: z.boolean().default(true),
  /**
   * The municipality lets patrons identify with the My Number Card here (its JPKI
   * authentication certificate, linked at the counter). Off by default: since 2024-05-27 many
   * municipalities say self-checkout machines may not accept it (anchors.md §D.4).
   */
  acceptMyNumberCard: z.boolean().default(false),
  /**
   * Greet the patron by the name the library system gives (SIP2 64 AE) on the kiosk screen.
   * Off by default: the screen faces whoever stands behind the patron. Never printed or stored.
   */
  showPatronName: z.boolean().default(false),
  /** A session with no scan or touch for this long ends (and prints its receipt). */
  idleTimeoutSeconds: z.int().min(10).max(900).default(60),
  /** While the library system is unreachable. */
  offline: z
    .strictObject({
      /** Patrons in the local cache may still check out (store-and-forward). */
      enabled: z.boolean().default(true),
      loanDays: z.int().min(1).max(90).default(14),
      /** Items per patron waiting to be forwarded, at most. */
      maxItems: z.int().min(0).max(50).default(5),
    })
    .prefault({}),
  /** Local time of the library system, minutes east of UTC (SIP2 dates carry none). */
  utcOffsetMinutes: z.int().min(-720).max(840).default(540),
});
export type LibraryConfig = z.output<typeof LibraryConfigSchema>;
