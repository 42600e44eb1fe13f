/**
 * A recording stand-in for the parts of the `electron` module that main/electron uses,
 * for `vi.mock('electron', () => electronFake.module)`. It records what the app asked
 * for (window options, IPC channels, protocol handlers, permission handlers, app
 * listeners) so tests can check the security checklist without launching Electron.
 */
type Listener = (...args: unknown[]) => unknown;

export interface FakeWindow {
  options: Record<string, unknown>;
  loadedUrl: string | undefined;
  listeners: Map<string, Listener>;
}

export function createElectronFake() {
  const state = {
    menus: [] as unknown[],
    ipcHandlers: new Map<string, Listener>(),
    ipcHandleCalls: [] as string[],
    removedChannels: [] as string[],
    windows: [] as FakeWindow[],
    privilegedSchemes: [] as unknown[],
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    unhandled: [] as string[],
    permissionRequestHandler: undefined as Listener | undefined,
    permissionCheckHandler: undefined as Listener | undefined,
    devicePermissionHandler: undefined as Listener | undefined,
    headerHooks: [] as { filter: unknown; listener: Listener }[],
    appListeners: new Map<string, Listener[]>(),
    calls: [] as string[],
    singleInstance: true,
    ready: new Promise<void>(() => {}) as Promise<void>,
    appPath: '/nonexistent-app-root',
    saveDialogAnswer: undefined as string | undefined,
  };

  class BrowserWindow implements FakeWindow {
    options: Record<string, unknown>;
    loadedUrl: string | undefined;
    listeners = new Map<string, Listener>();
    constructor(options: Record<string, unknown>) {
      this.options = options;
      state.windows.push(this);
      state.calls.push('BrowserWindow');
    }
    once(event: string, listener: Listener) {
      this.listeners.set(event, listener);
    }
    show() {}
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {}
    async loadURL(url: string) {
      this.loadedUrl = url;
    }
  }

  const module = {
    app: {
      getAppPath: () => state.appPath,
      isPackaged: false,
      setName: (n: string) => state.calls.push(`setName:${n}`),
      requestSingleInstanceLock: () => state.singleInstance,
      enableSandbox: () => state.calls.push('enableSandbox'),
      setPath: (name: string, value: string) => state.calls.push(`setPath:${name}=${value}`),
      on: (event: string, listener: Listener) => {
        state.appListeners.set(event, [...(state.appListeners.get(event) ?? []), listener]);
      },
      whenReady: () => {
        state.calls.push('whenReady');
        return state.ready;
      },
      quit: () => state.calls.push('quit'),
      exit: (code: number) => state.calls.push(`exit:${code}`),
    },
    BrowserWindow,
    Notification: class {
      static isSupported = () => true;
      constructor(private readonly options: { title: string; body: string }) {}
      show() {
        state.calls.push(`Notification:${this.options.title}`);
      }
    },
    powerMonitor: { isOnBatteryPower: () => false },
    // Linux without a secret service: the fallback the app must not cache under.
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'basic_text',
      encryptString: (s: string) => Buffer.from(s, 'utf8'),
      decryptString: (b: Buffer) => b.toString('utf8'),
    },
    Menu: {
      buildFromTemplate: (template: unknown[]) => ({ template }),
      setApplicationMenu: (menu: unknown) => void state.menus.push(menu),
    },
    dialog: {
      showErrorBox: (title: string) => state.calls.push(`showErrorBox:${title}`),
      // The folder a test wants the save dialog to answer with (undefined: cancelled).
      showSaveDialog: async () => (state.saveDialogAnswer ? { canceled: false, filePath: state.saveDialogAnswer } : { canceled: true }),
    },
    shell: { showItemInFolder: (file: string) => void state.calls.push(`showItemInFolder:${file}`) },
    ipcMain: {
      handle(channel: string, listener: Listener) {
        if (state.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        state.ipcHandlers.set(channel, listener);
        state.ipcHandleCalls.push(channel);
      },
      removeHandler(channel: string) {
        state.ipcHandlers.delete(channel);
        state.removedChannels.push(channel);
      },
    },
    protocol: {
      registerSchemesAsPrivileged(schemes: unknown[]) {
        state.privilegedSchemes.push(...schemes);
        state.calls.push('registerSchemesAsPrivileged');
      },
      handle(scheme: string, handler: (request: Request) => Promise<Response>) {
        state.protocolHandlers.set(scheme, handler);
      },
      unhandle(scheme: string) {
        state.protocolHandlers.delete(scheme);
        state.unhandled.push(scheme);
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Listener) => void (state.permissionRequestHandler = h),
        setPermissionCheckHandler: (h: Listener) => void (state.permissionCheckHandler = h),
        setDevicePermissionHandler: (h: Listener) => void (state.devicePermissionHandler = h),
        webRequest: { onHeadersReceived: (filter: unknown, listener: Listener) => void state.headerHooks.push({ filter, listener }) },
      },
    },
  };
  return { state, module };
}

/** A navigable web contents as `lockNavigation` sees it, recording what it was told. */
export function fakeWebContents() {
  const listeners = new Map<string, Listener>();
  let windowOpen: ((d: { url: string }) => { action: string }) | undefined;
  return {
    listeners,
    on(event: string, listener: Listener) {
      listeners.set(event, listener);
      return this;
    },
    setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
      windowOpen = h;
    },
    /** Emits `event` with a preventable event object; says whether it was prevented. */
    emit(event: string, url: string): boolean {
      let prevented = false;
      listeners.get(event)?.({ preventDefault: () => void (prevented = true) }, url);
      return prevented;
    },
    open(url: string): string | undefined {
      return windowOpen?.({ url }).action;
    },
  };
}
