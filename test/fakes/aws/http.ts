/**
 * One loopback HTTP listener of the AWS fake (KMS, STS or CloudTrail each get their own
 * port, as they are separate hosts in AWS). Handles what is the same for all three:
 * reading bodies, the `refuse` fault (sockets destroyed at once), closing the listener
 * so the port refuses connections, reopening it on the same port, and delays that end
 * when the fake closes.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { PASS, type FaultMode } from '../fault-mode';

export interface FakeRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  remoteAddress: string;
}

export interface FakeResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** `destroy`: drop the connection without an answer (the `refuse` fault). */
export type Handler = (req: FakeRequest) => Promise<FakeResponse | 'destroy'>;

export interface LoopbackServer {
  readonly endpoint: string;
  readonly port: number;
  fault: FaultMode;
  /** Requests that reached the handler (refused connections are not counted). */
  requestCount: number;
  /** Waits `ms`; resolves false if the server closed meanwhile. */
  delay(ms: number): Promise<boolean>;
  /** Stop listening: new connections are refused (ECONNREFUSED); open ones are cut. */
  closeListener(): Promise<void>;
  /** Listen again on the same port. */
  reopenListener(): Promise<void>;
  close(): Promise<void>;
}

export async function startLoopbackServer(handler: Handler): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: (ok: boolean) => void }>();
  let closed = false;

  const server = http.createServer({ keepAliveTimeout: 2_000 }, (req, res) => {
    if (state.fault.kind === 'refuse') {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requestCount++;
      const fakeReq: FakeRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks),
        remoteAddress: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
      };
      handler(fakeReq).then(
        (answer) => {
          if (answer === 'destroy') return void req.socket.destroy();
          if (res.destroyed || req.socket.destroyed) return;
          res.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) });
          res.end(answer.body);
        },
        (err: unknown) => {
          if (res.destroyed) return;
          const message = err instanceof Error ? err.message : String(err);
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`fake internal error: ${message}`);
        },
      );
    });
  });
  server.on('connection', (socket: Socket) => {
    if (state.fault.kind === 'refuse') {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  const port = await listen(0);
  const state: LoopbackServer = {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    fault: PASS,
    requestCount: 0,
    delay(ms) {
      if (closed) return Promise.resolve(false);
      return new Promise((resolve) => {
        const entry = {
          resolve,
          timer: setTimeout(() => {
            timers.delete(entry);
            resolve(!closed);
          }, ms),
        };
        timers.add(entry);
      });
    },
    closeListener: stopListening,
    async reopenListener() {
      if (!server.listening && !closed) await listen(port);
    },
    async close() {
      closed = true;
      for (const t of timers) {
        clearTimeout(t.timer);
        t.resolve(false);
      }
      timers.clear();
      await stopListening();
    },
  };
  return state;
}

/** An AWS JSON 1.1 answer (KMS, CloudTrail). */
export function jsonAnswer(status: number, body: unknown, requestId: string): FakeResponse {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
    body: JSON.stringify(body),
  };
}

/** An AWS JSON 1.1 error: `{"__type": code, "message": ...}`. */
export function jsonError(status: number, code: string, message: string | undefined, requestId: string): FakeResponse {
  return jsonAnswer(status, message === undefined ? { __type: code } : { __type: code, message }, requestId);
}

export function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}
