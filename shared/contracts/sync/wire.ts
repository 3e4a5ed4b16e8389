/**
 * Parsing at the boundary (style.md rule 13): wire data is `unknown` until a schema narrows it.
 * Each side turns a failure into its own typed error (`sync/malformed-response` on the device,
 * `backend/bad-request` on the backend). Issues carry paths and zod's messages, never the
 * offending values, which may be personal.
 */
import type { z } from 'zod';

export interface WireIssue {
  readonly path: string;
  readonly message: string;
}

export type WireResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly WireIssue[] };

export function parseWire<S extends z.ZodType>(schema: S, value: unknown): WireResult<z.output<S>> {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  return {
    ok: false,
    issues: r.error.issues.slice(0, 10).map((i) => ({
      path: i.path.map(String).join('.') || '(root)',
      message: i.message,
    })),
  };
}

/** JSON.parse that reports failure instead of throwing (truncated bodies are a normal fault). */
export function parseJsonText(text: string): WireResult<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, issues: [{ path: '(root)', message: 'not valid JSON' }] };
  }
}

export function describeIssues(issues: readonly WireIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}
