import { describe, expect, it } from 'vitest';
import {
  agree,
  audits,
  byPin,
  kinds,
  open,
  place,
  removed,
  run,
  secret,
} from './machine-testing.ts';

describe('counter flow: look-up', () => {
  it('offline: card-only prefill goes on, the look-up is pending in the case', () => {
    const s = run([
      open,
      place(),
      { type: 'MethodChosen', method: 'pin' },
      { type: 'PinEntered', pin: secret() },
      { type: 'CardRead', person: 'p1', personKey: 'person-a' },
      agree('p1'),
      { type: 'Offline', person: 'p1' },
      { type: 'ProceduresChosen', procedures: [{ id: 'resident-copy', persons: ['p1'] }] },
    ]);
    expect(s.state.persons[0]?.lookup).toBe('offline');
    expect(s.state.phase).toBe('filling-forms');
    expect(audits(s.effects)).toContain('lookup:offline');
  });

  it('not found, ambiguous and failed look-ups are states with notices', () => {
    const base = run([
      open,
      place(),
      { type: 'MethodChosen', method: 'pin' },
      { type: 'PinEntered', pin: secret() },
      { type: 'CardRead', person: 'p1', personKey: 'k' },
      agree('p1'),
    ]).state;
    expect(
      run([{ type: 'LookupDone', person: 'p1', outcome: 'ambiguous' }], base).state.notice?.code,
    ).toBe('lookup-ambiguous');
    expect(
      run([{ type: 'LookupDone', person: 'p1', outcome: 'not-found' }], base).state.notice?.code,
    ).toBe('lookup-not-found');
    const failed = run([{ type: 'LookupFailed', person: 'p1', code: 'sync/server-error' }], base);
    expect(failed.state).toMatchObject({
      notice: { code: 'lookup-pending', cause: 'sync/server-error' },
      persons: [{ lookup: 'failed' }],
    });
    // Procedures wait for running look-ups.
    expect(
      run(
        [{ type: 'ProceduresChosen', procedures: [{ id: 'resident-copy', persons: ['p1'] }] }],
        base,
      ).ignored,
    ).toEqual(['ProceduresChosen']);
  });
});

describe('counter flow: household visits', () => {
  it('two cards, each value bound to its person; procedures per person', () => {
    const s = run([
      open,
      ...byPin('p1', 'card-a', 'person-a'),
      removed(),
      ...byPin('p2', 'card-b', 'person-b'),
      {
        type: 'ProceduresChosen',
        procedures: [
          { id: 'moving-in', persons: ['p1', 'p2'] },
          { id: 'seal-registration', persons: ['p2'] },
        ],
      },
    ]);
    expect(s.state.persons.map((p) => [p.id, p.cardKey, p.personKey])).toEqual([
      ['p1', 'card-a', 'person-a'],
      ['p2', 'card-b', 'person-b'],
    ]);
    expect(s.state.phase).toBe('filling-forms');
    expect(s.effects.filter((e) => e.kind === 'lookup')).toEqual([
      { kind: 'lookup', person: 'p1' },
      { kind: 'lookup', person: 'p2' },
    ]);
  });

  it('the same card twice is refused at once', () => {
    const s = run([open, ...byPin('p1', 'card-a', 'person-a'), removed(), place('card-a')]);
    expect(s.state).toMatchObject({ phase: 'person-ready', notice: { code: 'same-card-twice' } });
    expect(s.state.attempt).toBeUndefined();
    expect(audits(s.effects).at(-1)).toBe('card-refused:refused');
  });

  it('two cards of one person are refused: the second read is wiped', () => {
    const s = run([
      open,
      ...byPin('p1', 'card-a', 'person-a'),
      removed(),
      place('card-a2'),
      { type: 'MethodChosen', method: 'pin' },
      { type: 'PinEntered', pin: secret() },
      { type: 'CardRead', person: 'p2', personKey: 'person-a' },
    ]);
    expect(s.state).toMatchObject({ phase: 'person-ready', notice: { code: 'same-person-twice' } });
    expect(s.state.persons).toHaveLength(1);
    expect(s.effects).toContainEqual({ kind: 'wipe-person', person: 'p2' });
  });

  it('two cards that the register says are one resident are refused after the look-up', () => {
    const s = run([
      open,
      ...byPin('p1', 'card-a', 'person-a'),
      removed(),
      place('card-c'),
      { type: 'MethodChosen', method: 'pin' },
      { type: 'PinEntered', pin: secret() },
      { type: 'CardRead', person: 'p2', personKey: 'person-a-other-spelling' },
      agree('p2'),
      { type: 'LookupDone', person: 'p2', outcome: 'found', residentKey: 'r-person-a' },
    ]);
    expect(s.state.persons.map((p) => p.id)).toEqual(['p1']);
    expect(s.state.notice?.code).toBe('same-person-twice');
    expect(s.effects).toContainEqual({ kind: 'wipe-person', person: 'p2' });
  });
});

