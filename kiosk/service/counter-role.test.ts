import { afterEach, describe, expect, it } from 'vitest';
import type { Printer, PrinterStatus } from '../../hardware/printing/index.ts';
import { SimHub } from '../../reader/sim/hub.ts';
import { CardSlot } from '../../reader/sim/slot.ts';
import { CounterConfigSchema } from '../../shared/config/counter.ts';
import type { PreflightFlag } from '../../shared/contracts/forms.ts';
import type { Push } from '../../shared/contracts/local-api.ts';
import type { ResidentRecord } from '../../shared/contracts/residents.ts';
import { CounterViewSchema, type CounterView } from '../../shared/contracts/ui/counter.ts';
import { silentLogger } from '../../shared/log.ts';
import { AuditLog } from '../audit/log.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { Counter } from '../counter/compose.ts';
import type { CounterForms, PrintOutcome } from '../counter/forms-port.ts';
import { CounterService } from '../counter/service.ts';
import { sampleCard } from '../counter/sim-cards.ts';
import { FakeResidents, MIKIYA_RECORD, TEST_COUNTER_SETTINGS } from '../counter/testing.ts';
import { fillForms, loadTemplates } from '../forms/index.ts';
import { Outbox } from '../store/outbox.ts';
import { countingBytes, createDb, manualClock } from '../store/testing.ts';
import type { DeviceStore } from '../store/store.ts';
import { BackendProbe } from './backend-probe.ts';
import { CounterRole } from './counter-role.ts';
import { LocalApi } from './local-api.ts';
import { healthTransport } from './probe-testing.ts';

const MIKIYA: ResidentRecord = { ...MIKIYA_RECORD, householdSize: 1 };
const MY_NUMBER = '537686677188';

