/**
 * The engine's principal on every GCP `kms_calls` row, as Cloud Audit Logs names it in
 * `authenticationInfo.principalEmail`: the impersonated service account, or the ADC
 * token's account from the token info endpoint (asked once); unknown (NULL, with why)
 * when token info refuses, while the call itself still runs and is recorded. No access key
 * id for GCP. A service-account key file behind ADC is flagged as long-lived.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock';
import { DEFAULT_GCP_PRINCIPAL, DEFAULT_GCP_TOKEN, startGcpFake, type GcpFake } from '../../fakes/gcp';
import { gcpTestDeps, gcpTestFactory } from '../../fakes/gcp/harness';
import { gatewayHarness, type GatewayHarness } from '../principal-harness';

const KEY = 'projects/keywarden-test/locations/europe-west1/keyRings/tenants/cryptoKeys/principal';
const SA = 'keywarden-kms@customer-proj.iam.gserviceaccount.com';
const USER = 'alice@example.com';
const USER_TOKEN = 'ya29.fake-user-token';

let fake: GcpFake;
const harnesses: GatewayHarness[] = [];

beforeAll(async () => {
  fake = await startGcpFake({ keys: [KEY], impersonation: { [SA]: [DEFAULT_GCP_PRINCIPAL] }, tokens: { [DEFAULT_GCP_TOKEN]: DEFAULT_GCP_PRINCIPAL, [USER_TOKEN]: USER } });
});
afterEach(async () => {
  fake.setTokenInfoFault({ kind: 'pass' });
  for (const h of harnesses.splice(0)) await h.close();
});
afterAll(() => fake.close());

function harness(token = DEFAULT_GCP_TOKEN, env: Record<string, string | undefined> = {}, clock?: ManualClock): GatewayHarness {
  const { clock: _c, dataDir: _d, ...deps } = gcpTestDeps(1500, { env });
  const h = gatewayHarness(gcpTestFactory(fake, token), deps, clock);
  harnesses.push(h);
  return h;
}

async function wrapUnwrap(h: GatewayHarness, config: Record<string, unknown> = {}) {
  const ref = h.ref('gcp', KEY, { endpoint: fake.url, ...config });
  const w = await h.gateway.call(ref, 'tenant-a', 1, 'wrap', (p, c) => p.wrap(randomBytes(32), c));
  await h.gateway.call(ref, 'tenant-a', 1, 'unwrap', (p, c) => p.unwrap(w.ciphertext, c));
  return ref;
}

/** Cloud Audit Logs' principalEmail for the call with this correlation id. */
function loggedPrincipal(correlationId: string): string {
  const e = fake.auditEntries().find((x) => x.protoPayload.requestMetadata.callerSuppliedUserAgent.includes(correlationId));
  expect(e, `audit entry for ${correlationId}`).toBeDefined();
  return e!.protoPayload.authenticationInfo.principalEmail;
}

const tokenInfoAsks = () => fake.requests().filter((r) => r.path === 'tokeninfo').length;

