import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log.ts';
import type { ResidentRecord } from '../../shared/contracts/residents.ts';
import { SimHub } from '../../reader/sim/hub.ts';
import { CardSlot } from '../../reader/sim/slot.ts';
import { FaceCamera } from '../../hardware/face-camera/driver.ts';
import { FaceCameraSimulator } from '../../hardware/face-camera/simulator.ts';
import { linkedPair } from '../../hardware/serial/link.ts';
import { AuditLog } from '../audit/log.ts';
import { Outbox } from '../store/outbox.ts';
import { countingBytes, createDb, manualClock } from '../store/testing.ts';
import { CounterService } from './service.ts';
import { sampleCard } from './sim-cards.ts';
import { FakeForms, FakeResidents, MIKIYA_RECORD, TEST_COUNTER_SETTINGS } from './testing.ts';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

const MIKIYA = MIKIYA_RECORD;
const AZAKA: ResidentRecord = {
  ...MIKIYA,
  residentId: '0001002',
  name: '黒桐 鮮花',
  nameKana: 'コクトウ アザカ',
  birthDate: '1983-03-03',
  sex: 'female',
  relationship: '妹',
};

function setup() {
  const slots = [new CardSlot('R0'), new CardSlot('R1')];
  const hub = new SimHub(slots);
  const [host, device] = linkedPair();
  const camera = new FaceCameraSimulator(device);
  const db = createDb();
  const clock = manualClock();
  const outbox = new Outbox(db, () => clock.now(), countingBytes);
  const audit = new AuditLog(db, outbox, clock);
  const residents = new FakeResidents([MIKIYA, AZAKA], { '0001001': '537686677188' });
  const forms = new FakeForms();
  let idle: (() => void) | undefined;
  const service = new CounterService({
    hub,
    camera: new FaceCamera(host, { timeoutMs: 100, pollMs: 5, windowMs: 500, graceMs: 200 }),
    residents,
    forms,
    audit,
    ...TEST_COUNTER_SETTINGS,
    clock,
    logger: silentLogger,
    setTimer: (fn) => {
      idle = fn;
      return { cancel: () => (idle = undefined) };
    },
  });
  return {
    service,
    slots,
    camera,
    audit,
    residents,
    forms,
    db,
    clock,
    fireIdle: () => idle?.(),
    steps: () => audit.verify().entries,
  };
}

let current: ReturnType<typeof setup> | undefined;
afterEach(async () => {
  await current?.service.close();
  current = undefined;
});

async function started() {
  current = setup();
  await current.service.start();
  return current;
}

/** Places `holder`'s card on `reader`; resolves once the service has seen it. */
async function placeCard(
  t: ReturnType<typeof setup>,
  holder: Parameters<typeof sampleCard>[0],
  reader = 0,
): Promise<ReturnType<typeof sampleCard>> {
  const card = sampleCard(holder);
  t.slots[reader]?.insert(card.card);
  await t.service.settled();
  return card;
}

/** Places `holder`'s card on `reader`, chooses the PIN and enters it; resolves once read. */
async function readWithPin(
  t: ReturnType<typeof setup>,
  holder: Parameters<typeof sampleCard>[0],
  reader = 0,
): Promise<ReturnType<typeof sampleCard>> {
  const card = await placeCard(t, holder, reader);
  t.service.chooseMethod('pin');
  t.service.enterPin(ascii(card.pin));
  await t.service.settled();
  return card;
}

