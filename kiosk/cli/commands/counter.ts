import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../../shared/clock.ts';
import { VPCD_DEFAULT_HOST, VPCD_DEFAULT_PORT } from '../../../reader/vpcd/constants.ts';
import { DEMO_QUEUE } from '../../devices/cups.ts';
import { runCounterDemo } from '../../counter/demo.ts';
import { errorJson, UsageError, type CliContext } from '../context.ts';

export const counterDemoHelp = `kazasu counter demo [--face] [--household] [--offline] [--queue ${DEMO_QUEUE} | --no-printer]
                   [--port ${VPCD_DEFAULT_PORT}] [--host ${VPCD_DEFAULT_HOST}] [--dir DIR] [--json]
  One whole write-less counter case (書かないワンストップ窓口) through the real parts: the sample
  household's simulated My Number Cards in pcscd's vpcd reader (--port: its vpcd port), the
  face-auth camera simulator on a socat pty, the reference backend on loopback with the sample
  residents, and the forms printed on the CUPS queue (default ${DEMO_QUEUE}, a cups-pdf queue; with
  --no-printer the PDF is written into DIR/printed). The resident's PIN (or, with --face, the
  照合番号B staff key in and a camera match), the procedures (住民票の写し等交付請求書, 住民異動届,
  国民健康保険 資格取得届), the review and the signature are scripted; the My Number is read for
  the 個人番号利用事務 forms and checked by the backend, never printed or stored.
  --household: a second card (the resident's sister), each value bound to its person.
  --offline: no backend: card-only prefill, look-ups pending (照会中) on the forms.
  Prints each step, then the PDF's path and the audit log's state; everything stays in DIR
  (default: a new temporary folder) for "kazasu audit verify --db DIR/device/kazasu.db".
  Exit 0 when the forms printed and the audit chain holds; 1 otherwise.`;

export async function counterDemoCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      face: { type: 'boolean' },
      household: { type: 'boolean' },
      offline: { type: 'boolean' },
      queue: { type: 'string' },
      'no-printer': { type: 'boolean' },
      port: { type: 'string' },
      host: { type: 'string' },
      dir: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const port = values.port === undefined ? VPCD_DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError('--port must be a TCP port');
  if (values.queue !== undefined && values['no-printer'])
    throw new UsageError('give --queue or --no-printer, not both');
  const dir = values.dir
    ? resolve(values.dir)
    : mkdtempSync(join(tmpdir(), 'kazasu-counter-demo-'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const say = (line: string): void => {
    if (!values.json) ctx.out(line);
  };
  try {
    const r = await runCounterDemo({
      dir,
      vpcdHost: values.host ?? VPCD_DEFAULT_HOST,
      vpcdPort: port,
      method: values.face ? 'face' : 'pin',
      household: values.household === true,
      offline: values.offline === true,
      queue: values['no-printer'] ? undefined : (values.queue ?? DEMO_QUEUE),
      clock: systemClock,
      logger: ctx.logger,
      say,
    });
    const ok = r.pdf !== undefined && r.audit.ok && r.heldBytesAfterClose === 0;
    if (values.json) ctx.out(JSON.stringify({ ok, dir, ...r }));
    else {
      ctx.out(r.pdf ? `PDF: ${r.pdf}` : `not printed: ${r.printError ?? 'no file'}`);
      ctx.out(
        `audit log: ${r.audit.entries} entries, ${r.audit.ok ? 'chain intact' : `BROKEN at #${r.audit.firstBroken?.seq ?? '?'}`} (kazasu audit verify --db ${r.auditDb})`,
      );
      ctx.out(`case data after close: ${r.heldBytesAfterClose} bytes held`);
    }
    return ok ? 0 : 1;
  } catch (error) {
    if (values.json) ctx.out(JSON.stringify({ ok: false, dir, ...errorJson(error) }));
    else ctx.err(`kazasu counter demo: ${JSON.stringify(errorJson(error).error)}`);
    return 1;
  }
}
