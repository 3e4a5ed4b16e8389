import { describe, expect, it } from 'vitest';
import type { ReaderError } from '../errors.ts';
import { defaultCaKeySet } from './ca-keys.ts';
import { selectApplication } from './applications.ts';
import { credentialStatus, presentCredential } from './credentials.ts';
import { readTextAp, type TextReadOptions } from './text-ap.ts';
import { SIM_CA_KEYS, ascii, profileWith, simCard } from './test-support.ts';
import { isProven } from './verify.ts';

const opts = (over: Partial<TextReadOptions> = {}): TextReadOptions => ({
  credential: { kind: 'pin', secret: ascii('1234') },
  caKeys: SIM_CA_KEYS,
  acceptTestCards: true,
  ...over,
});

describe('readTextAp (against the simulated card)', () => {
  it('reads and proves the basic four with the PIN', async () => {
    const { channel } = simCard();
    const r = await readTextAp(channel, opts());
    expect(r).toMatchObject({ name: '黒桐　幹也', birthDate: '1980-02-17', sex: 'male' });
    expect(r.verification).toEqual({
      certificate: 'valid',
      integrity: 'valid',
      presence: 'proven',
      reasons: [],
      caKeyName: '6999933',
    });
    expect(isProven(r.verification)).toBe(true);
    expect(r.myNumber).toBeUndefined();
  });

  it('reads the same with 照合番号B', async () => {
    const { channel } = simCard();
    const r = await readTextAp(
      channel,
      opts({ credential: { kind: 'code-b', secret: ascii('55021720352285') } }),
    );
    expect(r.address).toBe('東京都清瀬市観布子南１２－７－２０２');
    expect(isProven(r.verification)).toBe(true);
  });

  it('reads the My Number only when asked, and then checks its digest too', async () => {
    const { channel, sent } = simCard();
    const without = await readTextAp(channel, opts());
    expect(sent.filter((h) => h === '00a4020c').length).toBeGreaterThan(0);
    expect(without.myNumber).toBeUndefined();
    const { channel: c2 } = simCard();
    const withIt = await readTextAp(
      c2,
      opts({ credential: { kind: 'pin', secret: ascii('1234') }, readMyNumber: true }),
    );
    expect(withIt.myNumber).toBe('537686677188');
    expect(withIt.verification.integrity).toBe('valid');
  });

  it('refuses to read the My Number with 照合番号B, before touching the card', async () => {
    const { channel, sent } = simCard();
    const secret = ascii('55021720352285');
    await expect(
      readTextAp(channel, opts({ credential: { kind: 'code-b', secret }, readMyNumber: true })),
    ).rejects.toMatchObject({
      code: 'reader/not-allowed',
    });
    expect(sent).toEqual([]);
    expect([...secret].every((b) => b === 0)).toBe(true);
  });

  it('with the production keys only, a simulated card is unknown-ca, not invalid', async () => {
    const { channel } = simCard();
    const r = await readTextAp(
      channel,
      opts({ caKeys: defaultCaKeySet(), acceptTestCards: false }),
    );
    expect(r.verification).toMatchObject({
      certificate: 'unknown-ca',
      integrity: 'valid',
      presence: 'proven',
    });
    expect(r.verification.reasons).toEqual(['certificate-unknown-ca']);
  });

  it('a test-hierarchy CA is not accepted unless test cards are allowed', async () => {
    const { channel } = simCard();
    const r = await readTextAp(channel, opts({ acceptTestCards: false }));
    expect(r.verification.certificate).toBe('unknown-ca');
    expect(r.verification.reasons).toEqual(['certificate-test-hierarchy-not-accepted']);
  });

  it('an unknown card is reader/wrong-card', async () => {
    const { directTransport } = await import('../sim/direct.ts');
    const { UnknownCardSim } = await import('../sim/unknown-card.ts');
    const { CardChannel } = await import('../transport/channel.ts');
    const channel = new CardChannel(directTransport(new UnknownCardSim()));
    await expect(readTextAp(channel, opts())).rejects.toMatchObject({ code: 'reader/wrong-card' });
  });

  it('keeps non-BMP names and variation selectors byte-exact end to end', async () => {
    const name = '𠮷野　葛\u{E0100}子';
    const { channel } = simCard(profileWith({ name }));
    const r = await readTextAp(channel, opts());
    expect(Buffer.from(r.name).equals(Buffer.from(name))).toBe(true);
    expect(isProven(r.verification)).toBe(true);
  });
});

