/**
 * Builds the reader for one source from the tenant's stored provider config (the
 * customer's own credentials, resolved as the KMS provider resolves them) and its
 * evidence settings. Pacers are shared per account/region (AWS) or project/workspace.
 */
import { resolveCredentials } from '../../providers/aws/credentials';
import type { AwsConfig } from '../../providers/aws/config';
import { applicationDefaultCredentials, resolveIdentity, type GcpSourceCredentials, DEFAULT_IAM_CREDENTIALS_ENDPOINT } from '../../providers/gcp/auth';
import type { GcpConfig } from '../../providers/gcp/config';
import type { AzureConfig } from '../../providers/azure/config';
import type { EvidenceSettings } from '../settings';
import type { SourceSpec } from '../sources';
import { AwsCloudTrailReader } from './aws-cloudtrail';
import { azureReaderCredential, trustedCa } from './azure-credential';
import { AzureMonitorReader } from './azure-monitor';
import { DEFAULT_LOGGING_ENDPOINT, GcpLoggingReader } from './gcp-logging';
import { Pacer, realSleep, type Sleep } from './pacer';
import { ReaderError, type SourceReader } from './types';

/** Seams for hosts and tests; production needs none of them. */
export interface ReaderOptions {
  /** GCP base identity. Default: application default credentials. */
  gcpSourceCredentials?: GcpSourceCredentials;
  gcpIamCredentialsEndpoint?: string;
  /** PEM trusted in addition to the system roots, for loopback https endpoints only. */
  extraCaPem?: string;
  /** Requests per second per provider account (AWS LookupEvents: 2). */
  ratePerSecond?: Partial<Record<'aws' | 'gcp' | 'azure', number>>;
  /** Page sizes (GCP up to 1000, Azure rows per query); tests use small ones to page. */
  pageSize?: Partial<Record<'gcp' | 'azure', number>>;
  /** Waits between retries of a throttled page (pacing itself always waits in real time). */
  sleep?: Sleep;
  timeoutMs?: number;
  /** Pages one source may read in one fetch (default DEFAULT_MAX_PAGES). */
  maxPages?: number;
}

/** Published limits: CloudTrail LookupEvents 2/s; Cloud Logging entries.list 60/min; Log Analytics ~200/30 s. */
export const DEFAULT_RATES = { aws: 2, gcp: 1, azure: 5 } as const;

export interface ReaderDeps {
  env: Record<string, string | undefined>;
  userAgent: string;
  options: ReaderOptions;
  pacers: Map<string, Pacer>;
}

function pacerFor(deps: ReaderDeps, provider: 'aws' | 'gcp' | 'azure', scope: string): Pacer {
  const id = `${provider}\n${scope}`;
  let p = deps.pacers.get(id);
  if (!p) {
    p = new Pacer(deps.options.ratePerSecond?.[provider] ?? DEFAULT_RATES[provider]);
    deps.pacers.set(id, p);
  }
  return p;
}

function parseConfig<T>(source: SourceSpec): T {
  try {
    return JSON.parse(source.kms_config) as T;
  } catch {
    throw new ReaderError('the stored provider config is not readable JSON; onboard the key again', 'invalid');
  }
}

export function buildReader(source: SourceSpec, settings: EvidenceSettings, providerKeyIds: string[], deps: ReaderDeps): SourceReader {
  const timeoutMs = deps.options.timeoutMs ?? 15_000;
  const sleep = deps.options.sleep ?? realSleep;
  if (source.provider === 'aws') {
    const config = parseConfig<AwsConfig>(source);
    const requestHandler = { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true as const };
    const creds = resolveCredentials(config, { env: deps.env, timeoutMs, requestHandler, customUserAgent: deps.userAgent });
    const arn = source.key_ref.split(':');
    const keyArns = [...new Set([...(source.key_ref.includes(':key/') ? [source.key_ref] : []), ...providerKeyIds.filter((k) => k.includes(':key/'))])];
    return new AwsCloudTrailReader({
      region: config.region,
      endpoint: settings.aws_cloudtrail_endpoint ?? undefined,
      credentials: creds.credentials,
      keyArns,
      keyRef: source.key_ref,
      pacer: pacerFor(deps, 'aws', `${arn[4] ?? ''}:${config.region}:${settings.aws_cloudtrail_endpoint ?? ''}`),
      sleep,
      timeoutMs,
      userAgent: deps.userAgent,
      maxPages: deps.options.maxPages,
    });
  }
  if (source.provider === 'gcp') {
    const config = parseConfig<GcpConfig>(source);
    const project = settings.gcp_project ?? source.key_ref.split('/')[1] ?? '';
    const auth = {
      sourceCredentials: deps.options.gcpSourceCredentials ?? applicationDefaultCredentials,
      iamCredentialsEndpoint: deps.options.gcpIamCredentialsEndpoint ?? DEFAULT_IAM_CREDENTIALS_ENDPOINT,
    };
    const req = { timeoutMs, ...(config.quota_project ? { quotaProject: config.quota_project } : {}) };
    return new GcpLoggingReader({
      endpoint: settings.gcp_logging_endpoint ?? DEFAULT_LOGGING_ENDPOINT,
      project,
      keyPath: source.key_ref,
      identity: () => resolveIdentity(auth, req, config.impersonate_service_account),
      pacer: pacerFor(deps, 'gcp', project),
      sleep,
      timeoutMs,
      userAgent: deps.userAgent,
      maxPages: deps.options.maxPages,
      ...(deps.options.pageSize?.gcp ? { pageSize: deps.options.pageSize.gcp } : {}),
    });
  }
  const config = parseConfig<AzureConfig>(source);
  if (!settings.azure_workspace_id) {
    throw new ReaderError('no Log Analytics workspace id in this tenant’s evidence settings (evidence settings --azure-workspace-id)', 'invalid');
  }
  const endpoint = settings.azure_logs_endpoint ?? undefined;
  const tls = trustedCa(endpoint, deps.options.extraCaPem);
  return new AzureMonitorReader({
    credential: azureReaderCredential(config, deps.env, deps.options.extraCaPem),
    endpoint,
    workspaceId: settings.azure_workspace_id,
    keyRef: source.key_ref,
    table: settings.azure_table,
    pacer: pacerFor(deps, 'azure', settings.azure_workspace_id),
    sleep,
    timeoutMs,
    userAgent: deps.userAgent,
    maxPages: deps.options.maxPages,
    ...(tls.tlsOptions ? { tlsOptions: tls.tlsOptions } : {}),
    ...(deps.options.pageSize?.azure ? { pageSize: deps.options.pageSize.azure } : {}),
  });
}
