/**
 * The registrant CSV a municipality already exports (one line per registered rider: card,
 * rider category, ride allowance, validity) turned into entitlement rows. Card identifiers
 * become HMAC token hashes with the fleet key here and go no further; every other column
 * (names, addresses, registrant numbers) is ignored and never stored. Errors name the line and
 * the column, never the value.
 */
import type { DenyRow, EntitlementRow } from '../../shared/contracts/sync/datasets.ts';
import {
  ALLOWANCE_PERIODS,
  DENY_REASONS,
  type AllowancePeriod,
} from '../../shared/contracts/sync/datasets.ts';
import {
  normaliseTokenId,
  TOKEN_KINDS,
  type TokenKind,
} from '../../shared/contracts/sync/token.ts';
import { tokenHash } from '../../kiosk/crypto.ts';
import { csvDate as date, readTable as readNamedTable, type ImportResult } from './csv-table.ts';

export type { CsvProblem, ImportResult } from './csv-table.ts';

/** Accepted header names per column: the English ids and the usual Japanese headings. */
const COLUMNS = {
  cardKind: ['card_kind', 'カード種別'],
  cardId: ['card_id', 'カード番号', 'カードID'],
  riderCategory: ['rider_category', '利用者区分'],
  ridesPerPeriod: ['rides_per_period', '乗車回数'],
  period: ['period', '期間'],
  validFrom: ['valid_from', '有効開始日'],
  validTo: ['valid_to', '有効終了日'],
  reason: ['reason', '理由'],
  since: ['since', '登録日'],
} as const satisfies Record<string, readonly [string, ...string[]]>;
type Column = keyof typeof COLUMNS;

function readTable<R>(
  text: string,
  required: readonly Column[],
  optional: readonly Column[],
  row: (get: (c: Column) => string, problem: (c: Column, p: string) => void) => R | undefined,
): ImportResult<R> {
  return readNamedTable(text, COLUMNS, required, optional, row);
}

const CARD_KINDS: Readonly<Record<string, TokenKind>> = {
  ...Object.fromEntries(TOKEN_KINDS.map((k) => [k, k])),
  交通系IC: 'felica-idm',
  マイナンバーカード: 'jpki-auth-serial',
  図書館カード: 'library-card',
};

const CATEGORIES: Readonly<Record<string, string>> = {
  高齢者: 'senior',
  障害者: 'disability',
  子ども: 'child',
  小児: 'child',
  住民: 'resident',
  学生: 'student',
  一般: 'general',
};

const PERIODS: Readonly<Record<string, AllowancePeriod>> = {
  ...Object.fromEntries(ALLOWANCE_PERIODS.map((p) => [p, p])),
  日: 'day',
  月: 'month',
  年度: 'fiscal-year',
};

const REASONS: Readonly<Record<string, DenyRow['reason']>> = {
  ...Object.fromEntries(DENY_REASONS.map((r) => [r, r])),
  紛失: 'lost',
  盗難: 'stolen',
  失効: 'revoked',
  不正: 'fraud',
  その他: 'other',
};

function hashCard(
  fleetKey: Uint8Array,
  get: (c: Column) => string,
  problem: (c: Column, p: string) => void,
): string | undefined {
  const kind = CARD_KINDS[get('cardKind')];
  if (!kind) {
    problem('cardKind', `not one of ${TOKEN_KINDS.join(', ')}`);
    return undefined;
  }
  const id = normaliseTokenId(kind, get('cardId'));
  if (!id) {
    problem('cardId', `not a ${kind} identifier`);
    return undefined;
  }
  return tokenHash(fleetKey, kind, id).toString('hex');
}

export function importRegistrants(
  text: string,
  fleetKey: Uint8Array,
): ImportResult<EntitlementRow> {
  const seen = new Map<string, string>();
  const result = readTable<EntitlementRow>(
    text,
    ['cardKind', 'cardId', 'riderCategory', 'validFrom', 'validTo'],
    ['ridesPerPeriod', 'period'],
    (get, problem) => {
      const tokenHash = hashCard(fleetKey, get, problem);
      const rawCategory = get('riderCategory');
      const riderCategory = CATEGORIES[rawCategory] ?? rawCategory;
      if (!/^[a-z][a-z0-9-]{0,31}$/.test(riderCategory))
        problem('riderCategory', 'not a known rider category');
      const rides = get('ridesPerPeriod');
      const ridesPerPeriod =
        rides === '' ? null : /^\d{1,5}$/.test(rides) ? Number(rides) : undefined;
      if (ridesPerPeriod === undefined)
        problem('ridesPerPeriod', 'not a whole number (or empty for no limit)');
      const period = PERIODS[get('period') || 'month'];
      if (!period) problem('period', `not one of ${ALLOWANCE_PERIODS.join(', ')}`);
      const validFrom = date(get('validFrom'));
      const validTo = date(get('validTo'));
      if (!validFrom) problem('validFrom', 'not a date (YYYY-MM-DD)');
      if (!validTo) problem('validTo', 'not a date (YYYY-MM-DD)');
      if (validFrom && validTo && validFrom > validTo) problem('validTo', 'before valid_from');
      if (!tokenHash || ridesPerPeriod === undefined || !period || !validFrom || !validTo)
        return undefined;
      const row: EntitlementRow = {
        tokenHash,
        riderCategory,
        validFrom,
        validTo,
        ridesPerPeriod,
        period,
      };
      const again = seen.get(tokenHash);
      if (again !== undefined && again !== JSON.stringify(row)) {
        problem('cardId', 'the same card is registered twice with different entitlements');
        return undefined;
      }
      seen.set(tokenHash, JSON.stringify(row));
      return row;
    },
  );
  return { ...result, rows: dedupe(result.rows) };
}

export function importDenyList(
  text: string,
  fleetKey: Uint8Array,
  today: string,
): ImportResult<DenyRow> {
  const result = readTable<DenyRow>(
    text,
    ['cardKind', 'cardId', 'reason'],
    ['since'],
    (get, problem) => {
      const tokenHash = hashCard(fleetKey, get, problem);
      const reason = REASONS[get('reason')];
      if (!reason) problem('reason', `not one of ${DENY_REASONS.join(', ')}`);
      const since = get('since') === '' ? today : date(get('since'));
      if (!since) problem('since', 'not a date (YYYY-MM-DD)');
      return tokenHash && reason && since ? { tokenHash, reason, since } : undefined;
    },
  );
  return { ...result, rows: dedupe(result.rows) };
}

function dedupe<R extends { tokenHash: string }>(rows: R[]): R[] {
  return [...new Map(rows.map((r) => [r.tokenHash, r])).values()];
}
