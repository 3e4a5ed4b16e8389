import { describe, expect, it } from 'vitest';
import { CounterViewSchema } from '../../shared/contracts/ui/counter.ts';
import { agree, byPin, open, place, removed, run, secret } from '../counter/machine-testing.ts';
import type { CounterEvent, CounterState } from '../counter/types.ts';
import { counterView, residentPrompt } from './counter-view.ts';

const prompt = (events: CounterEvent[], cardOnReader = true) =>
  residentPrompt(run(events).state, 3, cardOnReader);
const pin: CounterEvent[] = [open, place(), { type: 'MethodChosen', method: 'pin' }];

describe('counter view: what the resident is asked', () => {
  it('follows the case from the first card to "please take your card"', () => {
    expect(prompt([], false)).toEqual({ kind: 'closed' });
    expect(prompt([open], false)).toEqual({ kind: 'place-card', for: 'first', person: null });
    expect(prompt([open, place()])).toEqual({ kind: 'choose-method', pin: true, face: true });
    expect(prompt(pin)).toEqual({ kind: 'pin', triesLeft: 3, lastTry: false, forMyNumber: false });
    expect(prompt([...pin, { type: 'PinEntered', pin: secret() }])).toEqual({
      kind: 'wait',
      for: 'reading',
    });
    const read: CounterEvent[] = [
      ...pin,
      { type: 'PinEntered', pin: secret() },
      { type: 'CardRead', person: 'p1', personKey: 'k' },
    ];
    expect(prompt(read)).toMatchObject({
      kind: 'consent',
      person: 'p1',
      purpose: 'resident-lookup',
    });
    expect(prompt([...read, agree()])).toEqual({ kind: 'wait', for: 'looking-up' });
    const signed: CounterEvent[] = [
      open,
      ...byPin('p1', 'card-a', 'k'),
      { type: 'ProceduresChosen', procedures: [{ id: 'resident-copy', persons: ['p1'] }] },
      { type: 'FormsReady', forms: 1, pages: 1, problems: 0 },
      { type: 'ReviewConfirmed' },
      { type: 'PrintDone' },
    ];
    expect(prompt(signed)).toEqual({ kind: 'remove-card' });
    expect(prompt(signed, false)).toEqual({ kind: 'sign' });
    expect(prompt([...signed, removed(), { type: 'Signed' }], false)).toEqual({ kind: 'done' });
    expect(prompt([...signed, { type: 'CaseClosed' }], true)).toEqual({ kind: 'remove-card' });
  });

  it('the last try is flagged; a blocked PIN leaves it to staff; face tries are counted', () => {
    const last = run([open, place('card-a', 'R0', 1), { type: 'MethodChosen', method: 'pin' }]);
    expect(residentPrompt(last.state, 3, true)).toMatchObject({ kind: 'pin', lastTry: true });
    const face = prompt([
      open,
      place(),
      { type: 'MethodChosen', method: 'face' },
      { type: 'CodeBEntered', codeB: secret('55021720352285') },
    ]);
    expect(face).toEqual({ kind: 'face', step: 'opening' });
    const retry = prompt([
      open,
      place(),
      { type: 'MethodChosen', method: 'face' },
      { type: 'CodeBEntered', codeB: secret('55021720352285') },
      { type: 'FaceReady' },
      { type: 'FaceFailed', reason: 'no-face' },
    ]);
    expect(retry).toEqual({ kind: 'face-retry', triesLeft: 2, pin: true });
    // PIN blocked and no camera: the staff check, nothing for the resident to choose.
    const neither = run([open, place('card-a', 'R0', 0)]).state;
    const noCamera = { ...neither, attempt: { ...neither.attempt!, faceUnavailable: true } };
    expect(residentPrompt(noCamera, 3, true)).toEqual({ kind: 'wait', for: 'staff-check' });
  });

  it('a pulled card asks for the card again; a refused card is to be taken away', () => {
    const pulled = run([...pin, { type: 'PinEntered', pin: secret() }, removed()]).state;
    expect(pulled.notice?.code).toBe('card-removed');
    expect(residentPrompt(pulled, 3, false)).toEqual({
      kind: 'place-card',
      for: 'first',
      person: null,
    });
    const twice = run([open, ...byPin('p1', 'card-a', 'k'), removed(), place('card-a')]).state;
    expect(residentPrompt(twice, 3, true)).toEqual({ kind: 'remove-card' });
  });

  it('the view keeps to its contract and carries no card identifiers', () => {
    const state: CounterState = run([open, ...byPin('p1', 'card-secret-key', 'person-key')]).state;
    const view = counterView({
      at: 1,
      flow: { state },
      procedures: [{ id: 'resident-copy', title: '住民票', myNumberUse: false }],
      faceAttempts: 3,
      accepted: new Set(),
      backend: 'online',
      camera: 'ok',
      cardOnReader: true,
    });
    expect(CounterViewSchema.parse(view)).toEqual(view);
    const text = JSON.stringify(view);
    for (const hidden of ['card-secret-key', 'person-key', 'r-person-key']) {
      expect(text).not.toContain(hidden);
    }
  });
});
