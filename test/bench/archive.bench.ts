/**
 * Archive import at a year's volume (issue 18): a synthetic CloudTrail trail for one
 * account, 8,760 hourly `.json.gz` files (10,000,000 records, 1,000,000 of them KMS
 * events on the tenant's key) with hourly digests signed by a test RSA key, generated
 * once into the temp dir and kept between runs (`kw-bench-archive-v1`). Then, in one run:
 *   archive.floor_mb_s       plain zlib gunzip + JSON.parse of every log file, one thread
 *   archive.import_mb_s      `evidence import --source DIR --validate` through the engine:
 *                            list, read every digest, hash + decode every file (worker
 *                            threads), store 1M events; MB of decompressed JSON a second
 *   archive.ratio            import_mb_s / floor_mb_s (target >= 0.7; >= 100 MB/s)
 *   archive.import_peak_rss_mib  the process's resident memory sampled during the import,
 *                            every thread's (target < 400 MiB)
 *   archive.crosscheck_seconds   the year's cross-check afterwards: 1M engine calls
 *                            (made from the imported records) against 1M records (< 30 s)
 * `--events N` scales the year down (N KMS events, 10 N records, in the same 8,760 files).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { openKeywarden } from '../../core/keywarden';
import type { Bench } from './index';
import { folderSink, kmsRecord, testTrailKey, writeTrailArchive } from '../support/cloudtrail-archive';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ROLE = `arn:aws:sts::${ACCOUNT}:assumed-role/KeywardenKMSAccess/keywarden`;
const YEAR0 = Date.parse('2025-01-01T00:00:00.000Z');
const HOURS = 8760;
const MIB = 1024 * 1024;
const CALLER = { actor: 'bench@localhost', address: 'bench' };

interface Generated {
  dir: string;
  logFiles: string[];
  records: number;
  kms: number;
  seconds: number | null;
}

/** Spreads `total` over the hours: the first `total % HOURS` hours get one more. */
const perHour = (total: number) => (h: number) => Math.floor(total / HOURS) + (h < total % HOURS ? 1 : 0);

async function generateYear(kmsTotal: number): Promise<Generated> {
  const root = path.join(os.tmpdir(), `kw-bench-archive-v1-${kmsTotal}`);
  const marker = path.join(root, 'complete.json');
  if (fs.existsSync(marker)) {
    const m = JSON.parse(fs.readFileSync(marker, 'utf8')) as { logKeys: string[]; records: number; kms: number };
    return { dir: path.join(root, 'trail'), logFiles: m.logKeys.map((k) => path.join(root, 'trail', ...k.split('/'))), records: m.records, kms: m.kms, seconds: null };
  }
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  const t0 = performance.now();
  const kmsOf = perHour(kmsTotal);
  const fillerOf = perHour(kmsTotal * 9);
  let seq = 0;
  const written = await writeTrailArchive(
    {
      bucket: 'bench-trail',
      account: ACCOUNT,
      region: REGION,
      fromMs: YEAR0,
      hours: HOURS,
      fillerPerFile: fillerOf,
      reuseFiller: true,
      level: 1,
      key: testTrailKey(),
      kms: (h) =>
        Array.from({ length: kmsOf(h) }, (_, i) => {
          const n = seq++;
          const cid = `${n.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
          return kmsRecord({
            eventID: `bench-${n}`,
            eventTime: new Date(YEAR0 + h * 3_600_000 + Math.floor((i * 3_600_000) / kmsOf(h))).toISOString().replace(/\.\d{3}Z$/, 'Z'),
            keyArn: KEY,
            eventName: n % 3 === 0 ? 'Encrypt' : 'Decrypt',
            userAgent: `aws-sdk-js/3.1164.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2 api/kms#3.1164.0 keywarden-cid/${cid}`,
            principalArn: ROLE,
          });
        }),
    },
    folderSink(path.join(root, 'trail')),
  );
  fs.writeFileSync(marker, JSON.stringify({ logKeys: written.logKeys, records: written.records, kms: seq }));
  return { dir: path.join(root, 'trail'), logFiles: written.logKeys.map((k) => path.join(root, 'trail', ...k.split('/'))), records: written.records, kms: seq, seconds: (performance.now() - t0) / 1000 };
}

