// Debian Chromium through playwright-core, for end-to-end tests (shared with the UI benchmark).
export {
  ARTIFACTS,
  axe,
  CHROMIUM,
  kioskPage,
  launchChromium,
  screenshot,
  type AxeViolation,
} from '../../scripts/lib/browser.ts';