describe('counter flow: the My Number for 個人番号利用事務', () => {
  it('is read with the PIN only for persons of such procedures, card on the reader', () => {
    const ready = run([open, ...byPin('p1', 'card-a', 'person-a')]).state;
    const s = run(
      [
        {
          type: 'ProceduresChosen',
          procedures: [
            { id: 'nhi-enrol', persons: ['p1'] },
            { id: 'resident-copy', persons: ['p1'] },
          ],
        },
      ],
      ready,
    );
    expect(s.state).toMatchObject({
      phase: 'my-number',
      myNumberQueue: ['p1'],
      attempt: { purpose: 'my-number' },
    });
    const pin = secret();
    const read = run([{ type: 'PinEntered', pin }], s.state);
    expect(read.effects).toEqual([
      {
        kind: 'read-my-number',
        person: 'p1',
        pin,
        confirmLastTry: false,
        procedures: ['nhi-enrol'],
      },
    ]);
    const sent = run([{ type: 'MyNumberSent', person: 'p1', outcome: 'matches' }], read.state);
    expect(sent.state).toMatchObject({
      phase: 'filling-forms',
      persons: [{ myNumber: 'matches' }],
    });
    expect(kinds(sent.effects)).toEqual(['fill-forms']);
  });

  it('is never read when no procedure needs it', () => {
    const ready = run([open, ...byPin('p1', 'card-a', 'person-a')]).state;
    const s = run(
      [{ type: 'ProceduresChosen', procedures: [{ id: 'resident-copy', persons: ['p1'] }] }],
      ready,
    );
    expect(kinds(s.effects)).toEqual(['fill-forms']);
    expect(s.state.persons[0]?.myNumber).toBe('not-needed');
  });

  it('asks for the right card; another person’s card is refused; offline leaves it pending', () => {
    const ready = run([
      open,
      ...byPin('p1', 'card-a', 'person-a'),
      removed(),
      ...byPin('p2', 'card-b', 'person-b'),
      removed(),
    ]).state;
    const s = run(
      [{ type: 'ProceduresChosen', procedures: [{ id: 'nhi-enrol', persons: ['p1'] }] }],
      ready,
    );
    expect(s.state).toMatchObject({
      phase: 'my-number',
      notice: { code: 'place-card', person: 'p1' },
    });
    const wrong = run([place('card-b')], s.state);
    expect(wrong.state.notice).toEqual({ code: 'wrong-card-for-person', person: 'p1' });
    const pending = run(
      [
        removed(),
        place('card-a'),
        { type: 'PinEntered', pin: secret() },
        { type: 'MyNumberFailed', person: 'p1', code: 'sync/unreachable' },
      ],
      wrong.state,
    );
    expect(pending.state).toMatchObject({
      phase: 'filling-forms',
      persons: [{ myNumber: 'pending' }, { myNumber: 'not-needed' }],
    });
  });

  it('a blocked PIN leaves the choice to staff, who defer it; nobody types the number', () => {
    const ready = run([open, ...byPin('p1', 'card-a', 'person-a')]).state;
    const s = run(
      [
        { type: 'ProceduresChosen', procedures: [{ id: 'nhi-enrol', persons: ['p1'] }] },
        { type: 'PinEntered', pin: secret('9999') },
        { type: 'MyNumberFailed', person: 'p1', code: 'reader/pin-wrong', triesLeft: 2 },
      ],
      ready,
    );
    expect(s.state).toMatchObject({
      phase: 'my-number',
      notice: { code: 'pin-wrong', triesLeft: 2 },
    });
    const deferred = run([{ type: 'MyNumberDeferred', person: 'p1' }], s.state);
    expect(deferred.state).toMatchObject({
      phase: 'filling-forms',
      persons: [{ myNumber: 'pending' }],
    });
    expect(audits(deferred.effects)).toEqual(['my-number:deferred']);
  });
});
