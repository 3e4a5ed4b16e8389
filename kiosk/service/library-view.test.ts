import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LibraryViewSchema } from '../../shared/contracts/ui/library.ts';
import {
  CheckoutFlow,
  initialFlow,
  type FlowEvent,
  type FlowModel,
  type Screen,
  type Session,
} from '../library/flow.ts';
import type { CheckoutOutcome, Patron } from '../library/types.ts';
import { libraryView, type LibraryViewInput } from './library-view.ts';

const flow = new CheckoutFlow({ idleTimeoutMs: 60_000 });
const PATRON_ID = 'L0001';
const patron = (extra: Partial<Patron> = {}): Patron => ({
  patronId: PATRON_ID,
  patronHash: new Uint8Array(32).fill(7),
  via: 'library-card',
  mode: 'online',
  cached: { patronId: PATRON_ID, status: 'active' },
  ...extra,
});
const ok: CheckoutOutcome = { kind: 'checked-out', dueDate: '2026-12-06', title: '坊っちゃん' };
const onHold: CheckoutOutcome = { kind: 'refused', reason: 'on-hold', screenMessage: ['L0001'] };

/** Runs the flow and keeps what the role keeps: the last screen and the session that ended. */
function drive(events: FlowEvent[], start: FlowModel = initialFlow('ready')) {
  let model = start;
  let screen: Screen | undefined;
  let lastSession: Session | undefined;
  for (const e of events) {
    const step = flow.step(model, e);
    model = step.model;
    for (const c of step.commands) {
      if (c.kind === 'show') screen = c.screen;
      if (c.kind === 'session-ended') lastSession = c.session;
    }
  }
  return (extra: Partial<LibraryViewInput> = {}) =>
    LibraryViewSchema.parse(
      libraryView({
        at: 1_000,
        model,
        screen,
        lastSession,
        online: true,
        cardOnReader: false,
        settings: {
          libraryName: 'かざす市立中央図書館',
          accepts: { icCard: true, myNumberCard: false },
        },
        ...extra,
      }),
    );
}

const identified = (p: Patron = patron()): FlowEvent => ({
  type: 'identified',
  result: { ok: true, patron: p },
  sessionId: 's1',
  at: 10,
});

