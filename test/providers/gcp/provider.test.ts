/**
 * The real @google-cloud/kms client (REST fallback) against the wire-level fake.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { crc32c } from '../../../core/crypto/crc32c';
import { KmsError, type KmsProvider } from '../../../core/providers/types';
import { gcpProviderFactory } from '../../../core/providers/gcp';
import { callCtx, gcpTestDeps, gcpTestProvider, type GcpHarnessOptions } from '../../fakes/gcp/harness';
import { DEFAULT_GCP_PRINCIPAL, startGcpFake, type GcpFake } from '../../fakes/gcp';

const KEY = 'projects/keywarden-test/locations/europe-west1/keyRings/tenants/cryptoKeys/master';
const OTHER_KEY = 'projects/keywarden-test/locations/europe-west1/keyRings/tenants/cryptoKeys/other';
const SA = 'keywarden-kms@customer-proj.iam.gserviceaccount.com';

let fake: GcpFake;
const open: KmsProvider[] = [];
const provider = (o?: GcpHarnessOptions) => {
  const p = gcpTestProvider(fake, KEY, o);
  open.push(p);
  return p;
};

beforeAll(async () => {
  fake = await startGcpFake({ keys: [KEY, OTHER_KEY], impersonation: { [SA]: [DEFAULT_GCP_PRINCIPAL] } });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close?.()));
  fake.setFault({ kind: 'pass' });
  fake.setIntegrityFault(null);
});
afterAll(async () => {
  await fake.close();
});

async function rejection(p: Promise<unknown>): Promise<KmsError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(KmsError);
  return e as KmsError;
}

describe('gcp provider against the fake', () => {
  it('wraps and unwraps 32 random bytes; keyId is the CryptoKeyVersion used', async () => {
    const p = provider();
    const secret = randomBytes(32);
    const ctx = callCtx({ tenantId: 't-1', keyVersion: 3 });
    const w = await p.wrap(secret, ctx);
    expect(w.keyId).toBe(`${KEY}/cryptoKeyVersions/1`);
    expect(w.ciphertext.equals(secret)).toBe(false);
    expect(w.principal).toBeUndefined();
    const u = await p.unwrap(w.ciphertext, { ...ctx, operation: 'unwrap', correlationId: 'cid-unwrap-1' });
    expect(u.plaintext.equals(secret)).toBe(true);
    expect(u.keyId).toBe(KEY);
    expect(p.customerControlled).toBe(true);
    expect(p.keyRef).toBe(KEY);
  });

  it('after a Cloud KMS rotation, new wraps use the new primary and old ciphertext still unwraps', async () => {
    const key = 'projects/keywarden-test/locations/global/keyRings/r/cryptoKeys/rotating';
    fake.createKey(key);
    const p = gcpTestProvider(fake, key);
    open.push(p);
    const ctx = callCtx();
    const before = await p.wrap(Buffer.alloc(32, 1), ctx);
    fake.rotateKey(key);
    const after = await p.wrap(Buffer.alloc(32, 2), ctx);
    expect(before.keyId.endsWith('/cryptoKeyVersions/1')).toBe(true);
    expect(after.keyId.endsWith('/cryptoKeyVersions/2')).toBe(true);
    expect((await p.unwrap(before.ciphertext, ctx)).plaintext).toEqual(Buffer.alloc(32, 1));
  });

  it('binds tenant and version: unwrap under another tenant or version is invalid_key', async () => {
    const p = provider();
    const w = await p.wrap(randomBytes(32), callCtx({ tenantId: 'tenant-a', keyVersion: 1 }));
    for (const other of [{ tenantId: 'tenant-b', keyVersion: 1 }, { tenantId: 'tenant-a', keyVersion: 2 }]) {
      const e = await rejection(p.unwrap(w.ciphertext, callCtx({ ...other, operation: 'unwrap' })));
      expect(e.reason).toBe('invalid_key');
      expect(e.providerCode).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(/tenant\/version binding/);
    }
  });

  it('ciphertext from another CryptoKey does not unwrap', async () => {
    const other = gcpTestProvider(fake, OTHER_KEY);
    open.push(other);
    const w = await other.wrap(randomBytes(32), callCtx());
    const e = await rejection(provider().unwrap(w.ciphertext, callCtx()));
    expect(e.reason).toBe('invalid_key');
  });

  it.each([
    ['ciphertext_crc', 'wrap', /ciphertext does not match its checksum/],
    ['corrupt_ciphertext', 'wrap', /ciphertext does not match its checksum/],
    ['unverified_plaintext', 'wrap', /did not verify the plaintext checksum/],
    ['unverified_aad', 'wrap', /additional authenticated data checksum/],
    ['plaintext_crc', 'unwrap', /plaintext does not match its checksum/],
  ] as const)('a wrong answer (%s) fails the %s integrity check', async (kind, op, msg) => {
    const p = provider();
    const ctx = callCtx();
    const w = await p.wrap(randomBytes(32), ctx);
    fake.setIntegrityFault(kind);
    const e = await rejection(op === 'wrap' ? p.wrap(randomBytes(32), ctx) : p.unwrap(w.ciphertext, ctx));
    expect(e.reason).toBe('invalid_key');
    expect(e.providerCode).toBe('CRC32C_MISMATCH');
    expect(e.message).toMatch(msg);
  });

  it('sends CRC32C of plaintext and AAD, which the fake verifies (verified flags true)', async () => {
    const p = provider();
    await p.wrap(randomBytes(32), callCtx());
    // A request whose checksum does not match is refused by the service itself:
    const res = await fetch(`${fake.url}/v1/${KEY}:encrypt`, {
      method: 'POST',
      headers: { authorization: 'Bearer fake-adc-token', 'content-type': 'application/json' },
      body: JSON.stringify({ plaintext: Buffer.from('x').toString('base64'), plaintextCrc32c: String(crc32c('y')) }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { status: string } }).error.status).toBe('INVALID_ARGUMENT');
  });

  it('carries the correlation id into the audit entry callerSuppliedUserAgent', async () => {
    const p = provider();
    const correlationId = `corr-${randomBytes(6).toString('hex')}`;
    const w = await p.wrap(randomBytes(32), callCtx({ correlationId }));
    await p.unwrap(w.ciphertext, callCtx({ correlationId: `${correlationId}-u`, operation: 'unwrap' }));
    const entries = fake.auditEntries();
    const enc = entries.find((e) => JSON.stringify(e).includes(`keywarden-cid/${correlationId} `));
    expect(enc).toBeDefined();
    const pp = enc!.protoPayload;
    expect(pp.methodName).toBe('Encrypt');
    expect(pp.serviceName).toBe('cloudkms.googleapis.com');
    expect(pp.requestMetadata.callerSuppliedUserAgent).toMatch(/^keywarden\/test keywarden-cid\/corr-[0-9a-f]+ google-api-nodejs-client\//);
    expect(pp.authenticationInfo.principalEmail).toBe(DEFAULT_GCP_PRINCIPAL);
    expect(pp.authorizationInfo[0]).toMatchObject({ resource: KEY, permission: 'cloudkms.cryptoKeyVersions.useToEncrypt', granted: true });
    expect(enc!.resource).toEqual({
      type: 'cloudkms_cryptokey',
      labels: { project_id: 'keywarden-test', location: 'europe-west1', key_ring_id: 'tenants', crypto_key_id: 'master' },
    });
    expect(enc!.logName).toBe('projects/keywarden-test/logs/cloudaudit.googleapis.com%2Fdata_access');
    const dec = entries.find((e) => JSON.stringify(e).includes(`keywarden-cid/${correlationId}-u `));
    expect(dec!.protoPayload.methodName).toBe('Decrypt');
  });

  it('impersonates the configured service account: principal returned and recorded', async () => {
    const p = provider({ impersonate: SA });
    const w = await p.wrap(randomBytes(32), callCtx({ correlationId: 'cid-imp-1' }));
    expect(w.principal).toBe(SA);
    const u = await p.unwrap(w.ciphertext, callCtx({ correlationId: 'cid-imp-2' }));
    expect(u.principal).toBe(SA);
    const entry = fake.auditEntries().find((e) => JSON.stringify(e).includes('keywarden-cid/cid-imp-1'));
    const auth = entry!.protoPayload.authenticationInfo;
    expect(auth.principalEmail).toBe(SA);
    expect(auth.serviceAccountDelegationInfo?.[0]?.firstPartyPrincipal.principalEmail).toBe(DEFAULT_GCP_PRINCIPAL);
    expect(fake.requests().filter((r) => r.path === `generateAccessToken ${SA}`)).toHaveLength(1);
  });

  it('sends the quota project as x-goog-user-project, direct and impersonated', async () => {
    for (const o of [{ quotaProject: 'billing-proj' }, { quotaProject: 'billing-proj', impersonate: SA }]) {
      const cid = `cid-quota-${randomBytes(3).toString('hex')}`;
      await provider(o).wrap(randomBytes(32), callCtx({ correlationId: cid }));
      const req = fake.requests().find((r) => r.userAgent.includes(`keywarden-cid/${cid} `));
      expect(req?.quotaProject).toBe('billing-proj');
    }
  });

  it('impersonation the source may not perform is access_denied, naming the token-creator role', async () => {
    const p = provider({ impersonate: 'someone-else@customer-proj.iam.gserviceaccount.com' });
    const e = await rejection(p.wrap(randomBytes(32), callCtx()));
    expect(e.reason).toBe('access_denied');
    expect(e.message).toMatch(/serviceAccountTokenCreator/);
  });

  it('a revoked grant (the real kill switch) is access_denied and is audited as not granted', async () => {
    const key = 'projects/keywarden-test/locations/global/keyRings/r/cryptoKeys/revocable';
    fake.createKey(key);
    const p = gcpTestProvider(fake, key, { impersonate: SA });
    open.push(p);
    const w = await p.wrap(randomBytes(32), callCtx());
    fake.revokeAccess(key, SA);
    const e = await rejection(p.unwrap(w.ciphertext, callCtx({ correlationId: 'cid-revoked' })));
    expect(e.reason).toBe('access_denied');
    expect(e.providerCode).toBe('PERMISSION_DENIED');
    const entry = fake.auditEntries().find((x) => JSON.stringify(x).includes('keywarden-cid/cid-revoked'));
    expect(entry!.severity).toBe('ERROR');
    expect(entry!.protoPayload.status.code).toBe(7);
    expect(entry!.protoPayload.authorizationInfo[0]!.granted).toBe(false);
    fake.restoreAccess(key, SA);
    expect((await p.unwrap(w.ciphertext, callCtx())).plaintext).toHaveLength(32);
  });

  it('a disabled key version is key_disabled with its state; re-enabling restores', async () => {
    const key = 'projects/keywarden-test/locations/global/keyRings/r/cryptoKeys/disable-me';
    fake.createKey(key);
    const p = gcpTestProvider(fake, key);
    open.push(p);
    const w = await p.wrap(randomBytes(32), callCtx());
    fake.disableKey(key);
    const e = await rejection(p.unwrap(w.ciphertext, callCtx()));
    expect(e.reason).toBe('key_disabled');
    expect(e.message).toMatch(/state DISABLED/);
    const d = await p.describe(callCtx({ operation: 'describe' }));
    expect(d).toMatchObject({ enabled: false, state: 'DISABLED' });
    fake.enableKey(key);
    expect((await p.unwrap(w.ciphertext, callCtx())).plaintext).toHaveLength(32);
  });

  it('describe reports the primary version state, purpose and algorithm', async () => {
    const d = await provider().describe(callCtx({ operation: 'describe' }));
    expect(d).toMatchObject({ keyRef: KEY, enabled: true, state: 'ENABLED', algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION' });
    expect(Date.parse(d.createdAt!)).toBeGreaterThan(0);
    const entry = fake.auditEntries().at(-1)!;
    expect(entry.protoPayload.methodName).toBe('GetCryptoKey');
  });

  it('a missing CryptoKey is invalid_key (NOT_FOUND); an unknown token is access_denied', async () => {
    const missing = gcpTestProvider(fake, 'projects/keywarden-test/locations/global/keyRings/r/cryptoKeys/nope');
    const stranger = gcpTestProvider(fake, KEY, { token: 'not-a-known-token' });
    open.push(missing, stranger);
    const e1 = await rejection(missing.wrap(randomBytes(32), callCtx()));
    expect([e1.reason, e1.providerCode]).toEqual(['invalid_key', 'NOT_FOUND']);
    const e2 = await rejection(stranger.wrap(randomBytes(32), callCtx()));
    expect([e2.reason, e2.providerCode]).toEqual(['access_denied', 'UNAUTHENTICATED']);
  });

  it('the production factory uses ADC: with none available it fails access_denied, touching no network', async () => {
    const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.env.GOOGLE_APPLICATION_CREDENTIALS = '/nonexistent/keywarden-adc.json';
    try {
      const parsed = gcpProviderFactory.parseConfig({ provider: 'gcp', kms_key_ref: KEY, config: { endpoint: fake.url } });
      const p = gcpProviderFactory.create(parsed, gcpTestDeps(800));
      open.push(p);
      const before = fake.requests().length;
      const e = await rejection(p.wrap(randomBytes(32), callCtx()));
      expect([e.reason, e.providerCode]).toEqual(['access_denied', 'NO_CREDENTIALS']);
      expect(fake.requests().length).toBe(before);
    } finally {
      if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
      else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
    }
  });

  it('never puts a token in an error message', async () => {
    fake.setFault({ kind: 'deny' });
    const e = await rejection(provider({ impersonate: SA }).wrap(randomBytes(32), callCtx()));
    expect(e.message).not.toMatch(/ya29|Bearer|fake-adc-token/);
  });
});
