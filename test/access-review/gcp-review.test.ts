/**
 * The GCP review through the real @google-cloud/kms client (REST) against the wire fake:
 * getCryptoKey, getIamPolicy on the key and its key ring, listCryptoKeyVersions, each a
 * recorded call with its correlation id in the User-Agent; and the GCP findings, each with
 * the closest input that must not raise it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concludeGcp, type GcpSnapshot } from '../../core/access-review/gcp-conclude';
import { ReviewReads } from '../../core/access-review/reads';
import { createGcpReviewer } from '../../core/access-review/reviewers';
import { DEFAULT_SETTINGS, type ReviewSettings } from '../../core/access-review/types';
import { ManualClock } from '../../core/clock';
import { accessTokenCredentials } from '../../core/providers/gcp';
import type { KmsCallRow } from '../../core/store/rows';
import { gcpTestDeps } from '../fakes/gcp/harness';
import { DEFAULT_GCP_PRINCIPAL, DEFAULT_GCP_TOKEN, startGcpFake, type GcpFake } from '../fakes/gcp/server';

const KEY = 'projects/acme-prod/locations/europe-west1/keyRings/keywarden/cryptoKeys/tenant-key';
const RING = 'projects/acme-prod/locations/europe-west1/keyRings/keywarden';
let gcp: GcpFake;
beforeAll(async () => {
  gcp = await startGcpFake({ keys: [KEY] });
});
afterAll(() => gcp.close());

async function review(settings: ReviewSettings = DEFAULT_SETTINGS) {
  const factory = createGcpReviewer({ sourceCredentials: accessTokenCredentials(DEFAULT_GCP_TOKEN, DEFAULT_GCP_PRINCIPAL), iamCredentialsEndpoint: gcp.url });
  const reviewer = factory({ kms_key_ref: KEY, config: { endpoint: gcp.url } }, gcpTestDeps(3000));
  const rows: Omit<KmsCallRow, 'id'>[] = [];
  const reads = new ReviewReads({ tenantId: 't', provider: 'gcp', keyRef: KEY }, (r) => rows.push(r), new ManualClock('2026-12-01T00:00:00.000Z'), () => reviewer.principal());
  try {
    const out = await reviewer.run(reads, settings);
    return { ...out, rows, gaps: [...reads.gaps, ...out.conclusions.gaps] };
  } finally {
    reviewer.close();
  }
}

describe('GCP review reads against the fake', () => {
  it('reads the key, both IAM policies and the versions, one recorded call each, and concludes', async () => {
    gcp.setIamPolicy(KEY, [
      { role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', members: [`serviceAccount:${DEFAULT_GCP_PRINCIPAL}`, 'serviceAccount:exporter@partner-proj.iam.gserviceaccount.com'] },
      { role: 'roles/cloudkms.cryptoKeyDecrypter', members: ['allAuthenticatedUsers'] },
    ]);
    gcp.setIamPolicy(RING, [{ role: 'roles/cloudkms.admin', members: ['user:alice@acme.example'] }]);
    const attrs = gcp.reviewAttributes(KEY);
    attrs.rotationPeriod = '7776000s';
    attrs.protectionLevel = 'HSM';
    gcp.rotateKey(KEY);
    const r = await review();
    expect(r.gaps).toEqual([]);
    expect(r.rows.map((x) => x.operation)).toEqual(['review_get_crypto_key', 'review_get_iam_policy', 'review_get_key_ring_iam_policy', 'review_list_versions']);
    expect(r.rows.every((x) => x.outcome === 'ok')).toBe(true);
    for (const row of r.rows) expect(gcp.requests().some((q) => q.userAgent.includes(`keywarden-cid/${row.correlation_id}`))).toBe(true);
    expect(r.conclusions.facts).toMatchObject({ protection_level: 'HSM', rotation_period_days: 90, versions: 2, key_state: 'ENABLED' });
    expect(r.conclusions.findings.map((f) => f.id).sort()).toEqual([
      'cross_account:serviceAccount:exporter@partner-proj.iam.gserviceaccount.com',
      'public_principal:allAuthenticatedUsers:roles/cloudkms.cryptoKeyDecrypter',
    ]);
    expect(r.conclusions.principals.find((p) => p.principal === 'user:alice@acme.example')).toMatchObject({ capability: 'manage_policy', via: 'iam_binding', inherited: true, ref: 'key ring roles/cloudkms.admin' });
    expect(r.raw.key_iam_policy).toHaveLength(2);
  });

  it('a denied getIamPolicy names cloudkms.cryptoKeys.getIamPolicy; the key ring policy and the key still count', async () => {
    gcp.review.denied.add('cloudkms.cryptoKeys.getIamPolicy');
    try {
      const r = await review();
      expect(r.gaps).toEqual([expect.objectContaining({ where: 'getIamPolicy (key)', kind: 'permission_missing', permission: 'cloudkms.cryptoKeys.getIamPolicy' })]);
      expect(r.conclusions.principals.some((p) => p.principal === 'user:alice@acme.example')).toBe(true);
      expect(r.conclusions.facts.protection_level).toBe('HSM');
    } finally {
      gcp.review.denied.clear();
    }
  });
});

const base = (over: Partial<GcpSnapshot> = {}): GcpSnapshot => ({
  keyRef: KEY,
  key: { purpose: 'ENCRYPT_DECRYPT', rotationPeriodSeconds: 90 * 86_400, primaryState: 'ENABLED', protectionLevel: 'HSM' },
  keyBindings: [{ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', members: ['serviceAccount:kw@acme-prod.iam.gserviceaccount.com'] }],
  ringBindings: [],
  versions: [{ name: `${KEY}/cryptoKeyVersions/1`, state: 'ENABLED' }],
  keywardenPrincipal: 'kw@acme-prod.iam.gserviceaccount.com',
  ...over,
});
const rules = (s: GcpSnapshot, settings = DEFAULT_SETTINGS) => concludeGcp(s, settings).findings.map((f) => f.rule).sort();
const bind = (role: string, members: string[], condition?: { expression: string }) => ({ role, members, ...(condition ? { condition } : {}) });

describe('GCP findings: raising input and the closest that does not', () => {
  it('a healthy key raises nothing', () => expect(rules(base())).toEqual([]));
  it.each([
    ['public_principal', base({ keyBindings: [bind('roles/cloudkms.cryptoKeyDecrypter', ['allUsers'])] }), base({ keyBindings: [bind('roles/cloudkms.cryptoKeyDecrypter', ['allUsers'], { expression: 'request.time < timestamp("2027-01-01T00:00:00Z")' })] })],
    ['public_principal', base({ ringBindings: [bind('roles/cloudkms.viewer', ['allAuthenticatedUsers'])] }), base({ ringBindings: [bind('roles/cloudkms.viewer', ['domain:acme.example'])] })],
    ['cross_account', base({ keyBindings: [bind('roles/cloudkms.cryptoKeyEncrypter', ['serviceAccount:x@other-proj.iam.gserviceaccount.com'])] }), base({ keyBindings: [bind('roles/cloudkms.cryptoKeyEncrypter', ['serviceAccount:x@acme-prod.iam.gserviceaccount.com'])] })],
    ['rotation_off', base({ key: { purpose: 'ENCRYPT_DECRYPT', primaryState: 'ENABLED', protectionLevel: 'HSM' } }), base({ key: { purpose: 'ASYMMETRIC_SIGN', primaryState: 'ENABLED', protectionLevel: 'HSM' } })],
    ['rotation_off', base({ key: { purpose: 'ENCRYPT_DECRYPT', rotationPeriodSeconds: 91 * 86_400, primaryState: 'ENABLED' } }), base({ key: { purpose: 'ENCRYPT_DECRYPT', rotationPeriodSeconds: 90 * 86_400, primaryState: 'ENABLED' } })],
    ['pending_deletion', base({ versions: [{ name: 'v1', state: 'ENABLED' }, { name: 'v2', state: 'DESTROY_SCHEDULED' }] }), base({ versions: [{ name: 'v1', state: 'ENABLED' }, { name: 'v2', state: 'DESTROYED' }] })],
    ['no_separation_of_duties', base({ ringBindings: [bind('roles/cloudkms.admin', ['user:bob@acme.example'])], keyBindings: [bind('roles/cloudkms.cryptoKeyDecrypter', ['user:bob@acme.example'])] }), base({ ringBindings: [bind('roles/cloudkms.admin', ['user:bob@acme.example'])], keyBindings: [bind('roles/cloudkms.cryptoKeyDecrypter', ['user:carol@acme.example'])] })],
  ] as const)('%s', (rule, raises, close) => {
    expect(rules(raises)).toContain(rule);
    expect(rules(close)).not.toContain(rule);
  });
  it('hsm_missing only when the tenant requires it', () => {
    const soft = base({ key: { purpose: 'ENCRYPT_DECRYPT', rotationPeriodSeconds: 86_400, protectionLevel: 'SOFTWARE' } });
    expect(rules(soft, { allow_list: [], require_hsm: true })).toEqual(['hsm_missing']);
    expect(rules(soft)).toEqual([]);
  });
  it('an allow-listed project service account is not cross_account; a custom role is a gap', () => {
    const s = base({ keyBindings: [bind('roles/cloudkms.cryptoKeyEncrypter', ['serviceAccount:x@other-proj.iam.gserviceaccount.com']), bind('projects/acme-prod/roles/kmsCustom', ['user:dave@acme.example'])] });
    const c = concludeGcp(s, { allow_list: ['x@other-proj.iam.gserviceaccount.com'], require_hsm: false });
    expect(c.findings).toEqual([]);
    expect(c.gaps).toEqual([expect.objectContaining({ kind: 'unknown_role' })]);
    expect(concludeGcp(base({ keyBindings: [bind('roles/cloudkms.cryptoKeyDecrypter', ['allUsers'])] }), DEFAULT_SETTINGS).findings[0]!.checks).toMatchObject({ cis: 'CIS GCP 1.9' });
    expect(concludeGcp(base({ key: { purpose: 'ENCRYPT_DECRYPT' } }), DEFAULT_SETTINGS).findings[0]!.checks).toEqual({ prowler: 'kms_key_rotation_enabled', cis: 'CIS GCP 1.10' });
  });
});
