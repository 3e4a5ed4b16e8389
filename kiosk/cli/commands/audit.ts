import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { verifyAuditLog } from '../../audit/log.ts';
import type { ChainReport } from '../../audit/chain.ts';
import { configPath, loadConfig } from '../../config/load.ts';
import { StoreError } from '../../store/errors.ts';
import { DATABASE_FILE, openReadableDb } from '../../store/open.ts';
import { errorJson, type CliContext } from '../context.ts';

export const auditVerifyHelp = `kazasu audit verify [--json] [--config FILE | --db FILE]
  Checks the hash chain of the device's audit log (every entry's hash over its fields and the
  entry before it, and the count of entries ever written), reading the database only.
  Exit 0: the chain holds ({"ok":true,"entries":N,"head":{"seq":N,"hash":…}}); 1: it is broken,
  and the first broken entry is named ({"ok":false,"firstBroken":{"seq":n,"problem":…}}:
  altered, unlinked (an entry removed, inserted or moved), sequence, truncated, unreadable),
  or the database cannot be read ({"error":{"code":…}}).
  The database: --db FILE, else <dataDir>/${DATABASE_FILE} of the config (--config,
  $KAZASU_CONFIG or /etc/kazasu/device.json).`;

function describe(r: ChainReport): string {
  if (r.ok) {
    return r.head
      ? `audit log: ${r.entries} entries, chain intact (head #${r.head.seq} ${r.head.hash.slice(0, 16)}…)`
      : 'audit log: empty';
  }
  const b = r.firstBroken;
  return `audit log: BROKEN at entry #${b?.seq ?? '?'} (${b?.problem ?? '?'}); entries before it are intact`;
}

export function auditVerifyCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, config: { type: 'string' }, db: { type: 'string' } },
    strict: true,
  });
  try {
    const path = values.db ?? join(loadConfig(configPath(values.config)).dataDir, DATABASE_FILE);
    if (!existsSync(path)) {
      throw new StoreError('store/cannot-open', `no device database at ${path}`, {
        details: { path },
      });
    }
    const db = openReadableDb(path);
    let report: ChainReport;
    try {
      const hasLog = db
        .prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'audit_log'`)
        .get();
      report = hasLog ? verifyAuditLog(db) : { ok: true, entries: 0 };
    } finally {
      db.close();
    }
    ctx.out(values.json ? JSON.stringify(report) : describe(report));
    return Promise.resolve(report.ok ? 0 : 1);
  } catch (error) {
    if (values.json) ctx.out(JSON.stringify(errorJson(error)));
    else ctx.err(`kazasu audit verify: ${JSON.stringify(errorJson(error).error)}`);
    return Promise.resolve(1);
  }
}
