/**
 * The SDK objects one Azure provider talks through: a credential (ClientSecretCredential
 * with the secret read now from the environment variable the config names, or
 * DefaultAzureCredential), a KeyClient for describe and a CryptographyClient per key
 * version. Rebuilt when the secret in the environment changes; never stored.
 */
import { createHash } from 'node:crypto';
import tls from 'node:tls';
import {
  ClientSecretCredential, DefaultAzureCredential,
  type AccessToken, type GetTokenOptions, type TokenCredential,
} from '@azure/identity';
import { CryptographyClient, KeyClient, type KeyClientOptions, type KeyVaultKey } from '@azure/keyvault-keys';
import { KmsError, type ProviderDeps } from '../types';
import { defaultAuthorityFor, isLoopbackHostname, type AzureConfig, type ParsedKeyRef } from './config';

/** Private request header the correlation policy turns into the user agent suffix. */
export const CORRELATION_MARKER = 'x-keywarden-correlation-id';

type PipelinePolicy = NonNullable<KeyClientOptions['additionalPolicies']>[number]['policy'];

/**
 * Key Vault's AuditEvent records the client request id (CorrelationId) and the user agent
 * (ClientInfo): the per-call correlation id goes into both.
 */
export const correlationPolicy: PipelinePolicy = {
  name: 'keywardenCorrelationPolicy',
  sendRequest(request, next) {
    const cid = request.headers.get(CORRELATION_MARKER);
    if (cid) {
      request.headers.delete(CORRELATION_MARKER);
      request.headers.set('x-ms-client-request-id', cid);
      const ua = request.headers.get('user-agent') ?? '';
      request.headers.set('user-agent', `${ua} keywarden-cid/${cid}`.trim());
    }
    return next(request);
  },
};

/**
 * The caller as Key Vault's AuditEvent names it, read from a JWT access token's claims in
 * the order the evidence normalizer reads the logged identity: `appid` (the client id),
 * else `oid` (the object id), else `azp` (v2 tokens). Never keeps the token.
 */
export function claimedPrincipal(token: string): { principal: string; claim: 'appid' | 'oid' | 'azp' } | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    for (const claim of ['appid', 'oid', 'azp'] as const) {
      const p = claims[claim];
      if (typeof p === 'string' && /^[\w.@:-]{1,128}$/.test(p)) return { principal: p, claim };
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** Reads the caller from a JWT access token (see `claimedPrincipal`). */
export function principalFromToken(token: string): string | undefined {
  return claimedPrincipal(token)?.principal;
}

class PrincipalTrackingCredential implements TokenCredential {
  principal: string | undefined;
  note = 'no token obtained yet: principal unknown';
  constructor(private readonly inner: TokenCredential) {}
  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const t = await this.inner.getToken(scopes, options);
    if (t) {
      const found = claimedPrincipal(t.token);
      this.principal = found?.principal;
      this.note = found ? `token claim ${found.claim}` : 'the access token carries no appid, oid or azp claim: principal unknown';
    }
    return t;
  }
}

export interface SessionOptions {
  /** Extra PEM trusted for loopback https fakes only (tests). */
  extraCaPem?: string | undefined;
  /** Policies run before the correlation policy (the access review sets its correlation id there). */
  policiesFirst?: PipelinePolicy[];
}

export class AzureSession {
  readonly keyClient: KeyClient;
  private readonly crypto = new Map<string, CryptographyClient>();
  private readonly credential: PrincipalTrackingCredential;
  private readonly clientOptions: KeyClientOptions;

  constructor(readonly fingerprint: string, private readonly ref: ParsedKeyRef, credential: PrincipalTrackingCredential, clientOptions: KeyClientOptions) {
    this.credential = credential;
    this.clientOptions = clientOptions;
    this.keyClient = new KeyClient(ref.vaultUrl, credential, clientOptions);
  }

  get principal(): string | undefined {
    return this.credential.principal;
  }

  /** The session's credential, for other Azure clients of the same identity (the access review's ARM reads). */
  get tokenCredential(): TokenCredential {
    return this.credential;
  }

  /** How `principal` was learnt from the token, or why it is unknown. */
  get principalNote(): string {
    return this.credential.note;
  }

  /** A CryptographyClient bound to one key version, straight to the remote operations. */
  cryptoFor(version: string): CryptographyClient {
    let c = this.crypto.get(version);
    if (!c) {
      const id = `${this.ref.vaultUrl}/keys/${this.ref.name}/${version}`;
      const key: KeyVaultKey = { name: this.ref.name, id, properties: { id, name: this.ref.name, vaultUrl: this.ref.vaultUrl, version } };
      c = new CryptographyClient(key, this.credential, this.clientOptions);
      this.crypto.set(version, c);
    }
    return c;
  }
}

export function buildSession(
  ref: ParsedKeyRef,
  config: AzureConfig,
  deps: ProviderDeps,
  opts: SessionOptions,
  current: AzureSession | undefined,
): AzureSession {
  let secret: string | undefined;
  if (config.client_secret_env_var) {
    secret = deps.env[config.client_secret_env_var];
    if (!secret) {
      throw new KmsError('azure', 'access_denied',
        `Azure Key Vault: environment variable ${config.client_secret_env_var} (config.client_secret_env_var) is not set in this Keywarden process; set it to the client secret of app ${config.client_id}`,
        'EnvVarNotSet');
    }
  }
  const fingerprint = secret ? createHash('sha256').update(secret).digest('hex') : 'default-credential';
  if (current && current.fingerprint === fingerprint) return current;

  const authorityHost = config.authority_host ?? defaultAuthorityFor(config.vault_url);
  const authorityLoopback = isLoopbackHostname(new URL(authorityHost).hostname);
  const vaultHttp = ref.vaultUrl.startsWith('http:');
  const ca = opts.extraCaPem ? [...tls.rootCertificates, opts.extraCaPem] : undefined;

  const inner: TokenCredential = config.client_id && secret
    ? new ClientSecretCredential(config.azure_tenant_id!, config.client_id, secret, {
      authorityHost,
      retryOptions: { maxRetries: 0 },
      ...(authorityLoopback ? { disableInstanceDiscovery: true } : {}),
      ...(authorityLoopback && ca ? { tlsOptions: { ca } } : {}),
    })
    : new DefaultAzureCredential({
      authorityHost,
      ...(authorityLoopback ? { disableInstanceDiscovery: true } : {}),
      ...(authorityLoopback && ca ? { tlsOptions: { ca } } : {}),
    });
  const clientOptions: KeyClientOptions = {
    retryOptions: { maxRetries: 0 },
    userAgentOptions: { userAgentPrefix: deps.userAgentPrefix },
    additionalPolicies: [...(opts.policiesFirst ?? []).map((policy) => ({ policy, position: 'perCall' as const })), { policy: correlationPolicy, position: 'perCall' }],
    ...(ref.loopback ? { disableChallengeResourceVerification: true } : {}),
    ...(ref.loopback && vaultHttp ? { allowInsecureConnection: true } : {}),
    ...(ref.loopback && !vaultHttp && ca ? { tlsOptions: { ca } } : {}),
  };
  return new AzureSession(fingerprint, ref, new PrincipalTrackingCredential(inner), clientOptions);
}
