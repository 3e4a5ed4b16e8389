import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../shared/bytes.ts';
import { anyVerifyFailure } from '../apdu/status.ts';
import { AID, JPKI_EF, TEXT_EF } from '../mynumber/constants.ts';
import { directTransport } from '../sim/direct.ts';
import { EchoCard } from '../sim/echo-card.ts';
import { MyNumberCardSim } from '../sim/mynumber-card.ts';
import { defaultMyNumberProfile } from '../sim/mynumber-profile.ts';
import { encodeTlv } from '../tlv/ber.ts';
import { CardChannel } from '../transport/channel.ts';
import { parseTranscript } from '../transport/transcript.ts';
import { ReplayTransport } from '../transport/replay.ts';
import { readBinary, retriesQuery, selectByAid, selectEf, verify } from './commands.ts';
import { readBinaryRange, readTlvFile } from './read-file.ts';

const card = () => new MyNumberCardSim(defaultMyNumberProfile());

describe('command builders', () => {
  it('encode as card-protocols.md writes them', async () => {
    const { encodeCommand } = await import('../apdu/command.ts');
    const hex = (c: Parameters<typeof encodeCommand>[0]) => toHex(encodeCommand(c), ' ');
    expect(hex(selectByAid(AID.TEXT))).toBe('00 a4 04 0c 0a d3 92 10 00 31 00 01 01 04 08');
    expect(hex(selectEf(0x0011))).toBe('00 a4 02 0c 02 00 11');
    expect(hex(readBinary(0x0100, 256))).toBe('00 b0 01 00 00');
    expect(hex(retriesQuery())).toBe('00 20 00 80');
    expect(verify(new TextEncoder().encode('1234'))).toMatchObject({ secret: true });
    expect(() => readBinary(0x8000, 1)).toThrowError(
      expect.objectContaining({ code: 'reader/apdu-invalid' }) as Error,
    );
    expect(() => readBinary(0, 257)).toThrowError(
      expect.objectContaining({ code: 'reader/apdu-invalid' }) as Error,
    );
    expect(() => selectByAid(new Uint8Array(17))).toThrow();
  });
});

describe('readTlvFile against the My Number simulator', () => {
  it('reads the JPKI user-authentication certificate without a PIN, in 256-byte chunks', async () => {
    const sim = card();
    const channel = new CardChannel(directTransport(sim));
    await channel.send(selectByAid(AID.JPKI));
    await channel.send(selectEf(JPKI_EF.AUTH_CERTIFICATE));
    const der = await readTlvFile(channel);
    expect(der.length).toBeGreaterThan(256);
    const cert = new X509Certificate(der);
    expect(cert.serialNumber).toMatch(/^[0-9A-F]+$/);
  });

  it('reads the basic four once the PIN is verified, and refuses before', async () => {
    const channel = new CardChannel(directTransport(card()));
    await channel.send(selectByAid(AID.TEXT));
    await channel.send(selectEf(TEXT_EF.BASIC_FOUR));
    await expect(readTlvFile(channel)).rejects.toMatchObject({
      code: 'reader/status-word',
      sw: 0x6982,
    });
    await channel.send(selectEf(TEXT_EF.PIN));
    expect((await channel.send(retriesQuery(), { accept: [anyVerifyFailure] })).sw).toBe(0x63c3);
    await channel.send(verify(new TextEncoder().encode('1234')));
    await channel.send(selectEf(TEXT_EF.BASIC_FOUR));
    const file = await readTlvFile(channel);
    expect(toHex(file.subarray(0, 3))).toBe('ff2065');
    expect(file.length).toBe(0x65 + 3);
  });

  it('reads exactly the TLV, not the filler after the My Number', async () => {
    const channel = new CardChannel(directTransport(card()));
    await channel.send(selectByAid(AID.TEXT));
    await channel.send(selectEf(TEXT_EF.PIN));
    await channel.send(verify(new TextEncoder().encode('1234')));
    await channel.send(selectEf(TEXT_EF.MY_NUMBER));
    const file = await readTlvFile(channel);
    expect(file.length).toBe(15); // FF 10 0C + 12 digits
  });
});

describe('readTlvFile on bad files', () => {
  it('a file claiming more than the limit is refused before reading it', async () => {
    const big = encodeTlv(0x7f21, new Uint8Array(20000));
    const text = `=> 00 b0 00 00 07\n<= ${toHex(big.subarray(0, 7), ' ')} 90 00\n`;
    const channel = new CardChannel(new ReplayTransport(parseTranscript(text)));
    await expect(readTlvFile(channel, 16384)).rejects.toMatchObject({ code: 'reader/tlv-invalid' });
  });

  it('a file that ends before its TLV does is tlv-incomplete with the missing count', async () => {
    const tlv = encodeTlv(0xdf22, new Uint8Array(10).fill(0x41)); // 13 bytes
    const text = [
      `=> 00 b0 00 00 07\n<= ${toHex(tlv.subarray(0, 7), ' ')} 90 00`,
      `=> 00 b0 00 07 06\n<= ${toHex(tlv.subarray(7, 10), ' ')} 62 82`,
    ].join('\n');
    const channel = new CardChannel(new ReplayTransport(parseTranscript(text)));
    await expect(readTlvFile(channel)).rejects.toMatchObject({
      code: 'reader/tlv-incomplete',
      details: { missing: 3 },
    });
  });

  it('a short file is returned as far as it goes', async () => {
    const channel = new CardChannel(directTransport(new EchoCard()));
    expect((await readBinaryRange(channel, 0, 300)).length).toBe(300);
  });
});
