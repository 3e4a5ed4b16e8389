import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { X509Certificate } from 'node:crypto';
import { ReaderError } from '../errors.ts';
import { parseRoots } from './jpki-ap.ts';
import { loadCaKeySet, type CaKeySet } from './ca-keys.ts';

/**
 * Loading trust anchors from files (the I/O beside the pure checks): the J-LIS JPKI roots
 * shipped in reader/mynumber/trust/jpki-roots (PROVENANCE.md), or a directory of PEM files an
 * operator names; a CA key file in the format of jlis-cv-ca-keys.json.
 */
export const DEFAULT_JPKI_ROOTS_DIR = join(import.meta.dirname, 'trust', 'jpki-roots');

export function loadJpkiRoots(dir: string = DEFAULT_JPKI_ROOTS_DIR): X509Certificate[] {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.pem'))
      .sort();
  } catch (error) {
    throw new ReaderError('reader/trust-invalid', `cannot read root certificates from ${dir}`, {
      cause: error,
    });
  }
  if (files.length === 0)
    throw new ReaderError('reader/trust-invalid', `no .pem root certificates in ${dir}`);
  return parseRoots(files.map((f) => readFileSync(join(dir, f), 'utf8')));
}

export function loadCaKeyFile(path: string): CaKeySet {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ReaderError('reader/trust-invalid', `cannot read the CA key file ${path}`, {
      cause: error,
    });
  }
  return loadCaKeySet(json);
}
