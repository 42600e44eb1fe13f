/**
 * Key access review at scale: one AWS key with 10,000 grants and a 32 KiB key policy,
 * read through the real SDK from the wire fake (100 ListGrants pages) and concluded.
 *   access.review_cpu_seconds   process CPU for the whole review, reads included (the fake
 *                               serves in this same process, so this is an upper bound)
 *   access.review_wall_seconds  wall time of the same
 *   access.conclude_cpu_seconds CPU of the conclusions alone (policy parse, principals, findings)
 *   access.grants / access.policy_bytes / access.findings  what was reviewed
 * Target: review_cpu_seconds < 2.
 */
import { performance } from 'node:perf_hooks';
import type { Bench } from './index';
import { concludeAws } from '../../core/access-review/aws-conclude';
import { readAws } from '../../core/access-review/aws-review';
import { ReviewReads } from '../../core/access-review/reads';
import { DEFAULT_SETTINGS } from '../../core/access-review/types';
import { systemClock } from '../../core/clock';
import { parseAwsConfig } from '../../core/providers/aws';
import { AwsKeyReviewReader } from '../../core/providers/aws/key-review';
import { startAwsFake } from '../fakes/aws';
import { awsTestDeps } from '../fakes/aws/harness';

const GRANTS = 10_000;
const POLICY_BYTES = 32 * 1024;

/** A policy of many narrow statements, padded to just under `bytes`. */
function bigPolicy(account: string, bytes: number): string {
  const statements: unknown[] = [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }];
  for (let i = 0; ; i++) {
    const next = { Sid: `App${i}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:role/app-${i}` }, Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*'], Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } };
    if (JSON.stringify({ Version: '2012-10-17', Statement: [...statements, next] }).length > bytes) break;
    statements.push(next);
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export const bench: Bench = {
  name: 'access',
  async run() {
    const aws = await startAwsFake();
    try {
      const key = aws.createKey();
      const data = aws.review(key.arn);
      data.policy = bigPolicy(aws.accountId, POLICY_BYTES);
      for (let i = 0; i < GRANTS; i++) aws.addGrant(key.arn, { GranteePrincipal: `arn:aws:iam::${aws.accountId}:role/worker-${i}`, Operations: ['Decrypt', 'Encrypt'], Constraints: { EncryptionContextSubset: { job: String(i) } } });
      const reader = new AwsKeyReviewReader(parseAwsConfig({ provider: 'aws', kms_key_ref: key.arn, config: { region: aws.region, endpoint: aws.endpoint } }), awsTestDeps({ timeoutMs: 10_000 }));
      const rows: unknown[] = [];
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const reads = new ReviewReads({ tenantId: 'bench', provider: 'aws', keyRef: key.arn }, (r) => rows.push(r), systemClock);
      const { snapshot } = await readAws(reader, reads);
      const c0 = process.cpuUsage();
      const conclusions = concludeAws(snapshot, DEFAULT_SETTINGS);
      const c1 = process.cpuUsage(c0);
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      reader.close();
      if (snapshot.grants?.length !== GRANTS) throw new Error(`read ${snapshot.grants?.length} grants, expected ${GRANTS}`);
      return {
        review_cpu_seconds: (cpu.user + cpu.system) / 1e6,
        review_wall_seconds: wall,
        conclude_cpu_seconds: (c1.user + c1.system) / 1e6,
        grants: snapshot.grants.length,
        policy_bytes: data.policy.length,
        findings: conclusions.findings.length,
        read_calls: rows.length,
      };
    } finally {
      await aws.close();
    }
  },
};
