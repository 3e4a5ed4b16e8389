/**
 * The counter's screens as the local API pushes them (`counter.view`, shared/contracts/ui/
 * counter.ts), made from the flow's state, pure. What the resident-facing screen asks for is
 * decided here, from the phase, the card on the reader and the notice, so both screens show one
 * truth and the renderer only draws it.
 *
 * Personal data: only the review carries any (the filled forms' values, for staff); persons are
 * `p1`, `p2` …, cards have no identifier here, and no PIN, 照合番号B or My Number exists in the
 * flow's state to begin with.
 */
import type {
  CounterCard,
  CounterNotice,
  CounterPerson,
  CounterPrint,
  CounterProcedure,
  CounterReview,
  CounterView,
  ResidentPrompt,
} from '../../shared/contracts/ui/counter.ts';
import { faceExhausted, staffCheckAllowed } from '../counter/auth.ts';
import { awaitingConsent } from '../counter/consent.ts';
import type { PreparedForms, ProcedureInfo } from '../counter/forms-port.ts';
import type { CounterView as FlowView } from '../counter/service.ts';
import {
  CONSENT_PURPOSE,
  CONSENT_SCOPE,
  type Attempt,
  type CounterState,
  type Notice,
  type NoticeCode,
  type Person,
} from '../counter/types.ts';
import { assertNever } from '../../shared/errors.ts';

export interface CounterViewInput {
  readonly at: number;
  readonly flow: FlowView;
  readonly procedures: readonly ProcedureInfo[];
  readonly faceAttempts: number;
  /** Ids of the preflight flags staff accepted for the current review. */
  readonly accepted: ReadonlySet<string>;
  readonly backend: CounterView['backend'];
  readonly camera: CounterView['camera'];
  readonly cardOnReader: boolean;
}

/** Notices after which the card on the reader is of no more use: the resident takes it back. */
const REFUSED: ReadonlySet<NoticeCode> = new Set([
  'not-a-my-number-card',
  'same-card-twice',
  'same-person-twice',
  'household-full',
  'card-not-genuine',
]);

const policyOf = (faceAttempts: number): { faceAttempts: number } => ({ faceAttempts });

function notice(n: Notice | undefined): CounterNotice | null {
  if (!n) return null;
  return {
    code: n.code,
    triesLeft: n.triesLeft ?? null,
    person: n.person ?? null,
    cause: n.cause && /^[a-z0-9][a-z0-9./-]{0,63}$/.test(n.cause) ? n.cause : null,
  };
}

function person(p: Person): CounterPerson {
  return {
    id: p.id,
    method: p.method,
    staffReason: p.staffReason ?? null,
    lookup: p.lookup,
    myNumber: p.myNumber,
    consent: p.consent
      ? {
          purpose: p.consent.purpose,
          scope: [...p.consent.scope],
          answer: p.consent.answer,
          at: p.consent.at,
        }
      : null,
  };
}

function card(a: Attempt | undefined, faceAttempts: number): CounterCard | null {
  if (!a) return null;
  const policy = policyOf(faceAttempts);
  return {
    person: a.person,
    purpose: a.purpose,
    pin:
      a.pin.state === 'ready'
        ? { state: 'ready', triesLeft: a.pin.triesLeft }
        : { state: 'blocked', triesLeft: null },
    method: a.method ?? null,
    faceAvailable: !faceExhausted(a, policy),
    faceTriesLeft: Math.max(0, faceAttempts - a.faceTries),
    faceReady: a.faceReady,
    staffCheckAllowed: staffCheckAllowed(a, policy),
    read: a.read,
  };
}

function procedure(p: ProcedureInfo): CounterProcedure {
  return {
    id: p.id,
    title: p.title,
    myNumberUse: p.myNumberUse,
    inputs: (p.inputs ?? []).map((i) => ({ ...i })),
  };
}

function review(
  prepared: PreparedForms | undefined,
  accepted: ReadonlySet<string>,
): CounterReview | null {
  if (!prepared) return null;
  return {
    forms: prepared.forms.map((f) => ({
      formId: f.template.formId,
      title: f.template.title,
      sheets: f.sheets.map((s) => ({ sheet: s.sheet, values: s.values.map((v) => ({ ...v })) })),
    })),
    flags: prepared.flags.map((f) => ({ ...f, accepted: accepted.has(f.id) })),
    pages: prepared.pages,
  };
}

