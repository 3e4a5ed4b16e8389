/**
 * `kazasu counter demo`: one whole counter case through the real parts, scripted. The sample
 * household's simulated My Number Cards go into pcscd through vsmartcard-vpcd, the face camera
 * simulator sits on the far end of a socat pty, the reference backend runs on loopback with the
 * sample residents, and the forms print on a CUPS queue (the cups-pdf queue Kazasu-PDF) or, with
 * no queue, into a folder. The resident's and staff's actions (PIN, 照合番号B, procedures, review,
 * signature) are given by the script; everything else is the counter as deployed.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import { FaceCameraSimulator } from '../../hardware/face-camera/simulator.ts';
import { loadCaKeyFile } from '../../reader/mynumber/trust.ts';
import { CardSlot } from '../../reader/sim/slot.ts';
import { VpcdBridge } from '../../reader/vpcd/bridge.ts';
import type { ChainReport } from '../audit/chain.ts';
import { loadConfig } from '../config/load.ts';
import { createCupsPrinter } from '../devices/cups.ts';
import { startPtyPair } from '../devices/pty.ts';
import { openSerialLink } from '../devices/serial.ts';
import { loadOrCreateIdentity } from '../store/identity.ts';
import { cupsPdfOutput, type PrintTarget } from './compose-forms.ts';
import { createCounter } from './compose.ts';
import { startDemoBackend, type DemoBackend } from './demo-backend.ts';
import { sampleCard, type SampleCard } from './sim-cards.ts';
import type { ChosenProcedure } from './types.ts';
import { describeView, waitForState } from './wait.ts';

const SIM_CA_KEYS = new URL('../../reader/sim/profiles/sim-cv-ca-keys.json', import.meta.url)
  .pathname;
const DEVICE_ID = 'counter-demo-01';
export const DEMO_MUNICIPALITY = '012084'; // 北見市, whose templates kiosk/forms ships

export interface DemoOptions {
  readonly dir: string;
  readonly vpcdHost: string;
  readonly vpcdPort: number;
  readonly method: 'pin' | 'face';
  readonly household: boolean;
  /** No backend: the look-ups are pending and the My Numbers deferred. */
  readonly offline: boolean;
  /** A CUPS queue; undefined: the PDF is written into `dir`. */
  readonly queue: string | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly say: (line: string) => void;
  readonly stepTimeoutMs?: number;
}

export interface DemoResult {
  readonly caseId: string;
  readonly pdf?: string;
  readonly jobId?: string;
  readonly printError?: string;
  readonly persons: number;
  readonly procedures: readonly string[];
  readonly audit: ChainReport;
  readonly auditDb: string;
  readonly heldBytesAfterClose: number;
}

/** What the staff type on the review screen for the three forms. */
const STAFF_INPUTS: Readonly<Record<string, string>> = {
  relation: '本人',
  certificate: '住民票の写し',
  copies: '1',
  items: '世帯全員・続柄あり',
  purpose: '勤務先提出のため',
  'move-date': '2026-12-01',
  'new-address': '北海道北見市高栄西町１０丁目３番地２５',
  'new-householder': '黒桐　幹也',
  phone: '0157-00-0000',
  domicile: '東京都清瀬市',
  'domicile-head': '黒桐　幹也',
  'acquired-on': '2026-12-01',
  reason: '転入',
  'previous-insurance': '全国健康保険協会',
};

async function writeConfig(
  o: DemoOptions,
  backend: DemoBackend | undefined,
  cameraPath: string,
): Promise<string> {
  const path = join(o.dir, 'device.json');
  const unreachable = 'http://127.0.0.1:9'; // the discard port: nothing listens
  writeFileSync(
    path,
    JSON.stringify(
      {
        deviceId: DEVICE_ID,
        role: 'counter',
        dataDir: 'device',
        backend: {
          url: backend?.url ?? unreachable,
          publicKeys: [backend?.publicKey ?? randomBytes(32).toString('base64')],
          timeoutMs: 3000,
        },
        counter: {
          municipalityCode: DEMO_MUNICIPALITY,
          faceCamera: { path: cameraPath },
          lookupTimeoutMs: 1500,
        },
      },
      null,
      2,
    ),
  );
  return Promise.resolve(path);
}

