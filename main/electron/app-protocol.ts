/**
 * The `app://keywarden/` protocol: serves out/renderer with the strict CSP and security
 * headers. A privileged standard scheme (secure, fetch-capable) so the page has a real
 * origin and relative URLs resolve; it must be registered before the app is ready.
 */
import type { CustomScheme } from 'electron';
import { documentSecurityHeaders } from '../web-host/security-headers';
import { loadStatic, missingBuildPage } from '../web-host/static-files';
import { APP_HOST, APP_SCHEME } from './trust';

export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, bypassCSP: false, allowServiceWorkers: false, stream: false },
};

export function appProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const headers = documentSecurityHeaders();
  return async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('not found', { status: 404, headers });
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('method not allowed', { status: 405, headers });
    const found = await loadStatic(rendererDir, url.pathname);
    if (found.status === 200) {
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(found.body), { status: 200, headers: { ...headers, 'Content-Type': found.contentType } });
    }
    if (found.status === 204) return new Response(null, { status: 204, headers });
    if ('missingBuild' in found) return new Response(missingBuildPage(rendererDir), { status: 500, headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' } });
    return new Response(found.message, { status: found.status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' } });
  };
}
