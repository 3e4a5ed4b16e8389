import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HEADERS } from '../../shared/contracts/sync/constants.ts';
import { ROUTES } from './server.ts';
import { HTTP_STATUS } from './errors.ts';

// openapi.yaml is written by hand; this keeps it and the server in agreement.
const doc = readFileSync(new URL('./openapi.yaml', import.meta.url), 'utf8');

function documented(): string[] {
  const found: string[] = [];
  let path = '';
  let inPaths = false;
  for (const line of doc.split('\n')) {
    if (/^paths:/.test(line)) inPaths = true;
    else if (/^\S/.test(line)) inPaths = false;
    if (!inPaths) continue;
    const p = /^ {2}(\/\S+):$/.exec(line);
    if (p) path = p[1] as string;
    const m = /^ {4}(get|post|put|delete|patch):$/.exec(line);
    if (m && path) found.push(`${(m[1] as string).toUpperCase()} ${path}`);
  }
  return found.sort();
}

describe('OpenAPI document', () => {
  it('lists exactly the routes the server serves', () => {
    expect(documented()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('marks only the health route unsigned', () => {
    expect(ROUTES.filter((r) => !r.signed).map((r) => r.path)).toEqual(['/v1/health']);
    expect(doc).toMatch(/\/v1\/health:\n\s+get:\n(.*\n)*?\s+security: \[\]/);
  });

  it('names the authentication headers and every error code the server sends', () => {
    for (const h of [
      HEADERS.device,
      HEADERS.timestamp,
      HEADERS.nonce,
      HEADERS.signature,
      HEADERS.serverTime,
    ]) {
      expect(doc).toContain(h);
    }
    for (const code of Object.keys(HTTP_STATUS).filter(
      (c) => !['backend/csv-invalid', 'backend/device-exists', 'backend/usage'].includes(c),
    )) {
      expect(doc).toContain(code);
    }
  });
});
