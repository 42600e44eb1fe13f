/** A raw HTTP client for the web-host tests: full control of Host and Origin headers. */
import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: () => { ok: boolean; value?: unknown; error?: { code: string; status: number; message: string } };
}

export function rawRequest(opts: { host?: string; port: number; method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: opts.host ?? '127.0.0.1', port: opts.port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers ?? {}, setHost: opts.headers?.host === undefined, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as ReturnType<RawResponse['json']> });
        });
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** POST /api/<method> with JSON, the token, and a same-origin Origin header (as a browser sends). */
export function apiCall(port: number, method: string, input: unknown, token: string | undefined, extra: Record<string, string> = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json', origin: `http://127.0.0.1:${port}`, ...extra };
  if (token !== undefined) headers['x-keywarden-token'] = token;
  return rawRequest({ port, method: 'POST', path: `/api/${method}`, headers, body: JSON.stringify(input) });
}
