import { describe, expect, it } from 'vitest';
import { fromHex } from '../../shared/bytes.ts';
import { SCARD_ERROR, SCARD_STATE, eventCountOf } from './constants.ts';
import { pcscCodeOf, pcscError } from './errors.ts';
import { diffReaderState } from './state.ts';

const atr = fromHex('3be000ff8131fe4514');
const st = (count: number, bits: number) => ({ state: ((count << 16) | bits) >>> 0, atr });

describe('reader state bit-diffs', () => {
  it('first report with a card: present', () => {
    expect(
      diffReaderState('r', undefined, st(1, SCARD_STATE.PRESENT | SCARD_STATE.CHANGED)),
    ).toEqual([
      { type: 'card-present', reader: 'r', atr: '3be000ff8131fe4514', eventCount: 1, mute: false },
    ]);
  });

  it('first report without a card: nothing', () => {
    expect(diffReaderState('r', undefined, st(0, SCARD_STATE.EMPTY))).toEqual([]);
  });

  it('present → empty: removed', () => {
    expect(diffReaderState('r', st(1, SCARD_STATE.PRESENT), st(2, SCARD_STATE.EMPTY))).toEqual([
      { type: 'card-removed', reader: 'r', eventCount: 2 },
    ]);
  });

  it('present → present with a higher counter: a swap between reports', () => {
    const events = diffReaderState('r', st(1, SCARD_STATE.PRESENT), st(3, SCARD_STATE.PRESENT));
    expect(events.map((e) => e.type)).toEqual(['card-removed', 'card-present']);
  });

  it('exclusive/in-use changes alone are not card events', () => {
    expect(
      diffReaderState(
        'r',
        st(1, SCARD_STATE.PRESENT),
        st(1, SCARD_STATE.PRESENT | SCARD_STATE.EXCLUSIVE | SCARD_STATE.INUSE),
      ),
    ).toEqual([]);
  });

  it('a mute card is present but flagged', () => {
    const [e] = diffReaderState(
      'r',
      st(0, SCARD_STATE.EMPTY),
      st(1, SCARD_STATE.PRESENT | SCARD_STATE.MUTE),
    );
    expect(e).toMatchObject({ type: 'card-present', mute: true });
  });

  it('the event counter is the upper 16 bits of dwEventState', () => {
    expect(eventCountOf(0x20092)).toBe(2);
    expect(eventCountOf(0xffff0020)).toBe(0xffff);
  });
});

describe('PC/SC error classification', () => {
  const msg = (code: number) =>
    new Error(`SCardTransmit error: x.(0x${code.toString(16).padStart(8, '0')})`);

  it('reads the SCARD code from the binding message', () => {
    expect(pcscCodeOf(msg(SCARD_ERROR.W_REMOVED_CARD))).toBe(0x80100069);
    expect(pcscCodeOf(new Error('Card Reader not connected'))).toBeUndefined();
  });

  it('maps codes to stable reader error codes', () => {
    const cases: [number, string][] = [
      [SCARD_ERROR.W_REMOVED_CARD, 'reader/card-removed'],
      [SCARD_ERROR.E_NO_SMARTCARD, 'reader/no-card'],
      [SCARD_ERROR.W_RESET_CARD, 'reader/card-reset'],
      [SCARD_ERROR.E_SHARING_VIOLATION, 'reader/sharing-violation'],
      [SCARD_ERROR.E_READER_UNAVAILABLE, 'reader/reader-gone'],
      [SCARD_ERROR.E_NO_SERVICE, 'reader/transport-lost'],
      [SCARD_ERROR.F_COMM_ERROR, 'reader/transport-lost'],
      [SCARD_ERROR.E_INSUFFICIENT_BUFFER, 'reader/response-too-long'],
      [0x80100099, 'reader/pcsc'],
    ];
    for (const [code, expected] of cases) {
      const e = pcscError(msg(code), 'SCardTransmit', 'R');
      expect(e.code).toBe(expected);
      expect(e.cause).toBeInstanceOf(Error);
    }
    expect(pcscError(new Error('weird'), 'SCardConnect', 'R').code).toBe('reader/pcsc');
  });
});
