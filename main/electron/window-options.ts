/**
 * The one window's options: the Electron security checklist as data, so a table test
 * pins every flag. Anything that widens the renderer's reach is off.
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

export function secureWebPreferences(preloadPath: string, build: { devTools: boolean } = { devTools: false }): WebPreferences {
  return {
    preload: preloadPath,
    // Devtools only in a development build: a production window cannot open them.
    devTools: build.devTools,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

export function mainWindowOptions(preloadPath: string, build: { devTools: boolean } = { devTools: false }): BrowserWindowConstructorOptions {
  return {
    title: 'Keywarden',
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    show: false,
    backgroundColor: '#f7f8fa',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(preloadPath, build),
  };
}
