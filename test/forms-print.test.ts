// Forms end to end through the real parts: the shipped Kitami templates filled for a household,
// rendered with pdf-lib + fontkit in IPAmj Mincho / IPAex Gothic, printed through CUPS to the
// cups-pdf queue Kazasu-PDF (scripts/bootstrap.js ensureCups), and read back with pdftotext and
// pdftoppm. Stopping and refusing queues happens on private queues, never on Kazasu-PDF.
//
// cups-pdf makes its PDF from PostScript (CUPS runs pdftocairo, then Ghostscript), and cairo
// names glyphs uniXXXX only for single BMP code points: 𠮷 (outside the BMP) and 邉 + U+E0110
// (a variation sequence) keep their outlines but lose their Unicode on the way. So those two are
// checked as text in the PDF we send, and as ink in the printed one.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FilledForm, FormTemplate } from '../shared/contracts/forms.ts';
import type { CupsTransport } from '../hardware/printing/printer.ts';
import type { JobState } from '../hardware/printing/state.ts';
import { createCupsPrinter, cupsTransport } from '../kiosk/devices/cups.ts';
import { FormsError } from '../kiosk/forms/errors.ts';
import {
  fillForms,
  loadFontSet,
  loadTemplates,
  preflight,
  renderPdf,
  sampleCase,
} from '../kiosk/forms/index.ts';
import { SAMPLE_CARD_ADDRESS, SAMPLE_NAMES, SAMPLE_NEW_ADDRESS } from '../kiosk/forms/sample.ts';
import {
  createTempQueue,
  cupsdisable,
  deviceUri,
  pdfPages,
  pdftotext,
  rasterize,
  spoolFile,
  TEST_QUEUE,
  waitForCupsPdfFile,
} from './support/cups.ts';
import { inkShare } from './support/png.ts';

const catalog = loadTemplates();
const fonts = loadFontSet();
const work = mkdtempSync(join(tmpdir(), 'kazasu-forms-print-'));
const title = (tag: string): string => `kazasu-test-${process.pid}-${tag}`;
const squash = (s: string): string => s.replace(/\s+/g, '');

async function printAndWait(
  pdf: Uint8Array,
  tag: string,
  queue = TEST_QUEUE,
  transport?: CupsTransport,
) {
  const printer = createCupsPrinter({
    queue,
    pollMs: 100,
    blockedLimitMs: 1_500,
    ...(transport ? { transport } : {}),
  });
  const job = printer.print(pdf, title(tag));
  const states: JobState[] = [];
  job.onState((s) => states.push(s));
  return { final: await job.done, states };
}

function field(t: FormTemplate, id: string): FormTemplate['fields'][number] {
  const f =
    t.fields.find((x) => x.id === id) ?? t.groups.flatMap((g) => g.fields).find((x) => x.id === id);
  if (!f) throw new Error(id);
  return f;
}

beforeAll(() => {
  if (!deviceUri(TEST_QUEUE))
    throw new Error(`no CUPS queue ${TEST_QUEUE}: run node scripts/bootstrap.js test`);
});
/** The PDFs cups-pdf wrote for this file: removed at the end, as a kiosk removes its prints. */
const printedFiles: string[] = [];
async function printedFile(jobId: number): Promise<string> {
  const file = await waitForCupsPdfFile(TEST_QUEUE, jobId);
  printedFiles.push(file);
  return file;
}
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  for (const f of printedFiles) rmSync(f, { force: true });
});

describe('four Kitami forms for a household, printed through CUPS', () => {
  let filled: FilledForm[];
  let pdf: Uint8Array;
  let printed: string;
  let jobId: number;
  let states: JobState[];

  beforeAll(async () => {
    filled = fillForms(catalog, sampleCase());
    expect(preflight(filled, fonts).filter((f) => f.needsAcceptance)).toEqual([]);
    pdf = await renderPdf(filled, fonts);
    const r = await printAndWait(pdf, 'household');
    states = r.states;
    expect(r.final).toMatchObject({ kind: 'completed' });
    jobId = (r.final as { jobId: number }).jobId;
    printed = await printedFile(jobId);
  });

  it('the PDF we send holds every name exactly, variation selector and surrogate pair included', () => {
    const ours = join(work, 'ours.pdf');
    writeFileSync(ours, pdf);
    // pdftotext breaks a line at U+3000 (a wide gap to it): compare without white space.
    const text = squash(pdftotext(ours, false));
    for (const name of Object.values(SAMPLE_NAMES)) expect(text).toContain(squash(name));
    expect(text).toContain('\u{20BB7}');
    expect(text).toContain('邉\u{E0110}');
  });

  it('the job went through queued and printing to completed, and CUPS kept no copy of the document', () => {
    expect(states[0]).toMatchObject({ kind: 'queued', jobId });
    expect(states.at(-1)).toMatchObject({ kind: 'completed', jobId });
    expect(existsSync(spoolFile(jobId))).toBe(false);
  });

  it('the printed PDF has the four forms with names, addresses and era dates', () => {
    expect(pdfPages(printed)).toBe(4);
    const text = squash(pdftotext(printed));
    for (const t of [
      '住民票の写し等交付請求書',
      '住民異動届（転入）',
      '印鑑登録申請書',
      '国民健康保険被保険者資格取得届',
    ]) {
      expect(text).toContain(t);
    }
    expect(text).toContain(squash(SAMPLE_CARD_ADDRESS));
    expect(text).toContain(squash(SAMPLE_NEW_ADDRESS));
    for (const d of [
      '昭和64年1月7日',
      '平成元年1月8日',
      '令和元年5月1日',
      '令和8年12月1日',
      '令和8年11月28日',
    ]) {
      expect(text).toContain(d);
    }
    expect(text).toContain('健太');
    expect(text).toContain('髙志');
    expect(text).toContain('照会中'); // the spouse's look-up had not happened
  });

  it('the printed pages are not blank, and the names that lost their Unicode still carry their ink', () => {
    const page = rasterize(printed, 1, { dpi: 50 });
    expect(inkShare(page)).toBeGreaterThan(0.01);
    expect(inkShare(page)).toBeLessThan(0.5);
    // 印鑑登録申請書, page 3: the applicant's name (邉 with its IVS) at 16 pt. The ink in the name box of the printed PDF matches
    // the PDF we sent: no glyph was dropped or replaced on the way through CUPS.
    const box = field(filled[2]!.template, 'name').box;
    const sent = inkShare(rasterize(pdf, 3, { dpi: 150, box }));
    const got = inkShare(rasterize(printed, 3, { dpi: 150, box }));
    expect(sent).toBeGreaterThan(0.02);
    expect(Math.abs(got - sent) / sent).toBeLessThan(0.1);
  });
});