/** The shipped templates filled for real; preflight flags and the printer as a test sets them. */
class TemplateForms implements CounterForms {
  private readonly catalog = loadTemplates();
  flags: PreflightFlag[] = [];
  readonly printed: number[] = [];
  outcome: PrintOutcome = { ok: true, jobId: '41' };
  procedures() {
    return this.catalog.forMunicipality('012084').map((t) => ({
      id: t.formId,
      title: t.title,
      myNumberUse: t.myNumberProcedure,
      inputs: [],
    }));
  }
  prepare(data: Parameters<CounterForms['prepare']>[0]) {
    const forms = fillForms(this.catalog, data);
    return Promise.resolve({ forms, flags: this.flags, pages: forms.length });
  }
  render() {
    return Promise.resolve(new TextEncoder().encode('%PDF-1.7'));
  }
  async print(pdf: Uint8Array, job: Parameters<CounterForms['print']>[1]) {
    this.printed.push(pdf.length);
    for (const kind of ['queued', 'printing'] as const) {
      job.onState?.({ kind, jobId: '41' });
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.outcome;
  }
}

let role: CounterRole | undefined;
afterEach(async () => {
  await role?.stop();
  role = undefined;
});

async function setup() {
  const slot = new CardSlot('R0');
  const hub = new SimHub([slot]);
  const db = createDb();
  const clock = manualClock();
  const audit = new AuditLog(db, new Outbox(db, () => clock.now(), countingBytes), clock);
  const residents = new FakeResidents([MIKIYA], { '0001001': MY_NUMBER });
  const forms = new TemplateForms();
  const service = new CounterService({
    hub,
    residents,
    forms,
    audit,
    ...TEST_COUNTER_SETTINGS,
    clock,
    logger: silentLogger,
  });
  await service.start();
  const config = CounterConfigSchema.parse({ municipalityCode: '012084' });
  const counter: Counter = {
    service,
    audit,
    camera: undefined,
    config,
    close: () => service.close(),
  };
  const up = { value: true };
  let printerStatus: PrinterStatus = { kind: 'ready', printing: false };
  const printer: Printer = {
    queue: 'Kazasu-Test',
    status: () => Promise.resolve(printerStatus),
    print: () => {
      throw new Error('the forms port prints');
    },
  };
  const printed: PrintOutcome[] = [];
  const api = new LocalApi({ demo: false });
  const pushes: CounterView[] = [];
  const raw: string[] = [];
  api.subscribe((p: Push) => {
    if (p.event !== 'counter.view') return;
    raw.push(JSON.stringify(p.data));
    pushes.push(CounterViewSchema.parse(p.data));
  });
  const backend = new BackendProbe(
    healthTransport(() => (up.value ? 200 : new Error('ECONNREFUSED'))),
    60_000,
  );
  role = new CounterRole(
    {
      config: { role: 'counter', counter: config } as unknown as LoadedConfig,
      hub,
      store: {} as DeviceStore,
      clock,
      logger: silentLogger,
    },
    {
      createCounter: () => Promise.resolve(counter),
      printer,
      backend,
      onPrinted: (o) => printed.push(o),
    },
  );
  await role.start(api);
  let id = 0;
  const call = async (method: string, params?: unknown): Promise<CounterView> => {
    const r = await api.handle(JSON.stringify({ id: ++id, method, params }));
    if (!r.ok) throw new Error(`${method}: ${r.error.code}`);
    return CounterViewSchema.parse(r.value);
  };
  const fail = async (method: string, params?: unknown): Promise<string> => {
    const r = await api.handle(JSON.stringify({ id: ++id, method, params }));
    return r.ok ? 'ok' : r.error.code;
  };
  /** Resolves with the first pushed view (from now on) that satisfies `ok`. */
  const until = async (ok: (v: CounterView) => boolean): Promise<CounterView> => {
    await service.settled();
    for (let i = 0; i < 200; i += 1) {
      const v = pushes.findLast(() => true);
      if (v && ok(v)) return v;
      await new Promise((r) => setTimeout(r, 5));
      await service.settled();
    }
    throw new Error(`no such view; last: ${JSON.stringify(pushes.at(-1)?.resident)}`);
  };
  return {
    slot,
    service,
    forms,
    residents,
    role,
    call,
    fail,
    until,
    raw,
    printed,
    up,
    backend,
    setPrinter: (s: PrinterStatus) => (printerStatus = s),
  };
}

describe('counter role', () => {
  it('runs a PIN case through the local API: prompts, consent, review with sources, print states', async () => {
    const t = await setup();
    expect((await t.call('counter.get')).resident).toEqual({ kind: 'closed' });
    const opened = await t.call('counter.openCase');
    expect(opened.resident).toEqual({ kind: 'place-card', for: 'first', person: null });
    const card = sampleCard('mikiya');
    t.slot.insert(card.card);
    const choosing = await t.until((v) => v.phase === 'choosing-method');
    expect(choosing.resident).toEqual({ kind: 'choose-method', pin: true, face: false });
    expect(choosing.staff.card).toMatchObject({ person: 'p1', pin: { triesLeft: 3 } });
    await t.call('counter.chooseMethod', { method: 'pin' });
    expect((await t.call('counter.get')).resident).toEqual({
      kind: 'pin',
      triesLeft: 3,
      lastTry: false,
      forMyNumber: false,
    });
    await t.call('counter.enterPin', { pin: card.pin });
    const consent = await t.until((v) => v.phase === 'consent');
    expect(consent.resident).toMatchObject({
      kind: 'consent',
      person: 'p1',
      scope: ['name', 'address', 'birth-date', 'sex'],
    });
    expect(t.residents.lookups).toEqual([]);
    await t.call('counter.consent', { answer: 'agreed' });
    const ready = await t.until((v) => v.phase === 'person-ready');
    expect(ready.staff.persons).toMatchObject([
      { id: 'p1', method: 'pin', lookup: 'found', consent: { answer: 'agreed' } },
    ]);
    expect(ready.staff.procedures.map((p) => p.id)).toContain('nhi-enrolment');
    await t.call('counter.chooseProcedures', {
      procedures: [
        { id: 'juminhyo-request', persons: ['p1'] },
        { id: 'nhi-enrolment', persons: ['p1'] },
      ],
      inputs: { case: { purpose: '勤務先提出のため' } },
    });
    const myNumber = await t.until((v) => v.phase === 'my-number');
    expect(myNumber.resident).toMatchObject({ kind: 'pin', forMyNumber: true });
    await t.call('counter.enterPin', { pin: card.pin });
    const review = await t.until((v) => v.phase === 'review');
    const values = review.staff.review?.forms.flatMap((f) => f.sheets.flatMap((s) => s.values));
    const sources = new Set(values?.map((v) => v.source));
    for (const s of ['card', 'resident-record', 'staff', 'case']) expect(sources).toContain(s);
    expect(values).toContainEqual(
      expect.objectContaining({ source: 'card', text: '黒桐　幹也', personId: 'p1' }),
    );
    expect(review.resident).toEqual({ kind: 'wait', for: 'staff' });
    await t.call('counter.confirmReview');
    const done = await t.until((v) => v.phase === 'awaiting-signature');
    expect(done.staff.print).toEqual({
      state: 'completed',
      problem: null,
      code: null,
      jobId: '41',
    });
    const states = t.raw
      .map((r) => CounterViewSchema.parse(JSON.parse(r)).staff.print?.state)
      .filter((s, i, all) => s && s !== all[i - 1]);
    // 'submitting' may share a push with 'queued' (pushes are coalesced per turn).
    expect(states.filter((s) => s !== 'submitting')).toEqual(['queued', 'printing', 'completed']);
    expect(t.printed).toEqual([{ ok: true, jobId: '41' }]);
    expect(done.resident).toEqual({ kind: 'remove-card' });
    t.slot.remove();
    expect((await t.until((v) => !v.cardOnReader)).resident).toEqual({ kind: 'sign' });
    await t.call('counter.signed');
    expect((await t.call('counter.get')).resident).toEqual({ kind: 'done' });
    const closed = await t.call('counter.closeCase');
    expect(closed).toMatchObject({ phase: 'idle', staff: { review: null, persons: [] } });
    // No push ever carried the My Number or the PIN as a value.
    for (const text of t.raw) {
      expect(text).not.toContain(MY_NUMBER);
      expect(text).not.toMatch(new RegExp(`"${card.pin}"`));
    }
  });

  it('a wrong PIN shows the tries left; the last try is refused until confirmed', async () => {
    const t = await setup();
    await t.call('counter.openCase');
    const card = sampleCard('mikiya');
    t.slot.insert(card.card);
    await t.until((v) => v.phase === 'choosing-method');
    await t.call('counter.chooseMethod', { method: 'pin' });
    // The bytes the role hands to the flow are zeroed once the card has seen them.
    const handed: Uint8Array[] = [];
    const enterPin = t.service.enterPin.bind(t.service);
    t.service.enterPin = (pin, confirm) => {
      handed.push(pin);
      enterPin(pin, confirm);
    };
    await t.call('counter.enterPin', { pin: '9999' });
    const wrong = await t.until((v) => v.notice?.code === 'pin-wrong');
    expect(handed).toHaveLength(1);
    expect([...(handed[0] ?? [1])]).toEqual([0, 0, 0, 0]);
    expect(wrong.notice?.triesLeft).toBe(2);
    expect(wrong.resident).toMatchObject({ kind: 'pin', triesLeft: 2, lastTry: false });
    await t.call('counter.enterPin', { pin: '9999' });
    const last = await t.until((v) => v.resident.kind === 'pin' && v.resident.lastTry);
    expect(last.resident).toMatchObject({ triesLeft: 1 });
    await t.call('counter.enterPin', { pin: card.pin });
    const refused = await t.until((v) => v.notice?.code === 'confirm-last-try');
    expect(refused.phase).toBe('pin-entry');
    await t.call('counter.enterPin', { pin: card.pin, confirmLastTry: true });
    expect((await t.until((v) => v.phase === 'consent')).staff.card?.pin.triesLeft).toBe(3);
  });

  it('flags must be accepted before the print; a failed print is explained and retried', async () => {
    const t = await setup();
    t.forms.flags = [
      {
        id: 'f1',
        kind: 'missing-glyph',
        needsAcceptance: true,
        formId: 'juminhyo-request',
        sheet: 1,
        fieldId: 'applicant-name',
        label: '氏名',
        personId: 'p1',
        codePoints: ['U+20BB7'],
      },
    ];
    t.forms.outcome = { ok: false, code: 'print/paper-out', jobId: '42' };
    await t.call('counter.openCase');
    const card = sampleCard('mikiya');
    t.slot.insert(card.card);
    await t.until((v) => v.phase === 'choosing-method');
    await t.call('counter.chooseMethod', { method: 'pin' });
    await t.call('counter.enterPin', { pin: card.pin });
    await t.until((v) => v.phase === 'consent');
    await t.call('counter.consent', { answer: 'declined' });
    const declined = await t.until((v) => v.phase === 'person-ready');
    expect(declined.notice?.code).toBe('lookup-declined');
    await t.call('counter.chooseProcedures', {
      procedures: [{ id: 'juminhyo-request', persons: ['p1'] }],
    });
    const review = await t.until((v) => v.phase === 'review');
    expect(review.staff.review?.flags).toMatchObject([{ id: 'f1', accepted: false }]);
    await t.call('counter.confirmReview');
    expect((await t.call('counter.get')).notice?.code).toBe('glyph-problems');
    await t.call('counter.acceptFlags', { ids: ['f1', 'no-such-flag'] });
    expect((await t.call('counter.get')).staff.review?.flags[0]?.accepted).toBe(true);
    await t.call('counter.confirmReview');
    const failed = await t.until((v) => v.phase === 'print-failed');
    expect(failed.staff.print).toMatchObject({ state: 'failed', code: 'print/paper-out' });
    t.forms.outcome = { ok: true, jobId: '43' };
    await t.call('counter.print');
    await t.until((v) => v.phase === 'awaiting-signature');
  });

  it('reports the camera, printer and backend on the status page; an unreachable backend is offline', async () => {
    const t = await setup();
    await t.until((v) => v.backend === 'online');
    expect(t.role.devices()).toEqual([
      { kind: 'camera', name: 'face camera', state: 'absent' },
      { kind: 'printer', name: 'printer Kazasu-PDF', state: 'ok' },
      { kind: 'backend', name: 'resident look-up', state: 'ok' },
    ]);
    t.up.value = false;
    await t.backend.check();
    const offline = await t.until((v) => v.backend === 'offline');
    expect(offline.resident).toEqual({ kind: 'closed' });
    expect(t.role.devices()[2]).toMatchObject({ state: 'unreachable' });
  });

  it('refuses malformed secrets with the path only, never the value', async () => {
    const t = await setup();
    await t.call('counter.openCase');
    expect(await t.fail('counter.enterPin', { pin: '12' })).toBe('api/bad-params');
    expect(await t.fail('counter.enterPin', { pin: '12345' })).toBe('api/bad-params');
    expect(await t.fail('counter.enterCodeB', { codeB: '5502172035228x' })).toBe('api/bad-params');
    expect(await t.fail('counter.consent', { answer: 'maybe' })).toBe('api/bad-params');
    expect(
      await t.fail('counter.chooseProcedures', {
        procedures: [{ id: 'juminhyo-request', persons: ['p1'] }],
        inputs: { case: { purpose: 'a\u0007b' } },
      }),
    ).toBe('api/bad-params');
  });
});
