/**
 * Each AWS finding, table-driven: the minimal key policy / grant / key state that raises
 * it, and the closest one that must not. Plus the principals table (who can use, change
 * the policy, schedule deletion, and how) and the public check each finding maps to.
 */
import { describe, expect, it } from 'vitest';
import { concludeAws, type AwsSnapshot } from '../../core/access-review/aws-conclude';
import { DEFAULT_SETTINGS, type ReviewSettings } from '../../core/access-review/types';

const ACCT = '111122223333';
const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ROOT = `arn:aws:iam::${ACCT}:root`;
const KW_SESSION = `arn:aws:sts::${ACCT}:assumed-role/KeywardenKMSAccess/keywarden`;
const KW_ROLE = `arn:aws:iam::${ACCT}:role/KeywardenKMSAccess`;

const stmt = (extra: Record<string, unknown>) => ({ Effect: 'Allow', Resource: '*', ...extra });
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const ROOT_ADMIN = stmt({ Sid: 'Enable IAM User Permissions', Principal: { AWS: ROOT }, Action: 'kms:*' });
const base = (over: Partial<AwsSnapshot> = {}): AwsSnapshot => ({
  keyRef: KEY,
  metadata: { Arn: KEY, KeyState: 'Enabled', Enabled: true, KeyManager: 'CUSTOMER', Origin: 'AWS_KMS', KeySpec: 'SYMMETRIC_DEFAULT' },
  policyText: policy(ROOT_ADMIN),
  grants: [],
  rotation: { enabled: true, periodDays: 365 },
  keywardenPrincipal: KW_SESSION,
  ...over,
});
const rulesOf = (s: AwsSnapshot, settings: ReviewSettings = DEFAULT_SETTINGS) => concludeAws(s, settings).findings.map((f) => f.rule).sort();

interface Case {
  rule: string;
  raises: AwsSnapshot;
  close: AwsSnapshot;
  settings?: ReviewSettings;
}

