import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { decodeGrayPng, type GrayImage } from './png.ts';

/** The demo's and tests' cups-pdf queue (scripts/bootstrap.js ensureCups). */
export const TEST_QUEUE = 'Kazasu-PDF';

const C_LOCALE = { ...process.env, LANG: 'C', LC_ALL: 'C' };

function run(command: string, args: readonly string[]): string {
  return execFileSync(command, args, {
    env: C_LOCALE,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The queue's device URI, e.g. cups-pdf:/kazasu (`lpstat -v`). */
export function deviceUri(queue: string): string | undefined {
  const r = spawnSync('lpstat', ['-v', queue], { env: C_LOCALE, encoding: 'utf8' });
  return /device for \S+: (\S+)/.exec(r.stdout)?.[1];
}

/**
 * Where cups-pdf writes a queue's files: the `Out` of the config the device URI selects
 * (cups-pdf:/NAME reads /etc/cups/cups-pdf-NAME.conf, cups-pdf:/ the shared cups-pdf.conf;
 * cups-pdf.conf documents the default /var/spool/cups-pdf/${USER}), with ${HOME} and ${USER}
 * of the user who printed.
 */
export function cupsPdfOutputDir(queue: string): string {
  const uri = deviceUri(queue);
  if (!uri?.startsWith('cups-pdf:/'))
    throw new Error(`${queue} is not a cups-pdf queue (${uri ?? 'missing'})`);
  const name = uri.slice('cups-pdf:/'.length);
  const conf = name === '' ? '/etc/cups/cups-pdf.conf' : `/etc/cups/cups-pdf-${name}.conf`;
  const text = existsSync(conf) ? readFileSync(conf, 'utf8') : '';
  const out = /^Out\s+(.+)$/m.exec(text)?.[1]?.trim() ?? '/var/spool/cups-pdf/${USER}';
  return out.replaceAll('${HOME}', homedir()).replaceAll('${USER}', userInfo().username);
}

/**
 * The PDF cups-pdf made for a job. Its file name is the job title, mangled, with the job id:
 * "-job_N" at the end (Label 2) or "job_N-" in front (Label 1); the title alone is not enough,
 * since cups-pdf appends stray characters to it. Waits until the file stops growing.
 */
export async function waitForCupsPdfFile(
  queue: string,
  jobId: number,
  timeoutMs = 20_000,
): Promise<string> {
  const dir = cupsPdfOutputDir(queue);
  const pattern = new RegExp(`(-job_${jobId}\\.pdf$|^job_${jobId}-.*\\.pdf$)`);
  const until = Date.now() + timeoutMs;
  let last = -1;
  while (Date.now() < until) {
    const name = existsSync(dir) ? readdirSync(dir).find((f) => pattern.test(f)) : undefined;
    if (name) {
      const size = statSync(join(dir, name)).size;
      if (size > 0 && size === last) return join(dir, name);
      last = size;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`no cups-pdf file for job ${jobId} in ${dir}`);
}

/** A private cups-pdf queue like Kazasu-PDF, for tests that stop or refuse a queue. */
export function createTempQueue(tag: string): { readonly name: string; dispose(): void } {
  const name = `Kazasu-Test-${tag}-${process.pid}`;
  const device = deviceUri(TEST_QUEUE) ?? 'cups-pdf:/';
  const models = run('lpinfo', ['-m'])
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '');
  const driver =
    models.find((m) => m.endsWith('CUPS-PDF_opt.ppd')) ?? 'lsb/usr/cups-pdf/CUPS-PDF_opt.ppd';
  run('lpadmin', [
    '-p',
    name,
    '-E',
    '-v',
    device,
    '-m',
    driver,
    '-o',
    'pdftops-renderer-default=pdftocairo',
  ]);
  return { name, dispose: () => void spawnSync('lpadmin', ['-x', name]) };
}

export function cupsdisable(queue: string): void {
  run('cupsdisable', [queue]);
}

/** The job's document in CUPS's spool (cupsd names it d<5-digit id>-001). */
export function spoolFile(jobId: number): string {
  return `/var/spool/cups/d${String(jobId).padStart(5, '0')}-001`;
}

export function pdftotext(file: string, layout = true): string {
  return run('pdftotext', [...(layout ? ['-layout'] : []), file, '-']);
}

export function pdfPages(file: string): number {
  return Number(/^Pages:\s+(\d+)/m.exec(run('pdfinfo', [file]))?.[1] ?? 0);
}

/** Renders one page (or a box on it, in mm from the top left) to a grayscale PNG and decodes it. */
export function rasterize(
  pdf: string | Uint8Array,
  page: number,
  options: { dpi?: number; box?: { x: number; y: number; w: number; h: number } } = {},
): GrayImage {
  const dir = mkdtempSync(join(tmpdir(), 'kazasu-raster-'));
  try {
    let file = typeof pdf === 'string' ? pdf : join(dir, 'in.pdf');
    if (typeof pdf !== 'string') writeFileSync(file, pdf);
    const dpi = options.dpi ?? 72;
    const px = (mm: number): string => String(Math.round((mm * dpi) / 25.4));
    const crop = options.box
      ? [
          '-x',
          px(options.box.x),
          '-y',
          px(options.box.y),
          '-W',
          px(options.box.w),
          '-H',
          px(options.box.h),
        ]
      : [];
    run('pdftoppm', [
      '-f',
      String(page),
      '-l',
      String(page),
      '-r',
      String(dpi),
      '-gray',
      '-png',
      '-singlefile',
      ...crop,
      file,
      join(dir, 'out'),
    ]);
    file = join(dir, 'out.png');
    return decodeGrayPng(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
