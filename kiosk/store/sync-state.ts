/**
 * What the sync client remembers between runs, and a lease so that two sync runs (the service
 * and a `kazasu sync --once` typed by a technician) never upload or apply at the same time.
 */
import type { Statement, WritableDb } from './db.ts';

export interface SyncRecord {
  readonly lastAttemptAt: number | null;
  readonly lastSuccessAt: number | null;
  readonly lastErrorCode: string | null;
  readonly lastErrorAt: number | null;
  /** Backend clock minus device clock, from the last response (ms). */
  readonly clockOffsetMs: number;
}

const KEYS = [
  'lastAttemptAt',
  'lastSuccessAt',
  'lastErrorCode',
  'lastErrorAt',
  'clockOffsetMs',
] as const;
const LEASE = 'lease';

export class SyncState {
  private readonly s: Record<'all' | 'put' | 'del' | 'get', Statement>;

  constructor(private readonly db: WritableDb) {
    this.s = {
      all: db.prepare(`SELECT key, value FROM sync_state`),
      put: db.prepare(
        `INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      ),
      del: db.prepare(`DELETE FROM sync_state WHERE key = ?`),
      get: db.prepare(`SELECT value FROM sync_state WHERE key = ?`),
    };
  }

  read(): SyncRecord {
    const map = new Map(
      (this.s.all.all() as { key: string; value: string }[]).map((r) => [
        r.key,
        JSON.parse(r.value) as unknown,
      ]),
    );
    const num = (k: string): number | null => {
      const v = map.get(k);
      return typeof v === 'number' ? v : null;
    };
    const code = map.get('lastErrorCode');
    return {
      lastAttemptAt: num('lastAttemptAt'),
      lastSuccessAt: num('lastSuccessAt'),
      lastErrorCode: typeof code === 'string' ? code : null,
      lastErrorAt: num('lastErrorAt'),
      clockOffsetMs: num('clockOffsetMs') ?? 0,
    };
  }

  update(patch: Partial<SyncRecord>): void {
    this.db.transaction(() => {
      for (const key of KEYS) {
        if (!(key in patch)) continue;
        const value = patch[key];
        if (value === null || value === undefined) this.s.del.run(key);
        else this.s.put.run(key, JSON.stringify(value));
      }
    })();
  }

  /**
   * Takes the sync lease for `owner` until `until`, unless another owner holds an unexpired
   * one. A crashed holder's lease simply expires.
   */
  acquireLease(
    owner: string,
    now: number,
    until: number,
    /** False for a holder known dead (a process killed mid-run leaves its lease behind). */
    holderAlive: (holder: string) => boolean = () => true,
  ): boolean {
    return this.db
      .transaction(() => {
        const row = this.s.get.get(LEASE) as { value: string } | undefined;
        if (row) {
          const held = JSON.parse(row.value) as { owner: string; until: number };
          if (held.owner !== owner && held.until > now && holderAlive(held.owner)) return false;
        }
        this.s.put.run(LEASE, JSON.stringify({ owner, until }));
        return true;
      })
      .immediate();
  }

  releaseLease(owner: string): void {
    this.db.transaction(() => {
      const row = this.s.get.get(LEASE) as { value: string } | undefined;
      if (row && (JSON.parse(row.value) as { owner: string }).owner === owner)
        this.s.del.run(LEASE);
    })();
  }
}
