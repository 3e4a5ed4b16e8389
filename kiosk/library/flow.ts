/**
 * The self-checkout as a pure state machine (style.md rule 8): typed events in, the next state
 * and commands out. It never touches the scanner, the library system, the store, the printer
 * or the clock; the service (service.ts) runs its commands and feeds their results back as
 * events. Unknown barcodes, refusals, a printer out of paper and a patron who walks away are
 * states with a screen, never exceptions.
 *
 *   idle ──barcode/card──▶ identifying ──identified──▶ session ──end/idle──▶ ending ──▶ idle
 *                               └──refused──▶ idle        (items: one checkout at a time,
 *                                                          scans queue while one runs)
 */
import { assertNever } from '../../shared/errors.ts';
import { TEXT, dueText, type Bilingual, type MessageCode } from './messages.ts';
import type {
  CheckoutOutcome,
  Credential,
  Identification,
  Patron,
  PrinterCondition,
} from './types.ts';

export interface ItemLine {
  readonly itemId: string;
  readonly at: number;
  readonly outcome: CheckoutOutcome;
}

export interface Session {
  readonly id: string;
  readonly patron: Patron;
  readonly startedAt: number;
  readonly items: readonly ItemLine[];
  /** The item whose checkout is under way. */
  readonly pending: string | undefined;
  /** Items scanned while another was under way, in order. */
  readonly queue: readonly string[];
  /** The patron asked to finish while a checkout was under way. */
  readonly endRequested: boolean;
}

export type FlowState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'identifying'; readonly since: number }
  | { readonly phase: 'session'; readonly session: Session; readonly idleDeadline: number }
  | { readonly phase: 'ending'; readonly session: Session };

export interface FlowModel {
  readonly state: FlowState;
  readonly printer: PrinterCondition;
}

export type FlowEvent =
  | { readonly type: 'barcode'; readonly code: string; readonly at: number }
  | { readonly type: 'card'; readonly credential: Credential; readonly at: number }
  | {
      readonly type: 'identified';
      readonly result: Identification;
      readonly sessionId: string;
      readonly at: number;
    }
  | {
      readonly type: 'checkout-result';
      readonly itemId: string;
      readonly outcome: CheckoutOutcome;
      readonly at: number;
    }
  | { readonly type: 'printer'; readonly condition: PrinterCondition }
  | { readonly type: 'receipt-done'; readonly result: 'printed' | 'paper-out' | 'failed' }
  | { readonly type: 'end-session'; readonly at: number }
  | { readonly type: 'idle-timeout'; readonly at: number };

export interface ReceiptItem {
  readonly itemId: string;
  readonly title: string | undefined;
  readonly dueDate: string | undefined;
  readonly offline: boolean;
}

export interface ReceiptData {
  readonly sessionId: string;
  readonly at: number;
  /** The last four characters of the patron id; the rest masked. */
  readonly patronMask: string;
  readonly items: readonly ReceiptItem[];
}

export type Tone = 'info' | 'ok' | 'warn' | 'error';

export interface Screen {
  readonly code: MessageCode;
  readonly text: Bilingual;
  readonly tone: Tone;
  /** The item a result is about. */
  readonly item?: { readonly itemId: string; readonly title?: string; readonly due?: Bilingual };
  /** The library system's own message, when it sent one. */
  readonly screenMessage?: readonly string[];
  /** At the end of a session: what was checked out. */
  readonly summary?: readonly ReceiptItem[];
}

export type FlowCommand =
  | { readonly kind: 'identify'; readonly credential: Credential }
  | {
      readonly kind: 'checkout';
      readonly sessionId: string;
      readonly patron: Patron;
      readonly itemId: string;
    }
  | { readonly kind: 'print-receipt'; readonly receipt: ReceiptData }
  | { readonly kind: 'end-patron-session'; readonly patron: Patron }
  | { readonly kind: 'show'; readonly screen: Screen }
  /** (Re)arms the idle timer for `deadline`, or cancels it. */
  | { readonly kind: 'idle-timer'; readonly deadline: number | undefined }
  | { readonly kind: 'session-ended'; readonly session: Session };

export interface FlowConfig {
  readonly idleTimeoutMs: number;
}

