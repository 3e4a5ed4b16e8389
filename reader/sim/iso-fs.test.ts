import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../shared/bytes.ts';
import { ALWAYS, anyOf, IsoCard, NEVER, type DfSpec } from './iso-fs.ts';

/** A small card: two applications sharing an AID prefix, files of every kind. */
function makeCard(options: { tries?: number } = {}): IsoCard {
  const content = Uint8Array.from({ length: 600 }, (_, i) => i & 0xff);
  const first: DfSpec = {
    aid: fromHex('A0 00 00 00 01 01'),
    efs: [
      { kind: 'transparent', fid: 0x0001, content, read: ALWAYS },
      { kind: 'transparent', fid: 0x0002, content: fromHex('CAFE'), read: anyOf(0x0011) },
      { kind: 'transparent', fid: 0x0003, content: fromHex('00'), read: NEVER },
      {
        kind: 'key',
        fid: 0x0011,
        secret: new TextEncoder().encode('1234'),
        maxTries: 3,
        ...(options.tries === undefined ? {} : { tries: options.tries }),
      },
      { kind: 'internal', fid: 0x0017, use: anyOf(0x0011) },
      {
        kind: 'record',
        fid: 0x0020,
        sfi: 1,
        records: [fromHex('0102030405'), fromHex('AA')],
        read: ALWAYS,
      },
    ],
  };
  const second: DfSpec = {
    aid: fromHex('A0 00 00 00 01 02'),
    efs: [{ kind: 'key', fid: 0x0011, secret: fromHex('31'), maxTries: 3 }],
  };
  let counter = 0;
  return new IsoCard([first, second], {
    random: (n) => Uint8Array.from({ length: n }, () => counter++),
  });
}

const send = (card: IsoCard, hex: string): string =>
  toHex(card.process(fromHex(hex))).toUpperCase();
const sw = (card: IsoCard, hex: string): string => send(card, hex).slice(-4);

const SELECT_FIRST = '00A4040C06A00000000101';
const SELECT_SECOND = '00A4040C06A00000000102';
const PIN = '31323334';

describe('IsoCard SELECT', () => {
  it('selects by full AID and by prefix (the first application matching), 6A82 otherwise', () => {
    const card = makeCard();
    expect(sw(card, SELECT_SECOND)).toBe('9000');
    expect(card.currentDf?.aid).toEqual(fromHex('A0 00 00 00 01 02'));
    expect(sw(card, '00A4040C04A0000000')).toBe('9000');
    expect(card.currentDf?.aid).toEqual(fromHex('A0 00 00 00 01 01'));
    expect(sw(card, '00A4040C06A00000000103')).toBe('6A82');
    expect(sw(card, '00A4040C07A0000000010100')).toBe('6A82'); // longer than every AID
    expect(card.currentDf?.aid).toEqual(fromHex('A0 00 00 00 01 01')); // a failed SELECT changes nothing
  });

  it('selects EFs of the current DF only; refuses FCI requests and odd lengths', () => {
    const card = makeCard();
    expect(sw(card, '00A4020C020001')).toBe('6A82'); // no DF yet
    send(card, SELECT_FIRST);
    expect(sw(card, '00A4020C020001')).toBe('9000');
    expect(sw(card, '00A4020C020099')).toBe('6A82');
    expect(sw(card, '00A4020C0100')).toBe('6700');
    expect(sw(card, '00A40200020001')).toBe('6A86');
    expect(sw(card, '00A4080C020001')).toBe('6A86');
  });
});

describe('IsoCard READ BINARY', () => {
  it('reads at an offset, answers 6282 with what is left and 6B00 past the end', () => {
    const card = makeCard();
    send(card, SELECT_FIRST);
    send(card, '00A4020C020001');
    expect(send(card, '00B0000004')).toBe('000102039000');
    expect(send(card, '00B0010002')).toBe('00019000'); // offset 256
    const tail = send(card, '00B0025000'); // offset 592, Le 256: 8 bytes left
    expect(tail).toBe('5051525354555657' + '6282');
    expect(sw(card, '00B0025800')).toBe('6B00'); // offset 600 = size
    expect(sw(card, '00B0800000')).toBe('6A86'); // SFI addressing is not modelled
    expect(sw(card, '00B00000')).toBe('6700'); // no Le
  });

  it('needs a current EF (6986), a transparent one (6981) and the access rule (6982)', () => {
    const card = makeCard();
    send(card, SELECT_FIRST);
    expect(sw(card, '00B0000001')).toBe('6986');
    send(card, '00A4020C020011');
    expect(sw(card, '00B0000001')).toBe('6981');
    send(card, '00A4020C020002');
    expect(sw(card, '00B0000000')).toBe('6982');
    send(card, '00A4020C020003');
    expect(sw(card, '00B0000000')).toBe('6982');
  });
});

