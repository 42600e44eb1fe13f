/**
 * The access review through the contract, on a real engine and SQLite file against the
 * AWS wire fake: reviews stored with their drift, findings listed by severity, accepted
 * with a reason (audited, no secret in the payload), allow-list settings, a denied
 * GetKeyPolicy giving a partial review that loses nothing stored before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { crossAccountKeyPolicy, FAKE_ROLE_ARN, fakeAwsEnv, FAKE_SECRET_ACCESS_KEY, startAwsFake, type AwsFake, type FakeGrant, type FakeKeyInfo } from '../fakes/aws';
import { acmeOnFakeAws, evidenceFixture, type EvidenceFixture } from '../evidence/support/evidence-fixture';

const clock = new ManualClock('2026-12-01T09:00:00.000Z');
let aws: AwsFake;
let key: FakeKeyInfo;
let fx: EvidenceFixture;
let grant: FakeGrant;

beforeAll(async () => {
  aws = await startAwsFake({ clock });
  key = aws.createKey({ alias: 'keywarden-access' });
  fx = await evidenceFixture({ clock, env: fakeAwsEnv() });
  await acmeOnFakeAws(fx, aws, key);
  await fx.call('tenant.create', { slug: 'plain', wrap: 'local' });
  const data = aws.review(key.arn);
  data.policy = crossAccountKeyPolicy(aws.accountId, '444455556666', FAKE_ROLE_ARN);
  data.rotationEnabled = true;
  data.rotationPeriodDays = 365;
  grant = aws.addGrant(key.arn, { GranteePrincipal: 'arn:aws:iam::111122223333:role/BatchExport', Operations: ['Decrypt'] });
});
afterAll(async () => {
  await fx?.close();
  await aws?.close();
});

describe('access review through the contract', () => {
  it('reviews every customer-KMS tenant, skips the others, records each read, and stores the review', async () => {
    const run = await fx.call('access.review', {});
    expect(run.skipped).toEqual([{ tenant: 'plain', reason: 'on the local key, not a customer KMS key' }]);
    expect(run.reviews).toHaveLength(1);
    const r = run.reviews[0]!;
    expect(r).toMatchObject({ tenant_slug: 'acme', provider: 'aws', status: 'complete', drift: [] });
    expect(r.keywarden_principal).toBe('arn:aws:sts::111122223333:assumed-role/KeywardenKMSAccess/keywarden');
    expect(r.findings.map((f) => f.id).sort()).toEqual(['cross_account:arn:aws:iam::444455556666:root', `foreign_grant:${grant.GrantId}`]);
    expect(r.principals.some((p) => p.principal === FAKE_ROLE_ARN && p.capability === 'use' && p.ref === 'Allow use of the key')).toBe(true);
    expect(r.raw.key_policy).toBe(aws.review(key.arn).policy);

    const calls = await fx.call('kms.calls', { tenant: 'acme', limit: 500 });
    const reviewCalls = calls.filter((c) => c.operation.startsWith('review_'));
    expect(reviewCalls.map((c) => c.operation).sort()).toEqual(['review_describe', 'review_get_key_policy', 'review_list_grants', 'review_list_tags', 'review_rotation_status']);
    expect(reviewCalls.map((c) => c.correlation_id).sort()).toEqual(r.reads.map((x) => x.correlation_id).sort());
    const audit = await fx.call('audit.list', { action: 'access.*', limit: 10 });
    expect(audit[0]).toMatchObject({ action: 'access.reviewed' });
  });

  it('the next review lists what changed: a removed grant, rotation turned off, a new finding', async () => {
    const data = aws.review(key.arn);
    data.grants = [];
    data.rotationEnabled = false;
    clock.advance(86_400_000);
    const r = (await fx.call('access.review', { tenant: 'acme' })).reviews[0]!;
    const kinds = r.drift.map((d) => `${d.kind}:${d.subject}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'principal_removed:arn:aws:iam::111122223333:role/BatchExport',
        'finding_new:rotation_off:key',
        `finding_resolved:foreign_grant:${grant.GrantId}`,
        'fact_changed:rotation_enabled',
      ]),
    );
    expect(r.drift.find((d) => d.subject === 'rotation_enabled')).toMatchObject({ before: true, after: false });
    const history = await fx.call('access.history', { tenant: 'acme' });
    expect(history.map((h) => h.drift_changes > 0)).toEqual([true, false]);
  });

  it('lists findings most severe first, accepts one with a reason (audited, no secret), and hides it unless asked', async () => {
    const all = await fx.call('access.findings', { tenant: 'acme' });
    expect(all.map((f) => f.severity)).toEqual(['high', 'medium']);
    const reason = 'Partner account 444455556666 decrypts exports under contract C-17';
    const res = await fx.call('access.accept', { tenant: 'acme', finding_id: 'cross_account:arn:aws:iam::444455556666:root', reason });
    expect(res.accepted).toMatchObject({ reason, accepted_by: 'tester@test-host' });
    expect((await fx.call('access.findings', { tenant: 'acme' })).map((f) => f.rule)).toEqual(['rotation_off']);
    const withAccepted = await fx.call('access.findings', { tenant: 'acme', include_accepted: true });
    expect(withAccepted.find((f) => f.rule === 'cross_account')?.accepted?.reason).toBe(reason);
    const entry = (await fx.call('audit.list', { action: 'access.finding.accepted', limit: 1 }))[0]!;
    expect(entry.payload).toMatchObject({ finding_id: 'cross_account:arn:aws:iam::444455556666:root', rule: 'cross_account', reason });
    const text = JSON.stringify(entry);
    expect(text).not.toContain(FAKE_SECRET_ACCESS_KEY);
    expect(text).not.toContain(key.arn);
    expect(text).not.toContain('Statement');
    // Still accepted in a later review: the finding id is stable.
    const later = (await fx.call('access.review', { tenant: 'acme' })).reviews[0]!;
    expect(later.findings.find((f) => f.rule === 'cross_account')?.accepted?.reason).toBe(reason);
  });

  it('refuses an acceptance without a reason, for an unknown finding, or for a tenant never reviewed', async () => {
    expect(await fx.fail('access.accept', { tenant: 'acme', finding_id: 'rotation_off:key', reason: ' ' })).toMatchObject({ code: 'invalid_input' });
    expect(await fx.fail('access.accept', { tenant: 'acme', finding_id: 'guessed:x', reason: 'because' })).toMatchObject({ code: 'not_found' });
    expect(await fx.fail('access.accept', { tenant: 'plain', finding_id: 'rotation_off:key', reason: 'because' })).toMatchObject({ code: 'not_found' });
    expect(await fx.fail('access.review', { tenant: 'plain' })).toMatchObject({ code: 'conflict' });
  });

  it('an allow-listed account no longer raises cross_account; the change is audited', async () => {
    const s = await fx.call('access.settings', { tenant: 'acme', allow_list: ['444455556666'] });
    expect(s).toEqual({ tenant: 'acme', allow_list: ['444455556666'], require_hsm: false });
    const r = (await fx.call('access.review', { tenant: 'acme' })).reviews[0]!;
    expect(r.findings.map((f) => f.rule)).toEqual(['rotation_off']);
    expect(r.drift.map((d) => d.kind)).toContain('finding_resolved');
    expect((await fx.call('audit.list', { action: 'access.settings.changed', limit: 1 })).length).toBe(1);
    expect(await fx.fail('access.settings', { tenant: 'acme', allow_list: ['has space'] })).toMatchObject({ code: 'invalid_input' });
  });

  it('a denied GetKeyPolicy gives a partial review naming kms:GetKeyPolicy; earlier reviews are kept and policy principals are not reported as removed', async () => {
    const before = await fx.call('access.history', { tenant: 'acme' });
    aws.review(key.arn).denied.add('GetKeyPolicy');
    try {
      const r = (await fx.call('access.review', { tenant: 'acme' })).reviews[0]!;
      expect(r.status).toBe('partial');
      expect(r.gaps).toEqual([expect.objectContaining({ where: 'GetKeyPolicy', kind: 'permission_missing', permission: 'kms:GetKeyPolicy' })]);
      expect(r.facts.key_state).toBe('Enabled');
      expect(r.findings.map((f) => f.rule)).toEqual(['rotation_off']);
      expect(r.drift.filter((d) => d.kind === 'principal_removed')).toEqual([]);
      const after = await fx.call('access.history', { tenant: 'acme' });
      expect(after).toHaveLength(before.length + 1);
      expect(after.slice(1)).toEqual(before);
      expect((await fx.call('access.show', { id: before[0]!.id })).status).toBe('complete');
    } finally {
      aws.review(key.arn).denied.clear();
    }
  });
});
