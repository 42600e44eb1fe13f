/**
 * The Electron composition root, in order: register the app:// scheme (before ready),
 * resolve the data dir once, then on ready open the engine (with the Electron-ABI
 * SQLite binding), register one IPC handler per contract method, serve the window's
 * files over app://, harden the session, and open the one window. The engine and every
 * key stay in this process; the renderer only ever sees contract results.
 */
import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, powerMonitor, protocol, safeStorage, session, shell, type WebContents } from 'electron';
import { createHandlers } from '../../core/api/handlers';
import { localActor, openKeywarden, type Keywarden } from '../../core/keywarden';
import { BUILT_WORKER_FILE } from '../../core/workers/launch';
import { startHostChecks } from '../background-checks';
import { startHostRewrap } from '../background-rewrap';
import { startSealMonitor } from '../../core/seal/host';
import { PRODUCT_NAME, resolveDataDir } from '../data-dir';
import { loggedHandlers, stderrLog } from '../web-host/logged-handlers';
import { contentSecurityPolicy } from '../web-host/security-headers';
import { APP_SCHEME_PRIVILEGES, appProtocolHandler } from './app-protocol';
import { denyAllPermissions, lockNavigation } from './harden';
import { appMenuTemplate } from './app-menu';
import { DEV_BUILD } from './build-flags';
import { registerContractIpc } from './ipc';
import { reportFolderFromSaveDialog } from './report-save-dialog';
import { safeStorageKeyring } from './safe-storage-keyring';
import { chooseNativeBinding } from './native-binding';
import { APP_ORIGIN, APP_SCHEME, devServerOriginFrom } from './trust';
import { mainWindowOptions } from './window-options';

export interface DesktopOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /** The folder with package.json (app.getAppPath() when run as `electron .`). */
  appRoot?: string;
  preloadPath?: string;
  rendererDir?: string;
  /** electron-vite dev's ELECTRON_RENDERER_URL; ignored when packaged or not loopback. */
  devRendererUrl?: string;
  /** Set under Electron; undefined under Node (tests), which selects the Node binding. */
  electronVersion?: string;
  /** Development build (devtools, dev server); default: the build-time DEV_BUILD, false in production. */
  devBuild?: boolean;
  log?: (line: string) => void;
}

export interface Desktop {
  window: BrowserWindow;
  kw: Keywarden;
  close(): Promise<void>;
}

/** `--data-dir=DIR` or `--data-dir DIR` on Electron's command line. */
export function dataDirArg(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--data-dir=')) return a.slice('--data-dir='.length) || undefined;
    if (a === '--data-dir') return argv[i + 1];
  }
  return undefined;
}

