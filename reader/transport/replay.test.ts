import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../shared/bytes.ts';
import type { ReaderError } from '../errors.ts';
import { CardChannel } from './channel.ts';
import { RecordingTransport } from './recorder.ts';
import { ReplayTransport } from './replay.ts';
import { parseTranscript } from './transcript.ts';

const TEXT = `# select, retries, verify, read
@atr 3B E0 00 FF 81 31 FE 45 14
=> 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08
<= 90 00
=> 00 20 00 80
<= 63 C3
=> 00 20 00 80 04 xx xx xx xx
<= 90 00
=> 00 B0 00 00 07
<= FF 20 65 DF 21 08 00 90 00
`;

describe('transcripts', () => {
  it('parse commands, masks, answers and the ATR', () => {
    const t = parseTranscript(TEXT);
    expect(toHex(t.atr)).toBe('3be000ff8131fe4514');
    expect(t.exchanges.map((e) => e.line)).toEqual([3, 5, 7, 9]);
    expect(t.exchanges[2]?.command.mask.filter(Boolean)).toHaveLength(4);
  });

  it('name the line of a syntax error', () => {
    for (const [text, line] of [
      ['=> 00 A4\n<= 90 00', 1],
      ['=> 00 A4 04 0C\n=> 00 A4 04 0C', 2],
      ['<= 90 00', 1],
      ['=> 00 A4 04 0C\n<= 9', 2],
      ['# ok\n=> 00 A4 04 0C\n<= zz 00', 3],
      ['=> 00 A4 04 0C', 1],
      ['hello', 1],
    ] as const) {
      expect(() => parseTranscript(text), text).toThrowError(
        expect.objectContaining({ code: 'reader/transcript-invalid', details: { line } }) as Error,
      );
    }
  });

  it('property: any text parses or fails with reader/transcript-invalid', () => {
    const line = fc.oneof(
      fc.constantFrom(
        '=> 00 a4 04 0c',
        '<= 90 00',
        '@atr 3b 00',
        '# c',
        '',
        '<= !removed',
        'xx',
        '=> xx xx xx xx',
      ),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        try {
          parseTranscript(lines.join('\n'));
        } catch (error) {
          expect((error as ReaderError).code).toBe('reader/transcript-invalid');
        }
      }),
    );
  });
});

describe('ReplayTransport', () => {
  it('replays a session, matching masked PIN bytes with anything', async () => {
    const replay = new ReplayTransport(parseTranscript(TEXT), 'text-ap');
    const channel = new CardChannel(replay);
    await channel.send({
      cla: 0,
      ins: 0xa4,
      p1: 4,
      p2: 0x0c,
      data: fromHex('D3921000310001010408'),
    });
    expect(
      (await channel.send({ cla: 0, ins: 0x20, p1: 0, p2: 0x80 }, { accept: [0x63c3] })).sw,
    ).toBe(0x63c3);
    await channel.send({ cla: 0, ins: 0x20, p1: 0, p2: 0x80, data: fromHex('39393939') });
    const head = await channel.send({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 7 });
    expect(toHex(head.data)).toBe('ff2065df210800');
    replay.assertFinished();
  });

  it('a wrong command fails naming the transcript line', async () => {
    const replay = new ReplayTransport(parseTranscript(TEXT));
    await replay.transmit(fromHex('00A4040C0AD3921000310001010408'));
    await expect(replay.transmit(fromHex('00B0000007'))).rejects.toMatchObject({
      code: 'reader/replay-mismatch',
      details: { line: 5 },
    });
  });

  it('an early stop and an extra command are both errors', async () => {
    const replay = new ReplayTransport(
      parseTranscript('=> 00 84 00 00 08\n<= 0102030405060708 9000\n'),
    );
    expect(() => replay.assertFinished()).toThrowError(
      expect.objectContaining({ code: 'reader/replay-unfinished' }) as Error,
    );
    await replay.transmit(fromHex('0084000008'));
    await expect(replay.transmit(fromHex('0084000008'))).rejects.toMatchObject({
      code: 'reader/replay-exhausted',
    });
  });

  it('replays a card pulled mid-read', async () => {
    const replay = new ReplayTransport(parseTranscript('=> 00 B0 00 00 07\n<= !removed\n'));
    await expect(
      new CardChannel(replay).send({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 7 }),
    ).rejects.toMatchObject({
      code: 'reader/card-removed',
    });
    expect(replay.eventCount()).not.toBe(replay.connectEventCount);
  });

  it('the recorder writes a transcript the replayer accepts, with the PIN masked', async () => {
    const source = new ReplayTransport(parseTranscript(TEXT));
    const recorder = new RecordingTransport(source);
    const channel = new CardChannel(recorder);
    await channel.send({
      cla: 0,
      ins: 0xa4,
      p1: 4,
      p2: 0x0c,
      data: fromHex('D3921000310001010408'),
    });
    await channel.send({ cla: 0, ins: 0x20, p1: 0, p2: 0x80 }, { accept: [0x63c3] });
    await channel.send({ cla: 0, ins: 0x20, p1: 0, p2: 0x80, data: fromHex('31323334') });
    const text = recorder.transcript(['recorded in a test']);
    expect(text).toContain('=> 00 20 00 80 04 xx xx xx xx');
    expect(text).not.toContain('31 32 33 34');
    const again = new ReplayTransport(parseTranscript(text));
    await again.transmit(fromHex('00A4040C0AD3921000310001010408'));
    await again.transmit(fromHex('00200080'));
    await again.transmit(fromHex('0020008004 35353535'.replace(' ', '')));
    again.assertFinished();
  });

  it('the recorder masks commands the sender flags as secret (a FeliCa frame with the IDm)', async () => {
    const source = new ReplayTransport(parseTranscript('=> ff 00 00 00 03 aa bb cc\n<= 90 00\n'));
    const recorder = new RecordingTransport(source);
    await recorder.transmit(fromHex('ff00000003aabbcc'), { secret: true });
    expect(recorder.transcript()).toContain('=> ff 00 00 00 03 xx xx xx');
  });
});
