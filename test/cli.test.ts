import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivatePcscd, type PrivatePcscd } from '../scripts/lib/pcscd.ts';
import { kazasu, killAll } from './support/cli.ts';

// The `kazasu` command as an operator runs it, against a private pcscd with vpcd readers.
let pcscd: PrivatePcscd;
const children: ChildProcess[] = [];

beforeAll(async () => {
  pcscd = await startPrivatePcscd({ name: 'Kazasu CLI' });
});
afterAll(async () => {
  killAll();
  for (const c of children) c.kill('SIGKILL');
  await pcscd?.dispose();
});

const cli = (args: string[], options: { interruptAfterMs?: number } = {}) =>
  kazasu(args, { socketPath: pcscd.socketPath, ...options });

/** Starts `kazasu sim card` and resolves once the card is in the reader. */
async function simCard(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['scripts/kazasu.js', 'sim', 'card', ...args]);
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('sim card did not connect')), 20_000);
    child.stderr.on('data', (d: Buffer) => {
      if (d.toString().includes('in the reader')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await new Promise((r) => setTimeout(r, 800)); // pcscd polls vpcd for presence every 400 ms
  return child;
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGINT');
  return exited;
}

/** Waits until pcscd has noticed that every simulated card left (it polls vpcd every 400 ms). */
async function readersEmpty(): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const r = await cli(['readers', '--json']);
    const parsed = JSON.parse(r.stdout) as { readers: { cardPresent: boolean }[] };
    if (parsed.readers.every((x) => !x.cardPresent)) return;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error('a card stayed in a reader after its simulator stopped');
}

describe('kazasu CLI', () => {
  it('readers --json lists the vpcd readers', async () => {
    const r = await cli(['readers', '--json']);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout) as {
      service: string;
      readers: { name: string; cardPresent: boolean }[];
    };
    expect(parsed.service).toBe('up');
    expect(parsed.readers.map((x) => x.name)).toEqual(pcscd.readerNames);
  });

  it('card info --json identifies a simulated My Number Card and a FeliCa card', async () => {
    const mynumber = await simCard(['--kind', 'mynumber', '--port', String(pcscd.ports[0])]);
    const felica = await simCard(['--kind', 'felica', '--port', String(pcscd.ports[1])]);
    const a = await cli(['card', 'info', '--json', '--reader', pcscd.readerNames[0] as string]);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toEqual({
      reader: pcscd.readerNames[0],
      kind: 'my-number',
      atr: '3be000ff8131fe4514',
    });
    const b = await cli(['card', 'info', '--json', '--reader', pcscd.readerNames[1] as string]);
    expect(JSON.parse(b.stdout)).toMatchObject({ kind: 'felica', idm: '012e4cd8a1b2c3d4' });
    const human = await cli(['readers']);
    expect(human.stdout).toContain('card present');
    expect(await stop(mynumber)).toBe(0);
    expect(await stop(felica)).toBe(0);
  });

  it('card info --json with no card prints a typed error and exits 1', async () => {
    await readersEmpty();
    const r = await cli(['card', 'info', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'reader/no-card' } });
  });

  it('an unknown ISO card is "unknown"', async () => {
    const unknown = await simCard(['--kind', 'unknown', '--port', String(pcscd.ports[0])]);
    const r = await cli(['card', 'info', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'unknown', atr: '3b80800101' });
    await stop(unknown);
  });

  it('watch streams JSON lines of card events until interrupted', async () => {
    const watching = cli(['watch'], { interruptAfterMs: 6000 });
    await new Promise((r) => setTimeout(r, 1500));
    const card = await simCard(['--kind', 'felica', '--port', String(pcscd.ports[1])]);
    await stop(card);
    const r = await watching;
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; reader?: string; time: string });
    const types = events.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(['service-up', 'reader-attached', 'reader-attached']);
    expect(types).toContain('card-present');
    expect(types.indexOf('card-removed')).toBeGreaterThan(types.indexOf('card-present'));
    expect(events.every((e) => !Number.isNaN(Date.parse(e.time)))).toBe(true);
  });

  it('sim card refuses a bad profile with a typed error, naming paths but no values', async () => {
    const file = join(pcscd.dir, 'bad-profile.json');
    writeFileSync(file, JSON.stringify({ holder: { name: '秘密　太郎', myNumber: '123' } }));
    const r = await cli([
      'sim',
      'card',
      '--kind',
      'mynumber',
      '--profile',
      file,
      '--port',
      String(pcscd.ports[0]),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('reader/profile-invalid');
    expect(r.stderr).not.toContain('秘密');
  });

  it('usage errors exit 2 with help', async () => {
    const r = await cli(['sim', 'card', '--kind', 'plastic']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--kind must be');
    expect((await cli(['frobnicate'])).code).toBe(2);
  });

  it('demo (the reader stack alone) puts both cards in and identifies them', async () => {
    const r = await cli([
      'demo',
      '--until-identified',
      '--port',
      String(pcscd.ports[0]),
      '--reader-prefix',
      'Kazasu CLI 0',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('My Number Card (JPKI application answered)');
    expect(r.stdout).toContain('FeliCa card, IDm 012e4cd8a1b2c3d4');
  });
});
