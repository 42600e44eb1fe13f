/**
 * The fake Cloud KMS's read-only review endpoints (the key access review, issue 17), as
 * Cloud KMS v1 REST serves them: `GET /v1/{keyRing|cryptoKey}:getIamPolicy` (an IAM
 * Policy `{version, etag, bindings:[{role, members, condition?}]}`) and
 * `GET /v1/{cryptoKey}/cryptoKeyVersions` (`{cryptoKeyVersions, nextPageToken,
 * totalSize}`). Per key review attributes (rotation, protection level, import-only) are
 * added to GetCryptoKey by `reviewAttributes`. Failures answer as the real service does
 * (403 PERMISSION_DENIED naming the permission).
 */
import type { FakeCryptoKey, KmsKeyStore } from './kms-store';
import { KmsFailure, STATE_NUMBER } from './kms-store';

export interface IamBinding {
  role: string;
  members: string[];
  condition?: { title?: string; expression: string };
}

export interface KeyReviewAttributes {
  /** e.g. '7776000s' (90 days); undefined: no automatic rotation. */
  rotationPeriod?: string;
  nextRotationTime?: string;
  protectionLevel: 'SOFTWARE' | 'HSM' | 'EXTERNAL' | 'EXTERNAL_VPC';
  destroyScheduledDuration: string;
  importOnly: boolean;
}

export interface GcpReviewState {
  policies: Map<string, IamBinding[]>;
  attributes: Map<string, KeyReviewAttributes>;
  /** Permissions answered PERMISSION_DENIED (e.g. 'cloudkms.cryptoKeys.getIamPolicy'). */
  denied: Set<string>;
}

export function newGcpReviewState(): GcpReviewState {
  return { policies: new Map(), attributes: new Map(), denied: new Set() };
}

export function attributesOf(s: GcpReviewState, keyPath: string): KeyReviewAttributes {
  let a = s.attributes.get(keyPath);
  if (!a) s.attributes.set(keyPath, (a = { protectionLevel: 'SOFTWARE', destroyScheduledDuration: '2592000s', importOnly: false }));
  return a;
}

const PROTECTION: Record<KeyReviewAttributes['protectionLevel'], number> = { SOFTWARE: 1, HSM: 2, EXTERNAL: 3, EXTERNAL_VPC: 4 };

/** GetCryptoKey's answer with the review attributes layered in. */
export function withReviewAttributes(body: Record<string, unknown>, s: GcpReviewState, keyPath: string, enumsAsInt: boolean): Record<string, unknown> {
  const a = attributesOf(s, keyPath);
  const level = enumsAsInt ? PROTECTION[a.protectionLevel] : a.protectionLevel;
  const primary = { ...(body.primary as Record<string, unknown>), protectionLevel: level };
  return {
    ...body,
    primary,
    versionTemplate: { ...(body.versionTemplate as Record<string, unknown>), protectionLevel: level },
    destroyScheduledDuration: a.destroyScheduledDuration,
    importOnly: a.importOnly,
    ...(a.rotationPeriod ? { rotationPeriod: a.rotationPeriod, nextRotationTime: a.nextRotationTime ?? new Date(Date.now() + 86_400_000).toISOString() } : {}),
  };
}

const RING_RE = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+$/;

function denied(s: GcpReviewState, permission: string, resource: string): void {
  if (s.denied.has(permission)) throw new KmsFailure(403, 'PERMISSION_DENIED', 7, `Permission '${permission}' denied on resource '${resource}' (or it may not exist).`);
}

/** Answers a review route, or returns undefined when the path is not one. */
export function reviewRoute(method: string, path: string, url: URL, store: KmsKeyStore, s: GcpReviewState): Record<string, unknown> | undefined {
  const iam = /^\/v1\/(projects\/.+):getIamPolicy$/.exec(path);
  // The KMS reference documents GET; google-gax's IamClient sends the IAM mixin's POST form.
  if (iam && (method === 'GET' || method === 'POST')) {
    const resource = iam[1]!;
    const isRing = RING_RE.test(resource);
    if (!isRing && !store.get(resource)) throw new KmsFailure(404, 'NOT_FOUND', 5, `${resource} not found.`);
    denied(s, isRing ? 'cloudkms.keyRings.getIamPolicy' : 'cloudkms.cryptoKeys.getIamPolicy', resource);
    const bindings = s.policies.get(resource) ?? [];
    const version = bindings.some((b) => b.condition) ? 3 : 1;
    return { version, etag: Buffer.from(`etag-${bindings.length}`).toString('base64'), ...(bindings.length ? { bindings } : {}) };
  }
  const versions = /^\/v1\/(projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+)\/cryptoKeyVersions$/.exec(path);
  if (versions && method === 'GET') {
    const key: FakeCryptoKey | undefined = store.get(versions[1]!);
    if (!key) throw new KmsFailure(404, 'NOT_FOUND', 5, `${versions[1]} not found.`);
    denied(s, 'cloudkms.cryptoKeyVersions.list', key.path);
    const enumsAsInt = (url.searchParams.get('$alt') ?? '').includes('enum-encoding=int');
    const size = Math.min(1000, Number(url.searchParams.get('pageSize') ?? 0) || 1000);
    const start = Number(url.searchParams.get('pageToken') || 0);
    const all = [...key.versions.values()].sort((a, b) => a.id - b.id);
    const page = all.slice(start, start + size);
    const level = attributesOf(s, key.path).protectionLevel;
    return {
      cryptoKeyVersions: page.map((v) => ({
        name: `${key.path}/cryptoKeyVersions/${v.id}`,
        state: enumsAsInt ? STATE_NUMBER[v.state] : v.state,
        protectionLevel: enumsAsInt ? PROTECTION[level] : level,
        algorithm: enumsAsInt ? 1 : 'GOOGLE_SYMMETRIC_ENCRYPTION',
        createTime: new Date(v.createTime).toISOString(),
      })),
      ...(start + size < all.length ? { nextPageToken: String(start + size) } : {}),
      totalSize: all.length,
    };
  }
  return undefined;
}
