/**
 * The audit log's hash chain (architecture "Data rules"), pure: how an entry's hash is made and
 * how a sequence of stored entries is checked. Each hash is SHA-256 over a domain tag, the
 * previous entry's hash and the entry's fields as canonical JSON, so changing a field, removing
 * an entry or moving one breaks the chain at that entry; the first entry's previous hash is 64
 * zeros. The fields are codes, never personal data (schema.ts refuses anything else).
 */
import { canonicalJson } from '../../shared/contracts/sync/canonical.ts';
import { sha256Hex } from '../crypto.ts';

export const AUDIT_TAG = 'KAZASU-AUDIT-V1';
export const GENESIS_HASH = '0'.repeat(64);

/** One entry's content: what the hash covers besides the previous hash. */
export interface AuditFields {
  readonly seq: number;
  readonly at: number;
  readonly caseId: string;
  readonly step: string;
  readonly result: string;
  readonly method: string | null;
  readonly person: string | null;
  readonly procedures: readonly string[];
  readonly codes: readonly string[];
}

export interface AuditEntry extends AuditFields {
  readonly prevHash: string;
  readonly hash: string;
}

export function entryHash(prevHash: string, fields: AuditFields): string {
  return sha256Hex(`${AUDIT_TAG}\n${prevHash}\n${canonicalJson(fields)}`);
}

/**
 * Why an entry fails: `altered` (its hash is not the hash of its fields), `unlinked` (its
 * previous hash is not the hash of the entry before it: an entry was removed, inserted or
 * moved), `sequence` (its number does not follow the one before), `truncated` (entries after
 * the last one were written and are gone), `unreadable` (a stored row that is not an entry).
 */
export type ChainProblem = 'altered' | 'unlinked' | 'sequence' | 'truncated' | 'unreadable';

export interface ChainReport {
  readonly ok: boolean;
  /** Entries checked. */
  readonly entries: number;
  /** The last entry's number and hash, when the chain holds. */
  readonly head?: { readonly seq: number; readonly hash: string };
  /** The first entry that fails, and why. */
  readonly firstBroken?: { readonly seq: number; readonly problem: ChainProblem };
}

/**
 * Walks the stored entries in seq order. `written` is how many entries were ever appended (the
 * log's counter), so a removed tail is caught too. Stops at the first broken entry: everything
 * after it is unproven anyway.
 */
export function verifyChain(
  entries: Iterable<AuditEntry | { readonly seq: number; readonly unreadable: true }>,
  written: number,
): ChainReport {
  let prevHash = GENESIS_HASH;
  let prevSeq = 0;
  let count = 0;
  for (const e of entries) {
    count += 1;
    const broken = (problem: ChainProblem): ChainReport => ({
      ok: false,
      entries: count,
      firstBroken: { seq: e.seq, problem },
    });
    if ('unreadable' in e) return broken('unreadable');
    if (e.seq !== prevSeq + 1) return broken('sequence');
    const { prevHash: storedPrev, hash, ...fields } = e;
    if (entryHash(storedPrev, fields) !== hash) return broken('altered');
    if (storedPrev !== prevHash) return broken('unlinked');
    prevHash = hash;
    prevSeq = e.seq;
  }
  if (prevSeq < written) {
    return { ok: false, entries: count, firstBroken: { seq: prevSeq + 1, problem: 'truncated' } };
  }
  return {
    ok: true,
    entries: count,
    ...(count > 0 ? { head: { seq: prevSeq, hash: prevHash } } : {}),
  };
}
