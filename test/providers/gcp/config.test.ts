import { describe, expect, it } from 'vitest';
import { KeywardenError } from '../../../core/errors';
import { gcpProviderFactory, STATIC_CREDENTIALS_REASON } from '../../../core/providers/gcp';
import type { KmsConfigInput } from '../../../core/providers/types';

const KEY = 'projects/my-project/locations/europe-west1/keyRings/ring-1/cryptoKeys/key_1';
const SA = 'keywarden-kms@my-project.iam.gserviceaccount.com';
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';

const parse = (input: Partial<KmsConfigInput>) => gcpProviderFactory.parseConfig({ provider: 'gcp', kms_key_ref: KEY, ...input } as KmsConfigInput);

function refusal(input: Partial<KmsConfigInput>): { field: string; reason: string; message: string } {
  try {
    parse(input);
  } catch (e) {
    expect(e).toBeInstanceOf(KeywardenError);
    const k = e as KeywardenError;
    expect(k.code).toBe('invalid_input');
    expect(k.status).toBe(400);
    return { ...(k.details as { field: string; reason: string }), message: k.message };
  }
  throw new Error('expected a refusal');
}

describe('gcp config: accepted', () => {
  it.each<[string, Partial<KmsConfigInput>, unknown]>([
    ['no config at all (ADC)', {}, {}],
    ['empty config', { config: {} }, {}],
    ['impersonation', { config: { impersonate_service_account: SA } }, { impersonate_service_account: SA }],
    ['https endpoint, normalised to its origin', { config: { endpoint: 'https://cloudkms.europe-west1.rep.googleapis.com/' } }, { endpoint: 'https://cloudkms.europe-west1.rep.googleapis.com' }],
    ['http endpoint on loopback', { config: { endpoint: 'http://127.0.0.1:8123' } }, { endpoint: 'http://127.0.0.1:8123' }],
    ['quota project', { config: { quota_project: 'billing-proj' } }, { quota_project: 'billing-proj' }],
    ['project number and multi-region', { kms_key_ref: 'projects/123456789012/locations/us/keyRings/r/cryptoKeys/k' }, {}],
  ])('%s', (_n, input, config) => {
    const out = parse(input);
    expect(out.config).toEqual(config);
    expect(out.kms_key_ref).toBe(input.kms_key_ref ?? KEY);
  });
});

