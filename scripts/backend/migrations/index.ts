import type { Migration } from '../../../kiosk/store/db.ts';
import { backend0010 } from './0010-devices-events.ts';
import { backend0020 } from './0020-datasets.ts';
import { backend0030 } from './0030-rides.ts';
import { backend0040 } from './0040-residents.ts';

/** The reference backend's schema, in order; run by kiosk/store/migrate.ts's runner. */
export const BACKEND_MIGRATIONS: readonly Migration[] = [
  backend0010,
  backend0020,
  backend0030,
  backend0040,
];
