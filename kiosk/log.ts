import pino from 'pino';
import { REDACTED_FIELDS, type Logger } from '../shared/log.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * The process logger: pino, JSON lines on standard error (standard output belongs to command
 * results), with personal fields censored wherever they appear (style.md rule 14).
 */
export function createLogger(level: LogLevel = 'info', destination: number = 2): Logger {
  const paths = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
  const base = pino(
    { level, base: { pid: process.pid }, redact: { paths, censor: '[redacted]' } },
    pino.destination({ fd: destination, sync: true }),
  );
  return wrap(base);
}

function wrap(p: pino.Logger): Logger {
  return {
    debug: (fields, message) => p.debug(fields, message),
    info: (fields, message) => p.info(fields, message),
    warn: (fields, message) => p.warn(fields, message),
    error: (fields, message) => p.error(fields, message),
    child: (bindings) => wrap(p.child(bindings)),
    isLevelEnabled: (level) => p.isLevelEnabled(level),
  };
}
