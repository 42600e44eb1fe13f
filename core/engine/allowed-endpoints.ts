/**
 * Which hosts a KMS, STS or provider-log endpoint may name. A new master key is sent to
 * the KMS endpoint in plaintext when it is wrapped, and a GCP endpoint receives a bearer
 * token, so an endpoint is allowed only from its provider's own host families (https on
 * 443), or when the operator lists its origin in the owner-only file `allowed-endpoints`
 * in the data dir. The list is never API input: a caller of the API cannot widen it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { KeywardenError } from '../errors';

export const ALLOWED_ENDPOINTS_FILE = 'allowed-endpoints';

export type EndpointKind = 'aws-kms' | 'aws-sts' | 'aws-cloudtrail' | 'gcp' | 'azure-vault' | 'azure-authority' | 'azure-monitor' | 'azure-arm' | 'aws-s3' | 'azure-blob';

const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d{1,2}';
const awsService = (svc: string) => [
  new RegExp(`^${svc}(?:-fips)?\\.${REGION}\\.amazonaws\\.com(?:\\.cn)?$`),
  new RegExp(`^vpce-[a-z0-9-]+\\.${svc}(?:-fips)?\\.${REGION}\\.vpce\\.amazonaws\\.com(?:\\.cn)?$`),
];
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';

const FAMILIES: Record<EndpointKind, { hosts: RegExp[]; shape: string }> = {
  'aws-kms': { hosts: awsService('kms'), shape: 'kms[-fips].<region>.amazonaws.com[.cn] or vpce-….kms.<region>.vpce.amazonaws.com' },
  'aws-sts': { hosts: [/^sts\.amazonaws\.com$/, ...awsService('sts')], shape: 'sts[-fips].<region>.amazonaws.com[.cn] or vpce-….sts.<region>.vpce.amazonaws.com' },
  'aws-cloudtrail': { hosts: awsService('cloudtrail'), shape: 'cloudtrail[-fips].<region>.amazonaws.com[.cn] or vpce-….cloudtrail.<region>.vpce.amazonaws.com' },
  'aws-s3': { hosts: [/^s3\.amazonaws\.com$/, ...awsService('s3')], shape: 's3[-fips].<region>.amazonaws.com[.cn] or vpce-….s3.<region>.vpce.amazonaws.com' },
  gcp: { hosts: [new RegExp(`^(?:${LABEL}\\.)+googleapis\\.com$`)], shape: '*.googleapis.com (regional, *-cloudkms, *.p.googleapis.com Private Service Connect)' },
  'azure-vault': {
    hosts: [new RegExp(`^${LABEL}\\.(?:vault|managedhsm)\\.(?:azure\\.net|azure\\.cn|usgovcloudapi\\.net)$`)],
    shape: '<name>.vault.azure.net, .vault.azure.cn, .vault.usgovcloudapi.net or a .managedhsm. host of those clouds',
  },
  'azure-authority': {
    hosts: [/^login\.microsoftonline\.(?:com|us)$/, /^login\.chinacloudapi\.cn$/, /^login\.partner\.microsoftonline\.cn$/],
    shape: 'login.microsoftonline.com, login.microsoftonline.us, login.chinacloudapi.cn',
  },
  'azure-arm': {
    hosts: [/^management\.azure\.com$/, /^management\.usgovcloudapi\.net$/, /^management\.chinacloudapi\.cn$/],
    shape: 'management.azure.com, management.usgovcloudapi.net, management.chinacloudapi.cn',
  },
  'azure-monitor': {
    hosts: [/^api\.loganalytics\.(?:io|us)$/, /^api\.loganalytics\.azure\.(?:com|cn|us)$/],
    shape: 'api.loganalytics.io, api.loganalytics.azure.com / .azure.cn / .us',
  },
  'azure-blob': {
    hosts: [/^[a-z0-9]{3,24}\.blob\.core\.(?:windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)$/],
    shape: '<account>.blob.core.windows.net, .blob.core.chinacloudapi.cn, .blob.core.usgovcloudapi.net',
  },
};

/** True when `url` is https on the default port and its host is in the kind's own family. */
export function inProviderFamily(kind: EndpointKind, url: URL): boolean {
  if (url.protocol !== 'https:' || (url.port !== '' && url.port !== '443')) return false;
  return FAMILIES[kind].hosts.some((re) => re.test(url.hostname.toLowerCase()));
}

