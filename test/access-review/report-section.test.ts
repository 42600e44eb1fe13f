/**
 * The SOC 2 package carries the key access review: the PDF section (open findings, the
 * principals table), csv/access_principals.csv and csv/access_findings.csv, the raw key
 * policy in report.json, and the CC6.1 / CC6.3 mapping row.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { acmeOnFakeAws, evidenceFixture, type EvidenceFixture } from '../evidence/support/evidence-fixture';
import { crossAccountKeyPolicy, FAKE_ROLE_ARN, fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { tempDir } from '../support/engine-fixture';

const clock = new ManualClock('2026-11-10T09:00:00.000Z');
let aws: AwsFake;
let key: FakeKeyInfo;
let fx: EvidenceFixture;

beforeAll(async () => {
  aws = await startAwsFake({ clock });
  key = aws.createKey({ alias: 'report-access' });
  aws.review(key.arn).policy = crossAccountKeyPolicy(aws.accountId, '444455556666', FAKE_ROLE_ARN);
  fx = await evidenceFixture({ clock, env: fakeAwsEnv() });
  await acmeOnFakeAws(fx, aws, key);
  await fx.call('access.review', { tenant: 'acme' });
  await fx.call('access.accept', { tenant: 'acme', finding_id: 'rotation_off:key', reason: 'Rotated quarterly by the platform team' });
  clock.advance(60_000);
});
afterAll(async () => {
  await fx?.close();
  await aws?.close();
});

describe('access review in the SOC 2 package', () => {
  it('writes the section, both CSVs, the raw policy and the mapping row', async () => {
    const r = await fx.call('report.export', { from: '2026-11-01', to: '2026-11-30', out: tempDir() });
    const csv = (name: string) => fs.readFileSync(path.join(r.folder, 'csv', `${name}.csv`), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    const findings = csv('access_findings');
    expect(findings[0]).toBe('tenant,provider,key_ref_suffix,review_id,reviewed_at,finding_id,severity,reason,checks,accepted,accepted_reason,accepted_by,fragment');
    expect(findings.some((l) => l.includes('cross_account:arn:aws:iam::444455556666:root') && l.includes(',high,'))).toBe(true);
    expect(findings.some((l) => l.includes('rotation_off:key') && l.includes('Rotated quarterly by the platform team'))).toBe(true);
    const principals = csv('access_principals');
    expect(principals.some((l) => l.includes(FAKE_ROLE_ARN) && l.includes('Allow use of the key'))).toBe(true);
    const json = JSON.parse(fs.readFileSync(path.join(r.folder, 'report.json'), 'utf8')) as { access_review: { keys: { raw: { key_policy: string } }[] }; soc2_mapping: { section: string; criteria: string[] }[] };
    expect(json.access_review.keys[0]!.raw.key_policy).toBe(aws.review(key.arn).policy);
    expect(json.soc2_mapping.find((m) => m.section === 'access_review')?.criteria).toEqual(['CC6.1', 'CC6.3']);
    const text = execFileSync('pdftotext', ['-layout', path.join(r.folder, 'report.pdf'), '-'], { encoding: 'utf8' }).replace(/\u200B/g, '');
    expect(text).toContain('Key access review');
    expect(text).toContain('1 open high or critical finding');
    expect(text).toContain('Accepted by tester@test-host: Rotated quarterly');
  });
});