export async function runCounterDemo(o: DemoOptions): Promise<DemoResult> {
  const wait = o.stepTimeoutMs ?? 20_000;
  const cleanups: (() => unknown)[] = [];
  try {
    const identity = loadOrCreateIdentity(join(o.dir, 'device'), DEVICE_ID);
    let backend: DemoBackend | undefined;
    if (!o.offline) {
      o.say('starting the reference backend with the sample residents');
      backend = await startDemoBackend(join(o.dir, 'backend'), {
        id: DEVICE_ID,
        publicKey: identity.publicKey,
      });
      cleanups.push(() => backend?.stop());
    }
    const pty = await startPtyPair('kazasu-camera');
    cleanups.push(() => pty.stop());
    const camera = new FaceCameraSimulator(await openSerialLink(pty.simulatorPath));
    cleanups.push(() => camera.close());
    const config = loadConfig(await writeConfig(o, backend, pty.devicePath));
    const queue = o.queue;
    const printTarget: PrintTarget = queue
      ? {
          kind: 'printer',
          printer: createCupsPrinter({ queue }),
          findOutput: (id) => cupsPdfOutput(queue, id),
        }
      : { kind: 'directory', dir: join(o.dir, 'printed') };
    const counter = await createCounter({
      config,
      clock: o.clock,
      logger: o.logger,
      printTarget,
      caKeys: loadCaKeyFile(SIM_CA_KEYS),
      acceptTestCards: true,
    });
    cleanups.push(() => counter.close());
    const { service } = counter;
    let last = '';
    service.onChange((v) => {
      const line = describeView(v);
      if (line !== last) o.say(`  ${line}`);
      last = line;
    });
    const slot = new CardSlot('demo');
    const bridge = new VpcdBridge(slot, { host: o.vpcdHost, port: o.vpcdPort, reconnectMs: 100 });
    bridge.start();
    cleanups.push(() => bridge.stop());

    const caseId = service.openCase();
    o.say(`case ${caseId} opened`);
    const cards: SampleCard[] = [
      sampleCard('mikiya'),
      ...(o.household ? [sampleCard('azaka')] : []),
    ];
    const place = async (card: SampleCard, what: string): Promise<void> => {
      if (slot.card) {
        slot.remove();
        await waitForState(service, (s) => !s.attempt, 'the card to leave', wait);
      }
      o.say(`placing ${what}`);
      slot.insert(card.card);
    };
    const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
    for (const [i, card] of cards.entries()) {
      await place(card, `the card of person p${i + 1}`);
      await waitForState(
        service,
        (s) => s.phase === 'choosing-method',
        'the card to be probed',
        wait,
      );
      if (o.method === 'face') {
        service.chooseMethod('face');
        service.enterCodeB(ascii(card.codeB));
      } else {
        service.chooseMethod('pin');
        service.enterPin(ascii(card.pin));
      }
      await waitForState(service, (s) => s.phase === 'consent', 'the verified read', wait);
      o.say(`  p${i + 1} agrees to the resident look-up`);
      service.answerConsent('agreed');
      await waitForState(
        service,
        (s) => s.phase === 'person-ready' && s.persons.length === i + 1,
        'the read and look-up',
        wait,
      );
    }
    const everyone = cards.map((_, i) => `p${i + 1}`);
    const procedures: ChosenProcedure[] = [
      { id: 'juminhyo-request', persons: ['p1'] },
      { id: 'moving-in', persons: everyone },
      { id: 'nhi-enrolment', persons: everyone },
    ];
    o.say(`procedures: ${procedures.map((p) => p.id).join(', ')}`);
    service.chooseProcedures(procedures, { case: STAFF_INPUTS });
    // 個人番号利用事務: each person's My Number, from their own card, with their PIN.
    for (;;) {
      await waitForState(
        service,
        (s) => s.phase !== 'filling-forms' || s.myNumberQueue.length > 0,
        'the next step',
        wait,
      );
      if (service.state.phase !== 'my-number') break;
      const person = service.state.myNumberQueue[0] as string;
      const card = cards[Number(person.slice(1)) - 1] as SampleCard;
      if (o.offline) {
        service.deferMyNumber(person);
        continue;
      }
      if (service.state.attempt?.person !== person) {
        await place(card, `the card of ${person} again, for the My Number`);
        await waitForState(
          service,
          (s) => s.attempt?.person === person,
          'the card for the My Number',
          wait,
        );
      }
      service.enterPin(ascii(card.pin));
      await waitForState(
        service,
        (s) => s.phase !== 'reading-my-number' && s.myNumberQueue[0] !== person,
        'the My Number',
        wait,
      );
    }
    await waitForState(service, (s) => s.phase === 'review', 'the forms', wait);
    const review = service.view().review;
    o.say(
      `review: ${review?.forms.length ?? 0} forms, ${review?.pages ?? 0} pages, ${review?.flags.filter((f) => f.needsAcceptance).length ?? 0} flags to accept`,
    );
    service.confirmReview(true);
    await waitForState(
      service,
      (s) => s.phase === 'awaiting-signature' || s.phase === 'print-failed',
      'the print',
      60_000,
    );
    const printed = service.view().printed;
    if (service.state.phase === 'awaiting-signature') service.markSigned();
    service.closeCase();
    await service.settled();
    const auditDb = join(config.dataDir, 'kazasu.db');
    return {
      caseId,
      ...(printed?.ok && printed.output ? { pdf: printed.output } : {}),
      ...(printed?.jobId ? { jobId: printed.jobId } : {}),
      ...(printed && !printed.ok ? { printError: printed.code } : {}),
      persons: cards.length,
      procedures: procedures.map((p) => p.id),
      audit: counter.audit.verify(),
      auditDb,
      heldBytesAfterClose: service.heldBytes,
    };
  } finally {
    for (const c of cleanups.reverse()) await c();
  }
}
