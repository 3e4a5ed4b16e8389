/**
 * The patron-facing screen of the self-checkout, drawn from the flow's state (kiosk/library/
 * flow.ts) and the last thing it said: phases, the books of the session with due dates and
 * refusals in both languages, the receipt and what the patron should take away. Pure. Nothing
 * that names the patron goes in (shared/contracts/ui/library.ts), only a display name where the
 * library system gave one and the config allows it (Patron.displayName).
 */
import type {
  LibraryItemView,
  LibraryNotice,
  LibraryReceiptState,
  LibraryView,
} from '../../shared/contracts/ui/library.ts';
import type { ReceiptPrinterState } from '../../hardware/receipt-printer/driver.ts';
import { parseIsoDate } from '../../shared/dates.ts';
import { assertNever } from '../../shared/errors.ts';
import type { FlowModel, ItemLine, Screen, Session, Tone } from '../library/flow.ts';
import { TEXT, dueText, type MessageCode } from '../library/messages.ts';

export interface LibraryViewSettings {
  readonly libraryName: string | null;
  readonly accepts: { readonly icCard: boolean; readonly myNumberCard: boolean };
}

export interface LibraryViewInput {
  readonly at: number;
  readonly model: FlowModel;
  /** The flow's last screen, while it stands (the role lets an idle one lapse after a while). */
  readonly screen: Screen | undefined;
  /** The session that ended last, for the summary after it. */
  readonly lastSession: Session | undefined;
  readonly online: boolean;
  /** A card is on one of the role's readers. */
  readonly cardOnReader: boolean;
  /** What the receipt printer last reported; absent: none fitted. */
  readonly printerState?: ReceiptPrinterState | undefined;
  readonly settings: LibraryViewSettings;
}

/** Screens that end a session: the summary stands until it lapses. */
const END_CODES: ReadonlyMap<MessageCode, LibraryReceiptState> = new Map([
  ['goodbye', 'printed'],
  ['no-receipt', 'not-printed'],
  ['receipt-failed-paper', 'paper-out'],
  ['receipt-failed', 'failed'],
]);

const TITLE_MAX = 200;
const NAME_MAX = 64;

/** At most `max` UTF-16 units (what the schema counts), never half a surrogate pair. */
function clip(s: string, max: number): string {
  let out = '';
  for (const ch of s) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}

function notice(code: MessageCode, tone: Tone): LibraryNotice {
  return { code, tone, text: TEXT[code] };
}

function noticeOf(s: Screen | undefined): LibraryNotice | null {
  // "Please scan your card" is what the welcome screen says anyway.
  if (!s || s.code === 'ready') return null;
  return { code: s.code, tone: s.tone, text: s.text };
}

function due(date: string | undefined): LibraryItemView['due'] {
  if (date === undefined || !parseIsoDate(date)) return null;
  return { date, text: dueText(date) };
}

function itemOf(line: ItemLine): LibraryItemView {
  const o = line.outcome;
  switch (o.kind) {
    case 'checked-out':
      return {
        itemId: line.itemId,
        title: o.title ? clip(o.title, TITLE_MAX) : null,
        state: 'checked-out',
        due: due(o.dueDate),
        result: notice('checked-out', 'ok'),
      };
    case 'stored-offline':
      return {
        itemId: line.itemId,
        title: null,
        state: 'stored-offline',
        due: due(o.dueDate),
        result: notice('stored-offline', 'ok'),
      };
    case 'refused':
      return {
        itemId: line.itemId,
        title: null,
        state: 'refused',
        due: null,
        result: notice(o.reason, 'error'),
      };
    default:
      return assertNever(o, 'checkout outcome');
  }
}

const waiting = (itemId: string, state: 'checking' | 'queued'): LibraryItemView => ({
  itemId,
  title: null,
  state,
  due: null,
  result: null,
});

export function sessionItems(s: Session): LibraryItemView[] {
  return [
    ...s.items.map(itemOf),
    ...(s.pending === undefined ? [] : [waiting(s.pending, 'checking')]),
    ...s.queue.map((id) => waiting(id, 'queued')),
  ];
}

function patronOf(s: Session): LibraryView['patron'] {
  const name = s.patron.displayName?.trim();
  return {
    displayName: name ? clip(name, NAME_MAX) : null,
    offline: s.patron.mode === 'offline',
  };
}

function problemOf(s: ReceiptPrinterState | undefined): LibraryView['printerProblem'] {
  return s === undefined || s === 'ready' || s === 'paper-near-end' ? null : s;
}

export function libraryView(i: LibraryViewInput): LibraryView {
  const printerProblem = problemOf(i.printerState);
  const base = {
    printerProblem,
    at: i.at,
    printer: i.model.printer,
    libraryOnline: i.online,
    accepts: i.settings.accepts,
    libraryName: i.settings.libraryName,
    removeCard: false,
    sessionEndsAt: null,
    receipt: null,
    patron: null,
    items: [],
    notice: noticeOf(i.screen),
  } as const satisfies Partial<LibraryView>;
  const state = i.model.state;
  switch (state.phase) {
    case 'idle': {
      const receipt = i.screen ? END_CODES.get(i.screen.code) : undefined;
      const ended = receipt !== undefined ? i.lastSession : undefined;
      if (!ended) {
        // A refused card: the reason stands, and a card left on the reader is mentioned.
        return {
          ...base,
          phase: 'welcome',
          removeCard: i.cardOnReader && base.notice !== null,
        };
      }
      const borrowed = ended.items.some((l) => l.outcome.kind !== 'refused');
      // Known to be out of paper before the end: the same words as running out while printing.
      const state =
        receipt === 'not-printed' && printerProblem === 'paper-out' ? 'paper-out' : receipt;
      return {
        ...base,
        phase: 'ended',
        patron: patronOf(ended),
        items: sessionItems(ended),
        receipt: state === 'printed' && !borrowed ? 'none' : (state ?? 'none'),
        removeCard: i.cardOnReader,
      };
    }
    case 'identifying':
      return { ...base, phase: 'identifying' };
    case 'session':
      return {
        ...base,
        phase: 'session',
        patron: patronOf(state.session),
        items: sessionItems(state.session),
        sessionEndsAt: state.idleDeadline,
      };
    case 'ending':
      return {
        ...base,
        phase: 'printing',
        patron: patronOf(state.session),
        items: sessionItems(state.session),
        receipt: 'printing',
      };
    default:
      return assertNever(state, 'flow phase');
  }
}
