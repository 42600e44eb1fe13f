/**
 * Which files of a sink or diagnostic-settings archive a period reads: the hourly objects
 * that overlap it (by name), the tenant's vaults only when their names are known, the
 * hours without a file (named, for the report), and which local folder is which layout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureDiagnosticsSource } from '../../core/evidence/archive/azure-diagnostics-source';
import { detectCloudFolder } from '../../core/evidence/archive/cloud-log-factories';
import { dayInName } from '../../core/evidence/archive/gcloud-export-source';
import { GcpSinkSource } from '../../core/evidence/archive/gcp-sink-source';
import { LocalTreeStore } from '../../core/evidence/archive/local-tree-store';
import { blobHour, gcsObjectHour, parseAzblobUrl, parseGsUrl } from '../../core/evidence/archive/sink-layout';

let root: string;
const write = (rel: string, text = '{}\n') => {
  const f = path.join(root, ...rel.split('/'));
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
};
const signal = new AbortController().signal;
const collect = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-layouts-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('Cloud Logging sink layout', () => {
  it('lists the hours overlapping the period, by day prefix, and names the hours without an object', async () => {
    const sink = path.join(root, 'sink');
    for (const h of ['22', '23']) write(`sink/logs/cloudaudit.googleapis.com/data_access/2026/01/01/${h}:00:00_${h}:59:59_S0.json`);
    for (const h of ['00', '02', '05']) write(`sink/logs/cloudaudit.googleapis.com/data_access/2026/01/02/${h}:00:00_${h}:59:59_S0.json`);
    write('sink/logs/cloudaudit.googleapis.com/data_access/2026/01/02/02:00:00_02:59:59_S1.json'); // a second shard of one hour
    write('sink/logs/cloudaudit.googleapis.com/activity/2026/01/02/01:00:00_01:59:59_S0.json'); // another log
    const src = new GcpSinkSource(new LocalTreeStore(sink), 'logs/');
    const got = await collect(src.list({ fromMs: Date.parse('2026-01-01T23:30:00Z'), toMs: Date.parse('2026-01-02T04:00:00Z') }, signal));
    expect(got.map((o) => `${o.day} ${o.key.slice(-25)}`)).toEqual([
      '2026-01-01 23:00:00_23:59:59_S0.json',
      '2026-01-02 00:00:00_00:59:59_S0.json',
      '2026-01-02 02:00:00_02:59:59_S0.json',
      '2026-01-02 02:00:00_02:59:59_S1.json',
    ]);
    expect(got.every((o) => o.role === 'log')).toBe(true);
    expect(src.missingHours()).toEqual(['2026-01-02T01:00Z', '2026-01-02T03:00Z']);
  });

  it('reads gs:// locations strictly', () => {
    expect(parseGsUrl('gs://my-sink/exports/cloudaudit.googleapis.com/data_access')).toEqual({ bucket: 'my-sink', prefix: 'exports/' });
    expect(parseGsUrl('gs://my-sink')).toEqual({ bucket: 'my-sink', prefix: '' });
    expect(() => parseGsUrl('gs://')).toThrow(/gs:\/\/<bucket>/);
    expect(() => parseGsUrl('s3://my-sink')).toThrow();
    expect(gcsObjectHour('x/2026/02/29/07:00:00_07:59:59_S3.json')).toBeNull(); // no 29 February in 2026
    expect(gcsObjectHour('x/2028/02/29/07:00:00_07:59:59_S3.json')).toBe(Date.parse('2028-02-29T07:00:00Z'));
  });
});

describe('diagnostic-settings layout', () => {
  const blob = (vault: string, d: string, h: string) => `diag/resourceId=/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/${vault}/y=2026/m=03/d=${d}/h=${h}/m=00/PT1H.json`;

  it('walks to the vault folders, keeps the tenant vaults when named, and lists each day by prefix', async () => {
    write(blob('KV-ONE', '01', '10'));
    write(blob('KV-ONE', '01', '12'));
    write(blob('KV-TWO', '01', '11'));
    const store = new LocalTreeStore(path.join(root, 'diag'));
    const period = { fromMs: Date.parse('2026-03-01T10:00:00Z'), toMs: Date.parse('2026-03-01T13:00:00Z') };
    const one = new AzureDiagnosticsSource(store, '', new Set(['kv-one']));
    expect((await collect(one.list(period, signal))).map((o) => o.key.slice(-29))).toEqual(['d=01/h=10/m=00/PT1H.json', 'd=01/h=12/m=00/PT1H.json'].map((s) => `m=03/${s}`));
    expect(one.missingHours()).toEqual(['2026-03-01T11:00Z']);
    const all = new AzureDiagnosticsSource(store, '', null);
    expect(await collect(all.list(period, signal))).toHaveLength(3);
    expect(all.vaults().map((v) => v.split('/').at(-2))).toEqual(['KV-ONE', 'KV-TWO']);
  });

  it('reads azblob:// locations and blob names strictly', () => {
    expect(parseAzblobUrl('azblob://acct01')).toEqual({ account: 'acct01', container: 'insights-logs-auditevent', prefix: '' });
    expect(parseAzblobUrl('azblob://acct01/logs/archive/')).toEqual({ account: 'acct01', container: 'logs', prefix: 'archive/' });
    expect(() => parseAzblobUrl('azblob://ACCT/x')).toThrow(/storage account name/);
    expect(() => parseAzblobUrl('azblob://acct01/Bad--Name')).toThrow(/container name/);
    expect(blobHour('resourceId=/SUBSCRIPTIONS/S/VAULTS/K/y=2026/m=03/d=01/h=23/m=00/PT1H.json')).toEqual({ resourceId: '/SUBSCRIPTIONS/S/VAULTS/K', hourMs: Date.parse('2026-03-01T23:00:00Z') });
    expect(blobHour('resourceId=/x/y=2026/m=03/d=01/PT1H.json')).toBeNull();
  });
});

describe('local folders', () => {
  it('tells a sink copy, a diagnostic-settings copy and gcloud exports apart (and none of them from anything else)', () => {
    write('f1/cloudaudit.googleapis.com/data_access/2026/01/01/00:00:00_00:59:59_S0.json');
    write('f2/insights-logs-auditevent/resourceId=/SUBSCRIPTIONS/x.json');
    write('f3/export-20260105.json', '\n  [\n {"insertId": "a"}]');
    write('f4/lines.json', '{"insertId": "a"}\n');
    expect(detectCloudFolder(path.join(root, 'f1'))?.layout).toBe('gcp-sink');
    expect(detectCloudFolder(path.join(root, 'f1', 'cloudaudit.googleapis.com'))).toEqual({ layout: 'gcp-sink', root: path.join(root, 'f1') });
    expect(detectCloudFolder(path.join(root, 'f2'))).toEqual({ layout: 'azure-diagnostics', root: path.join(root, 'f2', 'insights-logs-auditevent') });
    expect(detectCloudFolder(path.join(root, 'f3'))?.layout).toBe('gcloud-export');
    expect(detectCloudFolder(path.join(root, 'f4'))).toBeNull();
    expect(dayInName('a/b/export-20260105.json')).toBe('2026-01-05');
    expect(dayInName('kms-2026-12-31.json')).toBe('2026-12-31');
    expect(dayInName('kms.json')).toBeNull();
  });
});
