/**
 * A loopback proxy in front of a fake: forwards every request unchanged (Host header
 * included, so SigV4 still verifies) and lets a test answer chosen requests itself, to
 * make one page of a read fail or be throttled. https when given a certificate (the
 * Azure SDK refuses bearer tokens over http).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface CannedAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/** Called with the 1-based number of the request; an answer replaces forwarding. */
export type Intercept = (n: number, req: IncomingMessage, body: Buffer) => CannedAnswer | undefined;

export interface FlakyProxy {
  endpoint: string;
  requests(): number;
  setIntercept(fn: Intercept | undefined): void;
  close(): Promise<void>;
}

export async function startFlakyProxy(target: string, tls?: { cert: string; key: string; ca: string }): Promise<FlakyProxy> {
  const t = new URL(target);
  let intercept: Intercept | undefined;
  let count = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const n = ++count;
      const canned = intercept?.(n, req, body);
      if (canned) {
        res.writeHead(canned.status, { 'content-type': 'application/json', ...canned.headers });
        res.end(canned.body);
        return;
      }
      const client = t.protocol === 'https:' ? https : http;
      const upstream = client.request(
        {
          host: t.hostname,
          port: t.port,
          method: req.method,
          path: `${t.pathname.replace(/\/$/, '')}${req.url ?? '/'}`.replace(/^\/\//, '/'),
          headers: req.headers,
          ...(t.protocol === 'https:' && tls ? { ca: tls.ca } : {}),
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  };
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, handler) : http.createServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests: () => count,
    setIntercept: (fn) => void (intercept = fn),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
