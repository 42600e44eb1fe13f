/**
 * The loopback web host: the built window and the API contract over HTTP on 127.0.0.1
 * only. Static files need no token (they hold no data); every /api call needs the token
 * printed in the URL (in the x-keywarden-token header only, never the query string), a
 * Host naming this server and, when present, this server's Origin. Only the contract's
 * window subset is served (record.get is CLI-only), and report.export takes no `out`:
 * packages go under the data dir's reports/, and GET /download/report/<seq>/<zip|pdf>
 * (same token) hands an export's zip or PDF back as an attachment. A refused request is answered before its
 * body is read: it touches nothing.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { dispatchFromWindow, isWindowMethod } from '../../core/api/window-reach';
import { createHandlers } from '../../core/api/handlers';
import type { Clock } from '../../core/clock';
import type { PassphrasePolicy } from '../../core/crypto/passphrase';
import { type ErrorData, KeywardenError, toErrorData } from '../../core/errors';
import { exportedFile, exportedPackage } from '../../core/report/exported-files';
import { localActor, openKeywarden, type Keywarden } from '../../core/keywarden';
import type { BackgroundRewrapOptions } from '../../core/rewrap/background';
import { startHostChecks, type HostChecksOptions } from '../background-checks';
import { startHostRewrap } from '../background-rewrap';
import { startSealMonitor } from '../../core/seal/host';
import { findAppRoot } from './app-root';
import { loggedHandlers, stderrLog, type LogLine } from './logged-handlers';
import { readJsonBody } from './read-body';
import { DOWNLOAD_PREFIX, LOOPBACK, TOKEN_HEADER, apiMethodOf, downloadOf, isAllowedHost, isAllowedOrigin, isJsonContentType, tokenMatches } from './request-guard';
import { API_HEADERS, documentSecurityHeaders } from './security-headers';
import { loadStatic, missingBuildPage } from './static-files';

export interface WebHostOptions {
  dataDir: string;
  /** 0 or absent: a random free port. */
  port?: number;
  /** The built window; default `out/renderer` under the app root. */
  staticDir?: string;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** Where unexpected errors are logged (never with secrets). Default: stderr. */
  log?: LogLine;
  /** The background rewrap runner's options; false: no background rewrap. */
  rewrap?: BackgroundRewrapOptions | false;
  /** scrypt cost of the passphrase hash; only tests pass a cheaper one. */
  passphrasePolicy?: PassphrasePolicy;
  /** The continuous checks' options (tick, intervals); false: no checks. */
  checks?: HostChecksOptions | false;
  /**
   * The operator passphrase to open the installation secrets with at start, when there is
   * one (`serve` prompts on a terminal). Default: KEYWARDEN_PASSPHRASE from `env`. Without
   * it the host starts locked and the window unlocks (Settings, or any step-up).
   */
  passphrase?: () => Promise<string | undefined>;
}

export interface WebHost {
  /** The URL to open; the token rides in the fragment, so it never reaches a log. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...API_HEADERS, ...extra, 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function refuse(res: ServerResponse, req: IncomingMessage, status: number, error: ErrorData, extra: Record<string, string> = {}): void {
  // Never read a refused request's body; drop it and close the connection.
  req.resume();
  sendJson(res, status, { ok: false, error }, { ...extra, Connection: 'close' });
}

function errorData(code: ErrorData['code'], message: string, status?: number): ErrorData {
  const e = new KeywardenError(code, message).toData();
  return status === undefined ? e : { ...e, status };
}

function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(e.code === 'EADDRINUSE' ? new KeywardenError('conflict', `port ${port} on ${LOOPBACK} is already in use`) : e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: LOOPBACK, port, exclusive: true });
  });
}

/** Opens the secrets before the background work starts, when a passphrase is at hand. */
async function unlockAtStart(kw: Keywarden, options: WebHostOptions): Promise<void> {
  if (!kw.ctx.stepUp.isInitialized()) return; // the window's first run sets the passphrase, which unlocks
  const passphrase = options.passphrase ? await options.passphrase() : (options.env ?? process.env).KEYWARDEN_PASSPHRASE;
  if (!passphrase) return;
  await kw.ctx.stepUp.unlock(passphrase, { actor: localActor(), address: 'web-host' });
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new KeywardenError('invalid_input', `port: must be a whole number from 0 to 65535 (got ${port})`, { field: 'port' });
  const log = options.log ?? stderrLog;
  const staticDir = path.resolve(options.staticDir ?? path.join(findAppRoot(), 'out', 'renderer'));
  const kw = openKeywarden({ dataDir: options.dataDir, env: options.env ?? process.env, host: 'web', ...(options.clock ? { clock: options.clock } : {}), ...(options.passphrasePolicy ? { passphrasePolicy: options.passphrasePolicy } : {}) });
  try {
    await unlockAtStart(kw, options);
  } catch (e) {
    await kw.close();
    throw e;
  }
  const logged = loggedHandlers(createHandlers(kw), log, 'web-host');
  const rewrap = options.rewrap === false ? { handlers: logged, stop: async () => {} } : startHostRewrap(kw.ctx, logged, log, 'web-host', options.rewrap);
  const handlers = rewrap.handlers;
  const sealMonitor = startSealMonitor(kw, { log });
  // Alerts reach the browser through checks.status (an in-page notice), not from here.
  const checks = options.checks === false ? { stop: async () => {} } : startHostChecks(kw, 'web-host', log, undefined, options.checks);
  const token = randomBytes(32).toString('base64url');
  const actor = localActor();
  let boundPort = 0;

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string, query: URLSearchParams): Promise<void> {
    if (query.has('token')) {
      return refuse(res, req, 400, errorData('invalid_input', `the token goes in the ${TOKEN_HEADER} header, never in the URL`, 400));
    }
    if (!tokenMatches(req.headers[TOKEN_HEADER], token)) {
      return refuse(res, req, 401, errorData('unauthorized', `missing or wrong ${TOKEN_HEADER}: open the URL that \`keywarden serve\` printed`));
    }
    if (req.method !== 'POST') return refuse(res, req, 405, errorData('invalid_input', 'the API takes POST only', 405), { Allow: 'POST' });
    if (!isJsonContentType(req.headers['content-type'])) {
      return refuse(res, req, 415, errorData('invalid_input', 'the API takes Content-Type: application/json', 415));
    }
    if (!isWindowMethod(method)) return refuse(res, req, 404, errorData('not_found', `no method "${method}" here (the window's methods only)`));
    const body = await readJsonBody(req);
    if (!body.ok) return sendJson(res, body.status, { ok: false, error: errorData('invalid_input', body.message, body.status) }, { Connection: 'close' });
    const outcome = await dispatchFromWindow(handlers, method, body.value, { actor, address: req.socket.remoteAddress ?? 'unknown' });
    sendJson(res, outcome.ok ? 200 : outcome.error.status, outcome);
  }

