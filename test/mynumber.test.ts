import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationCodeB } from '../reader/mynumber/code-b.ts';
import { AID, TEXT_EF } from '../reader/mynumber/constants.ts';
import { readTextAp } from '../reader/mynumber/text-ap.ts';
import { loadCaKeyFile } from '../reader/mynumber/trust.ts';
import { MyNumberCardSim } from '../reader/sim/mynumber-card.ts';
import { defaultMyNumberProfile, loadMyNumberProfile } from '../reader/sim/mynumber-profile.ts';
import { CardChannel } from '../reader/transport/channel.ts';
import { json, kazasu, killAll } from './support/cli.ts';
import { startPcscStack, type PcscStack } from './support/pcsc.ts';
import { tamperedCard } from './support/tamper.ts';

// The My Number Card paths through the real stack (pcscd + vpcd + pcsclite), mostly as an
// operator runs them with `kazasu card …`, against simulated cards.
const SIM_KEYS = 'reader/sim/profiles/sim-cv-ca-keys.json';
const SIM_ROOTS = 'reader/sim/profiles/sim-jpki-roots';
const TRUST = ['--ca-keys', SIM_KEYS, '--accept-test-cards'];
const DEFAULT_JSON = JSON.parse(
  readFileSync('reader/sim/profiles/mynumber-default.json', 'utf8'),
) as Record<string, Record<string, unknown>>;

let stack: PcscStack;
const cli = (args: string[], stdin?: string) =>
  kazasu(args, { socketPath: stack.pcscd.socketPath, ...(stdin !== undefined ? { stdin } : {}) });
const card = (over: { holder?: Record<string, string>; tries?: Record<string, number> } = {}) =>
  new MyNumberCardSim(
    over.holder || over.tries
      ? loadMyNumberProfile({
          holder: { ...DEFAULT_JSON['holder'], ...over.holder },
          card: DEFAULT_JSON['card'],
          credentials: {
            ...DEFAULT_JSON['credentials'],
            ...(over.tries ? { tries: over.tries } : {}),
          },
        })
      : defaultMyNumberProfile(),
  );

beforeAll(async () => {
  stack = await startPcscStack();
});
afterAll(async () => {
  killAll();
  await stack?.dispose();
});

