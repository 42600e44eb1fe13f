/**
 * Read-only calls for the key access review (issue 17) through `@google-cloud/kms` over
 * REST, with the provider's identity (application default credentials or the
 * impersonated service account) and endpoint: getCryptoKey, getIamPolicy on the
 * CryptoKey and on its KeyRing (inherited bindings), listCryptoKeyVersions (every page).
 * Each call carries its correlation id in the User-Agent (Cloud Audit Logs records it)
 * and is bounded by the provider timeout.
 */
import { KeyManagementServiceClient } from '@google-cloud/kms';
import type { ProviderDeps } from '../types';
import { resolveIdentity, type GcpAuthOptions, type GcpIdentity } from './auth';
import { parseGcpConfig, type GcpConfig } from './config';
import { kmsClientEndpoint } from './endpoint';
import { classifyGcpError, deadlineError } from './errors';
import { gcpUserAgent } from './provider';

export interface GcpBinding {
  role: string;
  members: string[];
  condition?: { title?: string; expression?: string };
}

export interface GcpCryptoKeyView {
  name: string;
  purpose?: string;
  rotationPeriodSeconds?: number;
  nextRotationTime?: string;
  primaryState?: string;
  protectionLevel?: string;
  destroyScheduledDurationSeconds?: number;
  importOnly?: boolean;
}

export interface GcpVersionView {
  name: string;
  state: string;
  protectionLevel?: string;
}

const STATES = ['CRYPTO_KEY_VERSION_STATE_UNSPECIFIED', 'ENABLED', 'DISABLED', 'DESTROYED', 'DESTROY_SCHEDULED', 'PENDING_GENERATION', 'PENDING_IMPORT', 'IMPORT_FAILED', 'GENERATION_FAILED', 'PENDING_EXTERNAL_DESTRUCTION', 'EXTERNAL_DESTRUCTION_FAILED'];
const LEVELS = ['PROTECTION_LEVEL_UNSPECIFIED', 'SOFTWARE', 'HSM', 'EXTERNAL', 'EXTERNAL_VPC'];
const PURPOSES = ['CRYPTO_KEY_PURPOSE_UNSPECIFIED', 'ENCRYPT_DECRYPT', 'ASYMMETRIC_SIGN', 'ASYMMETRIC_DECRYPT', 'RAW_ENCRYPT_DECRYPT', 'MAC'];

/** An enum as its word whether the client decoded it as a number or a string. */
function word(v: unknown, table: string[]): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return table[v] ?? String(v);
  return undefined;
}

function seconds(d: { seconds?: unknown } | null | undefined): number | undefined {
  if (!d || d.seconds === undefined || d.seconds === null) return undefined;
  const n = Number(typeof d.seconds === 'object' ? String(d.seconds) : d.seconds);
  return Number.isFinite(n) ? n : undefined;
}

function iso(ts: { seconds?: unknown; nanos?: unknown } | null | undefined): string | undefined {
  const s = seconds(ts);
  return s === undefined || s <= 0 ? undefined : new Date(s * 1000).toISOString();
}

export class GcpKeyReviewReader {
  readonly keyRef: string;
  readonly keyRing: string;
  private session: Promise<{ kms: KeyManagementServiceClient; identity: GcpIdentity }> | undefined;
  private principalSeen: string | undefined;
  private readonly config: GcpConfig;

  constructor(
    parsed: { kms_key_ref: string; config: GcpConfig },
    private readonly deps: ProviderDeps,
    private readonly auth: GcpAuthOptions,
  ) {
    const checked = parseGcpConfig({ provider: 'gcp', kms_key_ref: parsed.kms_key_ref, config: { ...parsed.config } });
    this.keyRef = checked.kms_key_ref;
    this.config = checked.config;
    this.keyRing = this.keyRef.replace(/\/cryptoKeys\/[^/]+$/, '');
  }

  principal(): string | undefined {
    return this.principalSeen ?? this.config.impersonate_service_account;
  }

