/**
 * The AWS review reads through the real @aws-sdk/client-kms against the wire fake:
 * DescribeKey, GetKeyPolicy, ListGrants (every page), GetKeyRotationStatus and
 * ListResourceTags, each a recorded call whose correlation id CloudTrail carries back,
 * through the same role assumption as the provider. Denied and malformed answers give a
 * partial snapshot that keeps everything read before.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readAws } from '../../core/access-review/aws-review';
import { ReviewReads } from '../../core/access-review/reads';
import { ManualClock } from '../../core/clock';
import { appOperation } from '../../core/evidence/types';
import { parseAwsConfig } from '../../core/providers/aws';
import { AwsKeyReviewReader } from '../../core/providers/aws/key-review';
import type { KmsCallRow } from '../../core/store/rows';
import { crossAccountKeyPolicy, FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, startAwsFake, type AwsFake } from '../fakes/aws';
import { awsTestDeps } from '../fakes/aws/harness';

let aws: AwsFake;
const readers: AwsKeyReviewReader[] = [];
beforeAll(async () => {
  aws = await startAwsFake();
});
afterAll(() => aws.close());
afterEach(() => readers.splice(0).forEach((r) => r.close()));

function setup(keyRef: string, role = true) {
  const parsed = parseAwsConfig({
    provider: 'aws',
    kms_key_ref: keyRef,
    config: { region: aws.region, endpoint: aws.endpoint, ...(role ? { sts_endpoint: aws.sts.endpoint, role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID } : {}) },
  });
  const reader = new AwsKeyReviewReader(parsed, awsTestDeps());
  readers.push(reader);
  const rows: Omit<KmsCallRow, 'id'>[] = [];
  const reads = new ReviewReads({ tenantId: 't1', provider: 'aws', keyRef }, (r) => rows.push(r), new ManualClock('2026-12-01T00:00:00.000Z'), () => reader.principal());
  return { reader, reads, rows };
}

describe('AWS review reads', () => {
  it('reads metadata, the policy text, every grant, rotation and tags, one recorded call each, carried into CloudTrail', async () => {
    const key = aws.createKey({ alias: 'review-one' });
    const data = aws.review(key.arn);
    data.policy = crossAccountKeyPolicy(aws.accountId, '444455556666', FAKE_ROLE_ARN);
    data.rotationEnabled = true;
    data.rotationPeriodDays = 180;
    data.tags.push({ TagKey: 'owner', TagValue: 'security' });
    const grant = aws.addGrant(key.arn, { GranteePrincipal: 'arn:aws:iam::111122223333:role/BatchExport', Operations: ['Decrypt', 'DescribeKey'], Name: 'batch' });

    const { reader, reads, rows } = setup(key.aliasArn!);
    const { snapshot, raw } = await readAws(reader, reads);
    expect(reads.gaps).toEqual([]);
    expect(snapshot.metadata).toMatchObject({ Arn: key.arn, KeyState: 'Enabled', KeyManager: 'CUSTOMER', Origin: 'AWS_KMS', KeySpec: 'SYMMETRIC_DEFAULT', MultiRegion: false });
    expect(snapshot.policyText).toBe(data.policy);
    expect(raw.key_policy).toBe(data.policy);
    expect(snapshot.grants).toEqual([expect.objectContaining({ GrantId: grant.GrantId, GranteePrincipal: grant.GranteePrincipal, Operations: ['Decrypt', 'DescribeKey'] })]);
    expect(snapshot.rotation).toMatchObject({ enabled: true, periodDays: 180 });
    expect(snapshot.tags).toEqual([{ key: 'owner', value: 'security' }]);
    expect(snapshot.keywardenPrincipal).toBe('arn:aws:sts::111122223333:assumed-role/KeywardenKMSAccess/keywarden');

    expect(rows.map((r) => r.operation)).toEqual(['review_describe', 'review_get_key_policy', 'review_list_grants', 'review_rotation_status', 'review_list_tags']);
    expect(rows.every((r) => r.outcome === 'ok' && r.key_version === 0 && r.tenant_id === 't1')).toBe(true);
    expect(new Set(rows.map((r) => r.correlation_id)).size).toBe(rows.length);
    // Reads are reads for the cross-check, never key use.
    expect(rows.map((r) => appOperation(r.operation))).toEqual(['describe', 'read', 'read', 'read', 'read']);
    for (const r of rows) {
      const rec = aws.events({ eventSource: 'kms.amazonaws.com' }).find((e) => e.userAgent.includes(`keywarden-cid/${r.correlation_id}`));
      expect(rec?.readOnly).toBe(true);
    }
  });

  it('follows ListGrants through every page (2,345 grants, 100 a page)', async () => {
    const key = aws.createKey();
    for (let i = 0; i < 2345; i++) aws.addGrant(key.arn, { GranteePrincipal: `arn:aws:iam::111122223333:role/Worker${i}`, Operations: ['Decrypt'] });
    const { reader, reads, rows } = setup(key.arn, false);
    const { snapshot } = await readAws(reader, reads);
    expect(snapshot.grants).toHaveLength(2345);
    expect(new Set(snapshot.grants!.map((g) => g.GrantId)).size).toBe(2345);
    expect(rows.filter((r) => r.operation === 'review_list_grants')).toHaveLength(24);
    expect(reads.gaps).toEqual([]);
  });

  it('a denied GetKeyPolicy names kms:GetKeyPolicy and keeps every other read', async () => {
    const key = aws.createKey();
    aws.review(key.arn).denied.add('GetKeyPolicy');
    aws.addGrant(key.arn, { GranteePrincipal: 'arn:aws:iam::999988887777:role/Other', Operations: ['Encrypt'] });
    const { reader, reads, rows } = setup(key.arn, false);
    const { snapshot } = await readAws(reader, reads);
    expect(snapshot.policyText).toBeUndefined();
    expect(snapshot.metadata?.KeyState).toBe('Enabled');
    expect(snapshot.grants).toHaveLength(1);
    expect(snapshot.rotation).toEqual({ enabled: false });
    expect(reads.gaps).toEqual([expect.objectContaining({ where: 'GetKeyPolicy', kind: 'permission_missing', permission: 'kms:GetKeyPolicy' })]);
    expect(reads.gaps[0]!.message).toMatch(/AccessDeniedException/);
    const denied = rows.find((r) => r.operation === 'review_get_key_policy')!;
    expect(denied.outcome).toBe('access_denied');
  });

  it('a denied ListGrants on a later page keeps the grants read before, with the gap', async () => {
    const key = aws.createKey();
    for (let i = 0; i < 150; i++) aws.addGrant(key.arn, { GranteePrincipal: `arn:aws:iam::111122223333:role/W${i}`, Operations: ['Decrypt'] });
    const { reader, reads } = setup(key.arn, false);
    // Deny after the first page has been answered.
    const original = reader.listGrantsPage.bind(reader);
    reader.listGrantsPage = async (cid, marker) => {
      if (marker) aws.review(key.arn).denied.add('ListGrants');
      return original(cid, marker);
    };
    const { snapshot } = await readAws(reader, reads);
    expect(snapshot.grants).toHaveLength(100);
    expect(reads.gaps).toEqual([expect.objectContaining({ where: 'ListGrants', permission: 'kms:ListGrants' })]);
  });

  it('an unreachable endpoint gives gaps for every read, classed unreachable, and no snapshot data', async () => {
    const key = aws.createKey();
    aws.setFault({ kind: 'refuse' }, key.arn);
    try {
      const { reader, reads } = setup(key.arn, false);
      const { snapshot } = await readAws(reader, reads);
      expect(snapshot.metadata).toBeUndefined();
      expect(reads.gaps.map((g) => g.kind)).toEqual(['unreachable', 'unreachable', 'unreachable', 'unreachable', 'unreachable']);
    } finally {
      aws.setFault({ kind: 'pass' }, key.arn);
    }
  });
});