describe('counter service (simulated readers, camera and backend)', () => {
  it('runs the PIN path to a printed, signed form; the case is wiped on close and the audit chain holds', async () => {
    const t = await started();
    const { service } = t;
    service.openCase();
    const mikiya = await placeCard(t, 'mikiya');
    expect(service.state.phase).toBe('choosing-method');
    expect(service.state.attempt?.pin).toEqual({ state: 'ready', triesLeft: 3 });
    service.chooseMethod('pin');
    service.enterPin(ascii(mikiya.pin));
    await service.settled();
    // Read, and held on the kiosk until the holder agrees to the look-up.
    expect(service.state.phase).toBe('consent');
    expect(t.residents.lookups).toEqual([]);
    service.answerConsent('agreed');
    await service.settled();
    expect(service.state).toMatchObject({
      phase: 'person-ready',
      persons: [{ id: 'p1', lookup: 'found', consent: { answer: 'agreed', at: t.clock.now() } }],
    });
    expect(t.residents.lookups).toEqual([
      {
        name: '黒桐　幹也',
        address: '東京都清瀬市観布子南１２－７－２０２',
        birthDate: '1980-02-17',
        sex: 'male',
      },
    ]);
    service.chooseProcedures([{ id: 'juminhyo-request', persons: ['p1'] }], {
      case: { copies: '1' },
    });
    await service.settled();
    expect(service.state.phase).toBe('review');
    const data = t.forms.cases[0];
    expect(data?.persons[0]).toMatchObject({
      personId: 'p1',
      card: { name: '黒桐　幹也', sex: 'male' },
      resident: {
        state: 'found',
        record: { householderName: '黒桐 幹也', relationship: '世帯主' },
      },
    });
    expect(data).toMatchObject({
      municipality: '012084',
      applicantId: 'p1',
      staff: { copies: '1' },
    });
    service.confirmReview();
    await service.settled();
    expect(service.state.phase).toBe('awaiting-signature');
    expect(service.view().printed).toEqual({ ok: true, jobId: 'job-1' });
    service.markSigned();
    expect(service.heldBytes).toBeGreaterThan(0);
    service.closeCase();
    await service.settled();
    expect(service.state.phase).toBe('idle');
    expect(service.heldBytes).toBe(0);
    expect(service.view().review).toBeUndefined();
    expect(t.audit.verify()).toMatchObject({ ok: true });
    // The random columns (hashes, the case's UUID) are checked for their shape, so they cannot
    // carry text; every other column must hold nothing of the resident's or the PIN.
    const rows = t.db.prepare(`SELECT * FROM audit_log`).all() as Record<string, unknown>[];
    expect(rows.length).toBeGreaterThan(5);
    for (const { hash, prev_hash: prevHash, case_id: caseId, ...rest } of rows) {
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(prevHash).toMatch(/^[0-9a-f]{64}$/);
      expect(caseId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const logged = JSON.stringify(rest);
      for (const personal of ['黒桐', '幹也', '1980', '清瀬', '537686677188', '1234']) {
        expect(logged).not.toContain(personal);
      }
    }
  });

  it('face authentication: 照合番号B loads the photo into the camera, the match reads the card, the camera copy is cleared', async () => {
    const t = await started();
    const { service } = t;
    service.openCase();
    const card = await placeCard(t, 'mikiya');
    service.chooseMethod('face');
    service.enterCodeB(ascii(card.codeB));
    await service.settled();
    service.answerConsent('agreed');
    await service.settled();
    expect(t.camera.loads).toBe(1);
    expect(t.camera.captures).toBe(1);
    expect(service.state).toMatchObject({ phase: 'person-ready', persons: [{ method: 'face' }] });
    expect(t.camera.reference).toBeUndefined(); // REF_CLEAR after the match
  });

  it('face fails to the limit, the PIN is declined, staff check and record why', async () => {
    const t = await started();
    const { service, camera } = t;
    service.openCase();
    const card = await placeCard(t, 'mikiya');
    camera.queue.push(
      { outcome: 'no-face' },
      { outcome: 'compared', score: 400, live: true },
      { outcome: 'compared', score: 950, live: false },
    );
    service.chooseMethod('face');
    service.enterCodeB(ascii(card.codeB));
    await service.settled();
    expect(service.state).toMatchObject({ phase: 'face-retry', notice: { triesLeft: 2 } });
    service.chooseMethod('face');
    await service.settled();
    service.chooseMethod('face');
    await service.settled();
    expect(service.state).toMatchObject({ phase: 'pin-entry', notice: { code: 'face-limit' } });
    service.chooseMethod('staff-check');
    service.recordStaffCheck('pin-forgotten');
    await service.settled();
    service.answerConsent('agreed');
    await service.settled();
    expect(service.state).toMatchObject({
      phase: 'person-ready',
      persons: [{ method: 'staff-check', staffReason: 'pin-forgotten' }],
    });
  });

  it('a card pulled mid-read leaves nothing behind', async () => {
    const t = await started();
    const { service } = t;
    service.openCase();
    const card = await placeCard(t, 'mikiya');
    service.chooseMethod('pin');
    t.slots[0]?.pullOn(6); // during the text AP reads, after VERIFY
    service.enterPin(ascii(card.pin));
    await service.settled();
    expect(service.state).toMatchObject({
      phase: 'awaiting-card',
      notice: { code: 'card-removed' },
    });
    expect(service.state.persons).toEqual([]);
    expect(service.heldBytes).toBe(0);
  });

  it('a household: two cards bound to two persons; the same card again and a second card of one person are refused', async () => {
    const t = await started();
    const { service, slots } = t;
    service.openCase();
    const mikiya = sampleCard('mikiya');
    slots[0]?.insert(mikiya.card);
    await service.settled();
    service.chooseMethod('pin');
    service.enterPin(ascii(mikiya.pin));
    await service.settled();
    service.answerConsent('agreed');
    await service.settled();
    slots[0]?.remove();
    await service.settled();
    const azaka = sampleCard('azaka');
    slots[0]?.insert(azaka.card);
    await service.settled();
    service.chooseMethod('pin');
    service.enterPin(ascii(azaka.pin));
    await service.settled();
    service.answerConsent('agreed');
    await service.settled();
    expect(service.state.persons.map((p) => p.id)).toEqual(['p1', 'p2']);
    slots[0]?.remove();
    await service.settled();
    slots[0]?.insert(sampleCard('mikiya').card);
    await service.settled();
    expect(service.state.notice?.code).toBe('same-card-twice');
    slots[0]?.remove();
    await service.settled();
    const reissued = sampleCard('mikiya-reissued');
    slots[1]?.insert(reissued.card);
    await service.settled();
    service.chooseMethod('pin');
    service.enterPin(ascii(reissued.pin));
    await service.settled();
    expect(service.state).toMatchObject({
      phase: 'person-ready',
      notice: { code: 'same-person-twice' },
    });
    expect(service.state.persons).toHaveLength(2);
    service.chooseProcedures([{ id: 'moving-in', persons: ['p1', 'p2'] }]);
    await service.settled();
    const persons = t.forms.cases[0]?.persons ?? [];
    expect(persons.map((p) => [p.personId, p.card?.name])).toEqual([
      ['p1', '黒桐　幹也'],
      ['p2', '黒桐　鮮花'],
    ]);
  });

  it('the My Number is read with the PIN only for 個人番号利用事務 and goes to the backend only', async () => {
    const t = await started();
    const { service } = t;
    service.openCase();
    const card = await readWithPin(t, 'mikiya');
    service.answerConsent('agreed');
    await service.settled();
    service.chooseProcedures([{ id: 'juminhyo-request', persons: ['p1'] }]);
    await service.settled();
    expect(t.residents.myNumbers).toEqual([]);
    service.chooseProcedures([{ id: 'nhi-enrolment', persons: ['p1'] }]);
    await service.settled();
    expect(service.state.phase).toBe('my-number');
    service.enterPin(ascii(card.pin));
    await service.settled();
    expect(t.residents.myNumbers).toMatchObject([
      { residentId: '0001001', myNumber: '537686677188', procedures: ['nhi-enrolment'] },
    ]);
    expect(service.state).toMatchObject({ phase: 'review', persons: [{ myNumber: 'matches' }] });
    expect(JSON.stringify(t.forms.cases)).not.toContain('537686677188');
    expect(JSON.stringify(t.db.prepare(`SELECT * FROM outbox`).all())).not.toContain(
      '537686677188',
    );
  });

  it('offline: the read and the forms go on, the look-up is pending', async () => {
    const t = await started();
    const { service } = t;
    t.residents.offline = true;
    service.openCase();
    await readWithPin(t, 'mikiya');
    service.answerConsent('agreed');
    await service.settled();
    expect(service.state).toMatchObject({
      phase: 'person-ready',
      notice: { code: 'lookup-pending' },
    });
    service.chooseProcedures([{ id: 'juminhyo-request', persons: ['p1'] }]);
    await service.settled();
    expect(t.forms.cases[0]?.persons[0]?.resident).toEqual({ state: 'pending' });
  });

  it('declined consent: nothing goes to the backend; the forms are filled from the card alone', async () => {
    const t = await started();
    const { service } = t;
    service.openCase();
    await readWithPin(t, 'mikiya');
    service.answerConsent('declined');
    await service.settled();
    expect(service.state).toMatchObject({
      phase: 'person-ready',
      notice: { code: 'lookup-declined' },
      persons: [{ lookup: 'declined', consent: { answer: 'declined' } }],
    });
    expect(t.residents.lookups).toEqual([]);
    service.chooseProcedures([{ id: 'nhi-enrolment', persons: ['p1'] }]);
    await service.settled();
    expect(service.state.phase).toBe('review');
    expect(t.residents.myNumbers).toEqual([]);
    expect(t.forms.cases[0]?.persons[0]).toMatchObject({
      card: { name: '黒桐　幹也' },
      resident: { state: 'not-requested' },
    });
    const consent = t.db
      .prepare(`SELECT result, person, codes FROM audit_log WHERE step = 'consent'`)
      .all();
    expect(consent).toEqual([
      {
        result: 'declined',
        person: 'p1',
        codes: JSON.stringify([
          'purpose/resident-lookup',
          'scope/name',
          'scope/address',
          'scope/birth-date',
          'scope/sex',
        ]),
      },
    ]);
  });

  it('the idle timeout wipes the case', async () => {
    const t = await started();
    const { service } = t;
    service.openCase();
    await readWithPin(t, 'mikiya');
    expect(service.heldBytes).toBeGreaterThan(0);
    t.fireIdle();
    await service.settled();
    expect(service.state.phase).toBe('idle');
    expect(service.heldBytes).toBe(0);
    const last = t.db.prepare(`SELECT step, result FROM audit_log ORDER BY seq DESC LIMIT 1`).get();
    expect(last).toEqual({ step: 'idle-timeout', result: 'wiped' });
  });
});
