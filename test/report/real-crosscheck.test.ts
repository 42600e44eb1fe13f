/**
 * The package's cross-check section against a real cross-check run (issue 8's engine
 * and the AWS fake's CloudTrail): a rogue Decrypt shows up as provider_only in the
 * JSON, the CSV and the PDF, and the run's own audit entry is proven in the package.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { parseCsv } from '../../core/report/csv';
import { verifyPackage } from '../../core/report/verify/verify-package';
import { acmeOnFakeAws, evidenceFixture, stepUp, type EvidenceFixture } from '../evidence/support/evidence-fixture';
import { fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';

const T0 = Date.parse('2026-05-04T09:00:00.000Z');
const clock = new ManualClock(T0);
let aws: AwsFake;
let key: FakeKeyInfo;
let fx: EvidenceFixture;
let out: string;

beforeAll(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-report-cc-'));
  aws = await startAwsFake({ clock });
  key = aws.createKey({ alias: 'keywarden-report' });
  fx = await evidenceFixture({ clock, env: fakeAwsEnv(), readers: { sleep: async () => {} } });
  await acmeOnFakeAws(fx, aws, key);
  await fx.call('evidence.settings', { step_up_token: await stepUp(fx, 'evidence_settings', 'acme'), tenant: 'acme', aws_cloudtrail_endpoint: aws.cloudtrail.endpoint });
  clock.advance(30_000);
  aws.cloudtrail.inject(key.arn);
  clock.advance(30 * 60_000);
  await fx.call('evidence.fetch', { tenant: 'acme' });
  await fx.call('evidence.crosscheck', { from: '2026-05-04T00:00:00.000Z', to: '2026-05-05T00:00:00.000Z', tenant: 'acme' });
}, 60_000);

afterAll(async () => {
  await fx?.close();
  await aws?.close();
  fs.rmSync(out, { recursive: true, force: true });
});

describe('a package over a period with a real cross-check run', () => {
  it('lists the rogue key use everywhere and proves the run was recorded', async () => {
    const r = await fx.call('report.export', { from: '2026-05-04', to: '2026-05-04', out });
    const json = JSON.parse(fs.readFileSync(path.join(r.folder, 'report.json'), 'utf8')) as {
      cross_check: { available: boolean; runs: { audit_seq: number | null }[]; counts: Record<string, number>; exceptions: { class: string; principal: string }[] };
    };
    expect(json.cross_check.available).toBe(true);
    expect(json.cross_check.counts.provider_only).toBe(1);
    expect(json.cross_check.counts.matched).toBeGreaterThanOrEqual(3);
    const [rogue] = json.cross_check.exceptions;
    expect(rogue).toMatchObject({ class: 'provider_only' });
    expect(rogue!.principal).toContain('assumed-role/SomeoneElse/intruder');

    const csv = parseCsv(fs.readFileSync(path.join(r.folder, 'csv', 'cross_check_exceptions.csv'), 'utf8'));
    expect(csv).toHaveLength(2);
    expect(csv[1]![0]).toBe('provider_only');
    // Every exception says why it is one.
    expect(csv[0]!.slice(-2)).toEqual(['reason', 'explanation']);
    expect(csv[1]!.at(-2)).toBe('foreign_user_agent');
    expect(csv[1]!.at(-1)).toMatch(/client that is not Keywarden \(user agent "aws-cli/);

    const text = execFileSync('pdftotext', ['-layout', path.join(r.folder, 'report.pdf'), '-'], { encoding: 'utf8' }).replace(/\u200B/g, '');
    expect(text).toContain('1 key use the engine did not make');
    // The principal wraps inside its column, so its two halves land on separate lines.
    expect(text).toContain('assumed-role/SomeoneElse/');
    expect(text).toMatch(/^\s+intruder$/m);

    const runSeq = json.cross_check.runs[0]!.audit_seq!;
    const proofs = JSON.parse(fs.readFileSync(path.join(r.folder, 'audit', 'inclusion-proofs.json'), 'utf8')) as { proofs: { seq: number }[] };
    expect(proofs.proofs.map((p) => p.seq)).toContain(runSeq);
    const { verifier_key } = await fx.call('audit.publicKey', {});
    expect((await verifyPackage(r.zip, { publicKey: verifier_key })).failures).toEqual([]);
  });
});