describe('kazasu card read', () => {
  it('PIN from stdin: the basic four, proven genuine (exit 0)', async () => {
    await stack.insert(0, card());
    const r = await cli(['card', 'read', '--pin-stdin', '--json', ...TRUST], '1234\n');
    expect(r.code).toBe(0);
    expect(json(r)).toEqual({
      name: '黒桐　幹也',
      address: '東京都清瀬市観布子南１２－７－２０２',
      birthDate: '1980-02-17',
      sex: 'male',
      verification: { certificate: 'valid', integrity: 'valid', presence: 'proven' },
    });
    expect(r.stderr).not.toMatch(/(?<![0-9a-f])1234(?![0-9a-f])/); // the PIN, not digits of a timestamp
  });

  it('照合番号B: the same read path (exit 0); the My Number only with --my-number', async () => {
    const r = await cli(['card', 'read', '--code-b', '55021720352285', '--json', ...TRUST]);
    expect(r.code).toBe(0);
    expect(json(r)).not.toHaveProperty('myNumber');
    const withNumber = await cli(
      ['card', 'read', '--pin-stdin', '--json', '--my-number', ...TRUST],
      '1234',
    );
    expect(json(withNumber)).toMatchObject({
      myNumber: '537686677188',
      verification: { integrity: 'valid' },
    });
    const refused = await cli([
      'card',
      'read',
      '--code-b',
      '55021720352285',
      '--json',
      '--my-number',
      ...TRUST,
    ]);
    expect(refused.code).toBe(1);
    expect(json(refused)).toMatchObject({ error: { code: 'reader/not-allowed' } });
  });

  it('with the default (production) keys a simulated card is read but not proven: exit 3, unknown-ca', async () => {
    const r = await cli(['card', 'read', '--pin-stdin', '--json'], '1234');
    expect(r.code).toBe(3);
    expect(json(r)).toMatchObject({
      name: '黒桐　幹也',
      verification: {
        certificate: 'unknown-ca',
        integrity: 'valid',
        presence: 'proven',
        reasons: ['certificate-unknown-ca'],
      },
    });
  });

  it('wrong PIN: exit 4 with tries left; last try refused; confirmed last try; then blocked', async () => {
    const wrong = await cli(['card', 'read', '--pin-stdin', '--json', ...TRUST], '9999');
    expect(wrong.code).toBe(4);
    expect(json(wrong)).toMatchObject({ error: { code: 'reader/pin-wrong', triesLeft: 2 } });
    await cli(['card', 'read', '--pin-stdin', '--json', ...TRUST], '9999');
    const last = await cli(['card', 'read', '--pin-stdin', '--json', ...TRUST], '1234');
    expect(last.code).toBe(4);
    expect(json(last)).toMatchObject({ error: { code: 'reader/pin-last-try', triesLeft: 1 } });
    const retries = json<{ tries: Record<string, unknown> }>(
      await cli(['card', 'retries', '--json']),
    );
    expect(retries.tries['text-pin']).toEqual({ state: 'ready', triesLeft: 1 });
    const blocked = await cli(
      ['card', 'read', '--pin-stdin', '--json', '--confirm-last-try', ...TRUST],
      '0000',
    );
    expect(json(blocked)).toMatchObject({ error: { code: 'reader/pin-blocked' } });
    const after = await cli(
      ['card', 'read', '--pin-stdin', '--json', '--confirm-last-try', ...TRUST],
      '1234',
    );
    expect(after.code).toBe(4);
    expect(json(after)).toMatchObject({ error: { code: 'reader/pin-blocked' } });
    expect(
      json<{ tries: Record<string, unknown> }>(await cli(['card', 'retries', '--json'])).tries[
        'text-pin'
      ],
    ).toEqual({
      state: 'blocked',
      triesLeft: 0,
    });
    await stack.remove(0);
  });

  it('a malformed PIN is refused without using a try (exit 4, pin-invalid)', async () => {
    await stack.insert(0, card());
    const r = await cli(['card', 'read', '--pin-stdin', '--json', ...TRUST], '12');
    expect(json(r)).toMatchObject({ error: { code: 'reader/pin-invalid' } });
    expect(
      json<{ tries: Record<string, unknown> }>(await cli(['card', 'retries', '--json'])).tries[
        'text-pin'
      ],
    ).toMatchObject({ triesLeft: 3 });
    await stack.remove(0);
  });

  it('names outside the BMP and with variation selectors come out byte-exact', async () => {
    const name = '𠮷野　葛\u{E0100}子';
    const address = '群馬県前橋市𩸽町１－２－３';
    await stack.insert(0, card({ holder: { name, address } }));
    const r = await cli(['card', 'read', '--pin-stdin', '--json', ...TRUST], '1234');
    expect(r.code).toBe(0);
    const out = json<{ name: string; address: string }>(r);
    expect(Buffer.from(out.name).equals(Buffer.from(name))).toBe(true);
    expect(out.address).toBe(address);
    await stack.remove(0);
  });

  it.each([
    ['1989-01-07', '昭和64'],
    ['1989-01-08', '平成元年'],
    ['2019-04-30', '平成31'],
    ['2019-05-01', '令和元年'],
  ])('照合番号B for a holder born %s (%s) opens the card', async (birthDate) => {
    await stack.insert(0, card({ holder: { birthDate } }));
    const code = verificationCodeB(birthDate, 2035, '2285');
    const r = await cli(['card', 'read', '--code-b', code, '--json', ...TRUST]);
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ birthDate });
    await stack.remove(0);
  });

  it('a Gregorian-year 照合番号B is refused by the card (the birth date is in era years)', async () => {
    await stack.insert(0, card());
    const r = await cli(['card', 'read', '--code-b', '80021720352285', '--json', ...TRUST]);
    expect(r.code).toBe(4);
    expect(json(r)).toMatchObject({ error: { code: 'reader/pin-wrong' } });
    await stack.remove(0);
  });

  it('a blocked card from the start is exit 4, reader/pin-blocked', async () => {
    await stack.insert(0, card({ tries: { textPin: 0 } }));
    const r = await cli(['card', 'read', '--pin-stdin', '--json', ...TRUST], '1234');
    expect(r.code).toBe(4);
    expect(json(r)).toMatchObject({ error: { code: 'reader/pin-blocked' } });
    await stack.remove(0);
  });
});

