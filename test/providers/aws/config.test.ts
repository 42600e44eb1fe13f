import { describe, expect, it } from 'vitest';
import { KeywardenError } from '../../../core/errors';
import { awsProviderFactory } from '../../../core/providers/aws';

const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ALIAS = 'arn:aws:kms:eu-west-1:111122223333:alias/keywarden-tenants';
const ROLE = 'arn:aws:iam::111122223333:role/KeywardenKMSAccess';
const base = { region: 'eu-west-1' };
const parse = (kms_key_ref: unknown, config?: unknown, provider = 'aws') =>
  awsProviderFactory.parseConfig({ provider, kms_key_ref: kms_key_ref as string, config: config as Record<string, unknown> });

function refusal(fn: () => unknown): { field: string; reason: string; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KeywardenError);
    const err = e as KeywardenError;
    expect(err.code).toBe('invalid_input');
    return { field: String(err.details?.field), reason: String(err.details?.reason), message: err.message };
  }
  throw new Error('expected a refusal');
}

const STATIC = /static long-lived credentials are refused; use role_arn \+ external_id .*or the default credential chain/;

describe('aws config: accepted', () => {
  it('key ARN + region; the stored config is exactly what was validated', () => {
    expect(parse(KEY, base)).toEqual({ kms_key_ref: KEY, config: { region: 'eu-west-1' } });
  });
  it('alias ARN, role + external id, profile, endpoints (syntax here; which hosts is the engine allow-list)', () => {
    const config = {
      region: 'eu-west-1',
      role_arn: 'arn:aws:iam::111122223333:role/service/keywarden/KeywardenKMSAccess',
      external_id: 'tenant-42:kw=ext.id@example/x_y+z,w-1',
      profile: 'audit-team',
      endpoint: 'https://vpce-0abc.kms.eu-west-1.vpce.amazonaws.com',
      sts_endpoint: 'http://127.0.0.1:4566',
    };
    expect(parse(ALIAS, config)).toEqual({ kms_key_ref: ALIAS, config });
  });
  it('multi-Region key ids and other partitions', () => {
    const mrk = 'arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab';
    expect(parse(mrk, { region: 'us-gov-west-1' }).kms_key_ref).toBe(mrk);
  });
});

