/**
 * Which renderer URLs are the app's own. Production: the custom `app://keywarden` origin
 * serving out/renderer. Development (electron-vite dev, unpackaged only): the dev
 * server's loopback origin. Everything else (file:, remote http(s), data:, about:) is
 * foreign: it may not call IPC and the window may not navigate to it.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'keywarden';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export interface TrustOptions {
  /** The dev server origin (http://localhost:5173), accepted only when not packaged. */
  devServerOrigin?: string;
}

function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    // URL.origin is "null" for non-special schemes such as app:, so build it ourselves.
    return `${u.protocol}//${u.host}`.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * A dev server origin is usable only in a development build (DEV_BUILD, fixed when the
 * bundle is built), never packaged, and only plain http on loopback. A production build
 * ignores ELECTRON_RENDERER_URL whatever the environment says.
 */
export function devServerOriginFrom(rendererUrl: string | undefined, build: { devBuild: boolean; isPackaged: boolean }): string | undefined {
  if (!build.devBuild || build.isPackaged || !rendererUrl) return undefined;
  try {
    const u = new URL(rendererUrl);
    if (u.protocol !== 'http:' || !['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) return undefined;
    return `${u.protocol}//${u.host}`;
  } catch {
    return undefined;
  }
}

export function isTrustedRendererUrl(url: string | undefined | null, options: TrustOptions = {}): boolean {
  if (!url) return false;
  const origin = originOf(url);
  if (!origin) return false;
  if (origin === APP_ORIGIN) return true;
  return options.devServerOrigin !== undefined && origin === options.devServerOrigin.toLowerCase();
}

/** What the IPC event tells us about its sender frame (a WebFrameMain, or null). */
export interface SenderFrameLike {
  readonly url: string;
  readonly parent: unknown;
}

/** Only the top frame of an app page may call: no subframe, no destroyed frame. */
export function isTrustedSender(frame: SenderFrameLike | null | undefined, options: TrustOptions = {}): boolean {
  if (!frame) return false;
  if (frame.parent !== null && frame.parent !== undefined) return false;
  return isTrustedRendererUrl(frame.url, options);
}
