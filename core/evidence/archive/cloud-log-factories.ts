/**
 * The import's locations for Cloud Logging sinks and Key Vault diagnostic settings:
 * `gs://bucket[/prefix]` (GcsStore), `azblob://account[/container[/prefix]]` (AzblobStore;
 * container default insights-logs-auditevent), and local folders of either layout or of
 * `gcloud logging read --format=json` exports. Credentials are the tenant's own, resolved
 * as its KMS calls resolve them (GCP: ADC or the impersonated service account of its GCP
 * key; Azure: the app registration of its Key Vault key, or DefaultAzureCredential).
 * Nothing is stored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { applicationDefaultCredentials, DEFAULT_IAM_CREDENTIALS_ENDPOINT, resolveIdentity, type GcpSourceCredentials } from '../../providers/gcp/auth';
import type { AzureConfig } from '../../providers/azure/config';
import type { GcpConfig } from '../../providers/gcp/config';
import { azureReaderCredential, trustedCa } from '../readers/azure-credential';
import { ReaderError } from '../readers/types';
import { AzblobStore } from './azblob-store';
import { AzureDiagnosticsSource } from './azure-diagnostics-source';
import { GcloudExportSource, looksLikeJsonArray } from './gcloud-export-source';
import { GcpSinkSource } from './gcp-sink-source';
import { GcsStore } from './gcs-store';
import { LocalTreeStore } from './local-tree-store';
import { AUDIT_EVENT_CONTAINER, DATA_ACCESS_LOG, parseAzblobUrl, parseGsUrl, vaultNameOfKeyUrl } from './sink-layout';
import type { StoreSleep } from './store-retry';
import { ArchiveError, type ArchiveSource, type SourceContext, type SourceFactory } from './types';

/** Evidence-settings endpoint names the factories read from SourceContext.endpoints. */
export const GCS_ENDPOINT_SETTING = 'gcp_storage_endpoint';
export const AZURE_BLOB_ENDPOINT_SETTING = 'azure_blob_endpoint';

export interface CloudLogFactoryOptions {
  /** GCP base identity (default: application default credentials). */
  gcpSourceCredentials?: GcpSourceCredentials;
  gcpIamCredentialsEndpoint?: string;
  /** PEM trusted in addition to the system roots, for loopback https endpoints only. */
  extraCaPem?: string;
  pageSize?: number;
  sleep?: StoreSleep;
}

function keysOf(ctx: SourceContext, provider: 'gcp' | 'azure'): SourceContext['keys'] {
  const keys = ctx.keys.filter((k) => k.provider === provider);
  if (keys.length === 0) {
    const what = provider === 'gcp' ? 'Cloud KMS key' : 'Key Vault key';
    throw new ArchiveError(`tenant has no ${what}: the archive has nothing to keep for it`, 'invalid');
  }
  return keys;
}

function configOf<T>(json: string): T {
  try {
    return JSON.parse(json) as T;
  } catch {
    throw new ArchiveError('the stored provider config is not readable JSON; onboard the key again', 'invalid');
  }
}

export function gcsSinkFactory(o: CloudLogFactoryOptions = {}): SourceFactory {
  return {
    scheme: 'gs:',
    create(location: string, ctx: SourceContext): ArchiveSource {
      const { bucket, prefix } = parseGsUrl(location);
      const config = configOf<GcpConfig>(keysOf(ctx, 'gcp')[0]!.kms_config);
      const auth = { sourceCredentials: o.gcpSourceCredentials ?? applicationDefaultCredentials, iamCredentialsEndpoint: o.gcpIamCredentialsEndpoint ?? DEFAULT_IAM_CREDENTIALS_ENDPOINT };
      const req = { timeoutMs: ctx.timeoutMs, ...(config.quota_project ? { quotaProject: config.quota_project } : {}) };
      const store = new GcsStore({
        bucket,
        location: `gs://${bucket}/${prefix}`,
        endpoint: ctx.endpoints[GCS_ENDPOINT_SETTING],
        identity: async () => (await resolveIdentity(auth, req, config.impersonate_service_account)).client,
        timeoutMs: ctx.timeoutMs,
        userAgent: ctx.userAgent,
        ...(o.pageSize ? { pageSize: o.pageSize } : {}),
        ...(o.sleep ? { sleep: o.sleep } : {}),
      });
      return new GcpSinkSource(store, prefix);
    },
  };
}