describe('gcp config: refused, naming field and reason', () => {
  it.each<[string, Partial<KmsConfigInput>, string, RegExp]>([
    ['missing key ref', { kms_key_ref: '' }, 'kms_key_ref', /required/],
    ['non-string key ref', { kms_key_ref: 42 as unknown as string }, 'kms_key_ref', /required/],
    ['CryptoKeyVersion path', { kms_key_ref: `${KEY}/cryptoKeyVersions/3` }, 'kms_key_ref', /CryptoKeyVersion path is not accepted: encrypt always uses the CryptoKey's primary version/],
    ['too few segments', { kms_key_ref: 'projects/p/locations/l/keyRings/r' }, 'kms_key_ref', /8 segments/],
    ['wrong segment word', { kms_key_ref: 'project/my-project/locations/l/keyRings/r/cryptoKeys/k' }, 'kms_key_ref', /segment 1 must be 'projects'/],
    ['bad project id', { kms_key_ref: 'projects/My_Project/locations/global/keyRings/r/cryptoKeys/k' }, 'kms_key_ref', /'projects' segment 'My_Project' is not a project id/],
    ['bad location', { kms_key_ref: 'projects/my-project/locations/Europe West/keyRings/r/cryptoKeys/k' }, 'kms_key_ref', /'locations' segment/],
    ['bad key ring', { kms_key_ref: 'projects/my-project/locations/global/keyRings/ring.1/cryptoKeys/k' }, 'kms_key_ref', /'keyRings' segment 'ring.1'/],
    ['bad crypto key', { kms_key_ref: `projects/my-project/locations/global/keyRings/r/cryptoKeys/${'k'.repeat(64)}` }, 'kms_key_ref', /'cryptoKeys' segment/],
    ['full resource name', { kms_key_ref: `//cloudkms.googleapis.com/${KEY}` }, 'kms_key_ref', /relative resource path/],
    ['whitespace', { kms_key_ref: ` ${KEY}` }, 'kms_key_ref', /whitespace/],
    ['unknown config key', { config: { region: 'us' } }, 'config.region', /unknown key/],
    ['SA email not an iam.gserviceaccount.com account', { config: { impersonate_service_account: 'alice@gmail.com' } }, 'config.impersonate_service_account', /<name>@<project>\.iam\.gserviceaccount\.com/],
    ['SA email not a string', { config: { impersonate_service_account: ['x'] } }, 'config.impersonate_service_account', /must be a string/],
    ['endpoint not a URL', { config: { endpoint: 'cloudkms.googleapis.com' } }, 'config.endpoint', /absolute URL/],
    ['another scheme', { config: { endpoint: 'ftp://cloudkms.googleapis.com' } }, 'config.endpoint', /scheme must be https/],
    ['endpoint with a path', { config: { endpoint: 'https://cloudkms.googleapis.com/v1' } }, 'config.endpoint', /path/],
    ['endpoint with user info', { config: { endpoint: 'https://u:p@cloudkms.googleapis.com' } }, 'config.endpoint', /user info/],
    ['endpoint scheme', { config: { endpoint: 'ftp://127.0.0.1' } }, 'config.endpoint', /scheme/],
    ['quota project', { config: { quota_project: 'Not A Project' } }, 'config.quota_project', /project id/],
    ['config not an object', { config: 'x' as unknown as Record<string, unknown> }, 'config', /object/],
    ['another provider', { provider: 'aws' }, 'provider', /'gcp'/],
  ])('%s', (_n, input, field, reason) => {
    const r = refusal(input);
    expect(r.field).toBe(field);
    expect(r.reason).toMatch(reason);
    expect(r.message.startsWith(`${field}: `)).toBe(true);
  });
});

describe('gcp config: static long-lived credentials are refused', () => {
  const saJson = { type: 'service_account', project_id: 'p', private_key_id: 'abc', private_key: PEM, client_email: SA };
  it.each<[string, Record<string, unknown>, string]>([
    ['credentials', { credentials: { client_email: SA } }, 'config.credentials'],
    ['private_key', { private_key: 'x' }, 'config.private_key'],
    ['private_key_id', { private_key_id: 'abc' }, 'config.private_key_id'],
    ['client_secret', { client_secret: 's' }, 'config.client_secret'],
    ['keyFilename', { keyFilename: '/tmp/sa.json' }, 'config.keyFilename'],
    ['key_file', { key_file: '/tmp/sa.json' }, 'config.key_file'],
    ['refresh_token', { refresh_token: '1//x' }, 'config.refresh_token'],
    ['a service-account JSON object under any name', { sa: saJson }, 'config.sa'],
    ['the config itself being the JSON key', saJson, 'config'],
    ['a PEM private key in a string', { impersonate_service_account: PEM }, 'config.impersonate_service_account'],
    ['the JSON key pasted as a string', { endpoint: JSON.stringify(saJson) }, 'config.endpoint'],
    ['nested deep', { a: { b: [{ private_key: 'x' }] } }, 'config.a.b[0].private_key'],
  ])('%s', (_n, config, field) => {
    const r = refusal({ config });
    expect(r.field).toBe(field);
    expect(r.reason).toBe(STATIC_CREDENTIALS_REASON);
    expect(r.message).not.toContain('MIIEvQ');
  });

  it('names impersonation and ADC as the way forward', () => {
    expect(STATIC_CREDENTIALS_REASON).toMatch(/service-account impersonation or application default credentials/);
  });
});

describe('gcp factory', () => {
  it('create() re-validates a stored config and builds a customer-controlled provider without network', async () => {
    const deps = { clock: { now: () => 0 }, env: {}, timeoutMs: 1000, dataDir: '/x', userAgentPrefix: 'keywarden/t' };
    const p = gcpProviderFactory.create({ kms_key_ref: KEY, config: {} }, deps);
    expect([p.name, p.keyRef, p.customerControlled]).toEqual(['gcp', KEY, true]);
    await p.close?.();
    expect(() => gcpProviderFactory.create({ kms_key_ref: KEY, config: { private_key: PEM } as never }, deps)).toThrow(KeywardenError);
  });
});
