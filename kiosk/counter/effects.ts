/**
 * The counter's effects, performed: card reads, the face camera, the backend look-up and My
 * Number check, forms and printing, wipes and audit entries. Each asynchronous effect resolves
 * with the event that reports its outcome (a failure is an event too, never a throw), which the
 * service feeds back into the state machine.
 */
import { wipe } from '../../shared/bytes.ts';
import type { Clock } from '../../shared/clock.ts';
import type { CaseData, CardFacts } from '../../shared/contracts/forms.ts';
import { jstDate } from '../../shared/contracts/sync/periods.ts';
import { hasErrorCode, isKazasuError, serializeError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/log.ts';
import type { CaptureResult } from '../../hardware/face-camera/protocol.ts';
import { SCORE_SCALE } from '../../hardware/face-camera/protocol.ts';
import type { DeviceState } from '../../hardware/serial/framed-device.ts';
import type { AuditDraft } from '../audit/schema.ts';
import { CardAccess, type CardSession } from './card-access.ts';
import {
  blockingFlags,
  type CounterForms,
  type PreparedForms,
  type PrintOutcome,
  type PrintProgress,
} from './forms-port.ts';
import type { ResidentService } from './residents-client.ts';
import type { CounterEffect, CounterEvent, CounterState, FaceFailure } from './types.ts';
import type { CaseVault } from './vault.ts';

/** What the flow needs of the face camera (hardware/face-camera/driver.ts is one). */
export interface FaceCameraPort {
  readonly state: DeviceState;
  loadReference(image: Uint8Array): Promise<void>;
  captureAndMatch(): Promise<CaptureResult>;
  clearReference(): Promise<void>;
}

export interface EffectDeps {
  readonly cards: CardAccess;
  readonly vault: CaseVault;
  readonly sessions: Map<string, CardSession>;
  readonly camera?: FaceCameraPort | undefined;
  readonly residents: ResidentService;
  readonly forms: CounterForms;
  readonly audit: { append(draft: AuditDraft): unknown };
  readonly municipalityCode: string;
  readonly clock: Clock;
  readonly log: Logger;
  readonly state: () => CounterState;
  /** Something a screen shows changed outside a transition (a print job moved on). */
  readonly changed?: () => void;
}

type Outcome = Promise<CounterEvent | undefined> | undefined;

function codeOf(error: unknown): { code: string; triesLeft?: number } {
  const code = serializeError(error).code;
  const tries = isKazasuError(error) ? error.details['triesLeft'] : undefined;
  return typeof tries === 'number' ? { code, triesLeft: tries } : { code };
}

const CAPTURE_FAILURES: Readonly<
  Record<Exclude<CaptureResult['outcome'], 'compared'>, FaceFailure>
> = {
  'no-face': 'no-face',
  'multiple-faces': 'multiple-faces',
  'window-elapsed': 'window-elapsed',
  'camera-fault': 'camera-fault',
  aborted: 'timeout',
};

/** A camera error as the flow sees it: gone, broken, busy, or a try that ran out of time. */
function cameraFailure(error: unknown, camera: FaceCameraPort): FaceFailure {
  if (hasErrorCode(error, 'hardware/port-closed', 'hardware/port-unavailable'))
    return 'camera-unreachable';
  if (hasErrorCode(error, 'hardware/timeout'))
    return camera.state === 'ok' ? 'timeout' : 'camera-unreachable';
  if (hasErrorCode(error, 'hardware/nak') && error.details['code'] === 3) return 'camera-busy';
  return 'camera-fault';
}

export class EffectRunner {
  prepared: PreparedForms | undefined;
  printed: PrintOutcome | undefined;
  /** The print job being followed (queued, printing, waiting on paper …), until it ends. */
  printing: PrintProgress | undefined;
  /** The reader whose card's photo is loaded in the camera. */
  private cameraReader: string | undefined;

  constructor(private readonly d: EffectDeps) {}

  perform(effect: CounterEffect, caseId: string | undefined): Outcome {
    switch (effect.kind) {
      case 'audit':
        if (caseId) this.audit({ caseId, ...effect.entry });
        return undefined;
      case 'discard':
        wipe(effect.secret);
        return undefined;
      case 'wipe-person':
        this.d.vault.wipePerson(effect.person);
        return undefined;
      case 'wipe-case':
        this.d.vault.wipeAll();
        this.prepared = undefined;
        this.printed = undefined;
        this.printing = undefined;
        return undefined;
      case 'end-card-session':
        this.endSession(effect.reader);
        return undefined;
      case 'clear-face':
        this.clearFace();
        return undefined;
      case 'open-face':
        return this.openFace(effect.codeB, effect.forCamera);
      case 'capture-face':
        return this.capture();
      case 'read-card':
        return this.readCard(effect);
      case 'lookup':
        return this.lookup(effect.person);
      case 'read-my-number':
        return this.readMyNumber(effect, caseId);
      case 'fill-forms':
        return this.fill();
      case 'print':
        return this.print(caseId);
    }
  }

  /** What a placed card is; undefined when it left before we knew. */
  async probe(reader: string): Promise<CounterEvent | undefined> {
    try {
      const { session, pin } = await this.d.cards.probe(reader);
      this.endSession(reader);
      this.d.sessions.set(reader, session);
      return {
        type: 'CardPresent',
        reader,
        probe: { cardKey: this.d.vault.hash('card', session.cardKey), pin },
      };
    } catch (error) {
      if (hasErrorCode(error, 'reader/card-removed', 'reader/no-card')) return undefined;
      return { type: 'CardUnusable', reader, code: codeOf(error).code };
    }
  }

  /** Zeroes a card's session, and the camera's copy of its photo. */
  endSession(reader: string): void {
    const s = this.d.sessions.get(reader);
    if (s) CardAccess.end(s);
    this.d.sessions.delete(reader);
    if (this.cameraReader === reader) this.clearFace();
  }

  private audit(draft: AuditDraft): void {
    try {
      this.d.audit.append(draft);
    } catch (error) {
      // The flow goes on; the failure is reported (a full disk is a state, not a crash).
      this.d.log.error({ err: serializeError(error), step: draft.step }, 'audit entry not written');
    }
  }

  private attemptSession(): CardSession | undefined {
    const reader = this.d.state().attempt?.reader;
    return reader === undefined ? undefined : this.d.sessions.get(reader);
  }

  private clearFace(): void {
    const reader = this.cameraReader;
    this.cameraReader = undefined;
    const s = reader === undefined ? this.attemptSession() : this.d.sessions.get(reader);
    if (s?.photo) wipe(s.photo);
    if (s) delete s.photo;
    if (reader !== undefined && this.d.camera) {
      void this.d.camera
        .clearReference()
        .catch((error: unknown) =>
          this.d.log.warn({ err: serializeError(error) }, 'camera reference not cleared'),
        );
    }
  }

  private async openFace(codeB: Uint8Array, forCamera: boolean): Promise<CounterEvent> {
    const session = this.attemptSession();
    if (!session) {
      wipe(codeB);
      return { type: 'CardReadFailed', code: 'reader/card-removed' };
    }
    let photo: Uint8Array;
    try {
      photo = (await this.d.cards.openFace(session, codeB)).photo;
    } catch (error) {
      return { type: 'CardReadFailed', ...codeOf(error) };
    }
    if (!forCamera) {
      session.photo = photo;
      return { type: 'FaceReady' };
    }
    const camera = this.d.camera;
    try {
      if (!camera) return { type: 'FaceFailed', reason: 'camera-unreachable' };
      await camera.loadReference(photo);
      this.cameraReader = session.reader;
      return { type: 'FaceReady' };
    } catch (error) {
      return { type: 'FaceFailed', reason: cameraFailure(error, camera as FaceCameraPort) };
    } finally {
      wipe(photo);
    }
  }

  private async capture(): Promise<CounterEvent> {
    const camera = this.d.camera;
    if (!camera) return { type: 'FaceFailed', reason: 'camera-unreachable' };
    try {
      const r = await camera.captureAndMatch();
      if (r.outcome === 'compared')
        return { type: 'FaceMatched', score: r.score / SCORE_SCALE, live: r.live };
      return { type: 'FaceFailed', reason: CAPTURE_FAILURES[r.outcome] };
    } catch (error) {
      return { type: 'FaceFailed', reason: cameraFailure(error, camera) };
    }
  }

  private async readCard(
    effect: Extract<CounterEffect, { kind: 'read-card' }>,
  ): Promise<CounterEvent> {
    const session = this.attemptSession();
    if (!session) {
      if (effect.pin) wipe(effect.pin);
      return { type: 'CardReadFailed', code: 'reader/card-removed' };
    }
    try {
      const read = await this.d.cards.read(session, effect.credential, effect.pin, {
        confirmLastTry: effect.confirmLastTry,
      });
      const card: CardFacts = {
        name: read.name,
        address: read.address,
        birthDate: read.birthDate,
        sex: read.sex,
      };
      this.d.vault.putCard(effect.person, card);
      return { type: 'CardRead', person: effect.person, personKey: this.d.vault.personKey(card) };
    } catch (error) {
      return { type: 'CardReadFailed', ...codeOf(error) };
    }
  }

  private async lookup(person: string): Promise<CounterEvent> {
    const card = this.d.vault.card(person);
    if (!card) return { type: 'LookupFailed', person, code: 'counter/no-card-data' };
    const answer = await this.d.residents.lookup(card);
    if (!answer.ok) {
      this.d.vault.setLookup(person, 'pending');
      return answer.offline
        ? { type: 'Offline', person }
        : { type: 'LookupFailed', person, code: answer.code };
    }
    const r = answer.value;
    if (r.outcome === 'found') {
      this.d.vault.putResident(person, r.resident);
      return {
        type: 'LookupDone',
        person,
        outcome: 'found',
        residentKey: this.d.vault.hash('resident', r.resident.residentId),
      };
    }
    this.d.vault.setLookup(person, r.outcome);
    return { type: 'LookupDone', person, outcome: r.outcome };
  }

  /**
   * Reads the My Number with the PIN, checks the card is still this person's (the four items
   * hash to theirs), and sends it to the backend, which compares it with the record. The number
   * is never kept: it lives in this function's scope only.
   */
  private async readMyNumber(
    effect: Extract<CounterEffect, { kind: 'read-my-number' }>,
    caseId: string | undefined,
  ): Promise<CounterEvent> {
    const { person } = effect;
    const session = this.attemptSession();
    const expected = this.d.state().persons.find((p) => p.id === person)?.personKey;
    if (!session || !caseId) {
      wipe(effect.pin);
      return { type: 'MyNumberFailed', person, code: 'reader/card-removed' };
    }
    let myNumber: string | undefined;
    try {
      const read = await this.d.cards.read(session, 'pin', effect.pin, {
        confirmLastTry: effect.confirmLastTry,
        readMyNumber: true,
      });
      if (this.d.vault.personKey(read) !== expected) {
        return { type: 'MyNumberFailed', person, code: 'counter/person-mismatch' };
      }
      myNumber = read.myNumber;
    } catch (error) {
      return { type: 'MyNumberFailed', person, ...codeOf(error) };
    }
    const residentId = this.d.vault.residentId(person);
    if (!residentId || !myNumber)
      return { type: 'MyNumberFailed', person, code: 'counter/no-resident-record' };
    const answer = await this.d.residents.checkMyNumber({
      residentId,
      myNumber,
      caseId,
      procedures: [...effect.procedures],
    });
    if (answer.ok) return { type: 'MyNumberSent', person, outcome: answer.value.outcome };
    return {
      type: 'MyNumberFailed',
      person,
      code: answer.offline ? 'sync/unreachable' : answer.code,
    };
  }

  private caseData(): CaseData {
    const s = this.d.state();
    return {
      municipality: this.d.municipalityCode,
      caseDate: jstDate(this.d.clock.now()),
      applicantId: s.persons[0]?.id ?? 'p1',
      persons: s.persons.map((p) => this.d.vault.casePerson(p.id)),
      staff: this.d.vault.caseStaffInputs(),
      forms: s.procedures.map((p) => ({ formId: p.id, personIds: [...p.persons] })),
    };
  }

  private async fill(): Promise<CounterEvent> {
    this.prepared = undefined;
    try {
      const prepared = await this.d.forms.prepare(this.caseData());
      this.prepared = prepared;
      return {
        type: 'FormsReady',
        forms: prepared.forms.length,
        pages: prepared.pages,
        problems: blockingFlags(prepared).length,
      };
    } catch (error) {
      return { type: 'FormsFailed', code: codeOf(error).code };
    }
  }

  private async print(caseId: string | undefined): Promise<CounterEvent> {
    const prepared = this.prepared;
    if (!prepared) return { type: 'PrintFailed', code: 'counter/no-forms' };
    let pdf: Uint8Array | undefined;
    try {
      // The machine lets a print start only once staff acknowledged the blocking flags.
      pdf = await this.d.forms.render(
        prepared,
        blockingFlags(prepared).map((f) => f.id),
      );
      this.printed = undefined;
      this.printing = { kind: 'submitting' };
      this.d.changed?.();
      const outcome = await this.d.forms.print(pdf, {
        title: `kazasu-case-${(caseId ?? 'none').slice(0, 13)}`,
        onState: (progress) => {
          this.printing = progress;
          this.d.changed?.();
        },
      });
      this.printing = undefined;
      this.printed = outcome;
      return outcome.ok ? { type: 'PrintDone' } : { type: 'PrintFailed', code: outcome.code };
    } catch (error) {
      this.printing = undefined;
      return { type: 'PrintFailed', code: codeOf(error).code };
    } finally {
      pdf?.fill(0); // the PDF holds names and addresses; the printer has its own copy
    }
  }
}
