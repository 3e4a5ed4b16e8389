/**
 * The one place the counter's forms port (forms-port.ts) is connected to the real forms engine
 * (kiosk/forms: templates, filling, preflight, PDF) and to a printer (hardware/printing through
 * CUPS). Job titles carry no personal data: CUPS keeps them in its logs and cups-pdf in file
 * names. For a cups-pdf queue (the demo's Kazasu-PDF) the printed file is found by its job id.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { jobTitle, type Printer } from '../../hardware/printing/index.ts';
import {
  fillForms,
  loadFontSet,
  loadTemplates,
  preflight,
  renderPdf,
  type FontSet,
  type FormCatalog,
} from '../forms/index.ts';
import type { FormTemplate } from '../../shared/contracts/forms.ts';
import type {
  CounterForms,
  PreparedForms,
  PrintOutcome,
  PrintProgress,
  ProcedureInfo,
  StaffInputInfo,
} from './forms-port.ts';

export type PrintTarget =
  /** A CUPS queue, the job followed to its end; `findOutput` locates a cups-pdf queue's file. */
  | {
      readonly kind: 'printer';
      readonly printer: Printer;
      readonly findOutput?: (jobId: number) => Promise<string | undefined>;
    }
  /** No printer: the PDF is written into `dir` (the demo and the benchmark without CUPS). */
  | { readonly kind: 'directory'; readonly dir: string };

export interface FormsWiring {
  readonly municipalityCode: string;
  readonly target: PrintTarget;
  /** Default: the templates shipped in kiosk/forms/templates. */
  readonly templatesDir?: string;
  /** Default: IPAmj Mincho and IPAex Gothic from the Debian packages. */
  readonly fonts?: FontSet;
}

function pageCount(prepared: Pick<PreparedForms, 'forms'>): number {
  return prepared.forms.reduce((n, f) => n + f.sheets.length, 0);
}

/** The staff inputs a template asks for, once per key (the first field's label names it). */
export function staffInputsOf(t: FormTemplate): StaffInputInfo[] {
  const out = new Map<string, StaffInputInfo>();
  const add = (fields: FormTemplate['fields'], perPerson: boolean): void => {
    for (const f of fields) {
      if (f.source !== 'staff.input' || f.key === undefined || out.has(f.key)) continue;
      const date = f.format === 'era-date' || f.format === 'gregorian-date';
      out.set(f.key, { key: f.key, label: f.label, date, perPerson });
    }
  };
  add(t.fields, false);
  for (const g of t.groups) add(g.fields, true);
  return [...out.values()];
}

async function toPrinter(
  target: Extract<PrintTarget, { kind: 'printer' }>,
  pdf: Uint8Array,
  title: string,
  onState?: (state: PrintProgress) => void,
): Promise<PrintOutcome> {
  const job = target.printer.print(pdf, title);
  const off = onState
    ? job.onState((s) =>
        onState({
          kind: s.kind,
          ...('problem' in s && s.problem ? { problem: s.problem } : {}),
          ...('jobId' in s && s.jobId !== undefined ? { jobId: String(s.jobId) } : {}),
        }),
      )
    : undefined;
  try {
    const final = await job.done;
    if (final.kind === 'completed') {
      const output = await target.findOutput?.(final.jobId);
      return { ok: true, jobId: String(final.jobId), ...(output ? { output } : {}) };
    }
    return {
      ok: false,
      code: `print/${final.problem ?? final.reason}`,
      ...(final.jobId === undefined ? {} : { jobId: String(final.jobId) }),
    };
  } finally {
    off?.();
  }
}

export function createFormsPort(w: FormsWiring): CounterForms {
  const catalog: FormCatalog = loadTemplates(w.templatesDir);
  const fonts = w.fonts ?? loadFontSet();
  const list: ProcedureInfo[] = catalog.forMunicipality(w.municipalityCode).map((t) => ({
    id: t.formId,
    title: t.title,
    myNumberUse: t.myNumberProcedure,
    inputs: staffInputsOf(t),
  }));
  let printed = 0;
  return {
    procedures: () => list,
    prepare(data) {
      const forms = fillForms(catalog, data);
      return Promise.resolve({
        forms,
        flags: preflight(forms, fonts),
        pages: pageCount({ forms }),
      });
    },
    render: (prepared, accepted) => renderPdf(prepared.forms, fonts, { accept: accepted }),
    async print(pdf, job) {
      const name = jobTitle(job.title);
      if (w.target.kind === 'printer') return toPrinter(w.target, pdf, name, job.onState);
      mkdirSync(w.target.dir, { recursive: true, mode: 0o700 });
      printed += 1;
      const output = join(w.target.dir, `${name}-${printed}.pdf`);
      writeFileSync(output, pdf, { mode: 0o600 });
      return { ok: true, jobId: `file-${printed}`, output };
    },
  };
}

/**
 * The file a cups-pdf queue wrote for a job: the queue's device URI names its cups-pdf config
 * (cups-pdf:/NAME → /etc/cups/cups-pdf-NAME.conf), whose `Out` is the folder; with `Label 2`
 * the file ends in `-job_N.pdf`. Waits (up to `timeoutMs`) until the file stops growing.
 */
export async function cupsPdfOutput(
  queue: string,
  jobId: number,
  timeoutMs = 15_000,
): Promise<string | undefined> {
  let uri: string;
  try {
    uri = execFileSync('lpstat', ['-v', queue], {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C' },
    });
  } catch {
    return undefined;
  }
  const name = /cups-pdf:\/(\S*)/.exec(uri)?.[1];
  if (name === undefined) return undefined;
  const conf = name ? `/etc/cups/cups-pdf-${name}.conf` : '/etc/cups/cups-pdf.conf';
  const out = existsSync(conf)
    ? /^Out\s+(.+)$/m.exec(readFileSync(conf, 'utf8'))?.[1]?.trim()
    : undefined;
  const dir = (out ?? '/var/spool/cups-pdf/${USER}')
    .replaceAll('${HOME}', homedir())
    .replaceAll('${USER}', userInfo().username);
  const suffix = `-job_${jobId}.pdf`;
  let size = -1;
  for (const until = Date.now() + timeoutMs; Date.now() < until;) {
    const file = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith(suffix)) : undefined;
    const now = file ? statSync(join(dir, file)).size : -1;
    if (file && now > 0 && now === size) return join(dir, file);
    size = now;
    await new Promise((r) => setTimeout(r, 150));
  }
  return undefined;
}