describe('the variant glyph', () => {
  it('邉 + U+E0110 prints IPAmj’s variant, not the plain 邉', async () => {
    const render = async (name: string) =>
      renderPdf(
        fillForms(catalog, sampleCase({ forms: ['seal-registration'], applicantName: name })),
        fonts,
      );
    const box = field(catalog.get('012084', 'seal-registration')!, 'name').box;
    const a = rasterize(await render('邉\u{E0110}'), 1, { dpi: 150, box });
    const b = rasterize(await render('邉'), 1, { dpi: 150, box });
    let differing = 0;
    a.pixels.forEach((p, i) => (differing += Math.abs(p - (b.pixels[i] ?? 255)) > 64 ? 1 : 0));
    expect(differing).toBeGreaterThan(50);
  });
});

describe('what cannot be printed is stopped before printing', () => {
  it('a character no font has is flagged and the render refused until staff accept it', async () => {
    const filled = fillForms(
      catalog,
      sampleCase({ forms: ['seal-registration'], applicantName: '山\u{30EDE}　花子' }),
    );
    const flags = preflight(filled, fonts).filter((f) => f.needsAcceptance);
    expect(flags.map((f) => [f.kind, f.fieldId, f.codePoints])).toEqual([
      ['missing-glyph', 'name', ['U+30EDE']],
    ]);
    await expect(renderPdf(filled, fonts)).rejects.toSatisfy(
      (e: unknown) => e instanceof FormsError && e.code === 'forms/unaccepted-flags',
    );
    const pdf = await renderPdf(filled, fonts, { accept: flags.map((f) => f.id) });
    const r = await printAndWait(pdf, 'accepted-missing');
    expect(r.final.kind).toBe('completed');
    const text = squash(pdftotext(await printedFile((r.final as { jobId: number }).jobId)));
    expect(text).toContain('山〓花子'); // the accepted gap is visible on paper
  });
});

describe('printer trouble is a state, not a hang', () => {
  let pdf: Uint8Array;
  beforeAll(async () => {
    pdf = await renderPdf(fillForms(catalog, sampleCase({ forms: ['seal-registration'] })), fonts);
  });

  it('a stopped queue refuses the job before anything is spooled', async () => {
    const q = createTempQueue('stopped');
    try {
      cupsdisable(q.name);
      const started = Date.now();
      const r = await printAndWait(pdf, 'stopped', q.name);
      expect(r.final).toEqual({
        kind: 'failed',
        reason: 'printer-not-ready',
        problem: 'printer-stopped',
      });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      q.dispose();
    }
  });

  it('a queue that stops after submission: waiting, then canceled and purged', async () => {
    const q = createTempQueue('stops');
    const real = cupsTransport();
    const stopping: CupsTransport = {
      ipp: (path, body) => real.ipp(path, body),
      submit: async (queue, t, bytes) => {
        cupsdisable(queue);
        return real.submit(queue, t, bytes);
      },
    };
    try {
      const r = await printAndWait(pdf, 'stops', q.name, stopping);
      expect(r.states.some((s) => s.kind === 'waiting' && s.problem === 'printer-stopped')).toBe(
        true,
      );
      expect(r.final).toMatchObject({
        kind: 'failed',
        reason: 'blocked',
        problem: 'printer-stopped',
      });
      expect(existsSync(spoolFile((r.final as { jobId: number }).jobId))).toBe(false);
    } finally {
      q.dispose();
    }
  });

  it('a queue that does not exist', async () => {
    const r = await printAndWait(pdf, 'missing', `Kazasu-No-Such-Queue-${process.pid}`);
    expect(r.final).toEqual({ kind: 'failed', reason: 'queue-missing' });
  });
});
