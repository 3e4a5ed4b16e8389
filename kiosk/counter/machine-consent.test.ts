import { describe, expect, it } from 'vitest';
import { counterStep } from './machine.ts';
import {
  agree,
  audits,
  byPin,
  CONSENT_AT,
  kinds,
  open,
  place,
  policy,
  removed,
  run,
  secret,
} from './machine-testing.ts';
import type { CounterEvent } from './types.ts';

const readP1: CounterEvent[] = [
  open,
  place(),
  { type: 'MethodChosen', method: 'pin' },
  { type: 'PinEntered', pin: secret() },
  { type: 'CardRead', person: 'p1', personKey: 'person-a' },
];
const decline = (person = 'p1'): CounterEvent => ({
  type: 'ConsentAnswered',
  person,
  answer: 'declined',
  at: CONSENT_AT,
});

describe('counter flow: consent to the resident look-up', () => {
  it('after the read the case waits for the holder’s consent; nothing is looked up before it', () => {
    const read = run(readP1);
    expect(read.state.phase).toBe('consent');
    expect(read.state.persons).toMatchObject([{ id: 'p1', lookup: 'awaiting-consent' }]);
    expect(read.state.persons[0]?.consent).toBeUndefined();
    expect(kinds(read.effects)).not.toContain('lookup');
    // Staff cannot go on without it.
    const early = run(
      [{ type: 'ProceduresChosen', procedures: [{ id: 'resident-copy', persons: ['p1'] }] }],
      read.state,
    );
    expect(early.ignored).toEqual(['ProceduresChosen']);
  });

  it('agreed: purpose, scope, time and answer are kept in the case, audited as codes, then the look-up runs', () => {
    const read = run(readP1);
    const agreed = run([agree('p1')], read.state);
    expect(agreed.state.phase).toBe('looking-up');
    expect(agreed.state.persons[0]).toMatchObject({
      lookup: 'running',
      consent: {
        purpose: 'resident-lookup',
        scope: ['name', 'address', 'birth-date', 'sex'],
        answer: 'agreed',
        at: CONSENT_AT,
      },
    });
    expect(kinds(agreed.effects)).toEqual(['lookup']);
    const entry = agreed.effects.find((e) => e.kind === 'audit');
    expect(entry).toEqual({
      kind: 'audit',
      entry: {
        step: 'consent',
        result: 'agreed',
        person: 'p1',
        codes: [
          'purpose/resident-lookup',
          'scope/name',
          'scope/address',
          'scope/birth-date',
          'scope/sex',
        ],
      },
    });
  });

  it('declined: no look-up ever; card-only prefill, and the My Number is not read for the person', () => {
    const declined = run([...readP1, decline()]);
    expect(declined.state).toMatchObject({
      phase: 'person-ready',
      notice: { code: 'lookup-declined', person: 'p1' },
      persons: [{ lookup: 'declined', consent: { answer: 'declined' } }],
    });
    expect(audits(declined.effects)).toContain('consent:declined');
    expect(kinds(declined.effects)).not.toContain('lookup');
    // A late look-up answer (there was none asked) changes nothing.
    const late = run(
      [{ type: 'LookupDone', person: 'p1', outcome: 'found', residentKey: 'r' }],
      declined.state,
    );
    expect(late.ignored).toEqual(['LookupDone']);
    const forms = run(
      [{ type: 'ProceduresChosen', procedures: [{ id: 'nhi-enrol', persons: ['p1'] }] }],
      declined.state,
    );
    expect(forms.state.phase).toBe('filling-forms');
    expect(forms.state.persons[0]?.myNumber).toBe('pending');
    expect(kinds(forms.effects)).toEqual(['fill-forms']);
  });

  it('an answer for someone else, twice, or out of turn is ignored', () => {
    const read = run(readP1);
    expect(run([agree('p2')], read.state).ignored).toEqual(['ConsentAnswered']);
    const once = run([agree('p1')], read.state).state;
    expect(counterStep(policy, once, decline()).ignored).toBe(true);
    expect(run([open, place(), agree('p1')]).ignored).toEqual(['ConsentAnswered']);
  });

  it('the card may leave while the holder decides; closing the case then wipes everything', () => {
    const away = run([...readP1, removed()]);
    expect(away.state).toMatchObject({ phase: 'consent', persons: [{ id: 'p1' }] });
    expect(away.state.attempt).toBeUndefined();
    expect(run([agree('p1')], away.state).state.phase).toBe('looking-up');
    const closed = run([{ type: 'CaseClosed' }], away.state);
    expect(closed.state.persons).toEqual([]);
    expect(kinds(closed.effects)).toContain('wipe-case');
  });

  it('in a household case each person answers for their own read', () => {
    const s = run([
      open,
      ...byPin('p1', 'card-a', 'person-a'),
      removed(),
      place('card-b'),
      { type: 'MethodChosen', method: 'pin' },
      { type: 'PinEntered', pin: secret() },
      { type: 'CardRead', person: 'p2', personKey: 'person-b' },
      decline('p2'),
    ]);
    expect(s.state.persons.map((p) => [p.id, p.consent?.answer, p.lookup])).toEqual([
      ['p1', 'agreed', 'found'],
      ['p2', 'declined', 'declined'],
    ]);
    expect(s.effects.filter((e) => e.kind === 'lookup')).toEqual([
      { kind: 'lookup', person: 'p1' },
    ]);
  });
});
