/**
 * The web host's gatekeeping, as pure functions with table tests:
 * - Host must name this server (127.0.0.1:PORT or localhost:PORT): a page on another
 *   name that resolves to 127.0.0.1 (DNS rebinding) is refused before anything else;
 * - Origin, when a browser sends one, must be this server's own origin;
 * - the API token is compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const LOOPBACK = '127.0.0.1';

/** Same value as renderer/api/transport.ts's TOKEN_HEADER (a test keeps them equal). */
export const TOKEN_HEADER = 'x-keywarden-token';

export function ownOrigins(port: number): string[] {
  return [`http://${LOOPBACK}:${port}`, `http://localhost:${port}`];
}

export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const host = hostHeader.trim().toLowerCase();
  return host === `${LOOPBACK}:${port}` || host === `localhost:${port}`;
}

/** No Origin header (same-origin GET, curl) is allowed; "null" and foreign origins are not. */
export function isAllowedOrigin(originHeader: string | undefined, port: number): boolean {
  if (originHeader === undefined) return true;
  return ownOrigins(port).includes(originHeader.trim().toLowerCase());
}

/** Constant-time: both sides are hashed first so their lengths never leak or matter. */
export function tokenMatches(presented: string | string[] | undefined, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || expected.length === 0) return false;
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** `/api/<method>` → the method name; undefined when the path is not an API call. */
export function apiMethodOf(pathname: string): string | undefined {
  if (!pathname.startsWith('/api/')) return undefined;
  try {
    return decodeURIComponent(pathname.slice('/api/'.length));
  } catch {
    return '';
  }
}

export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/** What a download path names: `/download/report/<audit seq>/<zip|pdf>`, nothing else (no name, no path). */
export interface DownloadRequest {
  seq: number;
  kind: 'zip' | 'pdf';
}

export const DOWNLOAD_PREFIX = '/download/';

/** The export file a raw (undecoded) request path asks for, or null for any other shape. */
export function downloadOf(rawPathname: string): DownloadRequest | null {
  const m = /^\/download\/report\/([1-9][0-9]{0,14})\/(zip|pdf)$/.exec(rawPathname);
  if (!m) return null;
  return { seq: Number(m[1]), kind: m[2] as 'zip' | 'pdf' };
}
