// The preload of the kiosk window, bundled to dist/electron/preload.cjs (a sandboxed preload
// cannot load TypeScript or most modules). It exposes `window.kazasu` and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './bridge.ts';

contextBridge.exposeInMainWorld('kazasu', createPreloadApi(ipcRenderer));