  /** An export's zip or PDF, as an attachment: same token guard as the API, GET only, files the export wrote only. */
  async function handleDownload(req: IncomingMessage, res: ServerResponse, rawPath: string, query: URLSearchParams): Promise<void> {
    if (query.has('token')) return refuse(res, req, 400, errorData('invalid_input', `the token goes in the ${TOKEN_HEADER} header, never in the URL`, 400));
    if (!tokenMatches(req.headers[TOKEN_HEADER], token)) return refuse(res, req, 401, errorData('unauthorized', `missing or wrong ${TOKEN_HEADER}: open the URL that keywarden serve printed`));
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, req, 405, errorData('invalid_input', 'downloads take GET only', 405), { Allow: 'GET, HEAD' });
    const wanted = downloadOf(rawPath);
    if (!wanted) return refuse(res, req, 404, errorData('not_found', 'no such download: /download/report/<audit entry>/<zip|pdf>'));
    let found: ReturnType<typeof exportedFile>;
    try {
      found = exportedFile(exportedPackage(kw, wanted.seq), wanted.kind);
    } catch (e) {
      const err = toErrorData(e);
      return refuse(res, req, err.status, err);
    }
    res.writeHead(200, {
      ...API_HEADERS,
      'Content-Type': found.contentType,
      'Content-Length': String(found.bytes),
      'Content-Disposition': `attachment; filename="${found.name}"`,
    });
    if (req.method === 'HEAD') return void res.end();
    await pipeline(fs.createReadStream(found.file), res);
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const headers = documentSecurityHeaders();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end('method not allowed');
    }
    const found = await loadStatic(staticDir, pathname);
    if (found.status === 200) {
      res.writeHead(200, { ...headers, 'Content-Type': found.contentType, 'Content-Length': String(found.body.length), 'Cache-Control': 'no-cache' });
      return void res.end(req.method === 'HEAD' ? undefined : found.body);
    }
    if (found.status === 204) {
      res.writeHead(204, { ...headers, 'Cache-Control': 'no-cache' });
      return void res.end();
    }
    const page = 'missingBuild' in found ? missingBuildPage(staticDir) : found.message;
    res.writeHead(found.status, { ...headers, 'Content-Type': 'missingBuild' in found ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : page);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a foreign name that resolves to 127.0.0.1 is refused first.
    if (!isAllowedHost(req.headers.host, boundPort)) {
      return refuse(res, req, 421, errorData('forbidden', `this server answers only to ${LOOPBACK}:${boundPort} or localhost:${boundPort}`, 421));
    }
    if (!isAllowedOrigin(req.headers.origin, boundPort)) return refuse(res, req, 403, errorData('forbidden', 'cross-origin requests are refused'));
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}`);
    const pathname = url.pathname;
    if (pathname.startsWith(DOWNLOAD_PREFIX)) return handleDownload(req, res, pathname, url.searchParams);
    const method = apiMethodOf(pathname);
    if (method !== undefined) return handleApi(req, res, method, url.searchParams);
    if (pathname === '/api') return refuse(res, req, 404, errorData('not_found', 'name a method: POST /api/<method>'));
    return handleStatic(req, res, pathname);
  }

  const server = http.createServer({ requestTimeout: 60_000, headersTimeout: 15_000 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      log(`[web-host] request failed: ${e instanceof Error ? e.name : typeof e}`);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: errorData('internal', 'internal error (see the host log)') });
      else res.destroy();
    });
  });

  try {
    await listen(server, port);
    const address = server.address() as AddressInfo | null;
    if (!address || address.address !== LOOPBACK) throw new Error(`web host bound to ${address?.address ?? 'nothing'}, not ${LOOPBACK}`);
    boundPort = address.port;
  } catch (e) {
    server.close();
    await checks.stop();
    await sealMonitor.stop();
    await rewrap.stop();
    await kw.close();
    throw e;
  }

  let closing: Promise<void> | undefined;
  return {
    url: `http://${LOOPBACK}:${boundPort}/#token=${token}`,
    port: boundPort,
    token,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })
        .then(() => checks.stop())
        .then(() => sealMonitor.stop())
        .then(() => rewrap.stop())
        .then(() => kw.close());
      return closing;
    },
  };
}