/** Must run synchronously at startup, before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

export async function startDesktop(options: DesktopOptions): Promise<Desktop> {
  const log = options.log ?? stderrLog;
  const appRoot = options.appRoot ?? app.getAppPath();
  const outDir = path.join(appRoot, 'out');
  const preloadPath = options.preloadPath ?? path.join(outDir, 'preload', 'index.js');
  const rendererDir = options.rendererDir ?? path.join(outDir, 'renderer');
  const devBuild = options.devBuild ?? DEV_BUILD;
  const devServerOrigin = devServerOriginFrom(options.devRendererUrl, { devBuild, isPackaged: app.isPackaged });

  const binding = chooseNativeBinding({ appRoot, electronVersion: options.electronVersion, platform: process.platform, arch: process.arch, exists: (f) => fs.existsSync(f) });
  if (binding.kind === 'missing') throw new Error(binding.message);
  // The engine's threads run the worker built beside this bundle; without it, all work stays in this thread.
  const worker = path.join(outDir, 'main', BUILT_WORKER_FILE);
  const kw = openKeywarden({
    dataDir: options.dataDir,
    env: options.env ?? process.env,
    worker: fs.existsSync(worker) ? { file: worker } : null,
    ...(binding.kind === 'electron' ? { nativeBinding: binding.path } : {}),
    host: 'desktop',
    keyring: safeStorageKeyring(safeStorage),
  });
  // The unlock kept in the OS keyring at the last launch, if a real keyring holds it
  // (never under Linux's basic_text fallback); otherwise the window asks for the passphrase.
  if (kw.secrets.recall()) log('[desktop] installation secrets unlocked from the OS keyring');

  // Rewrap runs here in the main process, yielding after every batch: the window (its own process) never waits on it.
  // "Open folder" after an export: the engine checks the folder is the export's, Electron's shell shows it.
  const rewrap = startHostRewrap(kw.ctx, loggedHandlers(createHandlers(kw, { revealInFolder: (file) => shell.showItemInFolder(file) }), log, 'ipc'), log, 'desktop');
  const handlers = rewrap.handlers;
  const sealMonitor = startSealMonitor(kw, { log });
  // Continuous checks in this (main) process; each new alert is a desktop notification.
  const checks = startHostChecks(
    kw,
    'desktop',
    log,
    (alert) => {
      if (Notification.isSupported()) new Notification({ title: `Keywarden: ${alert.title}`, body: alert.body }).show();
    },
    { onBattery: () => powerMonitor.isOnBatteryPower() },
  );
  // The save dialog is modal to the window, created below.
  const opened: { window?: BrowserWindow } = {};
  const windowInput = reportFolderFromSaveDialog(dialog, () => opened.window);
  const ipc = registerContractIpc(ipcMain, handlers, { caller: { actor: localActor(), address: 'local' }, log, windowInput, ...(devServerOrigin ? { devServerOrigin } : {}) });

  protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir));
  denyAllPermissions(session.defaultSession);
  if (devServerOrigin) {
    // The dev server sends no CSP of its own: add the (dev) policy to its documents.
    session.defaultSession.webRequest.onHeadersReceived({ urls: [`${devServerOrigin}/*`] }, (details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy({ devServerOrigin })] } });
    });
  }

  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(devBuild)));
  const window = new BrowserWindow(mainWindowOptions(preloadPath, { devTools: devBuild }));
  opened.window = window;
  window.once('ready-to-show', () => window.show());
  await window.loadURL(devServerOrigin ? options.devRendererUrl! : `${APP_ORIGIN}/`);

  let closed: Promise<void> | undefined;
  return {
    window,
    kw,
    close() {
      closed ??= (async () => {
        ipc.dispose();
        protocol.unhandle(APP_SCHEME);
        await checks.stop();
        await sealMonitor.stop();
        await rewrap.stop();
        await kw.close();
      })();
      return closed;
    },
  };
}

/** Every web contents (the window, devtools, anything else) gets the navigation lock. */
export function lockAllWebContents(log: (line: string) => void = stderrLog): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    lockNavigation(contents, (what, url) => log(`keywarden: ${what} to ${url.slice(0, 200)}`));
  });
}

/** The process's life: one instance, sandboxed renderers, quit closes the engine. */
export function bootDesktop(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): void {
  app.setName(PRODUCT_NAME);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  registerAppScheme();
  app.enableSandbox();
  const dataDir = resolveDataDir(dataDirArg(argv), env);
  // Chromium's own profile lives beside the engine's files, so one dir is one installation.
  app.setPath('userData', dataDir);
  lockAllWebContents();

  let desktop: Desktop | undefined;
  app.on('second-instance', () => {
    if (desktop?.window.isMinimized()) desktop.window.restore();
    desktop?.window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (event) => {
    if (!desktop) return;
    const closing = desktop;
    desktop = undefined;
    event.preventDefault();
    void closing.close().finally(() => app.quit());
  });

  app
    .whenReady()
    .then(async () => {
      desktop = await startDesktop({ dataDir, env, devRendererUrl: env.ELECTRON_RENDERER_URL, electronVersion: process.versions.electron });
    })
    .catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      stderrLog(`keywarden: failed to start: ${message}`);
      dialog.showErrorBox('Keywarden could not start', message);
      app.exit(1);
    });
}
