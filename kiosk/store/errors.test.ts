import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../shared/errors.ts';
import { openDeviceStore } from './open.ts';
import { manualClock } from './testing.ts';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'kazasu-store-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return hasErrorCode(
      error,
      'store/disk-full',
      'store/locked',
      'store/corrupt',
      'store/cannot-open',
    )
      ? error.code
      : `not a store error: ${String(error)}`;
  }
}

describe('store failures are typed', () => {
  it('a full database is store/disk-full, and what was written before stays', () => {
    const dir = tempDir();
    const store = openDeviceStore({
      dataDir: dir,
      deviceId: 'bus-0042',
      clock: manualClock(),
      maxPageCount: 40,
    });
    let code: string | undefined;
    let written = 0;
    for (let i = 0; i < 10_000 && code === undefined; i += 1) {
      code = codeOf(() => store.appendEvent('audit.entry', { blob: 'x'.repeat(2000), i }));
      if (code === undefined) written += 1;
    }
    expect(code).toBe('store/disk-full');
    expect(store.outbox.stats().pending).toBe(written);
    store.close();
  });

  it('a database locked by another process is store/locked after the busy timeout', () => {
    const dir = tempDir();
    const store = openDeviceStore({
      dataDir: dir,
      deviceId: 'bus-0042',
      clock: manualClock(),
      busyTimeoutMs: 50,
    });
    const other = new Database(join(dir, 'kazasu.db'));
    other.exec('BEGIN EXCLUSIVE');
    expect(codeOf(() => store.appendEvent('audit.entry', { i: 1 }))).toBe('store/locked');
    other.exec('ROLLBACK');
    other.close();
    expect(codeOf(() => store.appendEvent('audit.entry', { i: 2 }))).toBeUndefined();
    store.close();
  });

  it('a file that is not a database is store/corrupt', () => {
    const dir = tempDir();
    const path = join(dir, 'kazasu.db');
    new Database(path).close();
    rmSync(path);
    writeFileSync(path, 'this is not sqlite '.repeat(100));
    expect(
      codeOf(() => openDeviceStore({ dataDir: dir, deviceId: 'bus-0042', clock: manualClock() })),
    ).toBe('store/corrupt');
  });
});
