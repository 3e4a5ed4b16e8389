import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LIBRARY_DEMO_METHODS,
  LIBRARY_EVENTS,
  LIBRARY_METHODS,
  type LibraryView,
} from './library.ts';

const view: LibraryView = {
  at: 1,
  phase: 'session',
  notice: { code: 'checked-out', tone: 'ok', text: { ja: '借りました', en: 'Checked out' } },
  patron: { displayName: null, offline: false },
  items: [
    {
      itemId: '3000000001',
      title: '吾輩は猫である',
      state: 'checked-out',
      due: { date: '2026-12-06', text: { ja: '返す日 12月6日(日)', en: 'Due Sun 6 Dec' } },
      result: null,
    },
  ],
  sessionEndsAt: 60_001,
  receipt: null,
  removeCard: false,
  printer: 'ready',
  printerProblem: null,
  libraryOnline: true,
  accepts: { icCard: true, myNumberCard: false },
  libraryName: null,
};

describe('library UI contract', () => {
  const schema = LIBRARY_EVENTS['library.view'];

  it('a view parses; a patron id or card number has no place to go', () => {
    expect(schema.parse(view)).toEqual(view);
    expect(schema.safeParse({ ...view, patronId: 'L0001' }).success).toBe(false);
    expect(
      schema.safeParse({ ...view, patron: { displayName: null, offline: false, cardId: 'x' } })
        .success,
    ).toBe(false);
    const badDue = {
      ...view,
      items: [{ ...view.items[0], due: { date: '2026-02-30', text: view.notice?.text } }],
    };
    expect(schema.safeParse(badDue).success).toBe(false);
  });

  it('the screen may only end the session; demo.scan takes what a scanner can type', () => {
    expect(Object.keys(LIBRARY_METHODS)).toEqual(['library.get', 'library.endSession']);
    expect(LIBRARY_METHODS['library.endSession'].safeParse({ patronId: 'L0001' }).success).toBe(
      false,
    );
    const scan = LIBRARY_DEMO_METHODS['demo.scan'];
    expect(scan.parse({ code: 'L0001' })).toEqual({ code: 'L0001' });
    for (const code of ['', 'L 0001', 'L0001\n', 'x'.repeat(65), '図書']) {
      expect(scan.safeParse({ code }).success).toBe(false);
    }
  });

  it('whatever arrives, the view schema answers yes or no and never throws', () => {
    fc.assert(
      fc.property(fc.anything(), (data) => {
        const r = schema.safeParse(data);
        expect(typeof r.success).toBe('boolean');
      }),
    );
  });
});
