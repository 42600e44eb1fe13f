/**
 * Build of the three Electron targets from this project's root-level folders (not
 * electron-vite's default src/*): main → out/main, preload → out/preload (one CommonJS
 * file, as a sandboxed preload needs), renderer → out/renderer (also what the loopback
 * web host serves). The preload gets the window's methods (the contract's renderer
 * subset) as a build-time constant, so it carries the names without zod or the schemas.
 * `__KEYWARDEN_DEV__` is true only when electron-vite runs in development mode (`dev`):
 * devtools and the ELECTRON_RENDERER_URL dev server are off in every production build.
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { WINDOW_METHOD_NAMES } from './core/api/window-reach';

const root = import.meta.dirname;
const at = (...p: string[]) => resolve(root, ...p);

export default defineConfig(({ mode }) => ({
  main: {
    define: { __KEYWARDEN_DEV__: JSON.stringify(mode === 'development') },
    build: {
      outDir: at('out/main'),
      // The engine's worker threads (audit verify, cross-check) are their own entry: out/main/engine-worker.js.
      rolldownOptions: { input: { index: at('main/electron/index.ts'), 'engine-worker': at('core/workers/engine-worker.ts') } },
    },
  },
  preload: {
    define: { __KEYWARDEN_METHODS__: JSON.stringify(WINDOW_METHOD_NAMES) },
    build: {
      outDir: at('out/preload'),
      // Sandboxed: bundle everything but `electron` itself into one file.
      externalizeDeps: false,
      rolldownOptions: { input: { index: at('preload/index.ts') }, output: { format: 'cjs', inlineDynamicImports: true } },
    },
  },
  renderer: {
    root: at('renderer'),
    plugins: [react()],
    build: {
      outDir: at('out/renderer'),
      emptyOutDir: true,
      rolldownOptions: { input: { index: at('renderer/index.html') } },
    },
  },
}));
