/**
 * The resident register of the reference backend (issue 6): imported from the municipality's
 * CSV export (UTF-8 or Shift_JIS, English or Japanese headers), looked up by counters on all
 * four basic items, and used to check a My Number a counter read from the chip. The My Number
 * column, when present, is kept only as an HMAC with the fleet key; the number a counter sends
 * is compared with it and dropped. Problems name the line and the column, never the value.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  normaliseAddress,
  normaliseName,
  ResidentIdSchema,
  ResidentRecordSchema,
  type LookupRequest,
  type LookupResponse,
  type MyNumberOutcome,
  type MyNumberRequest,
  type ResidentRecord,
  type ResidentSex,
} from '../../shared/contracts/residents.ts';
import type { Statement, WritableDb } from '../../kiosk/store/db.ts';
import { isValidMyNumber } from '../../reader/mynumber/my-number.ts';
import { csvDate, readTable, type ImportResult } from './csv-table.ts';

const COLUMNS = {
  residentId: ['resident_id', '宛名番号', '住民番号', '個人コード'],
  name: ['name', '氏名'],
  nameKana: ['name_kana', '氏名カナ', 'フリガナ', 'ふりがな'],
  birthDate: ['birth_date', '生年月日'],
  sex: ['sex', '性別'],
  address: ['address', '住所'],
  postalCode: ['postal_code', '郵便番号'],
  householdId: ['household_id', '世帯番号'],
  householderName: ['householder', '世帯主', '世帯主氏名'],
  relationship: ['relationship', '続柄'],
  residentSince: ['resident_since', '住民となった年月日', '住定日'],
  phone: ['phone', '電話番号'],
  myNumber: ['my_number', '個人番号'],
} as const satisfies Record<string, readonly [string, ...string[]]>;
type Column = keyof typeof COLUMNS;

/** JIS X 0303 codes (the card's own), the kanji municipal systems print, and our ids. */
const SEX_CODES: Readonly<Record<string, ResidentSex>> = {
  male: 'male',
  female: 'female',
  'not-known': 'not-known',
  'not-applicable': 'not-applicable',
  '1': 'male',
  '2': 'female',
  '0': 'not-known',
  '9': 'not-applicable',
  男: 'male',
  女: 'female',
};

const HOUSEHOLDER = '世帯主';
const MY_NUMBER_DOMAIN = 'kazasu-my-number-v1';

/** A look-up's answer before the server adds its clock. */
export type LookupResult = LookupResponse extends infer R
  ? R extends { serverTime: number }
    ? Omit<R, 'serverTime'>
    : never
  : never;

export interface ResidentRow {
  readonly record: ResidentRecord;
  readonly myNumberHmac?: string;
}

export function myNumberHmac(fleetKey: Uint8Array, myNumber: string): string {
  return createHmac('sha256', fleetKey).update(`${MY_NUMBER_DOMAIN}\0${myNumber}`).digest('hex');
}

type Draft = Omit<ResidentRecord, 'householdSize' | 'householderName'> & {
  readonly householderName: string;
  readonly line: number;
  readonly myNumberHmac?: string;
};

function draftOf(
  get: (c: Column) => string,
  problem: (c: Column, p: string) => void,
  line: number,
  fleetKey: Uint8Array,
): Draft | undefined {
  const optional = (c: Column): string | undefined => get(c) || undefined;
  const residentId = get('residentId');
  if (!ResidentIdSchema.safeParse(residentId).success) problem('residentId', 'not a resident id');
  const birthDate = csvDate(get('birthDate'));
  if (!birthDate) problem('birthDate', 'not a date (YYYY-MM-DD)');
  const sex = SEX_CODES[get('sex')];
  if (!sex) problem('sex', 'not 男, 女, 1, 2, 0 or 9');
  const since = optional('residentSince');
  const residentSince = since === undefined ? undefined : csvDate(since);
  if (since !== undefined && !residentSince) problem('residentSince', 'not a date (YYYY-MM-DD)');
  const number = optional('myNumber');
  if (number !== undefined && !isValidMyNumber(number))
    problem('myNumber', 'not 12 digits with a valid check digit');
  for (const c of ['name', 'address', 'householdId', 'relationship'] as const) {
    if (get(c) === '') problem(c, 'empty');
  }
  if (!birthDate || !sex || (since !== undefined && !residentSince)) return undefined;
  const postalCode = optional('postalCode');
  const nameKana = optional('nameKana');
  const phone = optional('phone');
  return {
    line,
    residentId,
    name: get('name'),
    birthDate,
    sex,
    address: get('address'),
    householdId: get('householdId'),
    householderName: get('householderName'),
    relationship: get('relationship'),
    ...(nameKana ? { nameKana } : {}),
    ...(postalCode ? { postalCode } : {}),
    ...(residentSince ? { residentSince } : {}),
    ...(phone ? { phone } : {}),
    ...(number !== undefined && isValidMyNumber(number)
      ? { myNumberHmac: myNumberHmac(fleetKey, number) }
      : {}),
  };
}

