/**
 * The self-checkout's service options that come straight from the device config's `library`
 * section (shared/config/library.ts), for every composition that runs the service: the
 * headless `kazasu library` and the kiosk service's library role.
 */
import type { LibraryConfig } from '../../shared/config/library.ts';
import type { LibraryServiceOptions } from './service.ts';

/** Receipt width when no printer is configured (80 mm paper). */
const DEFAULT_COLUMNS = 48;

export function serviceSettingsOf(
  l: LibraryConfig,
): Pick<LibraryServiceOptions, 'policy' | 'offline' | 'idleTimeoutMs' | 'receipt'> {
  return {
    policy: {
      acceptIcCard: l.acceptIcCard,
      acceptMyNumberCard: l.acceptMyNumberCard,
      showPatronName: l.showPatronName,
    },
    offline: l.offline,
    idleTimeoutMs: l.idleTimeoutSeconds * 1000,
    receipt: {
      columns: l.printer?.columns ?? DEFAULT_COLUMNS,
      libraryName: l.libraryName,
      utcOffsetMinutes: l.utcOffsetMinutes,
    },
  };
}
