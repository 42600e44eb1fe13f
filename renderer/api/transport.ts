/**
 * How the window reaches the engine. In Electron the preload exposes `window.keywarden`
 * (one method: call). In a browser, the loopback web host serves the same contract at
 * POST /api/<method>, guarded by the token the host printed (carried in the URL
 * fragment, so it never reaches a server log or a Referer header).
 */
import type { ErrorData } from '../../core/errors';

export type Outcome = { ok: true; value: unknown } | { ok: false; error: ErrorData };

/** A file the host handed back (an export's zip or PDF), with the name it suggests. */
export interface DownloadedFile {
  blob: Blob;
  filename: string;
}

export interface Transport {
  readonly kind: 'ipc' | 'http';
  call(method: string, input: unknown): Promise<Outcome>;
  /** The web host only: GET a /download/… path with the token header (the desktop opens the folder instead). */
  download?(path: string): Promise<{ ok: true; file: DownloadedFile } | { ok: false; error: ErrorData }>;
}

/** What the preload puts on window: the bridge, nothing else. */
export interface PreloadBridge {
  call(method: string, input: unknown): Promise<Outcome>;
}

declare global {
  interface Window {
    keywarden?: PreloadBridge;
  }
}

export const TOKEN_HEADER = 'x-keywarden-token';

/** The token from the URL fragment only (a query string would reach logs and Referer headers). */
export function tokenFromLocation(loc: Pick<Location, 'hash'>): string | undefined {
  return new URLSearchParams(loc.hash.replace(/^#/, '')).get('token') ?? undefined;
}

const TOKEN_KEY = 'keywarden.token';

/**
 * Reads the token once, then takes it out of the address bar (history.replaceState), so
 * it is not shown, bookmarked, shared in a screenshot or kept in history. The tab keeps it
 * in sessionStorage (this tab only, gone when it closes) so a reload still works.
 */
export function takeToken(win: Pick<Window, 'location' | 'history' | 'sessionStorage'>): string | undefined {
  const fromUrl = tokenFromLocation(win.location);
  if (fromUrl) {
    const rest = new URLSearchParams(win.location.hash.replace(/^#/, ''));
    rest.delete('token');
    const hash = rest.toString();
    win.history.replaceState(win.history.state, '', `${win.location.pathname}${win.location.search}${hash ? `#${hash}` : ''}`);
    try {
      win.sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // Storage disabled: the token lives in memory only; a reload will ask for the URL again.
    }
    return fromUrl;
  }
  try {
    return win.sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function httpTransport(baseUrl: string, token: string, fetchImpl: typeof fetch = fetch): Transport {
  return {
    kind: 'http',
    async call(method, input) {
      let res: Response;
      try {
        res = await fetchImpl(`${baseUrl}/api/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        return { ok: false, error: { code: 'internal', status: 0, message: 'the Keywarden host is not answering (was `keywarden serve` stopped?)' } };
      }
      const body = (await res.json().catch(() => undefined)) as Outcome | undefined;
      if (body && typeof body === 'object' && 'ok' in body) return body;
      return { ok: false, error: { code: 'internal', status: res.status, message: `unexpected answer from the host (HTTP ${res.status})` } };
    },
    async download(path) {
      let res: Response;
      try {
        res = await fetchImpl(`${baseUrl}${path}`, { headers: { [TOKEN_HEADER]: token } });
      } catch {
        return { ok: false, error: { code: 'internal', status: 0, message: 'the Keywarden host is not answering (was `keywarden serve` stopped?)' } };
      }
      if (!res.ok) {
        const body = (await res.json().catch(() => undefined)) as Outcome | undefined;
        if (body && !body.ok) return body;
        return { ok: false, error: { code: 'internal', status: res.status, message: `the download failed (HTTP ${res.status})` } };
      }
      const named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '');
      return { ok: true, file: { blob: await res.blob(), filename: named?.[1] ?? 'keywarden-download' } };
    },
  };
}

export function ipcTransport(bridge: PreloadBridge): Transport {
  return { kind: 'ipc', call: (method, input) => bridge.call(method, input) };
}

/** The one factory: preload bridge when present, else HTTP to the page's own origin. */
export function pickTransport(win: Window = window): Transport {
  if (win.keywarden) return ipcTransport(win.keywarden);
  const token = takeToken(win);
  if (!token) throw new Error('no preload bridge and no token in the URL: open the URL that `keywarden serve` printed');
  return httpTransport(win.location.origin, token);
}