describe('tampering, each with its own result (exit 3)', () => {
  const cases = [
    [
      'a bit flipped in the name',
      { ef: TEXT_EF.BASIC_FOUR, byte: 0x0e + 4 },
      { integrity: 'invalid' },
      ['integrity-basic-four-digest'],
    ],
    [
      'a bit flipped in the integrity signature',
      { ef: TEXT_EF.INTEGRITY, byte: 300 },
      { integrity: 'invalid' },
      ['integrity-signature'],
    ],
    [
      'a bit flipped in the CV certificate signature',
      { ef: TEXT_EF.CV_CERTIFICATE, byte: 560 },
      { certificate: 'invalid' },
      ['certificate-signature'],
    ],
    [
      'a bit flipped in the signed DF32 digest',
      { ef: TEXT_EF.INTEGRITY, byte: 45 },
      { integrity: 'invalid' },
      ['integrity-signature', 'integrity-basic-four-digest'],
    ],
    [
      'a bit flipped in the card-present key',
      { ef: TEXT_EF.SIGNING_KEY, byte: 100 },
      { presence: 'failed' },
      ['presence-key-signature', 'presence-signature'],
    ],
  ] as const;

  it.each(cases)('%s', async (_label, target, result, reasons) => {
    await stack.insert(1, tamperedCard(card(), { aid: AID.TEXT, ...target }));
    const r = await cli(
      [
        'card',
        'read',
        '--pin-stdin',
        '--json',
        '--reader',
        stack.pcscd.readerNames[1] as string,
        ...TRUST,
      ],
      '1234',
    );
    expect(r.code).toBe(3);
    const out = json<{ verification: Record<string, unknown> }>(r);
    expect(out.verification).toMatchObject(result);
    expect(out.verification['reasons']).toEqual(reasons);
    await stack.remove(1);
  });
});

describe('card swapped mid-flow', () => {
  it('a card swapped between VERIFY and READ aborts with reader/card-swapped', async () => {
    const reader = await stack.insert(0, card());
    const channel = new CardChannel(await stack.hub.connect(reader));
    const caKeys = loadCaKeyFile(SIM_KEYS);
    const read = readTextAp(channel, {
      credential: { kind: 'pin', secret: new TextEncoder().encode('1234') },
      caKeys,
      acceptTestCards: true,
      onStep: async (step) => {
        if (step !== 'verified') return;
        const mark = stack.mark();
        stack.slot(0).slot.swap(card({ holder: { name: '別人　花子' } }));
        await stack.since(mark, (e) => e.type === 'card-present' && e.reader === reader);
      },
    });
    try {
      await expect(read).rejects.toMatchObject({ code: 'reader/card-swapped' });
    } finally {
      await channel.close();
      await stack.remove(0);
    }
  });
});

describe('card retries, photo, auth-cert', () => {
  it('retries reads every counter without spending a try', async () => {
    await stack.insert(0, card());
    const a = json(await cli(['card', 'retries', '--json']));
    const b = json(await cli(['card', 'retries', '--json']));
    expect(a).toEqual(b);
    expect(a).toMatchObject({
      tries: {
        'text-pin': { state: 'ready', triesLeft: 3 },
        'jpki-auth-pin': { state: 'ready', triesLeft: 3 },
        'jpki-sign-password': { state: 'ready', triesLeft: 5 },
      },
    });
  });

  it('photo writes the JP2 face photo with 照合番号B', async () => {
    const file = join(stack.pcscd.dir, 'face.jp2');
    const r = await cli(['card', 'photo', '--code-b', '55021720352285', '-o', file, '--json']);
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ municipalityCode: '13221', expiryDate: '2035-02-17' });
    const jp2 = readFileSync(file);
    expect(jp2.subarray(4, 8).toString('latin1')).toBe('jP  ');
    expect(jp2.equals(Buffer.from(defaultMyNumberProfile().images.faceJp2))).toBe(true);
  });

  it('auth-cert writes the DER and checks the chain: untrusted by J-LIS, valid with the simulator root', async () => {
    const file = join(stack.pcscd.dir, 'auth.der');
    const jlis = await cli(['card', 'auth-cert', '-o', file, '--json']);
    expect(jlis.code).toBe(3);
    expect(json(jlis)).toMatchObject({ chain: 'untrusted' });
    const sim = await cli(['card', 'auth-cert', '-o', file, '--json', '--jpki-roots', SIM_ROOTS]);
    expect(sim.code).toBe(0);
    expect(json(sim)).toMatchObject({ chain: 'valid', notAfter: '2034-12-31T23:59:59.000Z' });
    expect(sim.stdout).not.toContain(new X509Certificate(readFileSync(file)).serialNumber);
    await stack.remove(0);
  });

  it('a FeliCa card is not a My Number Card: reader/wrong-card', async () => {
    const { createSimulatedCard } = await import('../reader/sim/factory.ts');
    await stack.insert(0, createSimulatedCard('felica'));
    const r = await cli(['card', 'read', '--pin-stdin', '--json'], '1234');
    expect(r.code).toBe(1);
    expect(json(r)).toMatchObject({ error: { code: 'reader/wrong-card' } });
    await stack.remove(0);
  });
});