function print(flow: FlowView): CounterPrint | null {
  const p = flow.printing;
  if (p) {
    return { state: p.kind, problem: p.problem ?? null, code: null, jobId: p.jobId ?? null };
  }
  const done = flow.printed;
  if (!done) return null;
  return done.ok
    ? { state: 'completed', problem: null, code: null, jobId: done.jobId }
    : { state: 'failed', problem: null, code: done.code, jobId: done.jobId ?? null };
}

function pinPrompt(a: Attempt, forMyNumber: boolean): ResidentPrompt {
  if (a.pin.state === 'blocked') return { kind: 'wait', for: 'staff' };
  const triesLeft = a.pin.triesLeft;
  return { kind: 'pin', triesLeft, lastTry: triesLeft === 1, forMyNumber };
}

/** What the resident is asked to do now. */
export function residentPrompt(
  s: CounterState,
  faceAttempts: number,
  cardOnReader: boolean,
): ResidentPrompt {
  const a = s.attempt;
  const policy = policyOf(faceAttempts);
  const cardDone = cardOnReader && (!a || a.read);
  switch (s.phase) {
    case 'idle':
      return cardOnReader ? { kind: 'remove-card' } : { kind: 'closed' };
    case 'awaiting-card':
    case 'person-ready':
      if (s.notice && REFUSED.has(s.notice.code) && cardDone) return { kind: 'remove-card' };
      return s.phase === 'awaiting-card'
        ? { kind: 'place-card', for: 'first', person: null }
        : { kind: 'wait', for: 'staff' };
    case 'choosing-method': {
      if (!a) return { kind: 'wait', for: 'staff' };
      const pin = a.pin.state === 'ready';
      const face = !faceExhausted(a, policy);
      // Neither can be used: staff check the holder against the card photo.
      return pin || face
        ? { kind: 'choose-method', pin, face }
        : { kind: 'wait', for: 'staff-check' };
    }
    case 'pin-entry':
      return a ? pinPrompt(a, false) : { kind: 'wait', for: 'staff' };
    case 'code-b-entry':
      return { kind: 'wait', for: 'code-b' };
    case 'opening-face':
      return a?.method === 'staff-check'
        ? { kind: 'wait', for: 'staff-check' }
        : { kind: 'face', step: 'opening' };
    case 'face-capturing':
      return { kind: 'face', step: 'capturing' };
    case 'face-retry':
      return {
        kind: 'face-retry',
        triesLeft: a ? Math.max(0, faceAttempts - a.faceTries) : 0,
        pin: a?.pin.state === 'ready',
      };
    case 'staff-check':
      return { kind: 'wait', for: 'staff-check' };
    case 'reading':
    case 'reading-my-number':
      return { kind: 'wait', for: 'reading' };
    case 'consent': {
      const p = awaitingConsent(s);
      return p
        ? { kind: 'consent', person: p.id, purpose: CONSENT_PURPOSE, scope: [...CONSENT_SCOPE] }
        : { kind: 'wait', for: 'staff' };
    }
    case 'looking-up':
      return { kind: 'wait', for: 'looking-up' };
    case 'my-number':
      if (a && a.purpose === 'my-number' && !a.read) return pinPrompt(a, true);
      return { kind: 'place-card', for: 'my-number', person: s.myNumberQueue[0] ?? null };
    case 'filling-forms':
      return { kind: 'wait', for: 'forms' };
    case 'review':
    case 'print-failed':
      return { kind: 'wait', for: 'staff' };
    case 'printing':
      return { kind: 'wait', for: 'printing' };
    case 'awaiting-signature':
      return cardOnReader ? { kind: 'remove-card' } : { kind: 'sign' };
    case 'signed':
      return cardOnReader ? { kind: 'remove-card' } : { kind: 'done' };
    default:
      return assertNever(s.phase, 'counter phase');
  }
}

export function counterView(i: CounterViewInput): CounterView {
  const s = i.flow.state;
  return {
    at: i.at,
    caseId: s.caseId ?? null,
    phase: s.phase,
    notice: notice(s.notice),
    backend: i.backend,
    camera: i.camera,
    cardOnReader: i.cardOnReader,
    staff: {
      persons: s.persons.map(person),
      card: card(s.attempt, i.faceAttempts),
      procedures: i.procedures.map(procedure),
      chosen: s.procedures.map((p) => ({ id: p.id, persons: [...p.persons] })),
      myNumberQueue: [...s.myNumberQueue],
      review: review(i.flow.review, i.accepted),
      print: print(i.flow),
    },
    resident: residentPrompt(s, i.faceAttempts, i.cardOnReader),
  };
}