/** The tenant's vault names, when every key URL tells one; null means every vault in the container. */
function tenantVaults(keys: SourceContext['keys']): Set<string> | null {
  const names = keys.map((k) => vaultNameOfKeyUrl(k.key_ref));
  return names.every((n): n is string => n !== null) ? new Set(names) : null;
}

export function azblobFactory(o: CloudLogFactoryOptions = {}): SourceFactory {
  return {
    scheme: 'azblob:',
    create(location: string, ctx: SourceContext): ArchiveSource {
      const { account, container, prefix } = parseAzblobUrl(location);
      const keys = keysOf(ctx, 'azure');
      const config = configOf<AzureConfig>(keys[0]!.kms_config);
      let credential;
      try {
        credential = azureReaderCredential(config, ctx.env, o.extraCaPem);
      } catch (e) {
        if (e instanceof ReaderError) throw new ArchiveError(e.message, 'access_denied');
        throw e;
      }
      const endpoint = ctx.endpoints[AZURE_BLOB_ENDPOINT_SETTING];
      const store = new AzblobStore({
        account,
        container,
        location: `azblob://${account}/${container}/${prefix}`,
        endpoint,
        credential,
        timeoutMs: ctx.timeoutMs,
        userAgent: ctx.userAgent,
        ...trustedCa(endpoint, o.extraCaPem),
        ...(o.pageSize ? { pageSize: o.pageSize } : {}),
        ...(o.sleep ? { sleep: o.sleep } : {}),
      });
      return new AzureDiagnosticsSource(store, prefix, tenantVaults(keys));
    },
  };
}

export type CloudFolderLayout = 'gcp-sink' | 'azure-diagnostics' | 'gcloud-export';

/**
 * Which of these layouts a local folder holds: a sink copy (a `cloudaudit.googleapis.com`
 * folder), a diagnostic-settings copy (a `resourceId=` folder, or the container's folder
 * holding one), or exports (.json files whose text starts with '['). Null: none of them
 * (the CloudTrail folder factory may know it).
 */
export function detectCloudFolder(dir: string): { layout: CloudFolderLayout; root: string } | null {
  const has = (p: string) => fs.existsSync(p) && fs.statSync(p).isDirectory();
  const log = DATA_ACCESS_LOG.split('/')[0]!;
  if (has(path.join(dir, log))) return { layout: 'gcp-sink', root: dir };
  if (path.basename(dir) === log && has(path.join(dir, 'data_access'))) return { layout: 'gcp-sink', root: path.dirname(dir) };
  if (has(path.join(dir, 'resourceId='))) return { layout: 'azure-diagnostics', root: dir };
  if (has(path.join(dir, AUDIT_EVENT_CONTAINER, 'resourceId='))) return { layout: 'azure-diagnostics', root: path.join(dir, AUDIT_EVENT_CONTAINER) };
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  const store = fs.existsSync(dir) ? new LocalTreeStore(dir) : null;
  if (store && entries.some((e) => e.isFile() && e.name.endsWith('.json') && looksLikeJsonArray(store.head(e.name)))) return { layout: 'gcloud-export', root: dir };
  return null;
}

/** The source for a local folder of one of these layouts, or null (not one of them). */
export function cloudFolderSource(dir: string, ctx: SourceContext): ArchiveSource | null {
  const found = detectCloudFolder(path.resolve(dir));
  if (!found) return null;
  const store = new LocalTreeStore(found.root);
  if (found.layout === 'gcp-sink') {
    keysOf(ctx, 'gcp');
    return new GcpSinkSource(store, '');
  }
  if (found.layout === 'gcloud-export') {
    keysOf(ctx, 'gcp');
    return new GcloudExportSource(store);
  }
  return new AzureDiagnosticsSource(store, '', tenantVaults(keysOf(ctx, 'azure')));
}
