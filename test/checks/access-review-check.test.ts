/**
 * The scheduled key access review on a manual clock, against the AWS wire fake: it runs
 * at most daily, and a high finding the previous review did not have is an alert on the
 * checks' one path (onAlert: the desktop notification; checks.status: the in-page notice
 * and the sidebar badge). A finding already there, a medium one, or one the organisation
 * accepted before it came back raises nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newHighFindings } from '../../core/checks/access-review-check';
import { CheckScheduler } from '../../core/checks/scheduler';
import type { CheckAlertView } from '../../core/api/checks-types';
import { ManualClock } from '../../core/clock';
import { crossAccountKeyPolicy, defaultKeyPolicy, FAKE_ROLE_ARN, fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { acmeOnFakeAws, evidenceFixture, type EvidenceFixture } from '../evidence/support/evidence-fixture';
import type { Database } from 'better-sqlite3';

const rawDb = (f: EvidenceFixture) => (f.kw.ctx.store as unknown as { db: Database }).db;

const DAY = 86_400_000;
const clock = new ManualClock('2026-12-01T09:00:00.000Z');
let aws: AwsFake;
let key: FakeKeyInfo;
let fx: EvidenceFixture;
const raised: CheckAlertView[] = [];
let scheduler: CheckScheduler;
const accessAlerts = () => raised.filter((a) => a.kind === 'access_finding');

beforeAll(async () => {
  aws = await startAwsFake({ clock });
  key = aws.createKey({ alias: 'keywarden-scheduled' });
  fx = await evidenceFixture({ clock, env: fakeAwsEnv() });
  await acmeOnFakeAws(fx, aws, key);
  // The cross-check runs on the same ticks: it reads the fake's CloudTrail.
  await fx.call('evidence.settings', { tenant: 'acme', aws_cloudtrail_endpoint: aws.cloudtrail.endpoint });
  const data = aws.review(key.arn);
  data.policy = crossAccountKeyPolicy(aws.accountId, '444455556666', FAKE_ROLE_ARN);
  data.rotationEnabled = true;
  scheduler = new CheckScheduler(fx.kw, { onAlert: (a) => raised.push(a) });
});
afterAll(async () => {
  await fx?.close();
  await aws?.close();
});

describe('scheduled access review', () => {
  it('reviews every customer key on the first tick and alerts on each high finding, then not again until a day has passed', async () => {
    await scheduler.tick();
    expect(accessAlerts().map((a) => [a.tenant, a.screen, a.title])).toEqual([['acme', 'access', 'New high key access finding for acme']]);
    expect(accessAlerts()[0]!.body).toMatch(/account 444455556666 .* is not on the allow-list/);
    let status = await fx.call('checks.status', {});
    const check = status.checks.find((c) => c.name === 'access_review')!;
    expect(check.last_run).toMatchObject({ outcome: 'problem', summary: '1 key(s) reviewed; 1 new high finding(s); 1 open high or critical' });
    expect(check.next_run_at).toBe(new Date(clock.now() + DAY).toISOString());
    expect(status.alerts.find((a) => a.kind === 'access_finding')).toMatchObject({ seen: false, screen: 'access' });
    const unseen = status.unseen;

    clock.advance(3_600_000);
    await scheduler.tick();
    expect(await fx.call('access.history', { tenant: 'acme' })).toHaveLength(1);
    expect(accessAlerts()).toHaveLength(1);
    status = await fx.call('checks.status', {});
    expect(status.unseen).toBe(unseen);
  });

  it('a day later: a new grant for another role is one alert; the finding that was already there is not repeated; a new medium finding raises none', async () => {
    aws.addGrant(key.arn, { GranteePrincipal: 'arn:aws:iam::111122223333:role/BatchExport', Operations: ['Decrypt'] });
    aws.review(key.arn).rotationEnabled = false;
    clock.advance(DAY);
    await scheduler.tick();
    const alerts = accessAlerts().slice(1);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.body).toMatch(/BatchExport/);
    const latest = await fx.call('access.show', { tenant: 'acme' });
    expect(latest.findings.map((f) => f.rule).sort()).toEqual(['cross_account', 'foreign_grant', 'rotation_off']);
    expect((await fx.call('checks.status', {})).unseen).toBeGreaterThan(0);
  });

  it('a finding accepted before it went away and came back raises nothing when it returns', async () => {
    const cross = (await fx.call('access.show', { tenant: 'acme' })).findings.find((f) => f.rule === 'cross_account')!;
    await fx.call('access.accept', { tenant: 'acme', finding_id: cross.id, reason: 'Partner account under contract 2026-114' });
    aws.review(key.arn).policy = defaultKeyPolicy(aws.accountId);
    clock.advance(DAY);
    await scheduler.tick();
    aws.review(key.arn).policy = crossAccountKeyPolicy(aws.accountId, '444455556666', FAKE_ROLE_ARN);
    clock.advance(DAY);
    await scheduler.tick();
    expect(accessAlerts()).toHaveLength(2);
    expect((await fx.call('access.show', { tenant: 'acme' })).findings.find((f) => f.id === cross.id)!.accepted).not.toBeNull();
  });
});

describe('a key that cannot be reviewed', () => {
  it('is named in the check run as not reviewed; the check is an error and the other keys are still reviewed', async () => {
    await fx.call('tenant.create', { slug: 'beta', wrap: 'local' });
    await fx.call('kms.onboard', { tenant: 'beta', provider: 'aws', kms_key_ref: key.arn, config: { region: aws.region, endpoint: aws.endpoint } });
    await fx.call('evidence.settings', { tenant: 'beta', aws_cloudtrail_endpoint: aws.cloudtrail.endpoint });
    // A stored config that no longer parses (edited outside Keywarden): no reader can be built.
    rawDb(fx).prepare("UPDATE tenants SET kms_config = '{\"region\":\"nowhere\"}' WHERE slug = 'beta'").run();
    const reviews = (await fx.call('access.history', { tenant: 'acme' })).length;
    clock.advance(DAY);
    await scheduler.tick();
    const check = (await fx.call('checks.status', {})).checks.find((c) => c.name === 'access_review')!;
    expect(check.last_run!.outcome).toBe('error');
    expect(check.last_run!.summary).toMatch(/^1 key\(s\) reviewed; .*not reviewed: beta \(review failed \(invalid_input\): /);
    expect(await fx.call('access.history', { tenant: 'acme' })).toHaveLength(reviews + 1);
  });
});

describe('which findings are new', () => {
  const view = (findings: { id: string; severity: 'critical' | 'high' | 'medium'; accepted?: boolean }[]) =>
    ({ findings: findings.map((f) => ({ id: f.id, rule: f.id, severity: f.severity, reason: f.id, fragment: '{}', checks: {}, accepted: f.accepted ? { reason: 'r', accepted_by: 'a', accepted_at: 't' } : null })) }) as never;
  it('high or critical, open, and absent from the review before (or no review before)', () => {
    const v = view([{ id: 'a', severity: 'critical' }, { id: 'b', severity: 'high' }, { id: 'c', severity: 'medium' }, { id: 'd', severity: 'high', accepted: true }]);
    expect(newHighFindings(v, undefined).map((f) => f.id)).toEqual(['a', 'b']);
    expect(newHighFindings(v, new Set(['a'])).map((f) => f.id)).toEqual(['b']);
    expect(newHighFindings(v, new Set(['a', 'b', 'c', 'd']))).toEqual([]);
  });
});