/**
 * Parses the register. Household size and, where the export has no householder column, the
 * householder's name come from the household's members; every record is checked against the
 * contract's schema, so the backend never serves a record a counter would refuse.
 */
export function importResidents(text: string, fleetKey: Uint8Array): ImportResult<ResidentRow> {
  const table = readTable(
    text,
    COLUMNS,
    ['residentId', 'name', 'birthDate', 'sex', 'address', 'householdId', 'relationship'],
    ['nameKana', 'postalCode', 'householderName', 'residentSince', 'phone', 'myNumber'],
    (get, problem, line) => draftOf(get, problem, line, fleetKey),
  );
  const problems = [...table.problems];
  const seen = new Set<string>();
  const households = new Map<string, Draft[]>();
  for (const d of table.rows) {
    if (seen.has(d.residentId)) {
      problems.push({ line: d.line, column: 'resident_id', problem: 'the same resident twice' });
      continue;
    }
    seen.add(d.residentId);
    households.set(d.householdId, [...(households.get(d.householdId) ?? []), d]);
  }
  const rows: ResidentRow[] = [];
  for (const members of households.values()) {
    const head = members.find((m) => m.relationship === HOUSEHOLDER);
    for (const { line, myNumberHmac: hmac, ...d } of members) {
      const householderName = d.householderName || head?.name || '';
      const parsed = ResidentRecordSchema.safeParse({
        ...d,
        householderName,
        householdSize: members.length,
      });
      if (!parsed.success) {
        const field = String(parsed.error.issues[0]?.path[0] ?? '');
        problems.push({
          line,
          column: field === 'householderName' ? 'householder' : field,
          problem:
            field === 'householderName' ? 'no householder (世帯主) in the household' : 'not valid',
        });
        continue;
      }
      rows.push({ record: parsed.data, ...(hmac ? { myNumberHmac: hmac } : {}) });
    }
  }
  return { rows, problems, ignoredColumns: table.ignoredColumns };
}

/** The register in the backend's database: replaced whole by an import, read by look-ups. */
export class ResidentRegister {
  private readonly s: Record<'clear' | 'insert' | 'match' | 'hmac', Statement>;

  constructor(
    private readonly db: WritableDb,
    private readonly fleetKey: Uint8Array,
  ) {
    this.s = {
      clear: db.prepare(`DELETE FROM residents`),
      insert: db.prepare(
        `INSERT INTO residents (resident_id, name_key, birth_date, sex, address_key, record, my_number_hmac, imported_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // LIMIT 2: one is a match, two is ambiguous; how many more does not matter.
      match: db.prepare(
        `SELECT record FROM residents
          WHERE name_key = ? AND birth_date = ? AND sex = ? AND address_key = ? LIMIT 2`,
      ),
      hmac: db.prepare(`SELECT my_number_hmac AS hmac FROM residents WHERE resident_id = ?`),
    };
  }

  /** Replaces the register with `rows` in one transaction. */
  replace(rows: readonly ResidentRow[], now: number): { residents: number; households: number } {
    this.db.transaction(() => {
      this.s.clear.run();
      for (const { record: r, myNumberHmac: hmac } of rows) {
        this.s.insert.run(
          r.residentId,
          normaliseName(r.name),
          r.birthDate,
          r.sex,
          normaliseAddress(r.address),
          JSON.stringify(r),
          hmac ?? null,
          now,
        );
      }
    })();
    return {
      residents: rows.length,
      households: new Set(rows.map((r) => r.record.householdId)).size,
    };
  }

  /** The record with exactly these four items (after normalisation), or why there is none. */
  lookup(q: LookupRequest): LookupResult {
    const hits = this.s.match.all(
      normaliseName(q.name),
      q.birthDate,
      q.sex,
      normaliseAddress(q.address),
    ) as { record: string }[];
    const [first] = hits;
    if (hits.length > 1) return { outcome: 'ambiguous', candidates: hits.length };
    if (!first) return { outcome: 'not-found' };
    return { outcome: 'found', resident: ResidentRecordSchema.parse(JSON.parse(first.record)) };
  }

  /** Compares the number with the record's, in constant time; the number is not kept. */
  checkMyNumber(q: MyNumberRequest): MyNumberOutcome | 'unknown-resident' {
    const row = this.s.hmac.get(q.residentId) as { hmac: string | null } | undefined;
    if (!row) return 'unknown-resident';
    if (row.hmac === null) return 'no-record';
    if (!isValidMyNumber(q.myNumber)) return 'differs';
    const given = Buffer.from(myNumberHmac(this.fleetKey, q.myNumber), 'hex');
    return timingSafeEqual(given, Buffer.from(row.hmac, 'hex')) ? 'matches' : 'differs';
  }
}
