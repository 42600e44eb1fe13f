/**
 * The Cloud Storage and blob stores when nothing answers: a refused connection is
 * `unreachable` at once (not retried as if throttled), named with the store, and a
 * cancelled listing stops as `cancelled` without another request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { AzblobStore } from '../../core/evidence/archive/azblob-store';
import { GcsStore } from '../../core/evidence/archive/gcs-store';
import { accessTokenCredentials } from '../../core/providers/gcp';

let closedUrl: string;
const sleeps: number[] = [];
const sleep = async (ms: number) => void sleeps.push(ms);
const drain = async (it: AsyncIterable<unknown>) => {
  for await (const x of it) void x;
};

beforeAll(async () => {
  // A port that was just open and is now closed: connections are refused.
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closedUrl = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  await new Promise<void>((r) => s.close(() => r()));
});

describe('stores with nothing listening', () => {
  it('Cloud Storage: a refused connection is unreachable, without backoff', async () => {
    sleeps.length = 0;
    const identity = async () => (await accessTokenCredentials('t')({ timeoutMs: 1000 })).client;
    const store = new GcsStore({ bucket: 'b', location: 'gs://b/', endpoint: closedUrl, identity, timeoutMs: 1000, userAgent: 'kw-test', sleep });
    await expect(drain(store.deep('x/', new AbortController().signal))).rejects.toMatchObject({ kind: 'unreachable', message: expect.stringMatching(/Cloud Storage is unreachable/) });
    expect(sleeps).toEqual([]);
  });

  it('Azure Storage: a refused connection is unreachable, without backoff; a cancelled listing is cancelled', async () => {
    sleeps.length = 0;
    // A fixed token: the point is the refused connection, not the sign-in.
    const tokenless = { getToken: async () => ({ token: 'x', expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const https = closedUrl.replace('http:', 'https:');
    const store = new AzblobStore({ account: 'acct', container: 'c', location: 'azblob://acct/c/', endpoint: https, credential: tokenless, timeoutMs: 1000, userAgent: 'kw-test', sleep });
    await expect(drain(store.deep('resourceId=/', new AbortController().signal))).rejects.toMatchObject({ kind: 'unreachable' });
    expect(sleeps).toEqual([]);
    const aborted = new AbortController();
    aborted.abort();
    await expect(drain(store.deep('resourceId=/', aborted.signal))).rejects.toMatchObject({ kind: 'cancelled' });
  });
});
