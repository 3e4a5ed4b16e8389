import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sampleCard } from '../kiosk/counter/sim-cards.ts';
import {
  ascii,
  printedText,
  squeeze,
  counterKit,
  startCounterRig,
  type CounterRig,
} from './support/counter.ts';

// The counter flow through the real parts: pcscd + vpcd with simulated My Number Cards, the
// face camera simulator on a socat pty, the reference backend on loopback, CUPS with cups-pdf.
let rig: CounterRig;
const { service, until, phase, reset, placeCard } = counterKit(() => rig);

beforeAll(async () => {
  rig = await startCounterRig('counter-it-flow');
});
afterAll(async () => {
  await rig?.dispose();
});
afterEach(reset);

const STAFF = {
  relation: '本人',
  certificate: '住民票の写し',
  copies: '1',
  items: '本人のみ',
  purpose: '勤務先提出のため',
  'acquired-on': '2026-12-01',
  reason: '転入',
};

describe('counter: the PIN path to a printed, signed form', () => {
  it('reads the card, finds the resident by all four items, prints three forms, keeps nothing after close', async () => {
    const s = service();
    s.openCase();
    const card = await placeCard('mikiya');
    expect(s.state.attempt?.pin).toEqual({ state: 'ready', triesLeft: 3 });
    s.chooseMethod('pin');
    s.enterPin(ascii(card.pin));
    await phase('consent');
    s.answerConsent('agreed');
    await phase('person-ready');
    expect(s.state.persons).toMatchObject([{ id: 'p1', method: 'pin', lookup: 'found' }]);
    s.chooseProcedures(
      [
        { id: 'juminhyo-request', persons: ['p1'] },
        { id: 'seal-registration', persons: ['p1'] },
        { id: 'nhi-enrolment', persons: ['p1'] },
      ],
      { case: STAFF },
    );
    // 国民健康保険 is 個人番号利用事務: the My Number, with the PIN, from the card still on the reader.
    await phase('my-number');
    s.enterPin(ascii(card.pin));
    await phase('review');
    expect(s.state.persons[0]?.myNumber).toBe('matches');
    const review = s.view().review;
    const sources = new Set(
      review?.forms.flatMap((f) => f.sheets.flatMap((sh) => sh.values.map((v) => v.source))),
    );
    expect([...sources]).toEqual(
      expect.arrayContaining(['card', 'resident-record', 'staff', 'case']),
    );
    s.confirmReview(true);
    await until(
      (st) => st.phase === 'awaiting-signature' || st.phase === 'print-failed',
      'the print',
    );
    const printed = s.view().printed;
    expect(printed).toMatchObject({ ok: true });
    const text = squeeze(printedText((printed as { output: string }).output));
    for (const expected of [
      '住民票の写し等交付請求書',
      '印鑑登録申請書',
      '国民健康保険',
      '黒桐幹也',
      'コクトウミキヤ',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('537686677188');
    s.markSigned();
    s.closeCase();
    await s.settled();
    expect(s.state.phase).toBe('idle');
    expect(s.heldBytes).toBe(0);
    expect(rig.counter.audit.verify()).toMatchObject({ ok: true });
  });
});

describe('counter: PIN tries, face authentication and the staff check', () => {
  it('shows tries left, asks before the last try, then face fails three times and staff check the holder', async () => {
    const s = service();
    s.openCase();
    const card = await placeCard('mikiya');
    s.chooseMethod('pin');
    s.enterPin(ascii('9999'));
    await until((st) => st.notice?.code === 'pin-wrong', 'a wrong PIN');
    expect(s.state.notice).toMatchObject({ code: 'pin-wrong', triesLeft: 2 });
    s.enterPin(ascii('9999'));
    await until((st) => st.notice?.triesLeft === 1, 'one try left');
    s.enterPin(ascii(card.pin)); // not confirmed: never sent to the card
    expect(s.state.notice).toMatchObject({ code: 'confirm-last-try', triesLeft: 1 });
    s.enterPin(ascii('0000'), true);
    await until((st) => st.notice?.code === 'pin-blocked', 'the PIN blocked');
    rig.camera.queue.push(
      { outcome: 'no-face' },
      { outcome: 'multiple-faces' },
      { outcome: 'compared', score: 300, live: true },
    );
    s.chooseMethod('face');
    s.enterCodeB(ascii(card.codeB));
    await phase('face-retry');
    s.chooseMethod('face');
    await until((st) => st.notice?.triesLeft === 1, 'the second face try');
    s.chooseMethod('face');
    await phase('staff-check');
    s.recordStaffCheck('pin-blocked');
    await phase('consent');
    s.answerConsent('agreed');
    await phase('person-ready');
    expect(s.state.persons).toMatchObject([{ method: 'staff-check', staffReason: 'pin-blocked' }]);
    expect(rig.camera.reference).toBeUndefined();
  });

  it('a good face match opens the card with 照合番号B; the camera’s copy of the photo is cleared', async () => {
    const s = service();
    s.openCase();
    const card = await placeCard('azaka');
    const loads = rig.camera.loads;
    s.chooseMethod('face');
    s.enterCodeB(ascii(card.codeB));
    await phase('consent');
    s.answerConsent('agreed');
    await phase('person-ready');
    expect(rig.camera.loads).toBe(loads + 1);
    expect(rig.camera.reference).toBeUndefined();
    expect(s.state.persons).toMatchObject([{ method: 'face', lookup: 'found' }]);
  });

  it('a camera that stops answering is a state: the PIN is offered instead', async () => {
    const s = service();
    s.openCase();
    const card = await placeCard('mikiya');
    rig.camera.side.silent = true;
    s.chooseMethod('face');
    s.enterCodeB(ascii(card.codeB));
    await until((st) => st.notice?.code === 'camera-unavailable', 'the camera to be given up');
    expect(s.state.phase).toBe('pin-entry');
    expect(rig.counter.camera?.state).toBe('unreachable');
    rig.camera.side.silent = false;
    s.enterPin(ascii(card.pin));
    await phase('consent');
    s.answerConsent('agreed');
    await phase('person-ready');
  });
});

describe('counter: cards that go wrong', () => {
  it('a card pulled during the read leaves nothing; a card swapped before the PIN starts over', async () => {
    const s = service();
    s.openCase();
    const card = await placeCard('mikiya');
    s.chooseMethod('pin');
    rig.stack.slot(0).slot.pullOn(6);
    s.enterPin(ascii(card.pin));
    await until((st) => st.notice?.code === 'card-removed', 'the pulled card');
    expect(s.state.persons).toEqual([]);
    expect(s.heldBytes).toBe(0);
    await placeCard('mikiya');
    const before = s.state.attempt?.cardKey;
    const mark = rig.stack.mark();
    rig.stack.slot(0).slot.swap(sampleCard('azaka').card);
    await rig.stack.since(mark, (e) => e.type === 'card-present');
    await until(
      (st) => st.phase === 'choosing-method' && st.attempt?.cardKey !== before,
      'the other card',
    );
    expect(s.state.persons).toEqual([]);
  });
});
