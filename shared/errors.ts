/**
 * Errors with stable string codes (style.md rule 12). Callers branch on `code`, never on the
 * message. Each area defines its codes as a string-literal union and a subclass.
 */
export type ErrorCode = `${string}/${string}`;

export interface SerializedError {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export class KazasuError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  /** Structured, non-personal facts about the failure (status word, line number, ...). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: C,
    message: string,
    options: { cause?: unknown; details?: Readonly<Record<string, unknown>> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
  }

  /** The form errors take across IPC, the local API and JSON output. */
  toJSON(): SerializedError {
    return Object.keys(this.details).length > 0
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

export function isKazasuError(value: unknown): value is KazasuError {
  return value instanceof KazasuError;
}

/** True when `value` is a KazasuError with one of the given codes. */
export function hasErrorCode<C extends ErrorCode>(
  value: unknown,
  ...codes: readonly C[]
): value is KazasuError<C> {
  if (!(value instanceof KazasuError)) return false;
  const code: string = (value as KazasuError).code;
  return (codes as readonly string[]).includes(code);
}

/** Turns anything thrown into the serialised error shape, without leaking stack traces. */
export function serializeError(value: unknown): SerializedError {
  if (value instanceof KazasuError) return value.toJSON();
  if (value instanceof Error) return { code: 'internal/unexpected', message: value.message };
  return { code: 'internal/unexpected', message: String(value) };
}

export function assertNever(value: never, what = 'value'): never {
  throw new KazasuError('internal/unreachable', `unexpected ${what}: ${JSON.stringify(value)}`);
}
