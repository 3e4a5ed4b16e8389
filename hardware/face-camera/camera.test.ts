import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JP2_SIGNATURE } from '../../shared/jp2.ts';
import { HardwareError } from '../errors.ts';
import { linkedPair, type SerialLink } from '../serial/link.ts';
import { FaceCamera } from './driver.ts';
import {
  CHUNK_BYTES,
  decodeCapture,
  decodeChunk,
  decodeResult,
  decodeStatus,
  decodeU32,
  encodeResult,
  OUTCOMES,
} from './protocol.ts';
import { FaceCameraSimulator } from './simulator.ts';

/** The host end, keeping every buffer the driver wrote so the test can see it was zeroed. */
function spied(link: SerialLink): { link: SerialLink; written: Uint8Array[] } {
  const written: Uint8Array[] = [];
  return {
    written,
    link: {
      get path() {
        return link.path;
      },
      get isOpen() {
        return link.isOpen;
      },
      write: (bytes) => {
        written.push(bytes);
        return link.write(bytes);
      },
      onData: (l) => link.onData(l),
      onClose: (l) => link.onClose(l),
      close: () => link.close(),
    },
  };
}

function setup(timeoutMs = 50) {
  const [host, device] = linkedPair();
  const spy = spied(host);
  const sim = new FaceCameraSimulator(device);
  const camera = new FaceCamera(spy.link, { timeoutMs, pollMs: 5, windowMs: 500, graceMs: 100 });
  return { sim, camera, written: spy.written };
}

/** A JP2-shaped image of a card photo's size: the signature box, then arbitrary bytes. */
function photo(): Uint8Array {
  const image = new Uint8Array(1234);
  for (let i = 0; i < image.length; i += 1) image[i] = (i * 31 + 7) & 0xff;
  image.set(JP2_SIGNATURE, 0);
  return image;
}

describe('face camera', () => {
  it('loads the photo in chunks, compares, and zeroes every frame it wrote', async () => {
    const { sim, camera, written } = setup();
    const image = photo();
    expect(image.length).toBeGreaterThan(CHUNK_BYTES);
    await camera.loadReference(image);
    expect(sim.loads).toBe(1);
    expect(Buffer.from(sim.reference ?? []).equals(Buffer.from(image))).toBe(true);
    expect(written.length).toBe(4); // BEGIN, two chunks, END
    expect(written.every((frame) => frame.every((b) => b === 0))).toBe(true);
    expect(await camera.captureAndMatch()).toEqual({
      outcome: 'compared',
      score: 930,
      live: true,
      faces: 1,
    });
    expect(await camera.status()).toMatchObject({ cameraOk: true, referenceLoaded: true });
  });

  it('reports what the camera saw: no face, several faces, a spoof, a low score', async () => {
    const { sim, camera } = setup();
    await camera.loadReference(photo());
    sim.queue.push(
      { outcome: 'no-face' },
      { outcome: 'multiple-faces' },
      { outcome: 'compared', score: 910, live: false },
      { outcome: 'compared', score: 310, live: true },
    );
    const seen = [];
    for (let i = 0; i < 4; i += 1) seen.push(await camera.captureAndMatch());
    expect(seen).toEqual([
      { outcome: 'no-face', score: 0, live: false, faces: 0 },
      { outcome: 'multiple-faces', score: 0, live: false, faces: 2 },
      { outcome: 'compared', score: 910, live: false, faces: 1 },
      { outcome: 'compared', score: 310, live: true, faces: 1 },
    ]);
  });

  it('REF_CLEAR zeroes the device copy; a capture with no reference is NAK 5', async () => {
    const { sim, camera } = setup();
    await camera.loadReference(photo());
    const held = sim.reference as Uint8Array;
    await camera.clearReference();
    expect(sim.reference).toBeUndefined();
    expect(held.every((b) => b === 0)).toBe(true);
    await expect(camera.captureAndMatch()).rejects.toMatchObject({
      code: 'hardware/nak',
      details: { code: 5 },
    });
  });

  it('a camera fault is NAK 4; a second capture while one runs is busy (NAK 3)', async () => {
    const { sim, camera } = setup();
    await camera.loadReference(photo());
    sim.captureMs = 80;
    const first = camera.captureAndMatch();
    await expect(camera.captureAndMatch()).rejects.toMatchObject({ details: { code: 3 } });
    await expect(first).resolves.toMatchObject({ outcome: 'compared' });
    sim.fault = true;
    const error = await camera.captureAndMatch().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HardwareError);
    expect(error).toMatchObject({ code: 'hardware/nak', details: { code: 4 } });
    expect(await camera.status()).toMatchObject({ cameraOk: false });
  });

  it('a capture that never ends is aborted at the deadline: hardware/timeout, and the camera is free again', async () => {
    const { sim, camera } = setup();
    await camera.loadReference(photo());
    sim.stuck = true;
    const started = performance.now();
    await expect(camera.captureAndMatch()).rejects.toMatchObject({ code: 'hardware/timeout' });
    expect(performance.now() - started).toBeLessThan(1500);
    sim.stuck = false;
    await expect(camera.captureAndMatch()).resolves.toMatchObject({ outcome: 'compared' });
  });

  it('a silent camera is unreachable after one resend, and recovers', async () => {
    const { sim, camera } = setup(30);
    sim.side.silent = true;
    await expect(camera.status()).rejects.toMatchObject({ code: 'hardware/timeout' });
    expect(camera.state).toBe('unreachable');
    sim.side.silent = false;
    await camera.status();
    expect(camera.state).toBe('ok');
  });

  it('refuses a reference that is not JP2 (NAK 6) or of an impossible size', async () => {
    const { camera } = setup();
    await expect(camera.loadReference(new Uint8Array(64).fill(0x41))).rejects.toMatchObject({
      details: { code: 6 },
    });
    await expect(camera.loadReference(new Uint8Array(3))).rejects.toMatchObject({
      code: 'hardware/frame-invalid',
    });
  });

  it('a closed port is hardware/port-closed at once', async () => {
    const { camera } = setup();
    await camera.close();
    await expect(camera.loadReference(photo())).rejects.toMatchObject({
      code: 'hardware/port-closed',
    });
  });
});

describe('face camera codec', () => {
  it('property: RESULT round-trips', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...OUTCOMES),
        fc.integer({ min: 0, max: 1000 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 255 }),
        (outcome, score, live, faces) => {
          const back = decodeResult(encodeResult({ outcome, score, live, faces }));
          const compared = outcome === 'compared';
          expect(back).toEqual({
            outcome,
            score: compared ? score : 0,
            live: compared && live,
            faces,
          });
        },
      ),
    );
  });

  it('property: any bytes decode to a value or a typed error, never anything else', () => {
    const decoders = [
      decodeResult,
      decodeStatus,
      decodeChunk,
      decodeCapture,
      (b: Uint8Array) => decodeU32(b, 'x'),
    ];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1100 }), fc.nat(decoders.length - 1), (bytes, i) => {
        try {
          (decoders[i] as (b: Uint8Array) => unknown)(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(HardwareError);
          expect(error).toMatchObject({ code: 'hardware/frame-invalid' });
        }
      }),
    );
  });
});
