/**
 * A CSV table with named columns, as municipal exports come: a header row whose names may be
 * English ids or the usual Japanese headings, then one record a line. Used by the registrant,
 * deny-list and resident imports. Problems name the line and the column, never the value (the
 * files hold personal data); columns nobody asked for are reported by header name and dropped.
 */
import { parseIsoDate } from '../../shared/dates.ts';
import { parseCsv } from './csv.ts';

export interface CsvProblem {
  readonly line: number;
  readonly column: string;
  readonly problem: string;
}

export interface ImportResult<R> {
  readonly rows: R[];
  readonly problems: CsvProblem[];
  /** Header names that were not used (and whose values were dropped). */
  readonly ignoredColumns: string[];
}

/** Accepted header names per column; the first is the one problems name. */
export type ColumnNames<C extends string> = Readonly<Record<C, readonly [string, ...string[]]>>;

/** `2026/4/1`, `2026-04-01` → `2026-04-01`; undefined when it is not a real date. */
export function csvDate(text: string): string | undefined {
  const iso = text
    .trim()
    .replace(/\//g, '-')
    .replace(/^(\d{4})-(\d)-/, '$1-0$2-')
    .replace(/-(\d)$/, '-0$1');
  return parseIsoDate(iso) ? iso : undefined;
}

/** Reads the header, then calls `row` for every record with a getter by column. */
export function readTable<C extends string, R>(
  text: string,
  columns: ColumnNames<C>,
  required: readonly C[],
  optional: readonly C[],
  row: (get: (c: C) => string, problem: (c: C, p: string) => void, line: number) => R | undefined,
): ImportResult<R> {
  const parsed = parseCsv(text.replace(/^\ufeff/, ''));
  if (!Array.isArray(parsed)) {
    return {
      rows: [],
      problems: [{ line: parsed.line, column: '', problem: parsed.error }],
      ignoredColumns: [],
    };
  }
  const [header, ...records] = parsed;
  const names = (header?.fields ?? []).map((h) => h.trim());
  const index = new Map<C, number>();
  for (const c of [...required, ...optional]) {
    const at = names.findIndex((n) => columns[c].includes(n));
    if (at >= 0) index.set(c, at);
  }
  const missing = required.filter((c) => !index.has(c));
  if (missing.length > 0) {
    return {
      rows: [],
      problems: missing.map((c) => ({ line: 1, column: columns[c][0], problem: 'missing column' })),
      ignoredColumns: [],
    };
  }
  const used = new Set(index.values());
  const ignoredColumns = names.filter((_, i) => !used.has(i));
  const rows: R[] = [];
  const problems: CsvProblem[] = [];
  for (const rec of records) {
    const get = (c: C): string => {
      const i = index.get(c);
      return i === undefined ? '' : (rec.fields[i] ?? '').trim();
    };
    let bad = false;
    const problem = (c: C, p: string): void => {
      bad = true;
      problems.push({ line: rec.line, column: columns[c][0], problem: p });
    };
    const r = row(get, problem, rec.line);
    if (r !== undefined && !bad) rows.push(r);
  }
  return { rows, problems, ignoredColumns };
}
