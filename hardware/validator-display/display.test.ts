import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linkedPair } from '../serial/link.ts';
import { HardwareError } from '../errors.ts';
import { ValidatorDisplay } from './driver.ts';
import { MAX_LINE_BYTES, decodeShow, encodeShow, fitLine } from './protocol.ts';
import { ValidatorDisplaySimulator } from './simulator.ts';

function setup(timeoutMs = 50) {
  const [host, device] = linkedPair();
  const sim = new ValidatorDisplaySimulator(device, () => 0);
  const display = new ValidatorDisplay(host, { timeoutMs });
  return { sim, display };
}

describe('validator display', () => {
  it('shows two lines, sets the LED and beeps; the simulator records it', async () => {
    const { sim, display } = setup();
    await display.present({
      lines: ['シニア割引 100円', '残り 3回'],
      led: 'green',
      beep: 'accept',
    });
    expect(sim.lines).toEqual(['シニア割引 100円', '残り 3回']);
    expect(sim.led).toBe('green');
    expect(sim.history.map((h) => h.kind)).toEqual(['show', 'led', 'beep']);
    expect(await display.status()).toEqual({
      displayOk: true,
      ledOk: true,
      buzzerOk: true,
      firmware: '1.2',
    });
  });

  it('a silent display is a timeout after one resend, and the state says unreachable; it recovers', async () => {
    const { sim, display } = setup(30);
    const states: string[] = [];
    display.onState((s) => states.push(s));
    sim.side.silent = true;
    await expect(display.show(['a', 'b'])).rejects.toMatchObject({ code: 'hardware/timeout' });
    expect(display.state).toBe('unreachable');
    sim.side.silent = false;
    await display.show(['c', 'd']);
    expect(states).toEqual(['unreachable', 'ok']);
  });

  it('a late reply to an abandoned command does not answer the next one', async () => {
    const { sim, display } = setup(30);
    sim.side.delayMs = 45; // later than the time limit, earlier than the resend's
    await display.show(['x', 'y']).catch(() => undefined);
    sim.side.delayMs = 0;
    await display.led('red');
    expect(sim.led).toBe('red');
  });

  it('a hardware fault is NAK 4: hardware/nak', async () => {
    const { sim, display } = setup();
    sim.fault = true;
    const error = await display.beep('refuse').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HardwareError);
    expect(error).toMatchObject({ code: 'hardware/nak', details: { code: 4 } });
  });

  it('a closed port is hardware/port-closed, at once', async () => {
    const { display } = setup();
    await display.close();
    await expect(display.show(['a', 'b'])).rejects.toMatchObject({ code: 'hardware/port-closed' });
  });

  it('lines are cut to the display width without splitting a character', () => {
    const long = '運賃'.repeat(20);
    const cut = fitLine(long);
    expect(cut.length).toBeLessThanOrEqual(MAX_LINE_BYTES);
    expect(new TextDecoder('utf-8', { fatal: true }).decode(cut)).toBe('運賃'.repeat(8));
  });

  it('property: SHOW payloads round-trip, and garbage is a typed error', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.string({ maxLength: 20 }),
        fc.boolean(),
        (a, b, e) => {
          const back = decodeShow(encodeShow({ lines: [a, b], emphasised: e }));
          expect(back.emphasised).toBe(e);
          expect(a.startsWith(back.lines[0]) || back.lines[0].length < a.length).toBe(true);
        },
      ),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        try {
          decodeShow(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(HardwareError);
        }
      }),
    );
  });
});
