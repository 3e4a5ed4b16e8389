// Benchmark: the kiosk UI's figures (issue 8).
//
//   npx tsx scripts/bench/ui.ts [--taps 100] [--starts 5] [--no-write]
//
// 1. Service start to UI ready: `kazasu start` for a validator whose store holds 100,000
//    entitlements, from spawning the process to the UI server answering /healthz, --starts times.
// 2. First paint: Debian Chromium (playwright-core) loading the rider screen: first
//    contentful paint and the time until the "tap your card" screen is in the DOM.
// 3. Card event to screen update: simulated transit cards placed through pcscd + vpcd; for each
//    tap, the service's clock at the card-present event (in the page as data-present-at) against
//    the page's clock when the result is in the DOM and painted (next animation frame). Both
//    clocks are this machine's.
// Results go to docs/perf.md between the `bench:ui` markers.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { rawText } from '../../kiosk/service/ws-text.ts';
import { launchChromium, kioskPage } from '../lib/browser.ts';
import { startDemo } from '../lib/demo-process.ts';
import { startPrivatePcscd } from '../lib/pcscd.ts';
import { prepareValidatorDevice } from '../lib/validator-device.ts';
import { machineLine, ms, summarize, writePerfSection } from './stats.ts';

const { values } = parseArgs({
  options: {
    taps: { type: 'string', default: '100' },
    starts: { type: 'string', default: '5' },
    'no-write': { type: 'boolean' },
  },
});
const TAPS = Number(values.taps);
const STARTS = Number(values.starts);
const say = (line: string): void => void process.stderr.write(`[bench:ui] ${line}\n`);

const pcscd = await startPrivatePcscd({ name: 'Kazasu UI Bench' });

async function timeStart(config: string): Promise<number> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    ['scripts/kazasu.js', 'start', '--config', config, '--port', '0', '--no-sync'],
    {
      env: { ...process.env, KAZASU_LOG_LEVEL: 'warn', PCSCLITE_CSOCK_NAME: pcscd.socketPath },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /UI (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`kazasu start exited ${code}: ${out}`)));
  });
  while ((await fetch(`${url}healthz`).catch(() => undefined))?.status !== 200)
    await new Promise((r) => setTimeout(r, 5));
  const elapsed = performance.now() - t0;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
  return elapsed;
}

const deviceConfig = prepareValidatorDevice({
  name: 'bench-ui',
  population: { entitlements: 100_000, denied: 1000 },
  readers: pcscd.readerNames,
}).config;
const startMs: number[] = [];
for (let i = 0; i < STARTS; i += 1) startMs.push(await timeStart(deviceConfig));
say(`kazasu start to UI ready: ${startMs.map((m) => m.toFixed(0)).join(', ')} ms`);
{
  {
    const d = await startDemo(pcscd, 'validator');
    const browser = await launchChromium();
    const paints: { fcp: number; ready: number }[] = [];
    for (let j = 0; j < 5; j += 1) {
      const page = await kioskPage(browser);
      const t = performance.now();
      await page.goto(`${d.url}#/validator`);
      await page.getByText('カードをタッチしてください').first().waitFor();
      const ready = performance.now() - t;
      const fcp = await page.evaluate(
        () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      );
      paints.push({ fcp, ready });
      await page.context().close();
    }
    const page = await kioskPage(browser);
    await page.goto(`${d.url}#/validator`);
    await page.getByText('カードをタッチしてください').first().waitFor();
    // In the page: for every new result, the page clock once it is painted.
    await page.evaluate(() => {
      const w = window as unknown as { __updates: { presentAt: number; paintedAt: number }[] };
      w.__updates = [];
      let last = '';
      new MutationObserver(() => {
        const el = document.querySelector('[data-present-at]');
        const at = el?.getAttribute('data-present-at') ?? '';
        if (!at || at === last) return;
        last = at;
        requestAnimationFrame(() =>
          w.__updates.push({
            presentAt: Number(at),
            paintedAt: performance.timeOrigin + performance.now(),
          }),
        );
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    const ws = new WebSocket(`${d.url.replace('http', 'ws')}api`);
    await new Promise((r) => ws.once('open', r));
    let id = 1;
    const call = (params: object): Promise<void> =>
      new Promise((resolve) => {
        const my = id++;
        const on = (data: WebSocket.RawData): void => {
          if ((JSON.parse(rawText(data)) as { id?: number }).id === my) {
            ws.off('message', on);
            resolve();
          }
        };
        ws.on('message', on);
        ws.send(JSON.stringify({ id: my, method: 'demo.card', params }));
      });
    say(`${TAPS} taps through pcscd + vpcd to the rider screen`);
    for (let k = 0; k < TAPS; k += 1) {
      const before = await page.evaluate(
        () => (window as unknown as { __updates: unknown[] }).__updates.length,
      );
      await call({
        reader: 1,
        action: 'insert',
        card: k % 2 === 0 ? 'felica-senior' : 'felica-rider',
      });
      await page.waitForFunction(
        (n) => (window as unknown as { __updates: unknown[] }).__updates.length > n,
        before,
        { timeout: 10_000 },
      );
      await call({ reader: 1, action: 'remove' });
    }
    const updates = await page.evaluate(
      () =>
        (window as unknown as { __updates: { presentAt: number; paintedAt: number }[] }).__updates,
    );
    ws.close();
    await browser.close();
    await d.stop();
    await pcscd.dispose();
    const toScreen = summarize(updates.map((u) => u.paintedAt - u.presentAt));
    const start = summarize(startMs);
    const fcp = summarize(paints.map((p) => p.fcp).filter((v) => Number.isFinite(v)));
    const ready = summarize(paints.map((p) => p.ready));
    const row = (label: string, s: ReturnType<typeof summarize>): string =>
      `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.max)} |`;
    const report = `## Kiosk UI: start, first paint, card event to screen (issue 8)

Command: \`npx tsx scripts/bench/ui.ts --taps ${TAPS} --starts ${STARTS}\`
(${machineLine()}, ${new Date().toISOString().slice(0, 10)}; the demo service (validator role) on a private pcscd with vpcd, its reference backend, the rider display on a pty; Debian Chromium headless via playwright-core; the renderer already built)

| figure (ms) | n | p50 | p90 | p99 | max |
|---|---|---|---|---|---|
${row('`kazasu start` (spawn) to the UI server answering', start)}
${row('first contentful paint of the rider screen', fcp)}
${row('navigation to "tap your card" in the DOM', ready)}
${row('**card-present event to the result painted on screen**', toScreen)}

Target: card event to screen update p99 ≤ 100 ms: **${ms(toScreen.p99)} ms**. This spans the card I/O, the decision and its commit, the push over the local WebSocket, React's render and the next frame.
`;
    process.stdout.write(report);
    if (!values['no-write']) writePerfSection('docs/perf.md', 'ui', report);
  }
}
