/**
 * The composition root for the library system: the SIP2 client over TCP or TLS to the host the
 * device config names (`library.sip2`), as the LibrarySystem the self-checkout uses. Shared by
 * `kazasu library` and the kiosk service's library role.
 */
import { readFileSync } from 'node:fs';
import type { LibraryConfig } from '../../shared/config/library.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import { Sip2LibrarySystem } from '../library/library-system.ts';
import { Sip2Client } from '../library/sip2/client.ts';
import { sip2Connector, type Sip2Endpoint } from './sip2-socket.ts';

function tlsOf(tls: LibraryConfig['sip2']['tls']): Sip2Endpoint['tls'] {
  if (tls === false) return undefined;
  if (tls === true) return {};
  return {
    ca: tls.caFile ? readFileSync(tls.caFile, 'utf8') : undefined,
    serverName: tls.serverName,
    insecure: tls.insecure,
  };
}

/** The SIP2 client and library system the config describes. */
export function librarySystemOf(
  l: LibraryConfig,
  logger: Logger,
  clock: Clock = systemClock,
): Sip2LibrarySystem {
  const client = new Sip2Client({
    connect: sip2Connector({ host: l.sip2.host, port: l.sip2.port, tls: tlsOf(l.sip2.tls) }),
    charset: l.sip2.charset,
    errorDetection: l.sip2.errorDetection,
    timeoutMs: l.sip2.timeoutMs,
    retries: l.sip2.retries,
    login: l.sip2.login,
    logger,
  });
  return new Sip2LibrarySystem(client, {
    institutionId: l.sip2.institutionId,
    terminalPassword: l.sip2.terminalPassword,
    utcOffsetMinutes: l.utcOffsetMinutes,
    printWidth: l.printer?.columns ?? 48,
    clock,
  });
}