describe('library view', () => {
  it('welcome, identifying, then a session with results, due dates and refusals in both languages', () => {
    expect(drive([])()).toMatchObject({ phase: 'welcome', notice: null, items: [] });
    expect(drive([{ type: 'barcode', code: PATRON_ID, at: 1 }])()).toMatchObject({
      phase: 'identifying',
      notice: { code: 'identifying' },
    });
    const view = drive([
      { type: 'barcode', code: PATRON_ID, at: 1 },
      identified(),
      { type: 'barcode', code: '3000000002', at: 11 },
      { type: 'barcode', code: '3000000003', at: 12 },
      { type: 'barcode', code: '3000000004', at: 13 },
      { type: 'checkout-result', itemId: '3000000002', outcome: ok, at: 14 },
      { type: 'checkout-result', itemId: '3000000003', outcome: onHold, at: 15 },
    ])();
    expect(view.phase).toBe('session');
    expect(view.sessionEndsAt).toBe(15 + 60_000);
    expect(view.patron).toEqual({ displayName: null, offline: false });
    expect(view.items).toEqual([
      {
        itemId: '3000000002',
        title: '坊っちゃん',
        state: 'checked-out',
        due: {
          date: '2026-12-06',
          text: { ja: '返す日 12月6日(日)', en: 'Due Sun 6 Dec' },
        },
        result: { code: 'checked-out', tone: 'ok', text: { ja: '借りました', en: 'Checked out' } },
      },
      {
        itemId: '3000000003',
        title: null,
        state: 'refused',
        due: null,
        result: {
          code: 'on-hold',
          tone: 'error',
          text: {
            ja: 'この本はほかの人が予約しています。カウンターでたずねてください',
            en: 'This item is on hold for someone else. Please ask at the desk',
          },
        },
      },
      { itemId: '3000000004', title: null, state: 'checking', due: null, result: null },
    ]);
    expect(view.notice?.code).toBe('on-hold');
  });

  it('printing, then the summary with the receipt state; nothing borrowed is "none"', () => {
    const session: FlowEvent[] = [
      { type: 'barcode', code: PATRON_ID, at: 1 },
      identified(),
      { type: 'barcode', code: '3000000002', at: 11 },
      { type: 'checkout-result', itemId: '3000000002', outcome: ok, at: 12 },
      { type: 'end-session', at: 13 },
    ];
    expect(drive(session)()).toMatchObject({ phase: 'printing', receipt: 'printing' });
    const printed = drive([...session, { type: 'receipt-done', result: 'printed' }]);
    expect(printed()).toMatchObject({
      phase: 'ended',
      receipt: 'printed',
      notice: { code: 'goodbye' },
      items: [{ itemId: '3000000002', state: 'checked-out' }],
      removeCard: false,
    });
    expect(printed({ cardOnReader: true }).removeCard).toBe(true);
    const paper = drive([...session, { type: 'receipt-done', result: 'paper-out' }])();
    expect(paper).toMatchObject({ phase: 'ended', receipt: 'paper-out' });
    expect(paper.notice?.text.ja).toContain('紙がありません');
    // The printer was unavailable from the start: no printing phase, the dates stay on screen.
    const noPrinter = drive(session, initialFlow('unavailable'))();
    expect(noPrinter).toMatchObject({
      phase: 'ended',
      receipt: 'not-printed',
      printer: 'unavailable',
    });
    // Known to be out of paper before the end: told in the same words as running out mid-print.
    expect(drive(session, initialFlow('unavailable'))({ printerState: 'paper-out' })).toMatchObject(
      {
        receipt: 'paper-out',
        printerProblem: 'paper-out',
      },
    );
    expect(printed({ printerState: 'paper-near-end' }).printerProblem).toBeNull();
    const nothing = drive([
      { type: 'barcode', code: PATRON_ID, at: 1 },
      identified(),
      { type: 'end-session', at: 13 },
    ])();
    expect(nothing).toMatchObject({ phase: 'ended', receipt: 'none', items: [] });
    // Once the role lets the summary lapse, welcome again.
    expect(
      drive([...session, { type: 'receipt-done', result: 'printed' }])({
        screen: undefined,
        lastSession: undefined,
      }).phase,
    ).toBe('welcome');
  });

  it('a refused card: the reason on the welcome screen, and "take your card" while it lies there', () => {
    const refused = drive([
      {
        type: 'card',
        credential: { kind: 'unusable-card', reason: 'my-number-not-accepted' },
        at: 1,
      },
      {
        type: 'identified',
        result: { ok: false, reason: 'my-number-not-accepted' },
        sessionId: 'x',
        at: 2,
      },
    ]);
    expect(refused()).toMatchObject({
      phase: 'welcome',
      notice: { code: 'my-number-not-accepted', tone: 'error' },
      removeCard: false,
    });
    expect(refused({ cardOnReader: true }).removeCard).toBe(true);
  });

  it('offline patrons and the display name the config allows', () => {
    const offline = drive([
      { type: 'barcode', code: PATRON_ID, at: 1 },
      identified(patron({ mode: 'offline', displayName: '  図書 花子 ' })),
    ])({ online: false });
    expect(offline).toMatchObject({
      libraryOnline: false,
      patron: { displayName: '図書 花子', offline: true },
      notice: { code: 'welcome-offline' },
    });
  });

  it('whatever the flow goes through, the view fits its schema and never names the patron', () => {
    const code = fc.constantFrom(PATRON_ID, '3000000001', '3000000002', 'bad code!', '');
    const outcome = fc.constantFrom<CheckoutOutcome>(
      ok,
      onHold,
      { kind: 'stored-offline', dueDate: '2026-12-06' },
      { kind: 'checked-out', dueDate: 'not a date', title: 'x'.repeat(500) },
      { kind: 'refused', reason: 'unknown-item' },
    );
    const event: fc.Arbitrary<FlowEvent> = fc.oneof(
      code.map((c) => ({ type: 'barcode', code: c, at: 5 }) as const),
      fc.constant(identified(patron({ displayName: 'N'.repeat(200) }))),
      fc.constant<FlowEvent>({
        type: 'identified',
        result: { ok: false, reason: 'blocked' },
        sessionId: 's',
        at: 6,
      }),
      fc
        .tuple(fc.constantFrom('3000000001', '3000000002'), outcome)
        .map(([itemId, o]) => ({ type: 'checkout-result', itemId, outcome: o, at: 7 }) as const),
      fc.constant<FlowEvent>({ type: 'end-session', at: 8 }),
      fc.constant<FlowEvent>({ type: 'idle-timeout', at: 10_000_000 }),
      fc.constantFrom<FlowEvent>(
        { type: 'receipt-done', result: 'printed' },
        { type: 'receipt-done', result: 'paper-out' },
        { type: 'printer', condition: 'unavailable' },
        { type: 'printer', condition: 'ready' },
      ),
    );
    // Random events seldom make a whole session by chance: some runs start inside one.
    const prefix = fc.constantFrom<FlowEvent[]>(
      [],
      [{ type: 'barcode', code: PATRON_ID, at: 1 }, identified()],
      [
        { type: 'barcode', code: PATRON_ID, at: 1 },
        identified(),
        { type: 'barcode', code: '3000000001', at: 2 },
        { type: 'checkout-result', itemId: '3000000001', outcome: ok, at: 3 },
      ],
    );
    const phases = new Set<string>();
    fc.assert(
      fc.property(prefix, fc.array(event, { maxLength: 30 }), fc.boolean(), (start, more, card) => {
        const events = [...start, ...more];
        for (let n = 0; n <= events.length; n += 1) {
          const view = drive(events.slice(0, n))({ cardOnReader: card });
          phases.add(view.phase);
          expect(JSON.stringify(view)).not.toContain(PATRON_ID);
        }
      }),
      { numRuns: 200 },
    );
    // The runs went through every phase, not only the welcome screen.
    expect([...phases].sort()).toEqual(['ended', 'identifying', 'printing', 'session', 'welcome']);
  });
});
