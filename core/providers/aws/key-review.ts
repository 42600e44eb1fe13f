/**
 * Read-only calls for the key access review (issue 17) through the same SDK, config
 * validation and credential resolution as the AWS provider: DescribeKey, GetKeyPolicy,
 * ListGrants and ListResourceTags (one call per page), GetKeyRotationStatus. Every call
 * carries its correlation id in the User-Agent (CloudTrail records it) and is bounded by
 * the provider timeout; failures are classified like the provider's.
 */
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListGrantsCommand,
  ListResourceTagsCommand,
  type DescribeKeyCommandOutput,
  type GetKeyPolicyCommandOutput,
  type GetKeyRotationStatusCommandOutput,
  type ListGrantsCommandOutput,
  type ListResourceTagsCommandOutput,
} from '@aws-sdk/client-kms';
import type { ProviderDeps } from '../types';
import { parseAwsConfig, type AwsConfig } from './config';
import { resolveCredentials, type CredentialSetup } from './credentials';
import { classifyAwsError, malformedResponse } from './errors';
import { withCorrelation } from './provider';

export interface AwsGrantView {
  GrantId: string;
  Name?: string;
  GranteePrincipal?: string;
  RetiringPrincipal?: string;
  IssuingAccount?: string;
  Operations: string[];
  Constraints?: Record<string, unknown>;
  CreationDate?: string;
}

export interface AwsKeyMetadataView {
  Arn: string;
  KeyState: string;
  Enabled: boolean;
  KeyManager?: string;
  Origin?: string;
  MultiRegion?: boolean;
  KeySpec?: string;
  KeyUsage?: string;
  DeletionDate?: string;
  PendingDeletionWindowInDays?: number;
  CustomKeyStoreId?: string;
}

export interface Page<T> {
  items: T[];
  next?: string;
}

const iso = (d: unknown): string | undefined => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined);

export class AwsKeyReviewReader {
  readonly keyRef: string;
  private readonly client: KMSClient;
  private readonly creds: CredentialSetup;
  private readonly timeoutMs: number;
  /** The key ARN DescribeKey answered with (an alias resolves to it); the other reads need it. */
  private keyArn: string | undefined;

