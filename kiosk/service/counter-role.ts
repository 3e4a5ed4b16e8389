/**
 * The write-less counter as a role of the kiosk service (kiosk-service.ts): CounterService built
 * by kiosk/counter/compose.ts from the config's `counter` section on the service's card reader
 * hub — the face camera on its serial port, the resident look-up on the backend, forms printed
 * on the CUPS queue — with the two screens pushed as `counter.view` (counter-view.ts) and the
 * methods they call (shared/contracts/ui/counter.ts). The camera, the printer queue and the
 * backend are on the status page; each absence is a state there and on the screens.
 *
 * Secrets from the screens (the PIN, 照合番号B) become byte arrays here and go straight into the
 * flow, which zeroes them after use; they are never logged (the local API logs method names
 * only). The audit log lives in the same device database as the store, on the counter's own
 * connection (SQLite serialises the writers).
 */
import type { Printer, PrinterStatus } from '../../hardware/printing/index.ts';
import type { CaKeySet } from '../../reader/mynumber/ca-keys.ts';
import {
  COUNTER_METHODS,
  CounterViewSchema,
  type CounterView,
} from '../../shared/contracts/ui/counter.ts';
import { serializeError } from '../../shared/errors.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import { cupsPdfOutput } from '../counter/compose-forms.ts';
import {
  counterSection,
  createCounter,
  type Counter,
  type CounterWiring,
} from '../counter/compose.ts';
import type { PreparedForms, PrintOutcome } from '../counter/forms-port.ts';
import type { CounterView as FlowView } from '../counter/service.ts';
import type { LookupStatus } from '../counter/types.ts';
import { createCupsPrinter } from '../devices/cups.ts';
import { createNodeTransport } from '../sync/transport.ts';
import { BackendProbe } from './backend-probe.ts';
import type { RoleContext, RoleFactory } from './compose.ts';
import { counterView } from './counter-view.ts';
import type { DeviceReport, RoleController } from './kiosk-service.ts';
import type { LocalApi } from './local-api.ts';

export interface CounterRoleOptions {
  /** The card CA keys; default the J-LIS keys (production cards only). The demo gives the simulator's. */
  readonly caKeys?: CaKeySet;
  readonly acceptTestCards?: boolean;
  /** Told of every finished print (the demo prints the PDF's path). */
  readonly onPrinted?: (outcome: PrintOutcome) => void;
  /** How often the backend and the printer queue are asked how they are (default 5 s). */
  readonly checkEveryMs?: number;
  /** Default: kiosk/counter/compose.ts createCounter. */
  readonly createCounter?: (wiring: CounterWiring) => Promise<Counter>;
  /** Default: the config's CUPS queue (`counter.printerQueue`). */
  readonly printer?: Printer;
  /** Default: HTTP to the config's backend. */
  readonly backend?: BackendProbe;
}

const CHECK_EVERY_MS = 5000;
const encoder = new TextEncoder();
const LOOKED_UP: ReadonlySet<LookupStatus> = new Set(['found', 'not-found', 'ambiguous']);

function printerDevice(queue: string, s: PrinterStatus | undefined): DeviceReport {
  const name = `printer ${queue}`;
  switch (s?.kind) {
    case undefined:
      return { kind: 'printer', name, state: 'unreachable', detail: 'not checked yet' };
    case 'ready':
      return { kind: 'printer', name, state: 'ok' };
    case 'problem':
      return { kind: 'printer', name, state: 'error', detail: s.problem };
    case 'not-accepting':
      return { kind: 'printer', name, state: 'error', detail: 'not accepting jobs' };
    case 'missing':
      return { kind: 'printer', name, state: 'absent', detail: 'no such CUPS queue' };
    case 'unreachable':
      return { kind: 'printer', name, state: 'unreachable', detail: 'CUPS not answering' };
  }
}

export class CounterRole implements RoleController {
  readonly role = 'counter' as const;
  private counter: Counter | undefined;
  private api: LocalApi | undefined;
  private printer: Printer | undefined;
  private probe: BackendProbe | undefined;
  private printerStatus: PrinterStatus | undefined;
  private timer: NodeJS.Timeout | undefined;
  private accepted = new Set<string>();
  private acceptedFor: PreparedForms | undefined;
  private lastPrinted: PrintOutcome | undefined;
  private readonly lookups = new Map<string, LookupStatus>();
  private pushQueued = false;
  private readonly offs: (() => void)[] = [];
  private readonly log: Logger;

