import { serializeError, type SerializedError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/log.ts';
import { createLogger, type LogLevel } from '../log.ts';

/** What every command gets: output streams, a logger, and a way to wait for Ctrl-C. */
export interface CliContext {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly logger: Logger;
  /** Resolves on SIGINT or SIGTERM: long-running commands clean up, then return. */
  readonly interrupted: Promise<NodeJS.Signals>;
}

export class UsageError extends Error {}

export function createContext(): CliContext {
  const level = (process.env['KAZASU_LOG_LEVEL'] ?? 'warn') as LogLevel;
  const interrupted = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  return {
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
    logger: createLogger(level),
    interrupted,
  };
}

/** The JSON a failed command prints with --json: `{"error":{"code":...,"message":...}}`. */
export function errorJson(error: unknown): { error: SerializedError } {
  return { error: serializeError(error) };
}
