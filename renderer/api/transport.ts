/**
 * How the window reaches the engine. In Electron the preload exposes `window.keywarden`
 * (one method: call). In a browser, the loopback web host serves the same contract at
 * POST /api/<method>, guarded by the token the host printed (carried in the URL
 * fragment, so it never reaches a server log or a Referer header).
 */
import type { ErrorData } from '../../core/errors';

export type Outcome = { ok: true; value: unknown } | { ok: false; error: ErrorData };

export interface Transport {
  readonly kind: 'ipc' | 'http';
  call(method: string, input: unknown): Promise<Outcome>;
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

export function tokenFromLocation(loc: Pick<Location, 'hash' | 'search'>): string | undefined {
  const fromHash = new URLSearchParams(loc.hash.replace(/^#/, '')).get('token');
  return fromHash ?? new URLSearchParams(loc.search).get('token') ?? undefined;
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
  };
}

export function ipcTransport(bridge: PreloadBridge): Transport {
  return { kind: 'ipc', call: (method, input) => bridge.call(method, input) };
}

/** The one factory: preload bridge when present, else HTTP to the page's own origin. */
export function pickTransport(win: Window = window): Transport {
  if (win.keywarden) return ipcTransport(win.keywarden);
  const token = tokenFromLocation(win.location);
  if (!token) throw new Error('no preload bridge and no token in the URL: open the URL that `keywarden serve` printed');
  return httpTransport(win.location.origin, token);
}