  constructor(
    private readonly ctx: RoleContext,
    private readonly o: CounterRoleOptions = {},
  ) {
    this.log = (ctx.logger ?? silentLogger).child({ module: 'counter-role' });
  }

  async start(api: LocalApi): Promise<void> {
    const { ctx, o } = this;
    const c = counterSection(ctx.config);
    const printer = o.printer ?? createCupsPrinter({ queue: c.printerQueue });
    this.printer = printer;
    this.counter = await (o.createCounter ?? createCounter)({
      config: ctx.config,
      clock: ctx.clock,
      logger: ctx.logger,
      hub: ctx.hub,
      printTarget: {
        kind: 'printer',
        printer,
        findOutput: (jobId) => cupsPdfOutput(c.printerQueue, jobId),
      },
      ...(o.caKeys ? { caKeys: o.caKeys } : {}),
      acceptTestCards: o.acceptTestCards === true,
    });
    this.probe =
      o.backend ??
      new BackendProbe(
        createNodeTransport(ctx.config.backend.url, { timeoutMs: c.lookupTimeoutMs }),
        o.checkEveryMs ?? CHECK_EVERY_MS,
      );
    this.api = api;
    this.register(api);
    const { service } = this.counter;
    this.offs.push(
      service.onChange((v) => this.flowChanged(v)),
      ctx.hub.subscribe(() => this.schedulePush()),
      this.probe.onChange(() => this.schedulePush()),
    );
    void this.probe.start();
    void this.checkPrinter();
    this.timer = setInterval(() => void this.checkPrinter(), o.checkEveryMs ?? CHECK_EVERY_MS);
    this.timer.unref?.();
    this.push();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const off of this.offs.splice(0)) off();
    this.api?.unregister('counter.');
    await this.probe?.stop();
    await this.counter?.close();
    this.counter = undefined;
  }

  devices(): readonly DeviceReport[] {
    const c = this.counter;
    if (!c) return [];
    const camera: DeviceReport = !c.config.faceCamera
      ? { kind: 'camera', name: 'face camera', state: 'absent' }
      : c.camera
        ? { kind: 'camera', name: 'face camera', state: c.camera.state }
        : { kind: 'camera', name: 'face camera', state: 'unreachable', detail: 'port not opened' };
    const backend = this.probe?.state ?? 'unknown';
    return [
      camera,
      printerDevice(c.config.printerQueue, this.printerStatus),
      {
        kind: 'backend',
        name: 'resident look-up',
        state: backend === 'online' ? 'ok' : 'unreachable',
        ...(backend === 'unknown' ? { detail: 'not checked yet' } : {}),
      },
    ];
  }

  /** The screens' view now. */
  view(): CounterView {
    const c = this.required();
    const flow = c.service.view();
    if (flow.review !== this.acceptedFor) {
      // New forms (or none): acceptances were for the forms staff looked at before.
      this.acceptedFor = flow.review;
      this.accepted = new Set();
    }
    const camera: CounterView['camera'] = !c.config.faceCamera
      ? 'absent'
      : (c.camera?.state ?? 'unreachable');
    return counterView({
      at: this.ctx.clock.now(),
      flow,
      procedures: c.service.procedures(),
      faceAttempts: c.config.faceAttempts,
      accepted: this.accepted,
      backend: this.probe?.state ?? 'unknown',
      camera,
      cardOnReader: this.ctx.hub.readers().some((r) => r.cardPresent),
    });
  }

  private required(): Counter {
    if (!this.counter) throw new TypeError('the counter role is not started');
    return this.counter;
  }

  private allAccepted(): boolean {
    const review = this.required().service.view().review;
    return (review?.flags ?? []).every((f) => !f.needsAcceptance || this.accepted.has(f.id));
  }

  private register(api: LocalApi): void {
    const m = COUNTER_METHODS;
    const s = (): Counter['service'] => this.required().service;
    const act =
      <P>(fn: (p: P) => void) =>
      (p: P): CounterView => {
        fn(p);
        return this.view();
      };
    api.method('counter.get', m['counter.get'], () => this.view());
    api.method(
      'counter.openCase',
      m['counter.openCase'],
      act(() => void s().openCase()),
    );
    api.method(
      'counter.chooseMethod',
      m['counter.chooseMethod'],
      act((p) => s().chooseMethod(p.method)),
    );
    api.method(
      'counter.enterPin',
      m['counter.enterPin'],
      act((p) => s().enterPin(encoder.encode(p.pin), p.confirmLastTry)),
    );
    api.method(
      'counter.enterCodeB',
      m['counter.enterCodeB'],
      act((p) => s().enterCodeB(encoder.encode(p.codeB))),
    );
    api.method(
      'counter.staffCheck',
      m['counter.staffCheck'],
      act((p) => s().recordStaffCheck(p.reason)),
    );
    api.method(
      'counter.consent',
      m['counter.consent'],
      act((p) => s().answerConsent(p.answer)),
    );
    api.method(
      'counter.chooseProcedures',
      m['counter.chooseProcedures'],
      act((p) => s().chooseProcedures(p.procedures, p.inputs)),
    );
    api.method(
      'counter.deferMyNumber',
      m['counter.deferMyNumber'],
      act((p) => s().deferMyNumber(p.person)),
    );
    api.method(
      'counter.acceptFlags',
      m['counter.acceptFlags'],
      act((p) => {
        const known = new Set(
          s()
            .view()
            .review?.flags.map((f) => f.id),
        );
        for (const id of p.ids) if (known.has(id)) this.accepted.add(id);
        this.schedulePush();
      }),
    );
    const print = (): void => s().confirmReview(this.allAccepted());
    api.method(
      'counter.confirmReview',
      m['counter.confirmReview'],
      act(() => {
        if (s().state.phase === 'review') print();
      }),
    );
    api.method(
      'counter.print',
      m['counter.print'],
      act(() => {
        if (s().state.phase === 'print-failed') print();
      }),
    );
    api.method(
      'counter.signed',
      m['counter.signed'],
      act(() => s().markSigned()),
    );
    api.method(
      'counter.closeCase',
      m['counter.closeCase'],
      act(() => s().closeCase()),
    );
  }

  private flowChanged(v: FlowView): void {
    for (const p of v.state.persons) {
      const before = this.lookups.get(p.id);
      this.lookups.set(p.id, p.lookup);
      if (before !== 'running' || before === p.lookup) continue;
      // What the look-up just showed of the backend, without waiting for the next health check.
      if (p.lookup === 'offline') this.probe?.report('offline');
      else if (LOOKED_UP.has(p.lookup)) this.probe?.report('online');
    }
    if (v.state.phase === 'idle') this.lookups.clear();
    if (v.printed && v.printed !== this.lastPrinted) {
      this.lastPrinted = v.printed;
      this.o.onPrinted?.(v.printed);
      void this.checkPrinter();
    }
    this.schedulePush();
  }

  private async checkPrinter(): Promise<void> {
    const printer = this.printer;
    if (!printer) return;
    try {
      this.printerStatus = await printer.status();
    } catch (error) {
      this.printerStatus = { kind: 'unreachable' };
      this.log.warn({ err: serializeError(error) }, 'printer status not read');
    }
  }

  /** Many changes in one turn (a read, its look-up, a print state) become one push. */
  private schedulePush(): void {
    if (this.pushQueued) return;
    this.pushQueued = true;
    queueMicrotask(() => {
      this.pushQueued = false;
      if (this.counter) this.push();
    });
  }

  private push(): void {
    const view = this.view();
    const checked = CounterViewSchema.safeParse(view);
    if (!checked.success) {
      // Paths only: the view may hold the review's names and addresses.
      const paths = checked.error.issues.map((i) => i.path.join('.'));
      this.log.error({ paths }, 'counter view does not match its contract: not pushed');
      return;
    }
    this.api?.push('counter.view', checked.data);
  }
}

/** The counter role for ROLE_FACTORIES (and, with the simulator's keys, for the demo). */
export function counterRoleFactory(options: CounterRoleOptions = {}): RoleFactory {
  return (ctx) => new CounterRole(ctx, options);
}
