/**
 * The counter service: composes the card readers, the face camera, the backend look-up, forms
 * and printing, and the audit log around the pure state machine (machine.ts). Staff and the
 * resident act through its methods; reader events come from the hub; every effect the machine
 * asks for is performed here (effects.ts) and its outcome fed back as an event.
 *
 * Personal data stays in the vault and leaves it only for the forms and the backend; the case is
 * wiped (overwritten) on close and after `idleTimeoutMs` without an event.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../shared/clock.ts';
import { Listeners } from '../../shared/listeners.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import { SerialQueue } from '../../shared/queue.ts';
import type { ReaderHub } from '../../reader/hub.ts';
import type { CaKeySet } from '../../reader/mynumber/ca-keys.ts';
import type { AuditDraft } from '../audit/schema.ts';
import { CardAccess, type CardSession } from './card-access.ts';
import { EffectRunner, type FaceCameraPort } from './effects.ts';
import { awaitingConsent } from './consent.ts';
import type {
  CounterForms,
  PreparedForms,
  PrintOutcome,
  PrintProgress,
  ProcedureInfo,
} from './forms-port.ts';
import { counterStep, INITIAL_STATE } from './machine.ts';
import type { ResidentService } from './residents-client.ts';
import type {
  AuthMethod,
  ChosenProcedure,
  ConsentAnswer,
  CounterEvent,
  CounterPolicy,
  CounterState,
  Phase,
  StaffCheckReason,
} from './types.ts';
import { CaseVault } from './vault.ts';

export interface CounterServiceOptions {
  readonly hub: ReaderHub;
  readonly camera?: FaceCameraPort | undefined;
  readonly residents: ResidentService;
  readonly forms: CounterForms;
  readonly audit: { append(draft: AuditDraft): unknown };
  /** Threshold, attempts, household size; the procedures come from `forms`, the camera from `camera`. */
  readonly policy: Omit<CounterPolicy, 'procedures' | 'faceCamera'>;
  /** 全国地方公共団体コード of this counter: its form templates. */
  readonly municipalityCode: string;
  readonly caKeys: CaKeySet;
  readonly acceptTestCards?: boolean;
  readonly idleTimeoutMs: number;
  readonly clock: Clock;
  readonly logger?: Logger;
  readonly newCaseId?: () => string;
  readonly setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

/** What a screen shows: the state, and for the review the filled forms with their sources. */
export interface CounterView {
  readonly state: CounterState;
  readonly review?: PreparedForms;
  readonly printed?: PrintOutcome;
  /** The print job while it is followed. */
  readonly printing?: PrintProgress;
}

const CARD_PHASES: ReadonlySet<Phase> = new Set(['awaiting-card', 'person-ready', 'my-number']);

function defaultTimer(fn: () => void, ms: number): { cancel(): void } {
  const t = setTimeout(fn, ms);
  t.unref?.();
  return { cancel: () => clearTimeout(t) };
}

