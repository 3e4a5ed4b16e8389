/**
 * The logger contract every module receives by injection (style.md rule 14). The composition
 * root backs it with pino and its redaction; library code never builds a logger itself.
 * Personal data (PINs, 照合番号, My Number, names, addresses) must never be passed in fields.
 */
export interface Logger {
  debug(fields: Readonly<Record<string, unknown>>, message?: string): void;
  info(fields: Readonly<Record<string, unknown>>, message?: string): void;
  warn(fields: Readonly<Record<string, unknown>>, message?: string): void;
  error(fields: Readonly<Record<string, unknown>>, message?: string): void;
  child(bindings: Readonly<Record<string, unknown>>): Logger;
  /** Whether debug lines are wanted, so hot paths can skip building them. */
  isLevelEnabled(level: 'debug' | 'info'): boolean;
}

const noop = (): void => undefined;

/** A logger that drops everything: the default for library code under test. */
export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
  isLevelEnabled: () => false,
};

/**
 * Field names whose values pino must censor wherever they appear. Kept here so the redaction
 * list is one list for every process.
 */
export const REDACTED_FIELDS: readonly string[] = [
  'pin',
  'password',
  'codeA',
  'codeB',
  'myNumber',
  'name',
  'address',
  'birthDate',
  'photo',
  'idm',
];
