// The write-less counter's peripherals in `npm start`, all real protocol stacks:
//   - the resident register: the sample residents (kiosk/counter/demo-backend.ts, the holders
//     of the simulated My Number Cards in reader/sim/profiles) imported into the demo's
//     reference backend, which `demo.backend` stops and starts again (the offline path);
//   - the face-auth camera: its simulator on the far end of a socat pty, the driver on the
//     near end; `demo.camera` chooses what it sees (a match, someone else, a photo, nobody);
//   - the printer: the Kazasu-PDF cups-pdf queue (scripts/bootstrap.js), whose PDF path is
//     printed here when a job is done;
//   - the card keys: the simulator's CA keys, trusted explicitly (production trusts J-LIS only).
import type { z } from 'zod';
import { GOOD_MATCH, FaceCameraSimulator } from '../../hardware/face-camera/simulator.ts';
import type { SimulatedCapture } from '../../hardware/face-camera/simulator.ts';
import { loadCaKeyFile } from '../../reader/mynumber/trust.ts';
import { COUNTER_DEMO_METHODS } from '../../shared/contracts/ui/counter.ts';
import { SAMPLE_RESIDENTS } from '../../kiosk/counter/demo-backend.ts';
import { DEMO_QUEUE } from '../../kiosk/devices/cups.ts';
import { startPtyPair, type PtyPair } from '../../kiosk/devices/pty.ts';
import { openSerialLink } from '../../kiosk/devices/serial.ts';
import type { RoleFactory } from '../../kiosk/service/compose.ts';
import { counterRoleFactory } from '../../kiosk/service/counter-role.ts';
import type { LocalApi } from '../../kiosk/service/local-api.ts';
import type { BackendProcess } from '../lib/backend-process.ts';

const SIM_CA_KEYS = new URL('../../reader/sim/profiles/sim-cv-ca-keys.json', import.meta.url)
  .pathname;
/** 北見市: the municipality whose form templates kiosk/forms ships. */
const MUNICIPALITY = '012084';
const CAPTURE_MS = 1500;

type Outcome = z.output<(typeof COUNTER_DEMO_METHODS)['demo.camera']>['outcome'];
/** What the simulated camera sees for each demo panel button (scores out of 1000). */
const CAPTURES: Readonly<Record<Outcome, SimulatedCapture>> = {
  match: GOOD_MATCH,
  'no-match': { outcome: 'compared', score: 310, live: true },
  'not-live': { outcome: 'compared', score: 940, live: false },
  'no-face': { outcome: 'no-face' },
};

export class DemoCounter {
  private backendUp = true;

  private constructor(
    private readonly backend: BackendProcess,
    private readonly pty: PtyPair,
    private readonly camera: FaceCameraSimulator,
    private readonly say: (line: string) => void,
  ) {}

  static async start(backend: BackendProcess, say: (line: string) => void): Promise<DemoCounter> {
    backend.admin('import', 'residents', '--csv', SAMPLE_RESIDENTS);
    const pty = await startPtyPair('kazasu-demo-camera');
    const camera = new FaceCameraSimulator(await openSerialLink(pty.simulatorPath));
    // A real unit looks for a face for a second or two: long enough to see the framing prompt.
    camera.captureMs = CAPTURE_MS;
    return new DemoCounter(backend, pty, camera, say);
  }

  /** The `counter` section of the demo device config. */
  configSection(): Record<string, unknown> {
    return {
      municipalityCode: MUNICIPALITY,
      faceCamera: { path: this.pty.devicePath },
      printerQueue: DEMO_QUEUE,
      lookupTimeoutMs: 1500,
    };
  }

  /** The counter role, trusting the simulated cards and saying where each print went. */
  roleFactory(): RoleFactory {
    return counterRoleFactory({
      caKeys: loadCaKeyFile(SIM_CA_KEYS),
      acceptTestCards: true,
      checkEveryMs: 2000,
      onPrinted: (o) =>
        this.say(
          o.ok
            ? `printed (job ${o.jobId}): ${o.output ?? 'no file'}`
            : `print failed (${o.code}${o.jobId ? `, job ${o.jobId}` : ''})`,
        ),
    });
  }

  /** Registers `demo.camera` and `demo.backend` (demo-only) on a service's API. */
  register(api: LocalApi): void {
    api.method(
      'demo.camera',
      COUNTER_DEMO_METHODS['demo.camera'],
      ({ outcome }) => {
        this.camera.queue.length = 0;
        this.camera.otherwise = CAPTURES[outcome];
        return { outcome };
      },
      { demoOnly: true },
    );
    api.method(
      'demo.backend',
      COUNTER_DEMO_METHODS['demo.backend'],
      async ({ online }) => {
        if (online === this.backendUp) return { online };
        if (online) await this.backend.start();
        else await this.backend.stop();
        this.backendUp = online;
        this.say(`reference backend ${online ? 'started again' : 'stopped'}`);
        return { online };
      },
      { demoOnly: true },
    );
  }

  async stop(): Promise<void> {
    await this.camera.close();
    await this.pty.stop();
  }
}
