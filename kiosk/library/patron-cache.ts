/**
 * Puts a patron cache straight into a device store, keyed as sync would deliver it (token hash
 * of each card → PatronDocument), without a backend: for the demo, tests and benchmarks. A
 * machine in service gets its `patrons` dataset only through sync, signed and verified.
 */
import type { DocumentRow } from '../../shared/contracts/sync/datasets.ts';
import type { PatronDocument } from '../../shared/contracts/sync/library.ts';
import { normaliseTokenId, type TokenKind } from '../../shared/contracts/sync/token.ts';
import { tokenHash } from '../crypto.ts';
import type { DeviceStore } from '../store/store.ts';

export interface CachedCard {
  readonly kind: TokenKind;
  /** The card's identifier as read (barcode, IDm, certificate serial). */
  readonly id: string;
  readonly patron: PatronDocument;
}

const ROWS_PER_CHUNK = 2000;

export function patronRows(fleetKey: Uint8Array, cards: Iterable<CachedCard>): DocumentRow[] {
  const rows: DocumentRow[] = [];
  for (const c of cards) {
    const id = normaliseTokenId(c.kind, c.id);
    if (id === undefined) throw new RangeError(`not a ${c.kind} identifier`);
    // through JSON, as sync delivers it (and without undefined members)
    const value = JSON.parse(JSON.stringify(c.patron)) as DocumentRow['value'];
    rows.push({ key: tokenHash(fleetKey, c.kind, id).toString('hex'), value });
  }
  return rows;
}

/** Replaces the `patrons` dataset with `cards`; returns the version installed. */
export function installPatronCache(
  store: DeviceStore,
  fleetKey: Uint8Array,
  cards: Iterable<CachedCard>,
  createdAt: number,
): number {
  const rows = patronRows(fleetKey, cards);
  const version = (store.datasets.state('patrons')?.version ?? 0) + 1;
  const manifest = {
    dataset: 'patrons',
    kind: 'snapshot',
    version,
    createdAt,
    rows: rows.length,
    bytes: 0,
    sha256: '0'.repeat(64),
    keyId: '0'.repeat(16),
  } as const;
  const writer = store.datasets.beginSnapshot(manifest, createdAt);
  try {
    for (let at = 0; at < rows.length; at += ROWS_PER_CHUNK) {
      writer.add(rows.slice(at, at + ROWS_PER_CHUNK));
    }
    writer.commit(createdAt);
  } catch (error) {
    writer.abort();
    throw error;
  }
  return version;
}