describe('PIN safety', () => {
  it('a wrong PIN reports the tries left and is never retried', async () => {
    const { channel, sent } = simCard();
    const error = (await readTextAp(
      channel,
      opts({ credential: { kind: 'pin', secret: ascii('9999') } }),
    ).catch((e: unknown) => e)) as ReaderError;
    expect(error.code).toBe('reader/pin-wrong');
    expect(error.details).toMatchObject({ triesLeft: 2, credential: 'text-pin' });
    expect(sent.filter((h) => h === '00200080')).toHaveLength(2); // one count, one VERIFY
  });

  it('the last try is refused without confirmation; nothing is sent', async () => {
    const { card, channel, sent } = simCard();
    for (const pin of ['0000', '0000']) {
      await readTextAp(channel, opts({ credential: { kind: 'pin', secret: ascii(pin) } })).catch(
        () => undefined,
      );
    }
    expect(card.triesLeft('textPin')).toBe(1);
    const before = sent.length;
    await expect(readTextAp(channel, opts())).rejects.toMatchObject({
      code: 'reader/pin-last-try',
      details: { triesLeft: 1 },
    });
    expect(sent.slice(before).filter((h) => h === '00200080')).toHaveLength(1); // the count only
    expect(card.triesLeft('textPin')).toBe(1);
    const r = await readTextAp(channel, opts({ confirmLastTry: true }));
    expect(r.name).toBe('黒桐　幹也');
    expect(card.triesLeft('textPin')).toBe(3);
  });

  it('a blocked PIN is reader/pin-blocked, also with the right PIN', async () => {
    const { channel } = simCard(
      profileWith(
        {},
        {
          credentials: {
            ...((await import('./test-support.ts')).DEFAULT_PROFILE_JSON['credentials'] as object),
            tries: { textPin: 0 },
          },
        },
      ),
    );
    await expect(readTextAp(channel, opts())).rejects.toMatchObject({ code: 'reader/pin-blocked' });
  });

  it('the try that exhausts the counter is reported as blocked', async () => {
    const { card, channel } = simCard();
    await selectApplication(channel, 'TEXT');
    for (const expected of ['reader/pin-wrong', 'reader/pin-wrong']) {
      await expect(presentCredential(channel, 'text-pin', ascii('0000'))).rejects.toMatchObject({
        code: expected,
      });
    }
    await expect(
      presentCredential(channel, 'text-pin', ascii('0000'), { confirmLastTry: true }),
    ).rejects.toMatchObject({
      code: 'reader/pin-blocked',
    });
    expect(card.triesLeft('textPin')).toBe(0);
    expect(await credentialStatus(channel, 'text-pin')).toEqual({ state: 'blocked', triesLeft: 0 });
  });

  it('a malformed PIN is refused before any APDU, and its buffer is zeroed', async () => {
    const { channel, sent } = simCard();
    for (const bad of ['123', '12345', '12a4', '', '1234\n']) {
      const secret = ascii(bad);
      await expect(
        readTextAp(channel, opts({ credential: { kind: 'pin', secret } })),
      ).rejects.toMatchObject({ code: 'reader/pin-invalid' });
      expect([...secret].every((b) => b === 0)).toBe(true);
    }
    expect(sent.filter((h) => h.startsWith('0020'))).toEqual([]);
  });

  it('the PIN buffer is zeroed after a successful read too', async () => {
    const { channel } = simCard();
    const secret = ascii('1234');
    await readTextAp(channel, opts({ credential: { kind: 'pin', secret } }));
    expect([...secret]).toEqual([0, 0, 0, 0]);
  });
});