  async getCryptoKey(cid: string): Promise<GcpCryptoKeyView> {
    const k = await this.call('getCryptoKey', cid, (kms, opts) => kms.getCryptoKey({ name: this.keyRef }, opts).then(([r]) => r));
    const view: GcpCryptoKeyView = { name: k.name ?? this.keyRef };
    const purpose = word(k.purpose, PURPOSES);
    if (purpose) view.purpose = purpose;
    const rotation = seconds(k.rotationPeriod as { seconds?: unknown } | null);
    if (rotation !== undefined) view.rotationPeriodSeconds = rotation;
    const next = iso(k.nextRotationTime as { seconds?: unknown } | null);
    if (next) view.nextRotationTime = next;
    const state = word(k.primary?.state, STATES);
    if (state) view.primaryState = state;
    const level = word(k.primary?.protectionLevel ?? k.versionTemplate?.protectionLevel, LEVELS);
    if (level) view.protectionLevel = level;
    const destroy = seconds(k.destroyScheduledDuration as { seconds?: unknown } | null);
    if (destroy !== undefined) view.destroyScheduledDurationSeconds = destroy;
    if (typeof k.importOnly === 'boolean') view.importOnly = k.importOnly;
    return view;
  }

  async getIamPolicy(cid: string, resource: 'key' | 'key_ring'): Promise<GcpBinding[]> {
    const name = resource === 'key' ? this.keyRef : this.keyRing;
    const policy = await this.call('getIamPolicy', cid, (kms, opts) =>
      (kms.getIamPolicy as (req: unknown, o: unknown) => Promise<[{ bindings?: unknown[] | null }]>)({ resource: name, options: { requestedPolicyVersion: 3 } }, opts).then(([r]) => r),
    );
    return (policy.bindings ?? []).map((b) => {
      const x = b as { role?: string; members?: string[]; condition?: { title?: string; expression?: string } | null };
      return { role: x.role ?? '', members: [...(x.members ?? [])], ...(x.condition ? { condition: { ...(x.condition.title ? { title: x.condition.title } : {}), ...(x.condition.expression ? { expression: x.condition.expression } : {}) } } : {}) };
    });
  }

  async listVersionsPage(cid: string, pageToken?: string): Promise<{ items: GcpVersionView[]; next?: string }> {
    const [versions, , raw] = await this.call('listCryptoKeyVersions', cid, (kms, opts) =>
      kms.listCryptoKeyVersions({ parent: this.keyRef, pageSize: 1000, ...(pageToken ? { pageToken } : {}) }, { ...opts, autoPaginate: false }),
    );
    const items = versions.map((v) => ({ name: v.name ?? '', state: word(v.state, STATES) ?? 'UNKNOWN', ...(word(v.protectionLevel, LEVELS) ? { protectionLevel: word(v.protectionLevel, LEVELS)! } : {}) }));
    const next = (raw as { nextPageToken?: string } | undefined)?.nextPageToken;
    return { items, ...(next ? { next } : {}) };
  }

  async close(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s) await s.then((x) => x.kms.close(), () => undefined);
  }

  private open() {
    this.session ??= (async () => {
      const identity = await resolveIdentity(this.auth, { timeoutMs: this.deps.timeoutMs, ...(this.config.quota_project ? { quotaProject: this.config.quota_project } : {}) }, this.config.impersonate_service_account);
      const endpoint = kmsClientEndpoint(this.config.endpoint);
      const kms = new KeyManagementServiceClient({ fallback: true, authClient: identity.client as never, ...(endpoint ?? {}) });
      this.principalSeen = identity.principal;
      return { kms, identity };
    })();
    this.session.catch(() => (this.session = undefined));
    return this.session;
  }

  private async call<T>(op: string, cid: string, fn: (kms: KeyManagementServiceClient, opts: { otherArgs: { headers: Record<string, string> }; timeout: number }) => Promise<T>): Promise<T> {
    const opts = { otherArgs: { headers: { 'User-Agent': gcpUserAgent(this.deps.userAgentPrefix, cid) } }, timeout: this.deps.timeoutMs };
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.open().then((s) => fn(s.kms, opts)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(deadlineError(op, this.deps.timeoutMs)), this.deps.timeoutMs);
        }),
      ]);
    } catch (e) {
      throw classifyGcpError(e, op);
    } finally {
      clearTimeout(timer);
    }
  }
}
