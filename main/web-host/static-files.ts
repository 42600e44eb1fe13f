/**
 * The built window's files (out/renderer), served by the web host and by Electron's
 * `app://` protocol alike. A request path maps to a file strictly inside the directory;
 * anything that would leave it is refused. A path without an extension falls back to
 * index.html so client-side routes survive a reload.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file a URL path names inside `root`, or null when the path is malformed or would
 * escape `root` (`..`, encoded separators, NUL, absolute Windows paths).
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || !decoded.startsWith('/')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.' || /^[a-zA-Z]:$/.test(s))) return null;
  const base = path.resolve(root);
  const file = path.resolve(base, ...(segments.length ? segments : ['index.html']));
  return file === base || file.startsWith(base + path.sep) ? file : null;
}

export type StaticResult =
  | { status: 200; file: string; contentType: string; body: Buffer }
  | { status: 204 }
  | { status: 404 | 400; message: string }
  | { status: 500; message: string; missingBuild: true };

export const MISSING_BUILD_MESSAGE = 'The window has not been built yet: run `npm run build`, then reload.';

async function readFileOrNull(file: string): Promise<Buffer | null> {
  try {
    const stat = await fs.stat(file);
    return stat.isFile() ? await fs.readFile(file) : null;
  } catch {
    return null;
  }
}

/** Loads the file for a request path (see resolveStaticPath), or says why not. */
export async function loadStatic(root: string, urlPath: string): Promise<StaticResult> {
  const index = path.join(root, 'index.html');
  const file = resolveStaticPath(root, urlPath);
  if (!file) return { status: 400, message: 'bad path' };
  const body = await readFileOrNull(file);
  if (body) return { status: 200, file, contentType: contentTypeOf(file), body };
  // Browsers ask for it unprompted; an empty answer keeps the console clean.
  if (urlPath === '/favicon.ico') return { status: 204 };
  if (path.extname(file) === '') {
    const page = await readFileOrNull(index);
    if (page) return { status: 200, file: index, contentType: contentTypeOf(index), body: page };
  }
  if (!(await readFileOrNull(index))) return { status: 500, message: MISSING_BUILD_MESSAGE, missingBuild: true };
  return { status: 404, message: 'not found' };
}

/** A plain page for the missing-build case: no script, no style. */
export function missingBuildPage(root: string): string {
  const where = root.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Keywarden: build missing</title></head><body><h1>Keywarden</h1><p>${MISSING_BUILD_MESSAGE}</p><p>Looked in <code>${where}</code>.</p></body></html>`;
}
