/**
 * The preload: exposes `window.keywarden = { call(method, input) }` and nothing else (no
 * ipcRenderer, no Node). Runs sandboxed with context isolation; bundled as one CommonJS
 * file whose only require is `electron`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';

const bridge = createBridge((channel, input) => ipcRenderer.invoke(channel, input), __KEYWARDEN_METHODS__);

contextBridge.exposeInMainWorld('keywarden', { call: (method: string, input: unknown) => bridge.call(method, input) });
