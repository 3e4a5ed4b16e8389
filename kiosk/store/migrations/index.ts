import type { Migration } from '../db.ts';
import { migration0010 } from './0010-device.ts';
import { migration0020 } from './0020-outbox.ts';
import { migration0030 } from './0030-datasets.ts';
import { migration0040 } from './0040-ride-usage.ts';
import { migration0050 } from './0050-sync-state.ts';
import { migration0060 } from './0060-recent-taps.ts';
import { migration0070 } from './0070-library-checkouts.ts';
import { migration0080 } from './0080-audit.ts';
import { migration0090 } from './0090-checkpoints.ts';

/** Every migration, in order. Append only; never edit a shipped migration. */
export const MIGRATIONS: readonly Migration[] = [
  migration0010,
  migration0020,
  migration0030,
  migration0040,
  migration0050,
  migration0060,
  migration0070,
  migration0080,
  migration0090,
];
