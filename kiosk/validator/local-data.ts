import type {
  AnyDatasetRow,
  DatasetName,
  DenyRow,
  DocumentRow,
  EntitlementRow,
} from '../../shared/contracts/sync/datasets.ts';
import type { DeviceStore } from '../store/store.ts';

/**
 * Installs datasets straight into a device store, without a backend or signatures: for
 * `kazasu validator simulate`, benchmarks and tests, which need a million entitlements in
 * seconds. A device in service only ever gets datasets through sync (kiosk/sync), verified.
 */
export interface LocalDatasets {
  readonly entitlements?: Iterable<EntitlementRow>;
  readonly denyList?: Iterable<DenyRow>;
  /**
   * Fare tables (FareTableInput JSON, checked by the validator when it reads them) by document
   * key; the validator reads `validator.fareTable`, default "table".
   */
  readonly fares?: Readonly<Record<string, unknown>>;
  /** Backend time the versions claim to be made at (their age counts from it). */
  readonly createdAt: number;
}

const CHUNK = 2000;

function install(
  store: DeviceStore,
  dataset: DatasetName,
  rows: Iterable<AnyDatasetRow>,
  createdAt: number,
): number {
  const version = (store.datasets.state(dataset)?.version ?? 0) + 1;
  const writer = store.datasets.beginSnapshot(
    {
      dataset,
      kind: 'snapshot',
      version,
      createdAt,
      rows: 0,
      bytes: 0,
      sha256: '0'.repeat(64),
      keyId: '0'.repeat(16),
    },
    createdAt,
  );
  let chunk: AnyDatasetRow[] = [];
  let count = 0;
  try {
    for (const row of rows) {
      chunk.push(row);
      count += 1;
      if (chunk.length === CHUNK) {
        writer.add(chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) writer.add(chunk);
    writer.commit(createdAt);
  } catch (error) {
    writer.abort();
    throw error;
  }
  return count;
}

/** Returns the rows installed per dataset. */
export function installLocalDatasets(
  store: DeviceStore,
  data: LocalDatasets,
): Partial<Record<DatasetName, number>> {
  const counts: Partial<Record<DatasetName, number>> = {};
  if (data.entitlements)
    counts.entitlements = install(store, 'entitlements', data.entitlements, data.createdAt);
  if (data.denyList)
    counts['deny-list'] = install(store, 'deny-list', data.denyList, data.createdAt);
  if (data.fares) {
    const docs: DocumentRow[] = Object.entries(data.fares).map(([key, value]) => ({
      key,
      value: value as DocumentRow['value'],
    }));
    counts.fares = install(store, 'fares', docs, data.createdAt);
  }
  return counts;
}
