/**
 * Local Cloud Logging sink and diagnostic-settings files decoded on the import's worker
 * threads give what decoding them here gives (the same events, keys and unreadable lines),
 * and a file that is not JSON is refused there by the same name.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AZURE_JSONL_FORMAT } from '../../core/evidence/archive/azure-decoder';
import { decodePool, decodeRequest } from '../../core/evidence/archive/decode-pool';
import { GCP_EXPORT_FORMAT, GCP_JSONL_FORMAT } from '../../core/evidence/archive/gcp-decoders';
import { ArchiveError } from '../../core/evidence/archive/types';
import { sourceWorkerEntry } from '../../core/workers/launch';
import { kmsAuditEntry } from '../fakes/gcp';

const KEY = 'projects/p1/locations/global/keyRings/r/cryptoKeys/k';
const VAULT_KEY = 'https://kv1.vault.azure.net/keys/wrap';
const pool = decodePool(sourceWorkerEntry()!, 2);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-cloud-threads-'));
afterAll(() => {
  pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};
const unpacked = (r: Awaited<ReturnType<typeof decodeRequest>>) => {
  if (!r.ok) throw new Error(r.message);
  // Asked without a database to store into, a thread hands the decoded file back.
  if (!('file' in r)) throw new Error('the thread stored the file instead of returning it');
  const { packedRaw, ...rest } = r.file;
  if (!packedRaw) return rest;
  const text = Buffer.from(packedRaw.bytes).toString('utf8');
  return { ...rest, events: rest.events.map((e, i) => ({ ...e, event: { ...e.event, raw: text.slice(i === 0 ? 0 : packedRaw.ends[i - 1], packedRaw.ends[i]) } })) };
};

describe('GCP and Azure archive files on worker threads', () => {
  it('decode there as here, and refuse a file that is not JSON by the same name', async () => {
    const entry = (i: number) => JSON.stringify(kmsAuditEntry({ keyPath: KEY, method: 'Decrypt', principal: 'a@p1.iam.gserviceaccount.com', callerIp: '10.0.0.1', userAgent: 'u', granted: true, at: Date.UTC(2026, 0, 1, 0, i) }));
    const sink = file('00:00:00_00:59:59_S0.json', `${entry(1)}\n${entry(2)}\n${entry(3).slice(0, 40)}`);
    const exported = file('export.json', `[\n${entry(4)},\n${entry(5)}\n]`);
    const azure = file('PT1H.json', `${JSON.stringify({ time: '2026-01-01T00:10:00.0000000Z', resourceId: '/SUBSCRIPTIONS/S/VAULTS/KV1', operationName: 'KeyUnwrap', category: 'AuditEvent', resultType: 'Success', correlationId: 'az-1', identity: { claim: { appid: 'a' } }, properties: { requestUri: `${VAULT_KEY}/v1/unwrapkey?api-version=7.4`, clientInfo: 'x', httpStatusCode: 200 } })}\n`);
    const cases: [string, string][] = [[sink, GCP_JSONL_FORMAT], [exported, GCP_EXPORT_FORMAT], [azure, AZURE_JSONL_FORMAT]];
    const keys = [KEY, VAULT_KEY];
    const there = await Promise.all(cases.map(([f, fmt]) => pool.decode(f, path.basename(f), fmt, { keys }, false)));
    const here = await Promise.all(cases.map(([f, fmt], i) => decodeRequest({ id: i, path: f, key: path.basename(f), format: fmt, keys, hash: false })));
    expect(there.map((t) => unpacked({ id: 0, ok: true, file: t }))).toEqual(here.map(unpacked));
    expect(there.map((t) => [t.events.length, t.unreadable.length])).toEqual([[2, 1], [2, 0], [1, 0]]);
    const html = file('01:00:00_01:59:59_S0.json', '<html><body>Sign in</body></html>\n');
    const err = await pool.decode(html, 'html.json', GCP_JSONL_FORMAT, { keys }, false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as ArchiveError).kind).toBe('not_json');
  });
});
