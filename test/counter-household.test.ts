import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../shared/clock.ts';
import { BackendResidents } from '../kiosk/counter/residents-client.ts';
import { sampleCard } from '../kiosk/counter/sim-cards.ts';
import { loadOrCreateIdentity } from '../kiosk/store/identity.ts';
import { BackendApi } from '../kiosk/sync/api.ts';
import { createNodeTransport } from '../kiosk/sync/transport.ts';
import {
  ascii,
  printedText,
  squeeze,
  counterKit,
  startCounterRig,
  type CounterRig,
} from './support/counter.ts';

// Household visits, the offline counter, and the look-up route, through the real parts.
let rig: CounterRig;
const { service, until, phase, reset, placeCard } = counterKit(() => rig);

beforeAll(async () => {
  rig = await startCounterRig('counter-it-household');
});
afterAll(async () => {
  await rig?.dispose();
});
afterEach(reset);

async function readByPin(
  reader: number,
  holder: Parameters<typeof sampleCard>[0],
  persons: number,
): Promise<void> {
  const s = service();
  const card = await placeCard(holder, reader);
  s.chooseMethod('pin');
  s.enterPin(ascii(card.pin));
  await phase('consent');
  s.answerConsent('agreed');
  await until(
    (st) => st.phase === 'person-ready' && st.persons.length === persons,
    `person ${persons}`,
  );
}

describe('counter: household visits', () => {
  it('two cards on two readers, each value bound to its person; the same card again and a second card of one person are refused', async () => {
    const s = service();
    s.openCase();
    await readByPin(0, 'mikiya', 1);
    await readByPin(1, 'azaka', 2);
    await rig.stack.remove(0);
    await rig.stack.insert(0, sampleCard('mikiya').card);
    await until((st) => st.notice?.code === 'same-card-twice', 'the same card refused');
    await rig.stack.remove(0);
    const reissued = await placeCard('mikiya-reissued');
    s.chooseMethod('pin');
    s.enterPin(ascii(reissued.pin));
    await until(
      (st) => st.notice?.code === 'same-person-twice',
      'the second card of one person refused',
    );
    expect(s.state.persons.map((p) => [p.id, p.lookup])).toEqual([
      ['p1', 'found'],
      ['p2', 'found'],
    ]);
    s.chooseProcedures([{ id: 'juminhyo-request', persons: ['p1', 'p2'] }], {
      case: {
        relation: '本人',
        certificate: '住民票の写し',
        copies: '1',
        items: '世帯全員',
        purpose: '手続のため',
      },
    });
    await phase('review');
    const values = s.view().review?.forms[0]?.sheets[0]?.values ?? [];
    const byPerson = (person: string) =>
      values.filter((v) => v.personId === person && v.source !== 'blank').map((v) => v.text);
    expect(byPerson('p1')).toContain('黒桐　幹也');
    expect(byPerson('p2')).toContain('黒桐　鮮花');
    expect(byPerson('p2')).not.toContain('黒桐　幹也');
    s.confirmReview(true);
    await phase('awaiting-signature');
    const text = squeeze(printedText((s.view().printed as { output: string }).output));
    expect(text).toContain('黒桐鮮花');
    expect(text).toContain('妹');
  });
});

describe('counter: offline', () => {
  it('with the backend down, card-only prefill prints, the look-up is pending (照会中) in the case and on the form', async () => {
    await rig.backend.stop();
    try {
      const s = service();
      s.openCase();
      await readByPin(0, 'mikiya', 1);
      expect(s.state.persons[0]?.lookup).toBe('offline');
      expect(s.state.notice?.code).toBe('lookup-pending');
      s.chooseProcedures([{ id: 'seal-registration', persons: ['p1'] }]);
      await phase('review');
      s.confirmReview(true);
      await phase('awaiting-signature');
      const text = squeeze(printedText((s.view().printed as { output: string }).output));
      expect(text).toContain('黒桐幹也');
      expect(text).toContain('照会中');
    } finally {
      await rig.backend.start();
    }
  });
});

describe('resident look-up route', () => {
  function client(deviceId: string, dir: string) {
    const identity = loadOrCreateIdentity(dir, deviceId);
    const transport = createNodeTransport(rig.backend.url, { timeoutMs: 2000 });
    let offset = 0;
    const api = new BackendApi({
      transport,
      signer: identity,
      clock: systemClock,
      offset: { get: () => offset, set: (ms) => (offset = ms) },
      randomHex: (n) => randomBytes(n).toString('hex'),
    });
    return { identity, residents: new BackendResidents(api), close: () => transport.close() };
  }
  const four = {
    name: '黒桐　鮮花',
    address: '東京都清瀬市観布子南１２－７－２０２',
    birthDate: '1983-03-03',
    sex: 'female',
  } as const;

  it('answers counters only, on all four items, and checks a My Number without keeping it', async () => {
    const counter = client('counter-it-route', join(rig.dir, 'route-counter'));
    rig.backend.admin(
      'device',
      'add',
      '--id',
      'counter-it-route',
      '--role',
      'counter',
      '--public-key',
      counter.identity.publicKey,
    );
    const bus = client('bus-it-route', join(rig.dir, 'route-bus'));
    rig.backend.admin(
      'device',
      'add',
      '--id',
      'bus-it-route',
      '--role',
      'validator',
      '--public-key',
      bus.identity.publicKey,
    );
    try {
      expect(await counter.residents.lookup(four)).toMatchObject({
        ok: true,
        value: {
          outcome: 'found',
          resident: { residentId: '0001002', relationship: '妹', householdSize: 2 },
        },
      });
      expect(await counter.residents.lookup({ ...four, birthDate: '1983-03-04' })).toMatchObject({
        ok: true,
        value: { outcome: 'not-found' },
      });
      expect(await bus.residents.lookup(four)).toEqual({
        ok: false,
        offline: false,
        code: 'backend/forbidden',
      });
      const caseId = '0190a0b0-0000-7000-8000-0000000000ff';
      expect(
        await counter.residents.checkMyNumber({
          residentId: '0001002',
          myNumber: '830303000022',
          caseId,
          procedures: ['nhi-enrolment'],
        }),
      ).toMatchObject({ ok: true, value: { outcome: 'matches' } });
      expect(
        await counter.residents.checkMyNumber({
          residentId: '0001002',
          myNumber: '537686677188',
          caseId,
          procedures: ['nhi-enrolment'],
        }),
      ).toMatchObject({ ok: true, value: { outcome: 'differs' } });
      await rig.backend.stop();
      expect(await counter.residents.lookup(four)).toEqual({
        ok: false,
        offline: true,
        code: 'sync/unreachable',
      });
    } finally {
      counter.close();
      bus.close();
      await rig.backend.start();
    }
  });
});
