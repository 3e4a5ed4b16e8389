/**
 * Reads and checks the device configuration file. Errors name the file and the field, never
 * the value (a config may hold a URL with credentials; a key file path is not secret, its
 * contents are).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { DeviceConfigSchema, type DeviceConfig } from '../../shared/config/device.ts';
import { describeIssues, parseJsonText, parseWire } from '../../shared/contracts/sync/wire.ts';
import { KazasuError } from '../../shared/errors.ts';

export type ConfigErrorCode =
  | 'config/not-found' // no file at the path
  | 'config/unreadable' // the file exists but cannot be read
  | 'config/invalid-json' // not JSON
  | 'config/invalid' // JSON that fails the schema; details.issues lists field paths
  | 'config/fleet-key'; // the fleet key file is missing, unreadable or too short

export class ConfigError extends KazasuError<ConfigErrorCode> {}

export const DEFAULT_CONFIG_PATH = '/etc/kazasu/device.json';
export const CONFIG_ENV = 'KAZASU_CONFIG';
const MIN_FLEET_KEY_BYTES = 32;

/** A loaded config with paths made absolute. */
export type LoadedConfig = DeviceConfig & { readonly path: string };

export function configPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env[CONFIG_ENV] ?? DEFAULT_CONFIG_PATH;
}

export function loadConfig(path: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const missing = error instanceof Error && 'code' in error && error.code === 'ENOENT';
    throw new ConfigError(
      missing ? 'config/not-found' : 'config/unreadable',
      `${missing ? 'no' : 'cannot read the'} device config at ${path}`,
      {
        cause: error,
        details: { path },
      },
    );
  }
  return parseConfig(text, path);
}

export function parseConfig(text: string, path: string): LoadedConfig {
  const json = parseJsonText(text);
  if (!json.ok)
    throw new ConfigError('config/invalid-json', `${path} is not JSON`, { details: { path } });
  const parsed = parseWire(DeviceConfigSchema, json.value);
  if (!parsed.ok) {
    throw new ConfigError('config/invalid', `${path}: ${describeIssues(parsed.issues)}`, {
      details: { path, issues: parsed.issues },
    });
  }
  const base = dirname(resolve(path));
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  const c = parsed.value;
  return {
    ...c,
    path: resolve(path),
    dataDir: abs(c.dataDir),
    ...(c.fleetKeyFile === undefined ? {} : { fleetKeyFile: abs(c.fleetKeyFile) }),
  };
}

/** The fleet key's bytes; the file holds them raw, or as hex or base64 text. */
export function readFleetKey(config: LoadedConfig): Uint8Array {
  const file = config.fleetKeyFile;
  if (file === undefined)
    throw new ConfigError('config/fleet-key', 'this device has no fleetKeyFile');
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (error) {
    throw new ConfigError('config/fleet-key', `cannot read the fleet key file ${file}`, {
      cause: error,
    });
  }
  const text = raw.toString('utf8').trim();
  const key = /^[0-9a-fA-F]+$/.test(text)
    ? Buffer.from(text, 'hex')
    : /^[A-Za-z0-9+/]+=*$/.test(text)
      ? Buffer.from(text, 'base64')
      : raw;
  if (key.length < MIN_FLEET_KEY_BYTES) {
    throw new ConfigError(
      'config/fleet-key',
      `the fleet key must be at least ${MIN_FLEET_KEY_BYTES} bytes`,
    );
  }
  return key;
}
