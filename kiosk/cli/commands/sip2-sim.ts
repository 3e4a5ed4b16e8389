import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SIP2_CHARSETS, type Sip2Charset } from '../../library/sip2/charset.ts';
import { defaultLibraryData } from '../../library/sip2/sim/data.ts';
import { SimulatedLibrary } from '../../library/sip2/sim/library.ts';
import { startSip2Simulator } from '../../library/sip2/sim/server.ts';
import { UsageError, type CliContext } from '../context.ts';

export const sip2SimHelp = `kazasu sip2 sim [--host H] [--port N] [--charset utf-8|shift_jis] [--no-checksum]
                [--drop-rate R] [--corrupt-rate R] [--delay-ms N] [--tls-key FILE --tls-cert FILE]
                [--items N] [--loan-limit N] [--offline]
  A simulated library system (SIP2 ACS) on a TCP port, until Ctrl-C: patrons L0001 (may borrow),
  L0002 (fines), L0003 (card reported lost), L0004 (at the loan limit), L0005; items
  3000000001–3000000007 (one on hold, two on loan, one lost) and --items more (3100000000…);
  --loan-limit sets the default loan limit (10). Faults: answers
  dropped or sent with a wrong checksum with the given probability, each answer delayed;
  --offline answers "on-line status N". Prints {"listening":{"host":…,"port":…}} when ready.
  Terminal login: kiosk-01 / sip-secret.`;

const rate = (v: string | undefined): number => {
  const n = Number(v ?? 0);
  if (!(n >= 0 && n <= 1)) throw new UsageError('rates are between 0 and 1');
  return n;
};

export async function sip2SimCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '6001' },
      charset: { type: 'string', default: 'utf-8' },
      'no-checksum': { type: 'boolean' },
      'drop-rate': { type: 'string' },
      'corrupt-rate': { type: 'string' },
      'delay-ms': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-cert': { type: 'string' },
      items: { type: 'string', default: '0' },
      'loan-limit': { type: 'string' },
      offline: { type: 'boolean' },
    },
    strict: true,
  });
  if (!(SIP2_CHARSETS as readonly string[]).includes(values.charset)) {
    throw new UsageError(`--charset is one of ${SIP2_CHARSETS.join(', ')}`);
  }
  if ((values['tls-key'] === undefined) !== (values['tls-cert'] === undefined)) {
    throw new UsageError('--tls-key and --tls-cert go together');
  }
  const data = defaultLibraryData(Number(values.items));
  const limit =
    values['loan-limit'] === undefined ? data.defaultLoanLimit : Number(values['loan-limit']);
  const library = new SimulatedLibrary({ ...data, defaultLoanLimit: limit });
  library.online = !values.offline;
  const sim = await startSip2Simulator({
    host: values.host,
    port: Number(values.port),
    charset: values.charset as Sip2Charset,
    errorDetection: !values['no-checksum'],
    library,
    faults: {
      dropRate: rate(values['drop-rate']),
      corruptRate: rate(values['corrupt-rate']),
      delayMs: Number(values['delay-ms'] ?? 0),
    },
    ...(values['tls-key'] && values['tls-cert']
      ? {
          tls: {
            key: readFileSync(values['tls-key'], 'utf8'),
            cert: readFileSync(values['tls-cert'], 'utf8'),
          },
        }
      : {}),
    logger: ctx.logger,
  });
  ctx.out(
    JSON.stringify({
      listening: { host: sim.host, port: sim.port, tls: values['tls-key'] !== undefined },
    }),
  );
  await ctx.interrupted;
  await sim.stop();
  ctx.err(`kazasu sip2 sim: ${library.checkouts.length} checkouts received`);
  return 0;
}