describe('IsoCard VERIFY', () => {
  it('reports tries without spending one, counts down to 63C0, then 6984 for every VERIFY', () => {
    const card = makeCard();
    send(card, SELECT_FIRST);
    send(card, '00A4020C020011');
    expect(sw(card, '00200080')).toBe('63C3');
    expect(sw(card, '00200080')).toBe('63C3');
    expect(sw(card, '002000800430303030')).toBe('63C2');
    expect(sw(card, '002000800430303030')).toBe('63C1');
    expect(sw(card, '002000800430303030')).toBe('63C0');
    expect(sw(card, '00200080')).toBe('6984');
    expect(sw(card, `0020008004${PIN}`)).toBe('6984');
    expect(card.triesLeft(fromHex('A0 00 00 00 01 01'), 0x0011)).toBe(0);
  });

  it('resets the counter and opens the rule on the right PIN; a wrong one closes it again', () => {
    const card = makeCard();
    send(card, SELECT_FIRST);
    send(card, '00A4020C020011');
    send(card, '002000800430303030');
    expect(sw(card, `0020008004${PIN}`)).toBe('9000');
    expect(sw(card, '00200080')).toBe('63C3');
    send(card, '00A4020C020002');
    expect(send(card, '00B0000000')).toBe('CAFE6282');
    send(card, '00A4020C020011');
    expect(sw(card, '0020008003313233')).toBe('63C2'); // a shorter secret is just wrong
    send(card, '00A4020C020002');
    expect(sw(card, '00B0000000')).toBe('6982');
  });

  it('drops the verified state on leaving the DF and on reset, but keeps counters', () => {
    const card = makeCard();
    send(card, SELECT_FIRST);
    send(card, '00A4020C020011');
    send(card, `0020008004${PIN}`);
    send(card, SELECT_FIRST); // re-selecting the same DF keeps it
    send(card, '00A4020C020002');
    expect(sw(card, '00B0000000')).toBe('6282');
    send(card, SELECT_SECOND);
    send(card, SELECT_FIRST);
    send(card, '00A4020C020002');
    expect(sw(card, '00B0000000')).toBe('6982');
    send(card, '00A4020C020011');
    send(card, '002000800430303030');
    send(card, `0020008004${PIN}`);
    send(card, '002000800430303030');
    card.reset();
    expect(card.currentDf).toBeUndefined();
    send(card, SELECT_FIRST);
    send(card, '00A4020C020002');
    expect(sw(card, '00B0000000')).toBe('6982');
    send(card, '00A4020C020011');
    expect(sw(card, '00200080')).toBe('63C2');
  });

  it('needs a key EF selected (6986) and P1P2 0080 (6A86); can start blocked', () => {
    const card = makeCard({ tries: 0 });
    send(card, SELECT_FIRST);
    expect(sw(card, `0020008004${PIN}`)).toBe('6986');
    send(card, '00A4020C020001');
    expect(sw(card, `0020008004${PIN}`)).toBe('6986');
    send(card, '00A4020C020011');
    expect(sw(card, `0020000104${PIN}`)).toBe('6A86');
    expect(sw(card, '00200080')).toBe('6984');
  });

  it('keeps one counter per key EF', () => {
    const card = makeCard();
    send(card, SELECT_SECOND);
    send(card, '00A4020C020011');
    send(card, '002000800132');
    expect(card.triesLeft(fromHex('A0 00 00 00 01 02'), 0x0011)).toBe(2);
    expect(card.triesLeft(fromHex('A0 00 00 00 01 01'), 0x0011)).toBe(3);
    expect(card.triesLeft(fromHex('A0 00 00 00 01 01'), 0x0001)).toBeUndefined();
  });
});

describe('IsoCard READ RECORD, GET CHALLENGE, classes', () => {
  it('reads records by SFI and number; 6Cxx when Le is short; 6A83 past the last', () => {
    const card = makeCard();
    send(card, SELECT_FIRST);
    expect(send(card, '00B2010C00')).toBe('01020304059000');
    expect(send(card, '00B2010C02')).toBe('6C05');
    expect(send(card, '00B2020400')).toBe('AA9000'); // SFI 0: the current EF, now the record EF
    expect(sw(card, '00B2030C00')).toBe('6A83');
    expect(sw(card, '00B2011400')).toBe('6A82'); // SFI 2
    expect(sw(card, '00B2010800')).toBe('6A86'); // P2 low bits not 100
    expect(sw(card, '00B2000C00')).toBe('6A86');
  });

  it('answers GET CHALLENGE with bytes of the injected source', () => {
    const card = makeCard();
    expect(send(card, '0084000008')).toBe('00010203040506079000');
    expect(send(card, '0084000008')).toBe('08090A0B0C0D0E0F9000');
    expect(sw(card, '0084000004')).toBe('6C08');
    expect(sw(card, '0084000108')).toBe('6A86');
  });

  it('answers 6E00 to unknown classes, 6D00 to unknown instructions, 6700 to bad or extended APDUs', () => {
    const card = makeCard();
    expect(sw(card, '10A4040C06A00000000101')).toBe('6E00');
    expect(sw(card, '80A4040C06A00000000101')).toBe('6E00'); // SELECT exists, in class 00
    expect(sw(card, '00CA000000')).toBe('6D00');
    expect(sw(card, '00A4')).toBe('6700');
    expect(sw(card, '00A4040C09A000')).toBe('6700'); // Lc says 9, 2 bytes follow
    expect(sw(card, '00B00000000100')).toBe('6700'); // extended Le
    expect(sw(card, '00A4040C000006A00000000101')).toBe('6700'); // extended Lc
  });
});

describe('IsoCard properties', () => {
  it('never throws and always answers at least a status word', () => {
    const card = makeCard();
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (commands) => {
        for (const c of commands) expect(card.process(c).length).toBeGreaterThanOrEqual(2);
      }),
      { numRuns: 300 },
    );
  });
});