const CASES: Case[] = [
  {
    rule: 'public_principal',
    raises: base({ policyText: policy(ROOT_ADMIN, stmt({ Sid: 'Open', Principal: '*', Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:EncryptionContext:app': 'x' } } })) }),
    close: base({ policyText: policy(ROOT_ADMIN, stmt({ Sid: 'Open', Principal: '*', Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:CallerAccount': ACCT } } })) }),
  },
  {
    rule: 'public_principal',
    raises: base({ policyText: policy(ROOT_ADMIN, stmt({ Sid: 'OpenAws', Principal: { AWS: '*' }, Action: ['kms:Encrypt'], Condition: { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc' } } })) }),
    close: base({ policyText: policy(ROOT_ADMIN, stmt({ Sid: 'OpenAws', Principal: { AWS: '*' }, Action: ['kms:DescribeKey'] })) }),
  },
  {
    rule: 'cross_account',
    raises: base({ policyText: policy(ROOT_ADMIN, stmt({ Sid: 'Partner', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'kms:Decrypt' })) }),
    close: base({ policyText: policy(ROOT_ADMIN, stmt({ Sid: 'Partner', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'kms:Decrypt' })) }),
    settings: { allow_list: ['444455556666'], require_hsm: false },
  },
  {
    rule: 'cross_account',
    raises: base({ policyText: policy(ROOT_ADMIN, stmt({ Sid: 'Bare', Principal: { AWS: '444455556666' }, Action: 'kms:GenerateDataKey*' })) }),
    close: base({ policyText: policy(ROOT_ADMIN, stmt({ Sid: 'Bare', Principal: { AWS: `arn:aws:iam::${ACCT}:role/App` }, Action: 'kms:GenerateDataKey*' })) }),
  },
  {
    rule: 'wildcard_admin',
    raises: base({ policyText: policy(ROOT_ADMIN, stmt({ Sid: 'Ops', Principal: { AWS: `arn:aws:iam::${ACCT}:role/Ops` }, Action: 'kms:*' })) }),
    close: base({ policyText: policy(ROOT_ADMIN, stmt({ Sid: 'Ops', Principal: { AWS: `arn:aws:iam::${ACCT}:role/Ops` }, Action: 'kms:Describe*' })) }),
  },
  {
    rule: 'foreign_grant',
    raises: base({ grants: [{ GrantId: 'a'.repeat(64), GranteePrincipal: `arn:aws:iam::${ACCT}:role/BatchExport`, Operations: ['Decrypt'] }] }),
    close: base({ grants: [{ GrantId: 'a'.repeat(64), GranteePrincipal: KW_ROLE, Operations: ['Decrypt'] }] }),
  },
  {
    rule: 'foreign_grant',
    raises: base({ grants: [{ GrantId: 'b'.repeat(64), GranteePrincipal: `arn:aws:iam::${ACCT}:role/BatchExport`, Operations: ['Decrypt'] }] }),
    close: base({ grants: [{ GrantId: 'b'.repeat(64), GranteePrincipal: `arn:aws:iam::${ACCT}:role/BatchExport`, Operations: ['Decrypt'] }] }),
    settings: { allow_list: [`arn:aws:iam::${ACCT}:role/BatchExport`], require_hsm: false },
  },
  { rule: 'rotation_off', raises: base({ rotation: { enabled: false } }), close: base({ rotation: { enabled: true, periodDays: 365 } }) },
  { rule: 'rotation_off', raises: base({ rotation: { enabled: true, periodDays: 366 } }), close: base({ rotation: { enabled: true, periodDays: 90 } }) },
  {
    rule: 'pending_deletion',
    raises: base({ metadata: { Arn: KEY, KeyState: 'PendingDeletion', Enabled: false, DeletionDate: '2026-12-31T00:00:00.000Z' } }),
    close: base({ metadata: { Arn: KEY, KeyState: 'Enabled', Enabled: true } }),
  },
  {
    rule: 'hsm_missing',
    raises: base({ metadata: { Arn: KEY, KeyState: 'Enabled', Enabled: true, Origin: 'EXTERNAL_KEY_STORE' } }),
    close: base({ metadata: { Arn: KEY, KeyState: 'Enabled', Enabled: true, Origin: 'AWS_CLOUDHSM' } }),
    settings: { allow_list: [], require_hsm: true },
  },
  {
    rule: 'no_separation_of_duties',
    raises: base({ policyText: policy(ROOT_ADMIN, stmt({ Sid: 'Admin', Principal: { AWS: `arn:aws:iam::${ACCT}:role/Admin` }, Action: ['kms:PutKeyPolicy', 'kms:Decrypt'] })) }),
    close: base({ policyText: policy(ROOT_ADMIN, stmt({ Sid: 'Admin', Principal: { AWS: `arn:aws:iam::${ACCT}:role/Admin` }, Action: ['kms:PutKeyPolicy', 'kms:DescribeKey'] })) }),
  },
  {
    rule: 'no_separation_of_duties',
    raises: base({
      policyText: policy(ROOT_ADMIN, stmt({ Sid: 'Deleter', Principal: { AWS: `arn:aws:iam::${ACCT}:role/Admin` }, Action: 'kms:ScheduleKeyDeletion' })),
      grants: [{ GrantId: 'c'.repeat(64), GranteePrincipal: `arn:aws:iam::${ACCT}:role/Admin`, Operations: ['Encrypt'] }],
    }),
    close: base({
      policyText: policy(ROOT_ADMIN, stmt({ Sid: 'Deleter', Principal: { AWS: `arn:aws:iam::${ACCT}:role/Admin` }, Action: 'kms:ScheduleKeyDeletion' })),
      grants: [{ GrantId: 'c'.repeat(64), GranteePrincipal: `arn:aws:iam::${ACCT}:role/Other`, Operations: ['Encrypt'] }],
    }),
    settings: { allow_list: [`arn:aws:iam::${ACCT}:role/Other`, `arn:aws:iam::${ACCT}:role/Admin`], require_hsm: false },
  },
];

describe('AWS findings: minimal raising input and the closest that does not raise', () => {
  it('the default key policy with rotation on raises nothing', () => {
    expect(rulesOf(base())).toEqual([]);
  });

  it.each(CASES.map((c, i) => [`${c.rule} #${i}`, c] as const))('%s', (_name, c) => {
    const raised = concludeAws(c.raises, c.rule === 'cross_account' || c.rule === 'foreign_grant' ? DEFAULT_SETTINGS : (c.settings ?? DEFAULT_SETTINGS)).findings;
    const hit = raised.filter((f) => f.rule === c.rule);
    expect(hit.length).toBeGreaterThan(0);
    for (const f of hit) {
      expect(f.reason).not.toMatch(/\n/);
      expect(f.fragment.length).toBeGreaterThan(2);
      expect(Object.keys(f.checks).length).toBeGreaterThan(0);
      expect(f.id.startsWith(`${c.rule}:`)).toBe(true);
    }
    expect(rulesOf(c.close, c.settings ?? DEFAULT_SETTINGS)).not.toContain(c.rule);
  });

  it('maps to the public checks an auditor knows', () => {
    const f = concludeAws(base({ rotation: { enabled: false }, policyText: policy(stmt({ Sid: 'Open', Principal: '*', Action: 'kms:*' })) }), DEFAULT_SETTINGS).findings;
    expect(f.find((x) => x.rule === 'rotation_off')?.checks).toMatchObject({ security_hub: 'KMS.4', prowler: 'kms_cmk_rotation_enabled' });
    expect(f.find((x) => x.rule === 'public_principal')?.checks).toMatchObject({ security_hub: 'KMS.5', prowler: 'kms_key_not_publicly_accessible' });
    expect(f.find((x) => x.rule === 'public_principal')?.severity).toBe('critical');
    expect(JSON.parse(f.find((x) => x.rule === 'public_principal')!.fragment)).toMatchObject({ Sid: 'Open', Principal: '*' });
  });

  it('rotation is not asked of asymmetric or imported keys', () => {
    expect(rulesOf(base({ rotation: { enabled: false }, metadata: { Arn: KEY, KeyState: 'Enabled', Enabled: true, KeySpec: 'RSA_2048' } }))).toEqual([]);
    expect(rulesOf(base({ rotation: { enabled: false }, metadata: { Arn: KEY, KeyState: 'Enabled', Enabled: true, Origin: 'EXTERNAL' } }))).toEqual([]);
  });
});

describe('AWS principals table', () => {
  it('lists who can use, change the policy and schedule deletion, with the statement Sid or grant id', () => {
    const s = base({
      policyText: policy(
        ROOT_ADMIN,
        stmt({ Sid: 'Allow use of the key', Principal: { AWS: [KW_ROLE, 'arn:aws:iam::444455556666:root'] }, Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey'] }),
        stmt({ Sid: 'Admins', Principal: { AWS: `arn:aws:iam::${ACCT}:role/KMSAdmins` }, Action: ['kms:Put*', 'kms:ScheduleKeyDeletion'] }),
        stmt({ Sid: 'Logs', Principal: { Service: 'logs.us-east-1.amazonaws.com' }, Action: 'kms:Encrypt*', Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:*' } } }),
      ),
      grants: [{ GrantId: 'd'.repeat(64), GranteePrincipal: `arn:aws:iam::${ACCT}:role/BatchExport`, Operations: ['Decrypt'], Constraints: { EncryptionContextSubset: { dept: 'x' } } }],
    });
    const c = concludeAws(s, DEFAULT_SETTINGS);
    const row = (principal: string, capability: string) => c.principals.find((p) => p.principal === principal && p.capability === capability);
    expect(row(ROOT, 'use')).toMatchObject({ via: 'key_policy', ref: 'Enable IAM User Permissions' });
    expect(row(ROOT, 'manage_policy')).toBeDefined();
    expect(row(ROOT, 'schedule_deletion')).toBeDefined();
    expect(row(KW_ROLE, 'use')).toMatchObject({ via: 'key_policy', ref: 'Allow use of the key', conditional: false });
    expect(row(KW_ROLE, 'manage_policy')).toBeUndefined();
    expect(row(`arn:aws:iam::${ACCT}:role/KMSAdmins`, 'manage_policy')).toMatchObject({ ref: 'Admins' });
    expect(row(`arn:aws:iam::${ACCT}:role/KMSAdmins`, 'schedule_deletion')).toMatchObject({ ref: 'Admins' });
    expect(row('service:logs.us-east-1.amazonaws.com', 'use')).toMatchObject({ conditional: true });
    expect(row(`arn:aws:iam::${ACCT}:role/BatchExport`, 'use')).toMatchObject({ via: 'grant', ref: 'd'.repeat(64), conditional: true });
    expect(c.findings.map((f) => f.id).sort()).toEqual(['cross_account:arn:aws:iam::444455556666:root', `foreign_grant:${'d'.repeat(64)}`]);
  });
});

describe('AWS bad input: a partial review with the reason', () => {
  it('a policy that is not JSON: a not_json gap, grants and rotation still concluded', () => {
    const c = concludeAws(base({ policyText: '{"Version": "2012-10-17", "Statement": [', rotation: { enabled: false } }), DEFAULT_SETTINGS);
    expect(c.gaps).toEqual([expect.objectContaining({ kind: 'not_json', where: 'GetKeyPolicy' })]);
    expect(c.findings.map((f) => f.rule)).toEqual(['rotation_off']);
  });

  it('unknown statement shapes are named one by one; the statements around them still count', () => {
    const c = concludeAws(
      base({
        policyText: policy(
          ROOT_ADMIN,
          'not a statement',
          stmt({ Sid: 'Weird', Principal: { Martian: 'x' }, Action: 'kms:Decrypt' }),
          stmt({ Sid: 'Negated', NotPrincipal: { AWS: ROOT }, Action: 'kms:Decrypt' }),
          stmt({ Sid: 'NoEffect', Effect: 'Maybe', Principal: '*', Action: 'kms:Decrypt' }),
          stmt({ Sid: 'BadAction', Principal: '*', Action: [1] }),
          stmt({ Sid: 'Open', Principal: '*', Action: 'kms:Decrypt' }),
        ),
      }),
      DEFAULT_SETTINGS,
    );
    expect(c.gaps.map((g) => [g.where, g.kind])).toEqual([
      ['policy.Statement[1]', 'unknown_shape'],
      ['policy.Statement[2] (Weird)', 'unknown_shape'],
      ['policy.Statement[3] (Negated)', 'unsupported_element'],
      ['policy.Statement[4] (NoEffect)', 'unknown_shape'],
      ['policy.Statement[5] (BadAction)', 'unknown_shape'],
    ]);
    expect(c.findings.map((f) => f.id)).toEqual(['public_principal:Open']);
  });

  it('a JSON policy that is not an object, and one without Statement', () => {
    expect(concludeAws(base({ policyText: '[1,2]' }), DEFAULT_SETTINGS).gaps[0]).toMatchObject({ kind: 'unknown_shape' });
    expect(concludeAws(base({ policyText: '{"Version":"2012-10-17"}' }), DEFAULT_SETTINGS).gaps[0]).toMatchObject({ kind: 'unknown_shape', message: 'the key policy has no Statement' });
  });

  it('a single statement object (not a list) is read as one statement', () => {
    const c = concludeAws(base({ policyText: JSON.stringify({ Statement: stmt({ Sid: 'Solo', Principal: { AWS: '*' }, Action: 'kms:Decrypt' }) }) }), DEFAULT_SETTINGS);
    expect(c.findings.map((f) => f.id)).toEqual(['public_principal:Solo']);
  });
});

describe('AWS separation of duties and the console key-user statement', () => {
  it('CreateGrant only for AWS resources does not make a key user an administrator; plain CreateGrant does', () => {
    const user = `arn:aws:iam::${ACCT}:role/App`;
    const use = stmt({ Sid: 'Use', Principal: { AWS: user }, Action: ['kms:Encrypt', 'kms:Decrypt'] });
    const attach = (condition?: unknown) => stmt({ Sid: 'Attach', Principal: { AWS: user }, Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'], ...(condition ? { Condition: condition } : {}) });
    expect(rulesOf(base({ policyText: policy(ROOT_ADMIN, use, attach({ Bool: { 'kms:GrantIsForAWSResource': 'true' } })) }))).toEqual([]);
    expect(rulesOf(base({ policyText: policy(ROOT_ADMIN, use, attach()) }))).toEqual(['no_separation_of_duties']);
    expect(rulesOf(base({ policyText: policy(ROOT_ADMIN, use, attach({ Bool: { 'kms:GrantIsForAWSResource': 'false' } })) }))).toEqual(['no_separation_of_duties']);
  });
});
