/**
 * RFC 4180 CSV, pure: quoted fields with doubled quotes, CRLF or LF, a trailing newline or
 * not. Municipal systems export Shift_JIS (CP932) as often as UTF-8, so bytes are decoded here
 * too: a UTF-8 BOM or valid UTF-8 means UTF-8, anything else Shift_JIS.
 */
export type CsvEncoding = 'auto' | 'utf-8' | 'shift_jis';

export function decodeCsv(bytes: Uint8Array, encoding: CsvEncoding = 'auto'): string {
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (encoding === 'shift_jis') return new TextDecoder('shift_jis').decode(bytes);
  if (encoding === 'utf-8' || hasBom)
    return new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('shift_jis').decode(bytes);
  }
}

export interface CsvRecord {
  /** 1-based line number where the record starts. */
  readonly line: number;
  readonly fields: readonly string[];
}

/** Parses CSV text into records; an unterminated quote is reported by its line. */
export function parseCsv(text: string): CsvRecord[] | { error: string; line: number } {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let atFieldStart = true;
  /** A quoted field makes a record even when every field is empty. */
  let touched = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 1;
        } else quoted = false;
      } else {
        if (c === '\n') line += 1;
        field += c;
      }
      continue;
    }
    if (c === '"' && atFieldStart) {
      quoted = true;
      touched = true;
      atFieldStart = false;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      atFieldStart = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      fields.push(field);
      if (touched || !(fields.length === 1 && fields[0] === ''))
        records.push({ line: start, fields });
      touched = false;
      fields = [];
      field = '';
      line += 1;
      start = line;
      atFieldStart = true;
    } else {
      field += c;
      atFieldStart = false;
    }
  }
  if (quoted) return { error: 'a quoted field is not closed', line: start };
  if (field !== '' || fields.length > 0 || touched) {
    fields.push(field);
    records.push({ line: start, fields });
  }
  return records;
}
