import { z } from 'zod';
import { fromHex } from '../../shared/bytes.ts';
import { ReaderError } from '../errors.ts';
import { SUICA_HISTORY_DEPTH } from '../felica/constants.ts';
import { parseSuicaDate, type SuicaHistoryEntry } from '../felica/suica.ts';

/**
 * A simulated FeliCa transit card, as JSON: what `FelicaCardSim` answers with. Profiles are
 * made-up cards: never put a real rider's IDm or history in one (card-protocols.md "FeliCa").
 *
 * Validation errors name the path and the kind of problem, never the value found there.
 */
const hex8 = z.string().regex(/^[0-9A-Fa-f]{16}$/);
const byte = z.number().int().min(0).max(0xff);
const u16 = z.number().int().min(0).max(0xffff);

const historyEntry = z.object({
  deviceType: byte,
  usageType: byte,
  paymentType: byte,
  entryExitType: byte,
  date: z
    .string()
    .refine((d) => parseSuicaDate(d) !== undefined, { message: 'not a real day in 2000..2127' }),
  entryCode: u16,
  exitCode: u16,
  balance: u16,
  serial: z.number().int().min(0).max(0xffffff),
  region: byte,
});

const profileSchema = z
  .object({
    /** Manufacture ID, 16 hex digits. */
    idm: hex8,
    /** Manufacture Parameter, 16 hex digits. */
    pmm: hex8,
    /** Newest first, as the cyclic history service holds them. */
    history: z.array(historyEntry).max(SUICA_HISTORY_DEPTH),
    /** Yen on the card: the attribute service's balance. */
    balance: u16,
    /** Optional raw gate in/out blocks (service 108F), 32 hex digits each. */
    gate: z
      .array(z.string().regex(/^[0-9A-Fa-f]{32}$/))
      .max(3)
      .optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    // The newest entry records the balance left after it: a card cannot disagree with itself.
    const newest = p.history[0];
    if (newest && newest.balance !== p.balance) {
      ctx.addIssue({
        code: 'custom',
        path: ['balance'],
        message: 'differs from the newest history entry',
      });
    }
  });

export interface FelicaProfile {
  readonly idm: Uint8Array;
  readonly pmm: Uint8Array;
  readonly history: readonly SuicaHistoryEntry[];
  readonly balance: number;
  readonly gate: readonly Uint8Array[];
}

/** Validates JSON (already parsed, still `unknown`) into a profile. */
export function loadFelicaProfile(json: unknown): FelicaProfile {
  const parsed = profileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.map(String).join('.') || '(root)',
      code: i.code,
    }));
    throw new ReaderError(
      'reader/profile-invalid',
      `FeliCa profile invalid: ${issues.map((i) => `${i.path} (${i.code})`).join(', ')}`,
      { details: { issues } },
    );
  }
  const p = parsed.data;
  return {
    idm: fromHex(p.idm),
    pmm: fromHex(p.pmm),
    history: p.history,
    balance: p.balance,
    gate: (p.gate ?? []).map((g) => fromHex(g)),
  };
}
