import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, kazasu, killAll } from './support/cli.ts';
import { printedText, squeeze } from './support/counter.ts';
import { startPrivatePcscd, type PrivatePcscd } from '../scripts/lib/pcscd.ts';

// `kazasu counter demo` and `kazasu audit verify` as an operator runs them, against a private
// pcscd (the demo puts its simulated cards into the vpcd reader on --port).
let pcscd: PrivatePcscd;
const dir = mkdtempSync(join(tmpdir(), 'kazasu-counter-cli-'));

beforeAll(async () => {
  pcscd = await startPrivatePcscd();
});
afterAll(async () => {
  killAll();
  await pcscd?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

interface DemoJson {
  ok: boolean;
  pdf: string;
  persons: number;
  procedures: string[];
  audit: { ok: boolean; entries: number };
  auditDb: string;
  heldBytesAfterClose: number;
}

const demo = (args: string[]) =>
  kazasu(['counter', 'demo', '--json', '--port', String(pcscd.ports[0]), ...args], {
    socketPath: pcscd.socketPath,
    timeoutMs: 90_000,
  });

describe('kazasu counter demo', () => {
  let household: DemoJson;

  it('runs a household case with face authentication to a printed PDF and an intact audit chain', async () => {
    const r = await demo(['--household', '--face', '--dir', join(dir, 'household')]);
    expect(r.code).toBe(0);
    household = json<DemoJson>(r);
    expect(household).toMatchObject({
      ok: true,
      persons: 2,
      procedures: ['juminhyo-request', 'moving-in', 'nhi-enrolment'],
      audit: { ok: true },
      heldBytesAfterClose: 0,
    });
    expect(existsSync(household.pdf)).toBe(true);
    const text = squeeze(printedText(household.pdf));
    for (const expected of [
      '住民票の写し等交付請求書',
      '住民異動届',
      '国民健康保険',
      '黒桐幹也',
      '黒桐鮮花',
    ]) {
      expect(text).toContain(expected);
    }
    for (const myNumber of ['537686677188', '830303000022']) expect(text).not.toContain(myNumber);
    // the PINs as numbers of their own, not digits inside a timestamp or a hex id
    expect(r.stderr).not.toMatch(/黒桐|537686677188|(?<![0-9a-f])(2468|1234)(?![0-9a-f])/);
  }, 120_000);

  it('offline, without a printer: card-only prefill into a file, look-ups pending', async () => {
    const r = await demo(['--offline', '--no-printer', '--dir', join(dir, 'offline')]);
    expect(r.code).toBe(0);
    const out = json<DemoJson>(r);
    expect(out.pdf.startsWith(join(dir, 'offline', 'printed'))).toBe(true);
    expect(squeeze(printedText(out.pdf))).toContain('照会中');
  }, 120_000);

  it('audit verify: the demo’s chain holds; a tampered entry is named', async () => {
    const db = household.auditDb;
    const ok = await kazasu(['audit', 'verify', '--json', '--db', db]);
    expect(ok.code).toBe(0);
    expect(json(ok)).toMatchObject({ ok: true, entries: household.audit.entries });
    const attack = (sql: string): void => {
      const d = new Database(db);
      d.exec(
        `DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; ${sql}`,
      );
      d.close();
    };
    attack(`UPDATE audit_log SET result = 'tampered' WHERE seq = 5`);
    const tampered = await kazasu(['audit', 'verify', '--json', '--db', db]);
    expect(tampered.code).toBe(1);
    expect(json(tampered)).toMatchObject({
      ok: false,
      firstBroken: { seq: 5, problem: 'altered' },
    });
    const human = await kazasu(['audit', 'verify', '--db', db]);
    expect(human.stdout).toContain('BROKEN at entry #5 (altered)');
  });
});

describe('kazasu audit verify on other logs', () => {
  it('names a deleted and a reordered entry', async () => {
    const r = await demo(['--no-printer', '--dir', join(dir, 'single')]);
    const db = json<DemoJson>(r).auditDb;
    const copy = (name: string, sql: string): string => {
      const path = join(dir, `${name}.db`);
      const d = new Database(db);
      d.exec(`VACUUM INTO '${path}'`);
      d.close();
      const t = new Database(path);
      t.exec(`DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; ${sql}`);
      t.close();
      return path;
    };
    const deleted = copy('deleted', `DELETE FROM audit_log WHERE seq = 3`);
    expect(json(await kazasu(['audit', 'verify', '--json', '--db', deleted]))).toMatchObject({
      ok: false,
      firstBroken: { seq: 4, problem: 'sequence' },
    });
    const reordered = copy(
      'reordered',
      `UPDATE audit_log SET seq = 1000 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 1000;`,
    );
    expect(json(await kazasu(['audit', 'verify', '--json', '--db', reordered]))).toMatchObject({
      ok: false,
      firstBroken: { seq: 2, problem: 'altered' },
    });
  }, 120_000);
});
