import { parseArgs } from 'node:util';
import { serializeError } from '../../../shared/errors.ts';
import { ReaderError } from '../../../reader/errors.ts';
import type { ReaderHub } from '../../../reader/hub.ts';
import { defaultCaKeySet } from '../../../reader/mynumber/ca-keys.ts';
import {
  readTextAp,
  type TextCredential,
  type TextRead,
} from '../../../reader/mynumber/text-ap.ts';
import { loadCaKeyFile } from '../../../reader/mynumber/trust.ts';
import { isProven } from '../../../reader/mynumber/verify.ts';
import { withCard } from '../card-session.ts';
import { UsageError, type CliContext } from '../context.ts';
import { readSecretFromStdin } from '../secret-input.ts';

export const cardReadHelp = `kazasu card read (--pin-stdin | --code-b DIGITS) [--json] [--ca-keys FILE] [--accept-test-cards]
                [--my-number] [--confirm-last-try] [--reader NAME] [--wait SECONDS]
  Reads the basic four (name, address, birth date, sex) from the My Number Card's text AP and
  proves them genuine offline: the CV certificate against the CA keys (default: the J-LIS keys
  shipped in reader/mynumber/trust; --ca-keys FILE in the format of jlis-cv-ca-keys.json), the
  integrity record and its digests, and a card-present challenge.
  --pin-stdin   the 4-digit PIN from standard input (never from the command line)
  --code-b      照合番号B: birth date (Japanese era YYMMDD) + expiry year + security code
  --my-number   also read the My Number (個人番号利用事務 only; needs the PIN)
  --confirm-last-try  the holder agreed to use the last try
  Exit 0: read and proven; 3: read, not proven (the JSON says which check failed);
  4: PIN problem ({"error":{"code":"reader/pin-wrong","triesLeft":n}}, reader/pin-blocked,
  reader/pin-last-try, reader/pin-invalid); 1: any other failure, with its error code.`;

const PIN_CODES = new Set([
  'reader/pin-wrong',
  'reader/pin-blocked',
  'reader/pin-last-try',
  'reader/pin-invalid',
]);

export const EXIT = { OK: 0, FAILED: 1, NOT_PROVEN: 3, PIN: 4 } as const;

/** The JSON of a read, in the documented field order. */
export function readJson(r: TextRead): Record<string, unknown> {
  const v = r.verification;
  return {
    name: r.name,
    address: r.address,
    birthDate: r.birthDate,
    sex: r.sex,
    ...(r.myNumber !== undefined ? { myNumber: r.myNumber } : {}),
    verification: {
      certificate: v.certificate,
      integrity: v.integrity,
      presence: v.presence,
      ...(v.reasons.length > 0 ? { reasons: v.reasons } : {}),
    },
  };
}

/** `{"error":{"code","message","triesLeft"?}}` and the exit code for a failure. */
export function failure(error: unknown): {
  json: { error: Record<string, unknown> };
  code: number;
} {
  const s = serializeError(error);
  const triesLeft = error instanceof ReaderError ? error.details['triesLeft'] : undefined;
  return {
    json: {
      error: {
        code: s.code,
        message: s.message,
        ...(typeof triesLeft === 'number' ? { triesLeft } : {}),
      },
    },
    code: PIN_CODES.has(s.code) ? EXIT.PIN : EXIT.FAILED,
  };
}

export async function cardReadCommand(
  argv: string[],
  ctx: CliContext,
  hub: ReaderHub,
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'pin-stdin': { type: 'boolean' },
      'code-b': { type: 'string' },
      json: { type: 'boolean' },
      'ca-keys': { type: 'string' },
      'accept-test-cards': { type: 'boolean' },
      'my-number': { type: 'boolean' },
      'confirm-last-try': { type: 'boolean' },
      reader: { type: 'string' },
      wait: { type: 'string' },
    },
    strict: true,
  });
  if (Boolean(values['pin-stdin']) === (values['code-b'] !== undefined)) {
    throw new UsageError('give exactly one of --pin-stdin and --code-b');
  }
  const report = (json: unknown, human: string): void =>
    values.json ? ctx.out(JSON.stringify(json)) : ctx.out(human);
  let credential: TextCredential | undefined;
  try {
    const caKeys = values['ca-keys'] ? loadCaKeyFile(values['ca-keys']) : defaultCaKeySet();
    credential = values['pin-stdin']
      ? { kind: 'pin', secret: await readSecretFromStdin('PIN (4 digits): ') }
      : { kind: 'code-b', secret: new TextEncoder().encode(values['code-b'] ?? '') };
    const cred = credential;
    const read = await withCard(hub, ctx, values, (channel) =>
      readTextAp(channel, {
        credential: cred,
        caKeys,
        acceptTestCards: values['accept-test-cards'] === true,
        readMyNumber: values['my-number'] === true,
        confirmLastTry: values['confirm-last-try'] === true,
      }),
    );
    const proven = isProven(read.verification);
    const v = read.verification;
    report(
      readJson(read),
      [
        `氏名 ${read.name}`,
        `住所 ${read.address}`,
        `生年月日 ${read.birthDate}  性別 ${read.sex}`,
        ...(read.myNumber ? [`個人番号 ${read.myNumber}`] : []),
        `certificate ${v.certificate}, integrity ${v.integrity}, presence ${v.presence}${v.reasons.length ? ` (${v.reasons.join(', ')})` : ''}`,
      ].join('\n'),
    );
    return proven ? EXIT.OK : EXIT.NOT_PROVEN;
  } catch (error) {
    const f = failure(error);
    if (values.json) ctx.out(JSON.stringify(f.json));
    else
      ctx.err(
        `kazasu card read: ${String(f.json.error['code'])}: ${String(f.json.error['message'])}`,
      );
    return f.code;
  } finally {
    credential?.secret.fill(0);
  }
}
