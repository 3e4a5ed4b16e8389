import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The import direction of docs/architecture ("shared ← reader, hardware ← kiosk ← scripts";
// the renderer imports only shared) is enforced by lint, not review. These cases prove the
// rules fire, using the project's own eslint.config.js.
const eslint = new ESLint({ cwd: process.cwd() });

async function messages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('import boundaries', () => {
  it.each([
    [
      'shared/errors.ts',
      "import { PcscHub } from '../reader/pcsc/hub.ts';\nexport const x = PcscHub;\n",
    ],
    ['shared/errors.ts', "import fs from 'node:fs';\nexport const x = fs;\n"],
    ['reader/errors.ts', "import { main } from '../kiosk/cli/main.ts';\nexport const x = main;\n"],
    ['reader/errors.ts', "import { x } from '../hardware/thing.ts';\nexport const y = x;\n"],
    [
      'kiosk/log.ts',
      "import { startPrivatePcscd } from '../scripts/lib/pcscd.ts';\nexport const x = startPrivatePcscd;\n",
    ],
  ])('%s may not import that', async (file, code) => {
    expect(await messages(file, code)).not.toEqual([]);
  });

  it.each([
    [
      'reader/errors.ts',
      "import { KazasuError } from '../shared/errors.ts';\nexport const x = KazasuError;\n",
    ],
    [
      'kiosk/log.ts',
      "import { PcscHub } from '../reader/pcsc/hub.ts';\nexport const x = PcscHub;\n",
    ],
    [
      'scripts/bench/stats.ts',
      "import { main } from '../../kiosk/cli/main.ts';\nexport const x = main;\n",
    ],
  ])('%s may import that', async (file, code) => {
    expect(await messages(file, code)).toEqual([]);
  });

  it('the renderer (no files yet) is held to shared/ only', async () => {
    // Type-aware linting needs the file on disk, so check the resolved rule instead.
    const config = (await eslint.calculateConfigForFile('kiosk/renderer/app.tsx')) as {
      rules: Record<
        string,
        [unknown, { patterns: { regex: string }[]; paths: { name: string }[] }]
      >;
    };
    const [, options] = config.rules['no-restricted-imports'] ?? [];
    const regexes = (options?.patterns ?? []).map((p) => new RegExp(p.regex));
    const blocked = (spec: string) => regexes.some((r) => r.test(spec));
    expect(blocked('../../reader/pcsc/hub.ts')).toBe(true);
    expect(blocked('../store/db.ts')).toBe(true);
    expect(blocked('../../shared/errors.ts')).toBe(false);
    expect(blocked('./components/PinPad.tsx')).toBe(false);
    expect(options?.paths.map((p) => p.name)).toContain('pcsclite');
  });
});
