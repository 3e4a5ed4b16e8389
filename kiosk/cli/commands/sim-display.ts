import { parseArgs } from 'node:util';
import { ValidatorDisplaySimulator } from '../../../hardware/validator-display/simulator.ts';
import { startPtyPair, type PtyPair } from '../../devices/pty.ts';
import { openSerialLink } from '../../devices/serial.ts';
import type { CliContext } from '../context.ts';

export const simDisplayHelp = `kazasu sim display [--port PATH] [--json]
  A simulated validator display unit (hardware/validator-display/PROTOCOL.md) on a serial
  line. Without --port it makes a socat pty pair and prints the path to give the validator
  (config validator.display.path); with --port it holds that end of an existing line. Every
  change it makes (text, LED, beep) is printed, as JSON lines with --json, until Ctrl-C.`;

export async function simDisplayCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  let pty: PtyPair | undefined;
  let path = values.port;
  if (path === undefined) {
    pty = await startPtyPair('kazasu-display');
    path = pty.simulatorPath;
    ctx.err(`simulated display ready: give the validator the port ${pty.devicePath}`);
  }
  const simulator = new ValidatorDisplaySimulator(await openSerialLink(path));
  simulator.onRecord((r) => {
    if (values.json) {
      ctx.out(JSON.stringify({ ...r, at: new Date(r.at).toISOString() }));
      return;
    }
    const time = new Date(r.at).toTimeString().slice(0, 8);
    switch (r.kind) {
      case 'show':
        ctx.out(
          `${time} ┃ ${r.lines[0]}\n${time} ┃ ${r.lines[1]}${r.emphasised ? '  (emphasised)' : ''}`,
        );
        break;
      case 'clear':
        ctx.out(`${time} ┃ (cleared)`);
        break;
      case 'led':
        ctx.out(`${time}   LED ${r.colour}${r.blink ? ' blinking' : ''}`);
        break;
      case 'beep':
        ctx.out(`${time}   beep: ${r.pattern}`);
        break;
    }
  });
  await ctx.interrupted;
  await simulator.close();
  await pty?.stop();
  return 0;
}
