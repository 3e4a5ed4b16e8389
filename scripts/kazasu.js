#!/usr/bin/env node
// The `kazasu` command. Runs the TypeScript sources through tsx's loader (no build step);
// a packaged kiosk ships the same entry point bundled.
import { register } from 'tsx/esm/api';

register();
await import('../kiosk/cli/main.ts');
