import { readFileSync, writeFileSync, existsSync } from 'node:fs';

export { percentile, summarize, type Summary } from '../../shared/stats.ts';

export const ms = (v: number): string =>
  v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(3);

/** Replaces the section between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in docs/perf.md. */
export function writePerfSection(file: string, name: string, body: string): void {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Performance\n';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next =
    from >= 0 && to > from
      ? text.slice(0, from) + block + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

export function machineLine(): string {
  return `Node ${process.versions.node}, ${process.platform}/${process.arch}`;
}