export interface Step {
  readonly model: FlowModel;
  readonly commands: readonly FlowCommand[];
}

/** Item barcodes: letters, digits and hyphens (NDL and most ILS item ids), up to 32. */
const ITEM_BARCODE = /^[0-9A-Za-z-]{1,32}$/;

export const initialFlow = (printer: PrinterCondition = 'none'): FlowModel => ({
  state: { phase: 'idle' },
  printer,
});

const show = (code: MessageCode, tone: Tone, extra: Partial<Screen> = {}): FlowCommand => ({
  kind: 'show',
  screen: { code, text: TEXT[code], tone, ...extra },
});

function screenFor(line: ItemLine): FlowCommand {
  const o = line.outcome;
  const due = o.kind !== 'refused' && o.dueDate ? { due: dueText(o.dueDate) } : {};
  const title = o.kind === 'checked-out' && o.title ? { title: o.title } : {};
  const item = { itemId: line.itemId, ...title, ...due };
  switch (o.kind) {
    case 'checked-out':
      return show('checked-out', 'ok', { item });
    case 'stored-offline':
      return show('stored-offline', 'ok', { item });
    case 'refused':
      return show(o.reason, 'error', {
        item,
        ...(o.screenMessage?.length ? { screenMessage: o.screenMessage } : {}),
      });
    default:
      return assertNever(o, 'checkout outcome');
  }
}

export function receiptOf(session: Session, at: number): ReceiptData {
  const id = session.patron.patronId;
  return {
    sessionId: session.id,
    at,
    patronMask: `${'*'.repeat(Math.max(0, id.length - 4))}${id.slice(-4)}`,
    items: session.items.flatMap((l): ReceiptItem[] =>
      l.outcome.kind === 'refused'
        ? []
        : [
            {
              itemId: l.itemId,
              title: l.outcome.kind === 'checked-out' ? l.outcome.title : undefined,
              dueDate: l.outcome.dueDate,
              offline: l.outcome.kind === 'stored-offline',
            },
          ],
    ),
  };
}

export class CheckoutFlow {
  constructor(private readonly config: FlowConfig) {}

  step(model: FlowModel, event: FlowEvent): Step {
    if (event.type === 'printer')
      return { model: { ...model, printer: event.condition }, commands: [] };
    const s = model.state;
    const to = (state: FlowState, commands: FlowCommand[]): Step => ({
      model: { ...model, state },
      commands,
    });
    switch (s.phase) {
      case 'idle':
        return this.idle(model, event, to);
      case 'identifying':
        return this.identifying(model, event, to);
      case 'session':
        return this.inSession(model, s.session, s.idleDeadline, event, to);
      case 'ending':
        if (event.type === 'receipt-done') {
          const code =
            event.result === 'printed'
              ? 'goodbye'
              : event.result === 'paper-out'
                ? 'receipt-failed-paper'
                : 'receipt-failed';
          return to({ phase: 'idle' }, [show(code, code === 'goodbye' ? 'ok' : 'warn')]);
        }
        return { model, commands: [] };
      default:
        return assertNever(s, 'flow phase');
    }
  }

  private idle(model: FlowModel, event: FlowEvent, to: To): Step {
    if (event.type === 'barcode') {
      return to({ phase: 'identifying', since: event.at }, [
        { kind: 'identify', credential: { kind: 'library-card', barcode: event.code } },
        show('identifying', 'info'),
      ]);
    }
    if (event.type === 'card') {
      return to({ phase: 'identifying', since: event.at }, [
        { kind: 'identify', credential: event.credential },
        show('identifying', 'info'),
      ]);
    }
    return { model, commands: [] };
  }

  private identifying(model: FlowModel, event: FlowEvent, to: To): Step {
    if (event.type !== 'identified') return { model, commands: [] };
    if (!event.result.ok) return to({ phase: 'idle' }, [show(event.result.reason, 'error')]);
    const patron = event.result.patron;
    const session: Session = {
      id: event.sessionId,
      patron,
      startedAt: event.at,
      items: [],
      pending: undefined,
      queue: [],
      endRequested: false,
    };
    const idleDeadline = event.at + this.config.idleTimeoutMs;
    const commands: FlowCommand[] = [
      show(patron.mode === 'offline' ? 'welcome-offline' : 'welcome', 'info'),
      { kind: 'idle-timer', deadline: idleDeadline },
    ];
    if (model.printer === 'unavailable') commands.push(show('printer-unavailable', 'warn'));
    return to({ phase: 'session', session, idleDeadline }, commands);
  }