  constructor(parsed: { kms_key_ref: string; config: AwsConfig }, deps: ProviderDeps) {
    const checked = parseAwsConfig({ provider: 'aws', kms_key_ref: parsed.kms_key_ref, config: { ...parsed.config } });
    this.keyRef = checked.kms_key_ref;
    if (!this.keyRef.includes(':alias/')) this.keyArn = this.keyRef;
    this.timeoutMs = Math.max(1, deps.timeoutMs);
    const requestHandler = { connectionTimeout: Math.max(50, Math.floor(this.timeoutMs / 2)), requestTimeout: this.timeoutMs, throwOnRequestTimeout: true as const };
    const config = checked.config;
    this.creds = resolveCredentials(config, { env: deps.env, timeoutMs: this.timeoutMs, requestHandler, customUserAgent: deps.userAgentPrefix });
    this.client = new KMSClient({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.profile ? { profile: config.profile } : {}),
      credentials: this.creds.credentials,
      maxAttempts: 1,
      requestHandler,
      customUserAgent: deps.userAgentPrefix,
    });
  }

  /** The principal the reads run as, when known (the assumed role). */
  principal(): string | undefined {
    return this.creds.principal();
  }

  async describeKey(cid: string): Promise<AwsKeyMetadataView> {
    const out = await this.send<DescribeKeyCommandOutput>('DescribeKey', () => new DescribeKeyCommand({ KeyId: this.keyRef }), cid);
    const m = out.KeyMetadata;
    if (!m || typeof m.KeyState !== 'string') throw malformedResponse('DescribeKey', 'KeyMetadata.KeyState');
    this.keyArn = m.Arn ?? this.keyArn;
    const view: AwsKeyMetadataView = { Arn: m.Arn ?? this.keyRef, KeyState: m.KeyState, Enabled: m.Enabled !== false && m.KeyState === 'Enabled' };
    if (m.KeyManager) view.KeyManager = m.KeyManager;
    if (m.Origin) view.Origin = m.Origin;
    if (typeof m.MultiRegion === 'boolean') view.MultiRegion = m.MultiRegion;
    if (m.KeySpec) view.KeySpec = m.KeySpec;
    if (m.KeyUsage) view.KeyUsage = m.KeyUsage;
    const del = iso(m.DeletionDate);
    if (del) view.DeletionDate = del;
    if (typeof m.PendingDeletionWindowInDays === 'number') view.PendingDeletionWindowInDays = m.PendingDeletionWindowInDays;
    if (m.CustomKeyStoreId) view.CustomKeyStoreId = m.CustomKeyStoreId;
    return view;
  }

  /** The policy document as text, exactly as KMS returned it. */
  async getKeyPolicy(cid: string): Promise<string> {
    const out = await this.send<GetKeyPolicyCommandOutput>('GetKeyPolicy', () => new GetKeyPolicyCommand({ KeyId: this.target(), PolicyName: 'default' }), cid);
    if (typeof out.Policy !== 'string') throw malformedResponse('GetKeyPolicy', 'Policy');
    return out.Policy;
  }

  async listGrantsPage(cid: string, marker?: string): Promise<Page<AwsGrantView>> {
    const out = await this.send<ListGrantsCommandOutput>('ListGrants', () => new ListGrantsCommand({ KeyId: this.target(), Limit: 100, ...(marker ? { Marker: marker } : {}) }), cid);
    if (!Array.isArray(out.Grants)) throw malformedResponse('ListGrants', 'Grants');
    const items = out.Grants.map((g) => {
      const v: AwsGrantView = { GrantId: g.GrantId ?? '', Operations: [...(g.Operations ?? [])] };
      if (g.Name) v.Name = g.Name;
      if (g.GranteePrincipal) v.GranteePrincipal = g.GranteePrincipal;
      if (g.RetiringPrincipal) v.RetiringPrincipal = g.RetiringPrincipal;
      if (g.IssuingAccount) v.IssuingAccount = g.IssuingAccount;
      if (g.Constraints) v.Constraints = { ...g.Constraints };
      const at = iso(g.CreationDate);
      if (at) v.CreationDate = at;
      return v;
    });
    return { items, ...(out.Truncated && out.NextMarker ? { next: out.NextMarker } : {}) };
  }

  async getRotationStatus(cid: string): Promise<{ enabled: boolean; periodDays?: number; nextRotation?: string }> {
    const out = await this.send<GetKeyRotationStatusCommandOutput>('GetKeyRotationStatus', () => new GetKeyRotationStatusCommand({ KeyId: this.target() }), cid);
    if (typeof out.KeyRotationEnabled !== 'boolean') throw malformedResponse('GetKeyRotationStatus', 'KeyRotationEnabled');
    const next = iso(out.NextRotationDate);
    return { enabled: out.KeyRotationEnabled, ...(typeof out.RotationPeriodInDays === 'number' ? { periodDays: out.RotationPeriodInDays } : {}), ...(next ? { nextRotation: next } : {}) };
  }

  async listTagsPage(cid: string, marker?: string): Promise<Page<{ key: string; value: string }>> {
    const out = await this.send<ListResourceTagsCommandOutput>('ListResourceTags', () => new ListResourceTagsCommand({ KeyId: this.target(), Limit: 50, ...(marker ? { Marker: marker } : {}) }), cid);
    const items = (out.Tags ?? []).map((t) => ({ key: t.TagKey ?? '', value: t.TagValue ?? '' }));
    return { items, ...(out.Truncated && out.NextMarker ? { next: out.NextMarker } : {}) };
  }

  close(): void {
    this.client.destroy();
  }

  private target(): string {
    return this.keyArn ?? this.keyRef;
  }

  private async send<O>(action: string, build: () => { middlewareStack: unknown }, cid: string): Promise<O> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(Object.assign(new Error(`no answer from AWS within ${this.timeoutMs} ms (${action})`), { name: 'TimeoutError', code: 'ETIMEDOUT' }));
      }, this.timeoutMs);
    });
    try {
      const command = withCorrelation(build(), cid);
      const sent = (this.client.send as (c: unknown, o: unknown) => Promise<O>)(command, { abortSignal: controller.signal, requestTimeout: this.timeoutMs });
      return await Promise.race([sent, timeout]);
    } catch (e) {
      throw classifyAwsError(e, action);
    } finally {
      clearTimeout(timer);
    }
  }
}
