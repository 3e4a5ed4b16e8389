import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEd25519, publicKeyToBase64 } from '../../kiosk/crypto.ts';
import { openDeviceStore } from '../../kiosk/store/open.ts';
import demoFares from '../../kiosk/validator/demo-fares.json' with { type: 'json' };
import { installPopulation, type Population } from '../../kiosk/validator/simulate.ts';
import { systemClock } from '../../shared/clock.ts';

export interface ValidatorDevice {
  readonly dir: string;
  readonly dataDir: string;
  readonly config: string;
  readonly fleetKeyFile: string;
  /** How long installing the population took (ms). */
  readonly installMs: number;
}

/**
 * A validator's device directory for benchmarks: a config (no backend: run with --no-sync),
 * a fleet key, and a store holding `population` synthetic riders and the demo fare table.
 */
export function prepareValidatorDevice(o: {
  name: string;
  population: Population;
  readers: readonly string[];
  validator?: Record<string, unknown>;
}): ValidatorDevice {
  const dir = mkdtempSync(join(tmpdir(), `kazasu-${o.name}-`));
  const dataDir = join(dir, 'data');
  const fleetKey = randomBytes(32);
  const fleetKeyFile = join(dir, 'fleet.key');
  writeFileSync(fleetKeyFile, fleetKey.toString('hex'), { mode: 0o600 });
  const started = performance.now();
  const store = openDeviceStore({ dataDir, deviceId: 'bus-bench', clock: systemClock });
  installPopulation(store, fleetKey, o.population, demoFares, Date.now());
  store.close();
  const installMs = performance.now() - started;
  const config = join(dir, 'device.json');
  writeFileSync(
    config,
    JSON.stringify({
      deviceId: 'bus-bench',
      role: 'validator',
      dataDir: 'data',
      backend: {
        url: 'http://127.0.0.1:9',
        publicKeys: [publicKeyToBase64(generateEd25519().publicKey)],
      },
      fleetKeyFile: 'fleet.key',
      validator: { routeId: 'R1', stopId: 'S101', readers: o.readers, ...o.validator },
    }),
  );
  return { dir, dataDir, config, fleetKeyFile, installMs };
}
