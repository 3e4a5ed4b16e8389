// The reference backend process for integration tests (shared with the demo).
export {
  runBackendCli,
  startBackend,
  writeDeviceConfig,
  type BackendProcess,
} from '../../scripts/lib/backend-process.ts';
