import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ReaderHub } from '../../../reader/hub.ts';
import { selectApplication, type ApplicationName } from '../../../reader/mynumber/applications.ts';
import {
  credentialStatus,
  type CredentialKind,
  type CredentialStatus,
} from '../../../reader/mynumber/credentials.ts';
import { checkAuthCertificate, readAuthCertificate } from '../../../reader/mynumber/jpki-ap.ts';
import { readCardFace } from '../../../reader/mynumber/surface-ap.ts';
import { loadJpkiRoots } from '../../../reader/mynumber/trust.ts';
import { withCard } from '../card-session.ts';
import { UsageError, type CliContext } from '../context.ts';
import { failure } from './card-read.ts';

/** Operator checks of a My Number Card: try counters, the card face photo, the auth certificate. */
export const cardRetriesHelp = `kazasu card retries [--json] [--reader NAME]
  Tries left for the text AP PIN, the JPKI user-authentication PIN and the signing password,
  read without spending any: {"reader":...,"tries":{"text-pin":{"state":"ready","triesLeft":3},...}}.`;

export const cardPhotoHelp = `kazasu card photo --code-b DIGITS -o FILE [--json] [--reader NAME]
  Opens the surface AP with 照合番号B and writes the face photo (JPEG 2000, .jp2) to FILE
  (mode 0600), with the issuing municipality's code and the card's expiry date.`;

export const cardAuthCertHelp = `kazasu card auth-cert -o FILE [--json] [--jpki-roots DIR] [--reader NAME]
  Writes the JPKI user-authentication certificate (DER; no PIN needed, it holds no name or
  address) and checks its chain to the J-LIS roots (default reader/mynumber/trust/jpki-roots;
  --jpki-roots DIR of .pem files) and its validity dates today.`;

const COUNTERS: readonly { app: ApplicationName; kind: CredentialKind }[] = [
  { app: 'TEXT', kind: 'text-pin' },
  { app: 'JPKI', kind: 'jpki-auth-pin' },
  { app: 'JPKI', kind: 'jpki-sign-password' },
];

function fail(error: unknown, json: boolean, ctx: CliContext, command: string): number {
  const f = failure(error);
  if (json) ctx.out(JSON.stringify(f.json));
  else
    ctx.err(
      `kazasu ${command}: ${String(f.json.error['code'])}: ${String(f.json.error['message'])}`,
    );
  return f.code;
}

export async function cardRetriesCommand(
  argv: string[],
  ctx: CliContext,
  hub: ReaderHub,
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, reader: { type: 'string' } },
    strict: true,
  });
  try {
    const { reader, tries } = await withCard(hub, ctx, values, async (channel, name) => {
      const out: Partial<Record<CredentialKind, CredentialStatus>> = {};
      for (const c of COUNTERS) {
        await selectApplication(channel, c.app);
        out[c.kind] = await credentialStatus(channel, c.kind);
      }
      return { reader: name, tries: out };
    });
    if (values.json) ctx.out(JSON.stringify({ reader, tries }));
    else {
      for (const [kind, s] of Object.entries(tries)) {
        ctx.out(`${kind}: ${s.state === 'ready' ? `${s.triesLeft} tries left` : s.state}`);
      }
    }
    return 0;
  } catch (error) {
    return fail(error, values.json === true, ctx, 'card retries');
  }
}

export async function cardPhotoCommand(
  argv: string[],
  ctx: CliContext,
  hub: ReaderHub,
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'code-b': { type: 'string' },
      output: { type: 'string', short: 'o' },
      json: { type: 'boolean' },
      reader: { type: 'string' },
      'confirm-last-try': { type: 'boolean' },
    },
    strict: true,
  });
  if (!values['code-b'] || !values.output)
    throw new UsageError('--code-b DIGITS and -o FILE are needed');
  const codeB = new TextEncoder().encode(values['code-b']);
  try {
    const face = await withCard(hub, ctx, values, (channel) =>
      readCardFace(channel, codeB, { confirmLastTry: values['confirm-last-try'] === true }),
    );
    writeFileSync(values.output, face.photo, { mode: 0o600 });
    const summary = {
      photo: values.output,
      bytes: face.photo.length,
      municipalityCode: face.municipalityCode,
      expiryDate: face.expiryDate,
    };
    ctx.out(
      values.json
        ? JSON.stringify(summary)
        : `wrote ${summary.photo} (${summary.bytes} bytes, JPEG 2000); municipality ${summary.municipalityCode}, card valid until ${summary.expiryDate}`,
    );
    face.photo.fill(0);
    return 0;
  } catch (error) {
    return fail(error, values.json === true, ctx, 'card photo');
  } finally {
    codeB.fill(0);
  }
}

export async function cardAuthCertCommand(
  argv: string[],
  ctx: CliContext,
  hub: ReaderHub,
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      output: { type: 'string', short: 'o' },
      json: { type: 'boolean' },
      'jpki-roots': { type: 'string' },
      reader: { type: 'string' },
    },
    strict: true,
  });
  if (!values.output) throw new UsageError('-o FILE is needed');
  try {
    const roots = loadJpkiRoots(values['jpki-roots']);
    const der = await withCard(
      hub,
      ctx,
      values,
      (channel) => readAuthCertificate(channel),
      'leave',
    );
    writeFileSync(values.output, der);
    const check = checkAuthCertificate(der, roots, new Date());
    const { serial: _cardKey, ...shown } = check; // the serial is a card identifier: not printed
    const summary = {
      certificate: values.output,
      bytes: der.length,
      chain: shown.status,
      ...shown,
    };
    ctx.out(
      values.json
        ? JSON.stringify(summary)
        : `wrote ${values.output} (${der.length} bytes); chain: ${check.status}${check.root ? ` to ${check.root}` : ''}; valid ${check.notBefore ?? '?'} .. ${check.notAfter ?? '?'}`,
    );
    return check.status === 'valid' ? 0 : 3;
  } catch (error) {
    return fail(error, values.json === true, ctx, 'card auth-cert');
  }
}
