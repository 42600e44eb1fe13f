/**
 * A crash in the middle of an import: the CLI is SIGKILLed while it imports a local
 * archive, after some files are finished. The next import goes on after the last finished
 * file: every file is imported exactly once, every event is stored once, and the files
 * finished before the crash are skipped, not read again.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock';
import { fakeAwsEnv, startAwsFake } from '../../fakes/aws';
import { folderSink, kmsRecord, testTrailKey, writeTrailArchive } from '../../support/cloudtrail-archive';
import { CALLER } from '../../support/engine-fixture';
import { acmeOnFakeAws, evidenceFixture } from '../support/evidence-fixture';
import { DATABASE_FILE, openKeywarden } from '../../../core/keywarden';

const HOURS = 120;
const DAY0 = Date.parse('2026-02-01T00:00:00.000Z');

describe('archive import crash safety', () => {
  it('after SIGKILL mid-import, the next import goes on from the last finished file and counts no event twice', async () => {
    const aws = await startAwsFake();
    const key = aws.createKey({ alias: 'crash' });
    const fx = await evidenceFixture({ clock: new ManualClock(Date.parse('2026-03-01T00:00:00.000Z')), env: fakeAwsEnv() });
    await acmeOnFakeAws(fx, aws, key);
    const dataDir = fx.dataDir;
    await fx.kw.close();
    await aws.close();
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-crash-archive-'));
    await writeTrailArchive(
      {
        bucket: 'b',
        account: '111122223333',
        region: 'us-east-1',
        fromMs: DAY0,
        hours: HOURS,
        fillerPerFile: 3000,
        reuseFiller: true,
        kms: (h) => [0, 1].map((i) => kmsRecord({ eventID: `crash-${h}-${i}`, eventTime: new Date(DAY0 + h * 3_600_000 + i * 1000).toISOString(), keyArn: key.arn })),
        key: testTrailKey(),
      },
      folderSink(copy),
    );
    const args = ['evidence', 'import', '--tenant', 'acme', '--source', copy, '--from', '2026-02-01', '--to', '2026-02-05', '--validate', '--data-dir', dataDir, '--json'];
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', ...args], { cwd: path.resolve(__dirname, '../../..'), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    // Kill it once a few files are finished (read from the database, as they are committed).
    const dbFile = path.join(dataDir, DATABASE_FILE);
    let finishedAtKill = 0;
    for (let i = 0; i < 6000 && child.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 20));
      try {
        const db = new Database(dbFile, { readonly: true, fileMustExist: true });
        const n = db.prepare('SELECT count(*) FROM archive_files').pluck().get() as number;
        db.close();
        if (n >= 5) {
          child.kill('SIGKILL');
          break;
        }
      } catch {
        // The table appears with the child's first migration; keep polling.
      }
    }
    const how = await exit;
    expect(how.signal).toBe('SIGKILL');
    {
      const db = new Database(dbFile, { readonly: true });
      finishedAtKill = db.prepare('SELECT count(*) FROM archive_files').pluck().get() as number;
      expect(db.prepare("SELECT count(*) FROM provider_events WHERE event_id LIKE 'crash-%'").pluck().get()).toBe(finishedAtKill * 2);
      db.close();
    }
    expect(finishedAtKill).toBeGreaterThanOrEqual(5);
    expect(finishedAtKill).toBeLessThan(HOURS);

    const kw = openKeywarden({ dataDir, env: {}, worker: null });
    try {
      const r = await kw.evidence.archive.import({ tenant: 'acme', source: copy, from: '2026-02-01', to: '2026-02-05', validate: true }, CALLER);
      expect(r.state).toBe('done');
      expect(r.files_skipped).toBe(finishedAtKill);
      expect(r.files_done).toBe(HOURS - finishedAtKill);
      expect(r.events_new).toBe((HOURS - finishedAtKill) * 2);
      const db = kw.evidence.store.db;
      expect(db.prepare("SELECT count(*) FROM provider_events WHERE event_id LIKE 'crash-%'").pluck().get()).toBe(HOURS * 2);
      expect(db.prepare("SELECT count(DISTINCT event_id) FROM provider_events WHERE event_id LIKE 'crash-%'").pluck().get()).toBe(HOURS * 2);
      expect(db.prepare("SELECT count(*) FROM archive_files WHERE state = 'imported'").pluck().get()).toBe(HOURS);
    } finally {
      await kw.close();
      fs.rmSync(copy, { recursive: true, force: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
