import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ndjsonLineBatches } from './lines.ts';

async function collect(chunks: Uint8Array[], max?: number): Promise<string[]> {
  async function* gen(): AsyncGenerator<Uint8Array> {
    for (const c of chunks) yield await Promise.resolve(c);
  }
  const out: string[] = [];
  for await (const batch of ndjsonLineBatches(gen(), max)) out.push(...batch);
  return out;
}

function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    parts.push(bytes.subarray(at, p));
    at = p;
  }
  parts.push(bytes.subarray(at));
  return parts;
}

describe('ndjsonLineBatches', () => {
  it('gives the same lines wherever chunks are cut, even inside UTF-8 (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => !s.includes('\n')),
          { minLength: 1, maxLength: 8 },
        ),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (lines, cuts) => {
          const bytes = Buffer.from(lines.join('\n') + '\n', 'utf8');
          expect(await collect(split(bytes, cuts))).toEqual(lines);
        },
      ),
    );
  });

  it('refuses a line past the limit and bytes that are not UTF-8', async () => {
    await expect(collect([Buffer.from('x'.repeat(50))], 10)).rejects.toMatchObject({
      code: 'sync/body-invalid',
    });
    await expect(collect([Buffer.from([0xff, 0x0a])])).rejects.toMatchObject({
      code: 'sync/body-invalid',
    });
  });
});