describe('aws config: refused, naming the field and the reason', () => {
  const cases: { name: string; ref?: unknown; config?: unknown; field: string; reason: RegExp; provider?: string }[] = [
    { name: 'wrong provider', provider: 'gcp', config: base, field: 'provider', reason: /expected 'aws'/ },
    { name: 'bare key id', ref: '1234abcd-12ab-34cd-56ef-1234567890ab', config: base, field: 'kms_key_ref', reason: /not a KMS key ARN.*arn:aws:kms:<region>:<account>:key\/<key-id>/ },
    { name: 'missing key ref', ref: undefined, config: base, field: 'kms_key_ref', reason: /must be a KMS key ARN/ },
    { name: 'IAM ARN as key', ref: ROLE, config: base, field: 'kms_key_ref', reason: /not a KMS key ARN \(service 'iam'\)/ },
    { name: 'short account', ref: 'arn:aws:kms:eu-west-1:1111:key/1234abcd-12ab-34cd-56ef-1234567890ab', config: base, field: 'kms_key_ref', reason: /account id '1111' must be 12 digits/ },
    { name: 'bad key id', ref: 'arn:aws:kms:eu-west-1:111122223333:key/not-a-uuid', config: base, field: 'kms_key_ref', reason: /must be a key UUID/ },
    { name: 'AWS managed alias', ref: 'arn:aws:kms:eu-west-1:111122223333:alias/aws/s3', config: base, field: 'kms_key_ref', reason: /AWS managed key/ },
    { name: 'grant resource', ref: 'arn:aws:kms:eu-west-1:111122223333:grant/abc', config: base, field: 'kms_key_ref', reason: /resource type 'grant'/ },
    { name: 'bad region in ARN', ref: 'arn:aws:kms:Europe:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', config: base, field: 'kms_key_ref', reason: /not an AWS region name/ },
    { name: 'missing region', config: {}, field: 'config.region', reason: /is required/ },
    { name: 'region not a string', config: { region: 7 }, field: 'config.region', reason: /is required/ },
    { name: 'region mismatch', config: { region: 'us-east-1' }, field: 'config.region', reason: /region 'us-east-1' does not match the key ARN's region 'eu-west-1'/ },
    { name: 'malformed region', config: { region: 'EU West' }, field: 'config.region', reason: /AWS region name/ },
    { name: 'unknown field', config: { ...base, role: ROLE }, field: 'config.role', reason: /unknown field; allowed: region, role_arn, external_id, profile, endpoint, sts_endpoint/ },
    { name: 'config not an object', config: 'eu-west-1', field: 'config', reason: /must be an object/ },
    { name: 'role without external id', config: { ...base, role_arn: ROLE }, field: 'config.external_id', reason: /required with role_arn/ },
    { name: 'external id without role', config: { ...base, external_id: 'abc' }, field: 'config.external_id', reason: /only used with role_arn/ },
    { name: 'external id too short', config: { ...base, role_arn: ROLE, external_id: 'x' }, field: 'config.external_id', reason: /2-1224 characters/ },
    { name: 'external id bad chars', config: { ...base, role_arn: ROLE, external_id: 'has space' }, field: 'config.external_id', reason: /2-1224 characters/ },
    { name: 'external id too long', config: { ...base, role_arn: ROLE, external_id: 'a'.repeat(1225) }, field: 'config.external_id', reason: /2-1224 characters/ },
    { name: 'role ARN is a user', config: { ...base, role_arn: 'arn:aws:iam::111122223333:user/bob', external_id: 'abcd' }, field: 'config.role_arn', reason: /is not a role/ },
    { name: 'role ARN with region', config: { ...base, role_arn: 'arn:aws:iam:eu-west-1:111122223333:role/R', external_id: 'abcd' }, field: 'config.role_arn', reason: /not an IAM role ARN/ },
    { name: 'role ARN other partition', config: { ...base, role_arn: 'arn:aws-cn:iam::111122223333:role/R', external_id: 'abcd' }, field: 'config.role_arn', reason: /partition 'aws-cn' does not match/ },
    { name: 'endpoint not a URL', config: { ...base, endpoint: 'kms.local' }, field: 'config.endpoint', reason: /is not a URL/ },
    // Which hosts (and plain http) is the engine's allow-list (test/core/allowed-endpoints.test.ts); the parser checks the shape.
    { name: 'endpoint with another scheme', config: { ...base, endpoint: 'ftp://kms.eu-west-1.amazonaws.com' }, field: 'config.endpoint', reason: /scheme 'ftp:' is not allowed/ },
    { name: 'endpoint with userinfo', config: { ...base, endpoint: 'https://user:pw@kms.example.com' }, field: 'config.endpoint', reason: /must not carry credentials/ },
    { name: 'sts endpoint ftp', config: { ...base, sts_endpoint: 'ftp://127.0.0.1' }, field: 'config.sts_endpoint', reason: /scheme 'ftp:' is not allowed/ },
    { name: 'bad profile', config: { ...base, profile: 'my profile' }, field: 'config.profile', reason: /profile name/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = refusal(() => parse('ref' in c ? c.ref : KEY, c.config, c.provider));
      expect(r.field).toBe(c.field);
      expect(r.reason).toMatch(c.reason);
      expect(r.message).toBe(`${c.field}: ${r.reason}`);
    });
  }
});

describe('aws config: static long-lived credentials are refused', () => {
  const fields = ['access_key_id', 'aws_access_key_id', 'secret_access_key', 'aws_secret_access_key', 'session_token'];
  for (const f of fields) {
    it(`config.${f}`, () => {
      const r = refusal(() => parse(KEY, { ...base, [f]: 'anything' }));
      expect(r.field).toBe(`config.${f}`);
      expect(r.reason).toMatch(STATIC);
      expect(r.message).not.toContain('anything');
    });
  }
  it('an access key id pasted into any field, even a known one', () => {
    for (const [field, value] of [
      ['external_id', 'AKIAIOSFODNN7EXAMPLE'],
      ['profile', 'ASIAIOSFODNN7EXAMPLE'],
      ['endpoint', 'https://kms.example.com/AKIAIOSFODNN7EXAMPLE'],
    ] as const) {
      const r = refusal(() => parse(KEY, { ...base, role_arn: ROLE, [field]: value }));
      expect(r.field).toBe(`config.${field}`);
      expect(r.reason).toMatch(STATIC);
      expect(r.message).not.toContain('IOSFODNN7EXAMPLE');
    }
  });
  it('an access key id nested in an unknown object is refused as a credential, not as unknown', () => {
    const r = refusal(() => parse(KEY, { ...base, extra: { deep: ['AKIAIOSFODNN7EXAMPLE'] } }));
    expect(r.field).toBe('config.extra.deep.0');
    expect(r.reason).toMatch(STATIC);
  });
});

describe('aws factory', () => {
  it('create() re-validates a stored config (a tampered row cannot smuggle a credential in)', () => {
    const deps = { clock: { now: () => 0 }, env: {}, timeoutMs: 100, dataDir: '/x', userAgentPrefix: 'kw' };
    expect(() => awsProviderFactory.create({ kms_key_ref: KEY, config: { region: 'eu-west-1', secret_access_key: 'x' } as never }, deps)).toThrow(STATIC);
    const p = awsProviderFactory.create(parse(KEY, base), deps);
    expect(p).toMatchObject({ name: 'aws', keyRef: KEY, customerControlled: true });
    p.close?.();
  });
});
