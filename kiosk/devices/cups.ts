/**
 * The composition root for printing: the only place that spawns `lp` and opens the CUPS
 * scheduler's socket (style.md rule 3). hardware/printing/printer.ts does the rest.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { userInfo } from 'node:os';
import { systemClock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import { delay } from '../../shared/timeout.ts';
import { IPP_MIME } from '../../hardware/printing/constants.ts';
import {
  CupsPrinter,
  type CupsPrinterOptions,
  type CupsTransport,
  type SubmitResult,
} from '../../hardware/printing/printer.ts';

/** CUPS's local socket (cupsd.conf `Listen /run/cups/cups.sock`); $CUPS_SERVER when it names a socket. */
export function defaultCupsSocket(env: NodeJS.ProcessEnv = process.env): string {
  const server = env['CUPS_SERVER'];
  return server?.startsWith('/') ? server : '/run/cups/cups.sock';
}

export interface CupsTransportOptions {
  readonly socketPath?: string;
  readonly lp?: string;
  readonly lpTimeoutMs?: number;
  readonly ippTimeoutMs?: number;
}

const REQUEST_ID = /request id is (\S+)-(\d+) /;

export function cupsTransport(options: CupsTransportOptions = {}): CupsTransport {
  const socketPath = options.socketPath ?? defaultCupsSocket();
  return {
    submit(queue, title, pdf) {
      return new Promise<SubmitResult>((resolve) => {
        // The PDF goes in on standard input: no file of ours holds it, not even for a moment.
        const child = spawn(options.lp ?? 'lp', ['-d', queue, '-t', title, '-o', 'media=A4'], {
          env: { ...process.env, LANG: 'C', LC_ALL: 'C' },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.stdin.on('error', () => undefined); // lp refused early; its exit says why
        const timer = setTimeout(() => child.kill('SIGKILL'), options.lpTimeoutMs ?? 15_000);
        child.on('error', (error) => {
          clearTimeout(timer);
          resolve({
            ok: false,
            reason: 'submit-failed',
            detail: `cannot run lp: ${error.message}`,
          });
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          const id = REQUEST_ID.exec(out);
          if (code === 0 && id) return resolve({ ok: true, jobId: Number(id[2]) });
          const detail = (err || out).trim().split('\n')[0]?.slice(0, 200) ?? '';
          const reason = /does not exist|not found|unknown printer/i.test(detail)
            ? 'queue-missing'
            : /not accepting/i.test(detail)
              ? 'not-accepting'
              : 'submit-failed';
          resolve({ ok: false, reason, detail: detail || `lp exited with ${code ?? 'a signal'}` });
        });
        child.stdin.end(pdf);
      });
    },
    ipp(path, body) {
      return new Promise<Uint8Array>((resolve, reject) => {
        const req = request(
          {
            socketPath,
            path,
            method: 'POST',
            headers: { 'Content-Type': IPP_MIME, 'Content-Length': body.length },
            timeout: options.ippTimeoutMs ?? 5_000,
          },
          (res) => {
            const parts: Buffer[] = [];
            res.on('data', (d: Buffer) => parts.push(d));
            res.on('end', () =>
              res.statusCode === 200
                ? resolve(Buffer.concat(parts))
                : reject(new Error(`CUPS answered HTTP ${res.statusCode ?? '?'}`)),
            );
            res.on('error', reject);
          },
        );
        req.on('timeout', () => req.destroy(new Error('CUPS did not answer in time')));
        req.on('error', reject);
        req.end(body);
      });
    },
  };
}

export type CreatePrinterOptions = Partial<
  Omit<CupsPrinterOptions, 'queue' | 'transport' | 'logger'>
> & {
  readonly queue: string;
  readonly transport?: CupsTransport;
  readonly logger?: Logger;
};

/** The counter's printer on a CUPS queue (the demo and tests: Kazasu-PDF, a cups-pdf queue). */
export function createCupsPrinter(options: CreatePrinterOptions): CupsPrinter {
  return new CupsPrinter({
    clock: systemClock,
    sleep: delay,
    user: userInfo().username,
    ...options,
    transport: options.transport ?? cupsTransport(),
  });
}

export const DEMO_QUEUE = 'Kazasu-PDF';
