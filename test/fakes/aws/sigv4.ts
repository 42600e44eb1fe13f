/**
 * Signature Version 4 as AWS checks it, enough for the fake to refuse unsigned, mis-signed
 * or mis-scoped requests the way AWS does: `Authorization: AWS4-HMAC-SHA256
 * Credential=<AKID>/<date>/<region>/<service>/aws4_request, SignedHeaders=..., Signature=...`.
 * Written from the published algorithm (canonical request → string to sign → HMAC chain).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FakeRequest } from './http';

export interface SigV4Auth {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH = /^AWS4-HMAC-SHA256\s+Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;

export function parseAuthorization(header: string | string[] | undefined): SigV4Auth | undefined {
  if (typeof header !== 'string') return undefined;
  const m = AUTH.exec(header.trim());
  if (!m) return undefined;
  return {
    accessKeyId: m[1]!,
    date: m[2]!,
    region: m[3]!,
    service: m[4]!,
    signedHeaders: m[5]!.split(';'),
    signature: m[6]!,
  };
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(search: string): string {
  const params = [...new URLSearchParams(search)].map(([k, v]) => [uriEncode(k), uriEncode(v)] as const);
  params.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return params.map(([k, v]) => `${k}=${v}`).join('&');
}

function headerValue(req: FakeRequest, name: string): string {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v.join(',') : (v ?? '');
  return s.trim().replace(/\s+/g, ' ');
}

/** True when the signature is the one `secretAccessKey` gives for this request. */
export function verifySigV4(req: FakeRequest, auth: SigV4Auth, secretAccessKey: string): boolean {
  const url = new URL(req.url, 'http://fake');
  const amzDate = headerValue(req, 'x-amz-date');
  if (!amzDate.startsWith(auth.date)) return false;
  const canonicalUri = url.pathname
    .split('/')
    .map((seg) => uriEncode(decodeURIComponent(seg)))
    .join('/');
  const payloadHash = headerValue(req, 'x-amz-content-sha256') || sha256(req.body);
  const canonicalRequest = [
    req.method,
    canonicalUri || '/',
    canonicalQuery(url.search),
    auth.signedHeaders.map((h) => `${h}:${headerValue(req, h)}\n`).join(''),
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const kDate = hmac(`AWS4${secretAccessKey}`, auth.date);
  const kSigning = hmac(hmac(hmac(kDate, auth.region), auth.service), 'aws4_request');
  const expected = Buffer.from(createHmac('sha256', kSigning).update(stringToSign).digest('hex'));
  const given = Buffer.from(auth.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