describe('gcp: the engine principal on every kms_calls row', () => {
  it('impersonated service account: principal is the SA email, as principalEmail shows it; no token info needed', async () => {
    const h = harness();
    const before = tokenInfoAsks();
    await wrapUnwrap(h, { impersonate_service_account: SA });
    for (const r of h.rows()) {
      expect(r).toMatchObject({ outcome: 'ok', principal: SA, principal_note: 'impersonated service account', access_key_id: null });
      expect(r.principal).toBe(loggedPrincipal(r.correlation_id));
    }
    expect(tokenInfoAsks() - before).toBe(0);
  });

  it('ADC without an email in the credential: principal from token info, asked once per session', async () => {
    const h = harness(USER_TOKEN);
    const before = tokenInfoAsks();
    await wrapUnwrap(h);
    await wrapUnwrap(h);
    const rows = h.rows();
    expect(rows).toHaveLength(4);
    for (const r of rows) {
      expect(r).toMatchObject({ outcome: 'ok', principal: USER, principal_note: 'token info', access_key_id: null });
      expect(r.principal).toBe(loggedPrincipal(r.correlation_id));
    }
    expect(tokenInfoAsks() - before).toBe(1);
  });

  it('token info refuses the token: the calls still run and are recorded, principal NULL with why', async () => {
    fake.setTokenInfoFault({ kind: 'deny' });
    const h = harness(USER_TOKEN);
    await wrapUnwrap(h);
    for (const r of h.rows()) expect(r).toMatchObject({ outcome: 'ok', principal: null, principal_note: 'token info failed: HTTP 400', access_key_id: null });
  });

  it('token info unreachable: NULL with "unreachable"; not asked again on every call, but a minute later', async () => {
    fake.setTokenInfoFault({ kind: 'refuse' });
    const clock = new ManualClock(Date.now());
    const h = harness(USER_TOKEN, {}, clock);
    const ref = await wrapUnwrap(h);
    for (const r of h.rows()) {
      expect(r.principal).toBeNull();
      expect(r.principal_note).toMatch(/^token info failed: unreachable/);
    }
    const asked = tokenInfoAsks();
    fake.setTokenInfoFault({ kind: 'pass' });
    await h.gateway.call(ref, 'tenant-a', 1, 'wrap', (p, c) => p.wrap(randomBytes(32), c));
    expect(h.rows().at(-1)!.principal_note).toMatch(/^token info failed: unreachable/);
    expect(tokenInfoAsks()).toBe(asked);
    clock.advance(60_000);
    await h.gateway.call(ref, 'tenant-a', 1, 'wrap', (p, c) => p.wrap(randomBytes(32), c));
    expect(h.rows().at(-1)).toMatchObject({ principal: USER, principal_note: 'token info' });
  });

  it('a refused KMS call still carries the principal', async () => {
    fake.revokeAccess(KEY, USER);
    try {
      const h = harness(USER_TOKEN);
      const ref = h.ref('gcp', KEY, { endpoint: fake.url });
      await expect(h.gateway.call(ref, 'tenant-a', 1, 'wrap', (p, c) => p.wrap(randomBytes(32), c))).rejects.toMatchObject({ reason: 'access_denied' });
      expect(h.rows()[0]).toMatchObject({ outcome: 'access_denied', principal: USER, principal_note: 'token info' });
    } finally {
      fake.restoreAccess(KEY, USER);
    }
  });
});

describe('gcp: long-lived credentials are flagged, not refused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-gcp-adc-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('GOOGLE_APPLICATION_CREDENTIALS pointing at a service-account key file is flagged with its path', () => {
    const file = path.join(dir, 'sa.json');
    fs.writeFileSync(file, JSON.stringify({ type: 'service_account', client_email: SA, private_key_id: 'x' }));
    const h = harness(DEFAULT_GCP_TOKEN, { GOOGLE_APPLICATION_CREDENTIALS: file });
    const p = h.gateway.provider(h.ref('gcp', KEY, { endpoint: fake.url }));
    expect(p.credentialSource!()).toEqual({ source: `service-account key file ${file} (GOOGLE_APPLICATION_CREDENTIALS)`, longLived: true });
    const imp = h.gateway.provider(h.ref('gcp', KEY, { endpoint: fake.url, impersonate_service_account: SA }));
    expect(imp.credentialSource!()).toMatchObject({ longLived: true, source: expect.stringContaining(`impersonating ${SA}`) as unknown as string });
  });

  it('an authorized_user file, or no file at all, is not flagged', () => {
    const file = path.join(dir, 'user.json');
    fs.writeFileSync(file, JSON.stringify({ type: 'authorized_user', client_id: 'x' }));
    const user = harness(DEFAULT_GCP_TOKEN, { GOOGLE_APPLICATION_CREDENTIALS: file });
    expect(user.gateway.provider(user.ref('gcp', KEY, { endpoint: fake.url })).credentialSource!()).toMatchObject({ longLived: false });
    const none = harness();
    expect(none.gateway.provider(none.ref('gcp', KEY, { endpoint: fake.url })).credentialSource!()).toEqual({
      source: 'application default credentials (gcloud or metadata server)',
      longLived: false,
    });
  });
});