/** The floor: each file read, gunzipped and parsed whole, in this thread. */
function floor(files: string[]): { bytes: number; seconds: number; records: number } {
  const t0 = performance.now();
  let bytes = 0;
  let records = 0;
  for (const f of files) {
    const text = gunzipSync(fs.readFileSync(f));
    bytes += text.length;
    records += (JSON.parse(text.toString('utf8')) as { Records: unknown[] }).Records.length;
  }
  return { bytes, seconds: (performance.now() - t0) / 1000, records };
}

export const bench: Bench = {
  name: 'archive',
  async run(args) {
    const kmsTotal = args.sizes.events ?? 1_000_000;
    const year = await generateYear(kmsTotal);
    const f = floor(year.logFiles);
    if (f.records !== year.records) throw new Error(`bench: the floor read ${f.records} records, the archive has ${year.records}`);

    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-bench-archive-db-'));
    const kw = openKeywarden({ dataDir, env: {} });
    try {
      const db = kw.evidence.store.db;
      db.prepare("INSERT INTO tenants VALUES ('t1', 'bench', 'customer_kms', 'aws', ?, ?, '2024-12-01T00:00:00.000Z', '2024-12-01T00:00:00.000Z', NULL, NULL, 0)").run(KEY, JSON.stringify({ region: REGION }));
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
      const t0 = performance.now();
      const r = await kw.evidence.archive.import({ tenant: 'bench', source: year.dir, from: '2025-01-01', to: '2025-12-31', validate: true }, CALLER);
      const importSeconds = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      if (r.state !== 'done' || r.events !== year.kms) throw new Error(`bench: the import ended ${r.state} with ${r.events} of ${year.kms} events (${r.error?.message ?? ''})`);
      if (!r.integrity || r.integrity.files.hash_matches !== HOURS) throw new Error('bench: not every file matched its digest');

      // The engine's side of the year: one call per imported record, so the cross-check matches a million pairs.
      db.prepare(
        `INSERT INTO kms_calls (at, tenant_id, provider, key_ref, key_version, operation, correlation_id, principal, provider_key_id, provider_request_id, outcome, error_message, duration_ms)
         SELECT at, tenant_id, 'aws', key_ref, 1, operation, correlation_id, principal, key_ref, NULL, 'ok', NULL, 12 FROM provider_events WHERE correlation_id IS NOT NULL`,
      ).run();
      const c0 = performance.now();
      const run = await kw.evidence.crosscheck({ from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z', tenant: 'bench' }, CALLER);
      const crosscheckSeconds = (performance.now() - c0) / 1000;
      const floorMbS = f.bytes / MIB / f.seconds;
      const importMbS = r.bytes_uncompressed / MIB / importSeconds;
      return {
        'archive.files': HOURS,
        'archive.records': year.records,
        'archive.kms_events': year.kms,
        'archive.compressed_mib': Math.round(r.bytes_total / MIB),
        'archive.uncompressed_mib': Math.round(r.bytes_uncompressed / MIB),
        ...(year.seconds !== null ? { 'archive.generate_seconds': year.seconds } : { 'archive.generated': 'cached' }),
        'archive.floor_seconds': f.seconds,
        'archive.floor_mb_s': floorMbS,
        'archive.import_seconds': importSeconds,
        'archive.import_mb_s': importMbS,
        'archive.ratio': importMbS / floorMbS,
        'archive.import_peak_rss_mib': Math.round(peak / MIB),
        'archive.events_stored': r.events_new,
        'archive.integrity': `${r.integrity.level}: ${r.integrity.files.hash_matches} files match their digests, ${r.integrity.digests.valid}/${r.integrity.digests.total} digests`,
        'archive.crosscheck_seconds': crosscheckSeconds,
        'archive.crosscheck_matched': run.counts.matched,
        'archive.process_max_rss_mib': Math.round(process.resourceUsage().maxRSS / 1024),
        'archive.load_avg_1m': os.loadavg()[0]!,
      };
    } finally {
      await kw.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
