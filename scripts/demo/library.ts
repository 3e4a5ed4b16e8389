// The library self-checkout's peripherals in `npm start`, all real protocol stacks:
//   - the library system: the SIP2 simulator (kiosk/library/sip2/sim) in this process on a TCP
//     port, Shift_JIS on the wire, with fictitious patrons and public-domain Japanese titles;
//   - the ESC/POS receipt printer simulator on a socat pty; what it prints goes to stdout;
//   - the barcode scanner: an injected HID transport that `demo.scan` feeds with the USB HID
//     keyboard reports a keyboard-wedge scanner sends;
//   - the patrons dataset: a linkage CSV as a library would export it, imported by the backend.
import type { ScanCodeSchema } from '../../shared/contracts/ui/library.ts';
import { LIBRARY_DEMO_METHODS } from '../../shared/contracts/ui/library.ts';
import type { Logger } from '../../shared/log.ts';
import { HidError } from '../../hardware/hid/errors.ts';
import { reportsForText } from '../../hardware/hid/keyboard.ts';
import { FedHidTransport } from '../../hardware/hid/transport.ts';
import { ReceiptPrinterSimulator } from '../../hardware/receipt-printer/simulator.ts';
import { startPtyPair, type PtyPair } from '../../kiosk/devices/pty.ts';
import { openSerialLink } from '../../kiosk/devices/serial.ts';
import { SIM } from '../../kiosk/library/sip2/sim/data.ts';
import { startSip2Simulator, type Sip2Simulator } from '../../kiosk/library/sip2/sim/server.ts';
import type { RoleFactory } from '../../kiosk/service/compose.ts';
import { libraryRoleFactory } from '../../kiosk/service/library-role.ts';
import type { LocalApi } from '../../kiosk/service/local-api.ts';
import { DEMO_IDM } from './cards.ts';
import type { z } from 'zod';

const BAUD = 38_400;

export class DemoLibrary {
  private scanner: FedHidTransport | undefined;

  private constructor(
    private readonly sim: Sip2Simulator,
    private readonly pty: PtyPair,
    private readonly printer: ReceiptPrinterSimulator,
  ) {}

  static async start(say: (line: string) => void, logger: Logger): Promise<DemoLibrary> {
    const sim = await startSip2Simulator({ charset: 'shift_jis', logger });
    const pty = await startPtyPair('kazasu-demo-receipt');
    const printer = new ReceiptPrinterSimulator(await openSerialLink(pty.simulatorPath, BAUD));
    printer.onReceipt((r) => {
      say('receipt printer: ┌─ レシート / receipt ───────────────');
      for (const line of r.lines) say(`receipt printer: │ ${line}`);
      say(`receipt printer: └─${r.cut ? ' (cut)' : ' (paper ran out)'}`);
    });
    return new DemoLibrary(sim, pty, printer);
  }

  /** The `library` section of the demo device config. */
  configSection(readers: readonly string[]): Record<string, unknown> {
    return {
      sip2: {
        host: this.sim.host,
        port: this.sim.port,
        charset: 'shift_jis',
        institutionId: SIM.institution,
        login: SIM.login,
        timeoutMs: 1000,
        retries: 1,
      },
      printer: { path: this.pty.devicePath, baudRate: BAUD, columns: 48 },
      libraryName: 'かざす市立中央図書館',
      readers,
      acceptIcCard: true,
      acceptMyNumberCard: false,
      showPatronName: true,
      idleTimeoutSeconds: 60,
      offline: { enabled: true, loanDays: 14, maxItems: 5 },
    };
  }

  /**
   * The card linkage the library exports (`npm run backend -- import patrons`): the name column
   * is there as in a real export, and the import drops it. The demo's unregistered transit card
   * is linked to patron L0005, who has こころ waiting on the hold shelf.
   */
  static patronsCsv(): string {
    const p = SIM.patrons;
    return [
      '氏名,カード種別,カード番号,利用者番号,貸出停止,停止理由',
      `図書 花子,図書館カード,${p.ok},${p.ok},いいえ,`,
      `延滞 太郎,図書館カード,${p.fines},${p.fines},はい,延滞`,
      `紛失 次郎,図書館カード,${p.cardLost},${p.cardLost},はい,紛失`,
      `上限 三郎,図書館カード,${p.atLimit},${p.atLimit},いいえ,`,
      `予約 四季,交通系IC,${DEMO_IDM.rider},${p.second},いいえ,`,
    ].join('\n');
  }

  /** The library role with the demo's scanner in place of node-hid. */
  roleFactory(): RoleFactory {
    return libraryRoleFactory({
      openScanner: () => {
        this.scanner = new FedHidTransport('hid:demo-scanner');
        return Promise.resolve(this.scanner);
      },
    });
  }

  /** Registers `demo.scan` and `demo.libraryFault` (demo-only) on a service's API. */
  register(api: LocalApi): void {
    api.method('demo.scan', LIBRARY_DEMO_METHODS['demo.scan'], ({ code }) => this.scan(code), {
      demoOnly: true,
    });
    api.method(
      'demo.libraryFault',
      LIBRARY_DEMO_METHODS['demo.libraryFault'],
      async ({ fault }) => {
        switch (fault) {
          case 'paper-out':
            this.printer.runOutOfPaper();
            break;
          case 'paper-loaded':
            this.printer.loadPaper();
            break;
          case 'system-offline':
            await this.sim.stop();
            break;
          case 'system-online':
            await this.sim.start();
            break;
        }
        return { fault };
      },
      { demoOnly: true },
    );
  }

  private scan(code: z.output<typeof ScanCodeSchema>): { code: string } {
    const s = this.scanner;
    if (!s?.isOpen)
      throw new HidError('hid/unavailable', 'the library scanner runs only in the library role');
    s.feedAll(reportsForText(code));
    return { code };
  }

  async stop(): Promise<void> {
    await this.sim.stop();
    await this.printer.close();
    await this.pty.stop();
  }
}
