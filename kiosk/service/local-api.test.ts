import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';
import { KazasuError } from '../../shared/errors.ts';
import { CSP, startUiServer, type UiServer } from './http.ts';
import { LocalApi } from './local-api.ts';
import { rawText } from './ws-text.ts';

function api(demo = false): LocalApi {
  const a = new LocalApi({ demo });
  a.method(
    'counter.enterPin',
    z.strictObject({ digits: z.string().regex(/^\d{4}$/) }),
    ({ digits }) => ({
      length: digits.length,
    }),
  );
  a.method('demo.card', z.undefined(), () => 'placed', { demoOnly: true });
  a.method('status.get', z.undefined(), () => {
    throw new KazasuError('reader/no-card', 'no card');
  });
  a.method('status.crash', z.undefined(), () => {
    throw new Error('boom');
  });
  return a;
}

describe('LocalApi', () => {
  it('answers a valid request and refuses bad ones with typed codes', async () => {
    const a = api();
    expect(
      await a.handle(
        JSON.stringify({ id: 1, method: 'counter.enterPin', params: { digits: '1234' } }),
      ),
    ).toEqual({
      id: 1,
      ok: true,
      value: { length: 4 },
    });
    const code = async (text: string): Promise<string | undefined> => {
      const r = await a.handle(text);
      return r.ok ? undefined : r.error.code;
    };
    expect(await code('{')).toBe('api/bad-message');
    expect(await code(JSON.stringify({ id: 2 }))).toBe('api/bad-message');
    expect(await code(JSON.stringify({ id: 3, method: 'counter.nothing' }))).toBe(
      'api/unknown-method',
    );
    expect(
      await code(JSON.stringify({ id: 4, method: 'counter.enterPin', params: { digits: '12' } })),
    ).toBe('api/bad-params');
    expect(await code(JSON.stringify({ id: 5, method: 'demo.card' }))).toBe('api/not-allowed');
    expect(await code(JSON.stringify({ id: 6, method: 'status.get' }))).toBe('reader/no-card');
    expect(await code(JSON.stringify({ id: 7, method: 'status.crash' }))).toBe(
      'internal/unexpected',
    );
    expect(await api(true).handle(JSON.stringify({ id: 8, method: 'demo.card' }))).toMatchObject({
      ok: true,
    });
  });

  it('bad params errors name paths, never values', async () => {
    const r = await api().handle(
      JSON.stringify({ id: 1, method: 'counter.enterPin', params: { digits: '98x7' } }),
    );
    expect(JSON.stringify(r)).not.toContain('98x7');
    expect(r).toMatchObject({ ok: false, error: { details: { issues: [{ path: 'digits' }] } } });
  });

  it('never throws, whatever arrives', async () => {
    const a = api();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json()), async (text) => {
        const r = await a.handle(text);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });

  it('gives a new screen the latest state, then live pushes', () => {
    const a = api();
    a.push('status', { n: 1 });
    a.push('status', { n: 2 });
    a.push('validator.tap', { once: true });
    const seen: unknown[] = [];
    a.subscribe((p) => seen.push(p));
    a.push('validator.tap', { again: true });
    expect(seen).toEqual([
      { event: 'status', data: { n: 2 } },
      { event: 'validator.tap', data: { again: true } },
    ]);
  });
});

describe('UI server', () => {
  let server: UiServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  async function start(): Promise<UiServer> {
    const dir = mkdtempSync(join(tmpdir(), 'kazasu-ui-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    server = await startUiServer({ api: api(), rendererDir: dir });
    return server;
  }

  it('serves the renderer with a strict CSP, and nothing outside it', async () => {
    const s = await start();
    const page = await fetch(s.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CSP);
    expect(CSP).toContain("script-src 'self'");
    expect((await fetch(`${s.url}..%2f..%2fetc%2fpasswd`)).status).toBe(404);
    expect((await fetch(`${s.url}missing.js`)).status).toBe(404);
    expect((await fetch(s.url, { method: 'POST' })).status).toBe(405);
  });

  it('speaks the API over a WebSocket from its own origin, and refuses other origins', async () => {
    const s = await start();
    const wsUrl = s.url.replace('http', 'ws') + 'api';
    const ws = new WebSocket(wsUrl, { headers: { origin: s.url.slice(0, -1) } });
    const reply = await new Promise<unknown>((resolve, reject) => {
      ws.on('open', () =>
        ws.send(JSON.stringify({ id: 9, method: 'counter.enterPin', params: { digits: '0000' } })),
      );
      ws.on('message', (d) => resolve(JSON.parse(rawText(d))));
      ws.on('error', reject);
    });
    expect(reply).toEqual({ id: 9, ok: true, value: { length: 4 } });
    ws.close();
    const evil = new WebSocket(wsUrl, { headers: { origin: 'https://evil.example' } });
    const refused = await new Promise<string>((resolve) => {
      evil.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      evil.on('error', (e) => resolve(e.message));
    });
    expect(refused).toMatch(/403/);
  });
});
