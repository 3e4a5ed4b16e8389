/**
 * The card linkage a library exports (one line per card a patron may identify with: its kind
 * and number, the library patron id, whether the patron is blocked) turned into the `patrons`
 * dataset: documents keyed by the card's HMAC token hash with the fleet key, valued as
 * kiosk/library reads them (PatronDocument, shared/contracts/sync/library.ts). Card numbers go
 * no further than the hash; names and every other column are ignored and never stored. Each
 * patron's own library card (the patron id is its barcode, SIP2 AA) is keyed too, so a library
 * card works offline even when the export lists only linked IC cards. Problems name the line
 * and the column, never the value.
 */
import {
  PATRON_BLOCKS,
  PatronDocumentSchema,
  type PatronBlock,
  type PatronDocument,
} from '../../shared/contracts/sync/library.ts';
import type { DocumentRow } from '../../shared/contracts/sync/datasets.ts';
import {
  normaliseTokenId,
  TOKEN_KINDS,
  type TokenKind,
} from '../../shared/contracts/sync/token.ts';
import { tokenHash } from '../../kiosk/crypto.ts';
import { csvDate, readTable, type ImportResult } from './csv-table.ts';

const COLUMNS = {
  cardKind: ['card_kind', 'カード種別', '種別'],
  cardId: ['card_id', 'カード番号', 'カードID'],
  patronId: ['patron_id', '利用者番号', '利用者ID', '図書館カード番号'],
  blocked: ['blocked', '貸出停止', '利用停止'],
  blockReason: ['block_reason', '停止理由'],
  validTo: ['valid_to', '有効期限', '有効終了日'],
  offlineLimit: ['offline_limit', 'オフライン貸出上限'],
} as const satisfies Record<string, readonly [string, ...string[]]>;
type Column = keyof typeof COLUMNS;

/** Card kinds by their ids and the names library systems print. */
const CARD_KINDS: Readonly<Record<string, TokenKind>> = {
  ...Object.fromEntries(TOKEN_KINDS.map((k) => [k, k])),
  図書館カード: 'library-card',
  利用者カード: 'library-card',
  ICカード: 'felica-idm',
  交通系IC: 'felica-idm',
  マイナンバーカード: 'jpki-auth-serial',
};

const YES = new Set(['1', 'true', 'yes', 'y', 'はい', '有', 'あり', '停止', '○']);
const NO = new Set(['', '0', 'false', 'no', 'n', 'いいえ', '無', 'なし', '-']);

const REASONS: Readonly<Record<string, PatronBlock>> = {
  ...Object.fromEntries(PATRON_BLOCKS.map((b) => [b, b])),
  延滞: 'fines',
  未返却: 'fines',
  延滞金: 'fines',
  紛失: 'card-lost',
  カード紛失: 'card-lost',
  期限切れ: 'expired',
  有効期限切れ: 'expired',
  その他: 'other',
};

export interface PatronImport extends ImportResult<DocumentRow> {
  /** Distinct patrons, and how many of them are blocked. */
  readonly patrons: number;
  readonly blocked: number;
}

interface Line {
  readonly key: string;
  readonly doc: PatronDocument;
  /** The document as the JSON it is published as (no undefined members). */
  readonly value: DocumentRow['value'];
  /** The normalised library card number of the patron. */
  readonly card: string;
}

export function importPatrons(text: string, fleetKey: Uint8Array): PatronImport {
  const hashOf = (kind: TokenKind, id: string): string =>
    tokenHash(fleetKey, kind, id).toString('hex');
  /** Per patron (normalised card number): the document its lines agree on. */
  const patrons = new Map<string, string>();
  const cards = new Map<string, string>();
  const result = readTable<Column, Line>(
    text,
    COLUMNS,
    ['cardKind', 'cardId', 'patronId', 'blocked'],
    ['blockReason', 'validTo', 'offlineLimit'],
    (get, report) => {
      let bad = false;
      const problem = (c: Column, p: string): void => {
        bad = true;
        report(c, p);
      };
      const kind = CARD_KINDS[get('cardKind')];
      if (!kind) problem('cardKind', `not one of ${TOKEN_KINDS.join(', ')}`);
      const id = kind ? normaliseTokenId(kind, get('cardId')) : undefined;
      if (kind && id === undefined) problem('cardId', `not a ${kind} identifier`);
      const patronId = get('patronId');
      const card = normaliseTokenId('library-card', patronId);
      if (card === undefined) problem('patronId', 'not a library card number');
      const flag = get('blocked').toLowerCase();
      const blocked = YES.has(flag) ? true : NO.has(flag) ? false : undefined;
      if (blocked === undefined) problem('blocked', 'not yes or no (1/0, はい/いいえ)');
      const rawReason = get('blockReason');
      const block = rawReason === '' ? undefined : REASONS[rawReason];
      if (rawReason !== '' && !block)
        problem('blockReason', `not one of ${PATRON_BLOCKS.join(', ')}`);
      if (block && blocked === false) problem('blockReason', 'given for a patron not blocked');
      const validTo = get('validTo') === '' ? undefined : csvDate(get('validTo'));
      if (get('validTo') !== '' && !validTo) problem('validTo', 'not a date (YYYY-MM-DD)');
      const limit = get('offlineLimit');
      const offlineLimit = limit === '' ? undefined : /^\d{1,3}$/.test(limit) ? Number(limit) : -1;
      if (offlineLimit !== undefined && (offlineLimit < 0 || offlineLimit > 100))
        problem('offlineLimit', 'not a whole number from 0 to 100');
      if (bad || !kind || id === undefined || card === undefined || blocked === undefined)
        return undefined;
      const parsed = PatronDocumentSchema.safeParse({
        patronId,
        status: blocked ? 'blocked' : 'active',
        ...(blocked ? { block: block ?? 'other' } : {}),
        ...(validTo ? { validTo } : {}),
        ...(offlineLimit !== undefined && offlineLimit >= 0 ? { offlineLimit } : {}),
      });
      if (!parsed.success) return undefined; // each field's problem is reported above
      const doc = parsed.data;
      const key = hashOf(kind, id);
      const same = JSON.stringify(doc);
      if ((patrons.get(card) ?? same) !== same) {
        problem('patronId', 'the same patron has different details on another line');
        return undefined;
      }
      if ((cards.get(key) ?? card) !== card) {
        problem('cardId', 'the same card is linked to two patrons');
        return undefined;
      }
      patrons.set(card, same);
      cards.set(key, card);
      return { key, doc, card, value: JSON.parse(same) as DocumentRow['value'] };
    },
  );
  const rows = new Map<string, DocumentRow>();
  for (const l of result.rows) rows.set(l.key, { key: l.key, value: l.value });
  // Each patron's own library card, unless a line linked that number already.
  for (const l of result.rows) {
    const own = hashOf('library-card', l.card);
    if (!rows.has(own)) rows.set(own, { key: own, value: l.value });
  }
  const docs = [...new Map(result.rows.map((l) => [l.card, l.doc])).values()];
  return {
    rows: [...rows.values()],
    problems: result.problems,
    ignoredColumns: result.ignoredColumns,
    patrons: docs.length,
    blocked: docs.filter((d) => d.status === 'blocked').length,
  };
}