/** What an audit entry says about an endpoint: its host, or "default" when none is configured. */
export function endpointHost(value: string | null | undefined): string {
  if (!value) return 'default';
  try {
    return new URL(value).host;
  } catch {
    return 'default';
  }
}

function parseLine(raw: string): string | undefined {
  const text = raw.replace(/#.*/, '').trim();
  if (!text) return undefined;
  const u = new URL(text);
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme must be http or https');
  if (u.username || u.password || u.search || u.hash || (u.pathname !== '/' && u.pathname !== '')) throw new Error('an origin only (scheme://host[:port])');
  return u.origin;
}

/** The operator's allow-list, read fresh on every check so an edit needs no restart. */
export class EndpointPolicy {
  readonly file: string;
  constructor(dataDir: string) {
    this.file = path.join(dataDir, ALLOWED_ENDPOINTS_FILE);
  }

  /** The origins the file lists; [] when there is no file. Refuses a file others can write or read. */
  listed(): string[] {
    let st: fs.Stats;
    try {
      st = fs.statSync(this.file);
    } catch {
      return [];
    }
    if (process.platform !== 'win32') {
      const uid = process.getuid?.();
      if ((st.mode & 0o077) !== 0 || (uid !== undefined && st.uid !== uid)) {
        throw new KeywardenError('endpoint_allowlist_invalid', `${this.file} must be owned by you and owner-only (mode ${(st.mode & 0o777).toString(8)}): run chmod 600 '${this.file}'`, { file: this.file });
      }
    }
    const origins: string[] = [];
    fs.readFileSync(this.file, 'utf8').split(/\r?\n/).forEach((raw, i) => {
      try {
        const origin = parseLine(raw);
        if (origin) origins.push(origin);
      } catch (e) {
        throw new KeywardenError('endpoint_allowlist_invalid', `${this.file} line ${i + 1}: ${(e as Error).message === 'Invalid URL' ? 'not a URL' : (e as Error).message}`, { file: this.file, line: i + 1 });
      }
    });
    return origins;
  }

  /** Throws `endpoint_not_allowed` (naming the file and the line to add) unless `value` may be used as `kind`. */
  assertAllowed(kind: EndpointKind, field: string, value: string): void {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new KeywardenError('invalid_input', `${field}: '${value}' is not a URL`, { field, reason: 'not a URL' });
    }
    if (inProviderFamily(kind, url)) return;
    if (this.listed().includes(url.origin)) return;
    throw new KeywardenError(
      'endpoint_not_allowed',
      `${field}: ${url.origin} is not a ${kind} endpoint (${FAMILIES[kind].shape}). Only the operator can allow another host: add the line "${url.origin}" to ${this.file} (owner-only)`,
      { field, origin: url.origin, file: this.file, line: url.origin },
    );
  }
}

/** The endpoint fields of a parsed KMS config, by provider, with the family each must belong to. */
export function kmsConfigEndpoints(provider: string, config: Record<string, unknown>): { field: string; kind: EndpointKind; value: string }[] {
  const fields: [string, EndpointKind][] =
    provider === 'aws'
      ? [['endpoint', 'aws-kms'], ['sts_endpoint', 'aws-sts']]
      : provider === 'gcp'
        ? [['endpoint', 'gcp']]
        : provider === 'azure'
          ? [['vault_url', 'azure-vault'], ['endpoint', 'azure-vault'], ['authority_host', 'azure-authority']]
          : [];
  return fields.flatMap(([field, kind]) => (typeof config[field] === 'string' && config[field] ? [{ field: `config.${field}`, kind, value: config[field] as string }] : []));
}
