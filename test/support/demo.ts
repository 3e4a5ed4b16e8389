// The demo process for end-to-end tests (shared with the UI benchmark).
export { startDemo, type DemoProcess } from '../../scripts/lib/demo-process.ts';
