/**
 * `keywarden evidence import --source DIR --validate` from the CLI on a local copy of a
 * trail's bucket (as `aws s3 sync` leaves it: organization trail, a prefix, no S3
 * metadata): the log files' hashes are checked against the digests and the result says
 * plainly that signatures could not be; progress goes to stderr as plain lines when it
 * is not a terminal; `evidence coverage` then shows, per day, where the evidence came
 * from and which days have none. A modified file makes the command exit 2 naming it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceCoverageCalendar, ImportResultView } from '../../../core/evidence/archive/types';
import { runCli } from '../../../main/cli/run';
import { fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../../fakes/aws';
import { allowEndpoints } from '../../support/allowed-endpoints';
import { folderSink, kmsRecord, testTrailKey, writeTrailArchive } from '../../support/cloudtrail-archive';
import { tempDir } from '../../support/engine-fixture';
import { FAST_PASSPHRASE_POLICY } from '../../support/fast-passphrase';

const PASS = 'correct horse battery staple';
const DAY0 = Date.parse('2026-03-02T00:00:00.000Z');
let aws: AwsFake;
let key: FakeKeyInfo;

async function kw(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { KEYWARDEN_PASSPHRASE: PASS, ...fakeAwsEnv() }, passphrasePolicy: FAST_PASSPHRASE_POLICY });
  return { code, out, err };
}

beforeAll(async () => {
  aws = await startAwsFake();
  key = aws.createKey({ alias: 'cli-archive' });
});
afterAll(async () => aws?.close());

describe('evidence import from a local folder, from the CLI', () => {
  it('checks hashes against digests, says signatures were not checked, and the coverage shows each day', async () => {
    const dir = tempDir();
    const d = ['--data-dir', dir];
    expect((await kw(['init', ...d])).code).toBe(0);
    expect((await kw(['tenant', 'create', '--slug', 'acme', ...d])).code).toBe(0);
    allowEndpoints(dir, aws.endpoint);
    const cfg = path.join(dir, 'aws.json');
    fs.writeFileSync(cfg, JSON.stringify({ provider: 'aws', kms_key_ref: key.arn, config: { region: aws.region, endpoint: aws.endpoint } }));
    expect((await kw(['onboard', '--tenant', 'acme', '--file', cfg, ...d])).code).toBe(0);

    // Two days of an organization trail, synced to a folder (day 2 of the period has no archive).
    const copy = path.join(tempDir(), 'trail-copy');
    const w = await writeTrailArchive(
      {
        bucket: 'org-trail',
        prefix: 'central/',
        orgId: 'o-abcdefghij',
        account: aws.accountId,
        region: aws.region,
        fromMs: DAY0,
        hours: 48,
        fillerPerFile: 20,
        kms: (h) => [kmsRecord({ eventID: `f-${h}`, eventTime: new Date(DAY0 + h * 3_600_000 + 60_000).toISOString(), keyArn: key.arn })],
        key: testTrailKey(),
      },
      folderSink(copy),
    );
    const imported = await kw(['evidence', 'import', '--tenant', 'acme', '--source', path.join(copy, 'central'), '--from', '2026-03-02', '--to', '2026-03-04', '--validate', '--json', ...d]);
    expect(imported.code).toBe(0);
    const r = JSON.parse(imported.out) as ImportResultView;
    expect(r).toMatchObject({ state: 'done', files_done: 48, events: 48, events_new: 48 });
    expect(r.integrity).toMatchObject({ level: 'hashes_only', files: { valid: 0, hash_matches: 48, modified: [] }, digests: { invalid: [] }, chain_gaps: [] });
    expect(r.integrity!.note).toMatch(/Signatures could NOT be checked/);
    // The whole third day has no digest: 24 hours listed.
    expect(r.integrity!.digests_missing).toHaveLength(24);
    // Progress on stderr, plain lines (not a terminal), with files and bytes.
    expect(imported.err).toMatch(/import importing: \d+\/48 files/);
    expect(imported.err).not.toMatch(/\r/);

    const human = await kw(['evidence', 'import', '--tenant', 'acme', '--source', path.join(copy, 'central'), '--from', '2026-03-02', '--to', '2026-03-03', '--validate', ...d]);
    expect(human.out).toMatch(/48 already imported \(skipped\)/);
    expect(human.out).toMatch(/hashes only: signatures NOT checked/);

    const cov = await kw(['evidence', 'coverage', '--tenant', 'acme', '--from', '2026-03-02', '--to', '2026-03-04', '--json', ...d]);
    const c = JSON.parse(cov.out) as EvidenceCoverageCalendar;
    const aws0 = c.providers.find((p) => p.provider === 'aws')!;
    expect(aws0.days.map((x) => [x.day, x.archive_unvalidated, x.integrity, x.none])).toEqual([
      ['2026-03-02', 24, 'hash_matches', false],
      ['2026-03-03', 24, 'hash_matches', false],
      ['2026-03-04', 0, null, true],
    ]);
    expect(aws0.days_without).toBe(1);

    // A log file changed in the copy: named, not imported, exit 2.
    const victim = path.join(copy, 'central', ...w.logKeys[30]!.replace('central/', '').split('/'));
    fs.writeFileSync(victim, gzipSync(JSON.stringify({ Records: [] })));
    const again = await kw(['evidence', 'import', '--tenant', 'acme', '--source', path.join(copy, 'central'), '--from', '2026-03-02', '--to', '2026-03-03', '--validate', ...d]);
    expect(again.code).toBe(2);
    expect(again.out).toMatch(/MODIFIED log files \(not imported\) \(1\):/);
    expect(again.out).toContain(w.logKeys[30]!.replace('central/', ''));
    const after = JSON.parse((await kw(['evidence', 'coverage', '--tenant', 'acme', '--from', '2026-03-03', '--to', '2026-03-03', '--json', ...d])).out) as EvidenceCoverageCalendar;
    expect(after.providers[0]!.days[0]!.integrity).toBe('problem');
  });
});
