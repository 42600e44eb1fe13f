/**
 * Local archive files decoded on worker threads give exactly what decoding them here
 * gives, and a bad file fails there with the same named kind (a truncated gzip, a file
 * that is not there); the pool closes its threads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePool, decodeRequest } from '../../../core/evidence/archive/decode-pool';
import { CLOUDTRAIL_FORMAT } from '../../../core/evidence/archive/cloudtrail/decoder';
import { ArchiveError } from '../../../core/evidence/archive/types';
import { sourceWorkerEntry } from '../../../core/workers/launch';
import { folderSink, kmsRecord, testTrailKey, writeTrailArchive } from '../../support/cloudtrail-archive';
import { tempDir } from '../../support/engine-fixture';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const pool = decodePool(sourceWorkerEntry()!, 2);
afterAll(() => pool.close());

describe('decoding on worker threads', () => {
  it('matches decoding in this thread, file for file, and names failures the same way', async () => {
    const dir = tempDir();
    const w = await writeTrailArchive(
      { bucket: 'b', account: '111122223333', region: 'us-east-1', fromMs: Date.UTC(2026, 0, 1), hours: 3, fillerPerFile: 50, kms: (h) => [kmsRecord({ eventID: `p-${h}`, eventTime: '2026-01-01T00:30:00Z', keyArn: KEY })], key: testTrailKey() },
      folderSink(dir),
    );
    const files = w.logKeys.map((k) => path.join(dir, ...k.split('/')));
    const there = await Promise.all(files.map((f, i) => pool.decode(f, w.logKeys[i]!, CLOUDTRAIL_FORMAT, { keys: [KEY] }, true)));
    const here = await Promise.all(files.map((f, i) => decodeRequest({ id: i, path: f, key: w.logKeys[i]!, format: CLOUDTRAIL_FORMAT, keys: [KEY], hash: true })));
    expect(there).toEqual(here.map((r) => (r.ok && 'file' in r ? r.file : null)));
    expect(there.map((f) => f.events.map((e) => e.event.event_id))).toEqual([['p-0'], ['p-1'], ['p-2']]);
    const cut = fs.readFileSync(files[0]!);
    fs.writeFileSync(files[0]!, cut.subarray(0, cut.length - 20));
    const err = await pool.decode(files[0]!, w.logKeys[0]!, CLOUDTRAIL_FORMAT, { keys: [KEY] }, true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as ArchiveError).kind).toBe('truncated_gzip');
    const gone = await pool.decode(path.join(dir, 'nope.json.gz'), 'nope.json.gz', CLOUDTRAIL_FORMAT, { keys: [KEY] }, false).catch((e: unknown) => e);
    expect((gone as ArchiveError).kind).toBe('not_found');
  });
});
