import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../shared/clock.ts';
import { silentLogger } from '../../shared/log.ts';
import { FaceCameraSimulator } from '../../hardware/face-camera/simulator.ts';
import { loadCaKeyFile } from '../../reader/mynumber/trust.ts';
import { loadConfig } from '../../kiosk/config/load.ts';
import { cupsPdfOutput } from '../../kiosk/counter/compose-forms.ts';
import { sampleCard } from '../../kiosk/counter/sim-cards.ts';
import { createCounter, type Counter } from '../../kiosk/counter/compose.ts';
import type { CounterService } from '../../kiosk/counter/service.ts';
import type { CounterState } from '../../kiosk/counter/types.ts';
import { waitForState } from '../../kiosk/counter/wait.ts';
import { SAMPLE_RESIDENTS } from '../../kiosk/counter/demo-backend.ts';
import { createCupsPrinter } from '../../kiosk/devices/cups.ts';
import { startPtyPair, type PtyPair } from '../../kiosk/devices/pty.ts';
import { openSerialLink } from '../../kiosk/devices/serial.ts';
import { startBackend, writeDeviceConfig, type BackendProcess } from './backend.ts';
import { TEST_QUEUE } from './cups.ts';
import { startPcscStack, type PcscStack } from './pcsc.ts';

/**
 * A counter through real parts for integration tests: a private pcscd with vpcd readers, the
 * reference backend on loopback with the sample residents and this counter registered, the
 * face camera simulator on the far end of a socat pty, and the cups-pdf test queue.
 */
export interface CounterRig {
  readonly stack: PcscStack;
  readonly backend: BackendProcess;
  readonly camera: FaceCameraSimulator;
  readonly counter: Counter;
  readonly dir: string;
  dispose(): Promise<void>;
}

export async function startCounterRig(deviceId: string): Promise<CounterRig> {
  const dir = mkdtempSync(join(tmpdir(), 'kazasu-counter-it-'));
  // Undone in reverse when a later part fails to start, and by dispose().
  const undo: (() => unknown)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const dispose = async (): Promise<void> => {
    for (const u of undo.splice(0).reverse()) await u();
  };
  try {
    const stack = await startPcscStack();
    undo.push(() => stack.dispose());
    const backend = await startBackend();
    undo.push(() => backend.dispose());
    backend.admin('import', 'residents', '--csv', SAMPLE_RESIDENTS);
    backend.registerDevice(join(dir, 'data'), deviceId, 'counter');
    const pty: PtyPair = await startPtyPair('kazasu-it-camera');
    undo.push(() => pty.stop());
    const camera = new FaceCameraSimulator(await openSerialLink(pty.simulatorPath));
    undo.push(() => camera.close());
    const path = writeDeviceConfig(dir, {
      deviceId,
      role: 'counter',
      url: backend.url,
      publicKeys: [backend.publicKey],
      fleetKeyHex: backend.fleetKeyHex,
      extra: {
        counter: {
          municipalityCode: '012084',
          faceCamera: { path: pty.devicePath },
          lookupTimeoutMs: 1500,
        },
      },
    });
    const counter = await createCounter({
      config: loadConfig(path),
      clock: systemClock,
      logger: silentLogger,
      hub: stack.hub,
      caKeys: loadCaKeyFile('reader/sim/profiles/sim-cv-ca-keys.json'),
      acceptTestCards: true,
      printTarget: {
        kind: 'printer',
        printer: createCupsPrinter({ queue: TEST_QUEUE }),
        findOutput: (jobId) => cupsPdfOutput(TEST_QUEUE, jobId),
      },
    });
    undo.push(() => counter.close());
    return { stack, backend, camera, counter, dir, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/**
 * The text of a printed PDF, as pdftotext lays it out; the file is deleted once read (it is
 * the printed form: synthetic names, but a counter leaves no paper lying about).
 */
export function printedText(path: string): string {
  try {
    return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
  } finally {
    rmSync(path, { force: true });
  }
}

/** Spaces inside names are laid out as runs of spaces: compare without them. */
export const squeeze = (text: string): string => text.replace(/[ \u3000]+/g, '');

export const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * What the counter integration files share around a rig: waiting for the flow's state, and
 * putting the counter back to idle between tests (case closed, readers empty, camera answering
 * with nothing queued).
 */
export function counterKit(rig: () => CounterRig) {
  const service = (): CounterService => rig().counter.service;
  const until = (ok: (s: CounterState) => boolean, what: string): Promise<void> =>
    waitForState(service(), ok, what, 20_000);
  const phase = (p: CounterState['phase']): Promise<void> => until((s) => s.phase === p, p);
  const reset = async (): Promise<void> => {
    if (service().state.phase !== 'idle') service().closeCase();
    await service().settled();
    for (const i of [0, 1]) if (rig().stack.slot(i).slot.card) await rig().stack.remove(i);
    rig().camera.queue.length = 0;
    rig().camera.side.silent = false;
  };
  /** Puts `holder`'s simulated card on `reader` and waits for the method choice. */
  const placeCard = async (
    holder: Parameters<typeof sampleCard>[0],
    reader = 0,
  ): Promise<ReturnType<typeof sampleCard>> => {
    const card = sampleCard(holder);
    await rig().stack.insert(reader, card.card);
    await phase('choosing-method');
    return card;
  };
  return { service, until, phase, reset, placeCard };
}