export class CounterService {
  private current: CounterState = INITIAL_STATE;
  private readonly policy: CounterPolicy;
  private readonly vault = new CaseVault();
  private readonly cards: CardAccess;
  private readonly effects: EffectRunner;
  private readonly log: Logger;
  private readonly changes = new Listeners<CounterView>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly readerQueues = new Map<string, SerialQueue>();
  /** Cards on the readers, and whether the flow has been offered each one. */
  private readonly present = new Map<string, { offered: boolean }>();
  private readonly sessions = new Map<string, CardSession>();
  private idle: { cancel(): void } | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly o: CounterServiceOptions) {
    this.log = (o.logger ?? silentLogger).child({ module: 'counter' });
    this.policy = {
      ...o.policy,
      faceCamera: o.camera !== undefined,
      procedures: new Map(o.forms.procedures().map((p) => [p.id, { myNumberUse: p.myNumberUse }])),
    };
    this.cards = new CardAccess(o.hub, {
      caKeys: o.caKeys,
      acceptTestCards: o.acceptTestCards === true,
      logger: this.log,
    });
    this.effects = new EffectRunner({
      ...o,
      cards: this.cards,
      vault: this.vault,
      sessions: this.sessions,
      log: this.log,
      state: () => this.current,
      changed: () => this.changes.emit(this.view()),
    });
  }

  /** Starts following the readers (cards already present count as just placed). */
  async start(): Promise<void> {
    await this.o.hub.settled();
    this.unsubscribe = this.o.hub.subscribe((e) => {
      if (e.type === 'card-present' && !e.mute) this.cardArrived(e.reader);
      else if (e.type === 'card-removed') this.cardLeft(e.reader);
    });
    for (const r of this.o.hub.readers()) if (r.cardPresent && !r.mute) this.cardArrived(r.name);
  }

  get state(): CounterState {
    return this.current;
  }

  view(): CounterView {
    const { prepared: review, printed, printing } = this.effects;
    return {
      state: this.current,
      ...(review ? { review } : {}),
      ...(printed ? { printed } : {}),
      ...(printing ? { printing } : {}),
    };
  }

  /** The procedures this counter offers (its municipality's form templates). */
  procedures(): readonly ProcedureInfo[] {
    return this.o.forms.procedures();
  }

  onChange(listener: (view: CounterView) => void): () => void {
    return this.changes.add(listener);
  }

  /** The staff check screen's photo (the card face, read with 照合番号B), while it is open. */
  staffPhoto(): Uint8Array | undefined {
    const reader = this.current.attempt?.reader;
    return reader ? this.sessions.get(reader)?.photo : undefined;
  }

  /** Resolves once nothing the service started is still running. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  openCase(): string {
    const caseId = (this.o.newCaseId ?? randomUUID)();
    this.dispatch({ type: 'CaseOpened', caseId });
    return caseId;
  }

  chooseMethod(method: AuthMethod): void {
    this.dispatch({ type: 'MethodChosen', method });
  }

  /** The PIN as typed on the keypad (ASCII digits); the service zeroes it. */
  enterPin(pin: Uint8Array, confirmLastTry = false): void {
    this.dispatch({ type: 'PinEntered', pin, confirmLastTry });
  }

  /** 照合番号B as staff keyed it from the card face; the service zeroes it. */
  enterCodeB(codeB: Uint8Array): void {
    this.dispatch({ type: 'CodeBEntered', codeB });
  }

  /**
   * The holder's answer on the consent screen, for the person whose look-up waits for it; the
   * time is the service clock's. Agreed, the four items go to the resident register.
   */
  answerConsent(answer: ConsentAnswer): void {
    const person = awaitingConsent(this.current)?.id;
    if (person === undefined) return;
    this.dispatch({ type: 'ConsentAnswered', person, answer, at: this.o.clock.now() });
  }

  recordStaffCheck(reason: StaffCheckReason): void {
    this.dispatch({ type: 'StaffCheckRecorded', reason });
  }

  /**
   * The visit's procedures, and staff inputs for the forms (case-level by key, or per person
   * as `{ p1: { key: value } }`).
   */
  chooseProcedures(
    procedures: readonly ChosenProcedure[],
    inputs: {
      readonly case?: Readonly<Record<string, string>>;
      readonly persons?: Readonly<Record<string, Readonly<Record<string, string>>>>;
    } = {},
  ): void {
    for (const [k, v] of Object.entries(inputs.case ?? {}))
      this.vault.putStaffInput(undefined, k, v);
    for (const [person, values] of Object.entries(inputs.persons ?? {})) {
      if (!this.current.persons.some((p) => p.id === person)) continue;
      for (const [k, v] of Object.entries(values)) this.vault.putStaffInput(person, k, v);
    }
    this.dispatch({ type: 'ProceduresChosen', procedures });
  }

  deferMyNumber(person: string): void {
    this.dispatch({ type: 'MyNumberDeferred', person });
  }

  confirmReview(acknowledgeProblems = false): void {
    this.dispatch({ type: 'ReviewConfirmed', acknowledgeProblems });
  }

  markSigned(): void {
    this.dispatch({ type: 'Signed' });
  }

  closeCase(): void {
    this.dispatch({ type: 'CaseClosed' });
  }

  /** Bytes of personal data held for the case (0 once wiped). */
  get heldBytes(): number {
    return this.vault.heldBytes;
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    if (this.current.phase !== 'idle') this.dispatch({ type: 'CaseClosed' });
    await this.settled();
    this.idle?.cancel();
    for (const s of this.sessions.values()) CardAccess.end(s);
    this.sessions.clear();
    this.vault.destroy();
  }

  /** Applies an event, performs its effects, and offers waiting cards when the flow can take one. */
  private dispatch(event: CounterEvent): void {
    const before = this.current;
    const step = counterStep(this.policy, before, event);
    this.current = step.state;
    const caseId = before.caseId ?? step.state.caseId;
    for (const effect of step.effects) {
      const outcome = this.effects.perform(effect, caseId);
      if (outcome) this.track(outcome.then((next) => next && this.dispatch(next)));
    }
    if (event.type === 'CardPresent' && step.ignored) {
      const p = this.present.get(event.reader);
      if (p) p.offered = false; // offered again when the flow can take it
    }
    if (!step.ignored) {
      this.armIdleTimer();
      this.changes.emit(this.view());
    }
    if (this.acceptsCard(this.current) && !this.acceptsCard(before)) this.offerCards();
    if (this.acceptsCard(this.current) && before.attempt && !this.current.attempt)
      this.offerCards();
  }

  private acceptsCard(s: CounterState): boolean {
    return CARD_PHASES.has(s.phase) && (!s.attempt || s.attempt.read);
  }

  private armIdleTimer(): void {
    this.idle?.cancel();
    this.idle = undefined;
    if (this.current.phase === 'idle') return;
    this.idle = (this.o.setTimer ?? defaultTimer)(() => {
      this.log.info({}, 'case idle: wiped');
      this.dispatch({ type: 'IdleTimeout' });
    }, this.o.idleTimeoutMs);
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch((error: unknown) =>
      this.log.error({ err: String(error) }, 'counter step failed'),
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private queueFor(reader: string): SerialQueue {
    let q = this.readerQueues.get(reader);
    if (!q) {
      q = new SerialQueue();
      this.readerQueues.set(reader, q);
    }
    return q;
  }

  private cardArrived(reader: string): void {
    this.present.set(reader, { offered: false });
    if (this.acceptsCard(this.current)) this.offerCards();
  }

  private cardLeft(reader: string): void {
    this.present.delete(reader);
    this.track(
      this.queueFor(reader).run(() => {
        this.dispatch({ type: 'CardRemoved', reader });
        this.effects.endSession(reader);
        return Promise.resolve();
      }),
    );
  }

  /** Probes the cards the flow has not seen yet, one reader at a time, in arrival order. */
  private offerCards(): void {
    for (const [reader, p] of this.present) {
      if (p.offered) continue;
      p.offered = true;
      this.track(
        this.queueFor(reader).run(async () => {
          if (!this.present.has(reader)) return;
          const event = await this.effects.probe(reader);
          if (event && this.present.has(reader)) this.dispatch(event);
        }),
      );
    }
  }
}