  private inSession(
    model: FlowModel,
    session: Session,
    idleDeadline: number,
    event: FlowEvent,
    to: To,
  ): Step {
    const stay = (next: Session, at: number | undefined, commands: FlowCommand[]): Step => {
      const deadline = at === undefined ? idleDeadline : at + this.config.idleTimeoutMs;
      const timer: FlowCommand[] =
        deadline === idleDeadline ? [] : [{ kind: 'idle-timer', deadline }];
      return to({ phase: 'session', session: next, idleDeadline: deadline }, [
        ...commands,
        ...timer,
      ]);
    };
    switch (event.type) {
      case 'barcode': {
        const code = event.code.trim();
        const known = session.items.some((l) => l.itemId === code && l.outcome.kind !== 'refused');
        if (code.toUpperCase() === session.patron.patronId.toUpperCase()) {
          return stay(session, event.at, [show('own-card', 'info')]);
        }
        if (!ITEM_BARCODE.test(code))
          return stay(session, event.at, [show('invalid-barcode', 'error')]);
        if (known || session.pending === code || session.queue.includes(code)) {
          return stay(session, event.at, [show('already-scanned', 'info')]);
        }
        if (session.pending !== undefined) {
          return stay({ ...session, queue: [...session.queue, code] }, event.at, []);
        }
        return stay({ ...session, pending: code }, event.at, [
          { kind: 'checkout', sessionId: session.id, patron: session.patron, itemId: code },
          show('checking-out', 'info', { item: { itemId: code } }),
        ]);
      }
      case 'card':
        return stay(session, event.at, [show('finish-first', 'warn')]);
      case 'checkout-result': {
        if (event.itemId !== session.pending) return { model, commands: [] };
        const line: ItemLine = { itemId: event.itemId, at: event.at, outcome: event.outcome };
        const [next, ...rest] = session.queue;
        const updated: Session = {
          ...session,
          items: [...session.items, line],
          pending: next,
          queue: rest,
        };
        const commands: FlowCommand[] = [screenFor(line)];
        if (next !== undefined) {
          commands.push({
            kind: 'checkout',
            sessionId: session.id,
            patron: session.patron,
            itemId: next,
          });
          return stay(updated, event.at, commands);
        }
        if (updated.endRequested) return this.finish(model, updated, event.at, commands);
        return stay(updated, event.at, commands);
      }
      case 'end-session':
      case 'idle-timeout':
        if (event.type === 'idle-timeout' && event.at < idleDeadline)
          return { model, commands: [] };
        if (session.pending !== undefined) {
          return stay({ ...session, endRequested: true, queue: [] }, undefined, []);
        }
        return this.finish(model, session, event.at, []);
      case 'identified':
      case 'receipt-done':
      case 'printer':
        return { model, commands: [] };
      default:
        return assertNever(event, 'flow event');
    }
  }

  private finish(model: FlowModel, session: Session, at: number, before: FlowCommand[]): Step {
    const receipt = receiptOf(session, at);
    const commands: FlowCommand[] = [
      ...before,
      { kind: 'idle-timer', deadline: undefined },
      { kind: 'session-ended', session },
    ];
    if (session.patron.mode === 'online')
      commands.push({ kind: 'end-patron-session', patron: session.patron });
    const summary = { summary: receipt.items };
    if (receipt.items.length > 0 && model.printer === 'ready') {
      commands.push({ kind: 'print-receipt', receipt }, show('receipt-printing', 'info', summary));
      return { model: { ...model, state: { phase: 'ending', session } }, commands };
    }
    const code = receipt.items.length === 0 ? 'goodbye' : 'no-receipt';
    commands.push(show(code, code === 'goodbye' ? 'ok' : 'warn', summary));
    return { model: { ...model, state: { phase: 'idle' } }, commands };
  }
}

type To = (state: FlowState, commands: FlowCommand[]) => Step;
