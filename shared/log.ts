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

/** One line a recordingLogger kept. */
export interface RecordedLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Readonly<Record<string, unknown>>;
  readonly message: string | undefined;
}

/** A logger that keeps every line, at every level, for tests that check what was logged. */
export function recordingLogger(): Logger & { readonly lines: RecordedLine[] } {
  const lines: RecordedLine[] = [];
  const at =
    (level: RecordedLine['level']) =>
    (fields: Readonly<Record<string, unknown>>, message?: string): void =>
      void lines.push({ level, fields, message });
  const logger = {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
    isLevelEnabled: () => true,
  };
  return logger;
}

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
