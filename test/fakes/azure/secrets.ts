/**
 * The Key Vault secrets data plane (api-version 2025-07-01, as @azure/keyvault-secrets
 * sends it): `PUT /secrets/{name}` makes a new immutable version, `GET
 * /secrets/{name}/{version}` (or no version: the latest) returns it, `GET
 * /secrets/{name}/versions?maxresults=` lists versions' properties (no values) a page at
 * a time with `nextLink` and `$skiptoken`, `GET /secrets` lists the secrets (their latest
 * versions' properties, one page). Every secret carries the vault's
 * `recoveryLevel` (`Recoverable+Purgeable` without purge protection, `Recoverable` with).
 */
import { randomBytes } from 'node:crypto';

export interface FakeSecretVersion {
  version: string;
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled: boolean;
  /** Epoch seconds, as Key Vault's `attributes.created`. */
  created: number;
}

export type SecretOp = 'SecretSet' | 'SecretGet' | 'SecretList' | 'SecretListVersions';

export interface SecretAnswer {
  status: number;
  body: unknown;
  op: SecretOp;
  /** The secret version the request touched, for the audit row's Id. */
  id?: string;
}

const NAME_RE = /^[0-9A-Za-z-]{1,127}$/;
const MAX_VALUE_CHARS = 25 * 1024;
const MAX_PAGE = 25;

function bad(op: SecretOp, message: string): SecretAnswer {
  return { status: 400, op, body: { error: { code: 'BadParameter', message } } };
}

export class FakeSecrets {
  readonly secrets = new Map<string, FakeSecretVersion[]>();
  /** The vault's recovery level: `Recoverable` once purge protection is on. */
  recoveryLevel = 'Recoverable+Purgeable';
  /** Page size when the client sends no maxresults (Key Vault's is 25). */
  pageSize = MAX_PAGE;

  constructor(private readonly vaultUrl: () => string) {}

  /** Which operation a request is, before it is authorised (for the audit row of a refused one). */
  static opOf(method: string | undefined, path: string): SecretOp {
    if (method === 'PUT') return 'SecretSet';
    if (/^\/secrets\/?$/.test(path)) return 'SecretList';
    return /\/versions\/?$/.test(path) ? 'SecretListVersions' : 'SecretGet';
  }

  /** The secret name a path names, for fault lookup. */
  static nameOf(path: string): string | undefined {
    return /^\/secrets\/([^/]+)/.exec(path)?.[1];
  }

  add(name: string, v: Omit<FakeSecretVersion, 'version' | 'enabled' | 'created'> & Partial<Pick<FakeSecretVersion, 'version' | 'enabled' | 'created'>>): FakeSecretVersion {
    const full: FakeSecretVersion = { version: randomBytes(16).toString('hex'), enabled: true, created: Math.floor(Date.now() / 1000), ...v };
    const list = this.secrets.get(name) ?? [];
    list.push(full);
    this.secrets.set(name, list);
    return full;
  }

  private id(name: string, version: string): string {
    return `${this.vaultUrl()}/secrets/${name}/${version}`;
  }

  private attributes(v: FakeSecretVersion): Record<string, unknown> {
    return { enabled: v.enabled, created: v.created, updated: v.created, recoveryLevel: this.recoveryLevel, recoverableDays: 90 };
  }

  private bundle(name: string, v: FakeSecretVersion): Record<string, unknown> {
    return { value: v.value, id: this.id(name, v.version), attributes: this.attributes(v), ...(v.contentType ? { contentType: v.contentType } : {}), ...(v.tags ? { tags: v.tags } : {}) };
  }

  handle(method: string | undefined, url: URL, body: string): SecretAnswer {
    const op = FakeSecrets.opOf(method, url.pathname);
    if (op === 'SecretList' && method === 'GET') return this.listSecrets();
    const m = /^\/secrets\/([^/]+)(?:\/([^/]*))?\/?$/.exec(url.pathname);
    if (!m || (method !== 'GET' && method !== 'PUT')) return bad(op, 'Unsupported path or method for this fake.');
    const name = m[1]!;
    if (!NAME_RE.test(name)) return bad(op, `The request URI contains an invalid name: ${name}. Follow this link for more information on how to name a secret: https://go.microsoft.com/fwlink/?linkid=2147742`);
    if (method === 'PUT') {
      if (m[2]) return bad(op, 'A secret version cannot be given to set a secret.');
      let parsed: { value?: unknown; tags?: unknown; contentType?: unknown };
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        return bad(op, 'Request body is not valid JSON.');
      }
      if (typeof parsed.value !== 'string') return bad(op, "Property 'value' is required and must be a string.");
      if (parsed.value.length > MAX_VALUE_CHARS) return bad(op, `Secret value is too long: the limit is ${MAX_VALUE_CHARS} characters.`);
      const tags = parsed.tags as Record<string, string> | undefined;
      if (tags !== undefined && (typeof tags !== 'object' || tags === null || Object.values(tags).some((t) => typeof t !== 'string'))) return bad(op, 'Tags must be a map of strings.');
      const v = this.add(name, { value: parsed.value, ...(typeof parsed.contentType === 'string' ? { contentType: parsed.contentType } : {}), ...(tags ? { tags } : {}) });
      return { status: 200, op, body: this.bundle(name, v), id: this.id(name, v.version) };
    }
    const versions = this.secrets.get(name) ?? [];
    if (m[2] === 'versions') return this.listVersions(name, versions, url);
    const v = m[2] ? versions.find((x) => x.version === m[2]!.toLowerCase()) : versions.at(-1);
    if (!v) {
      return { status: 404, op, body: { error: { code: 'SecretNotFound', message: `A secret with (name/id) ${name}${m[2] ? `/${m[2]}` : ''} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182` } } };
    }
    if (!v.enabled) return { status: 403, op, id: this.id(name, v.version), body: { error: { code: 'Forbidden', message: 'Operation get is not allowed on a disabled secret.', innererror: { code: 'SecretDisabled' } } } };
    return { status: 200, op, body: this.bundle(name, v), id: this.id(name, v.version) };
  }

  /** Every secret's latest version, in one page (a vault of a few secrets). */
  private listSecrets(): SecretAnswer {
    const value = [...this.secrets].flatMap(([name, versions]) => {
      const v = versions.at(-1);
      return v ? [{ id: `${this.vaultUrl()}/secrets/${name}`, attributes: this.attributes(v), ...(v.contentType ? { contentType: v.contentType } : {}), ...(v.tags ? { tags: v.tags } : {}) }] : [];
    });
    return { status: 200, op: 'SecretList', body: { value, nextLink: null } };
  }

  private listVersions(name: string, versions: FakeSecretVersion[], url: URL): SecretAnswer {
    const op: SecretOp = 'SecretListVersions';
    const max = url.searchParams.get('maxresults');
    const size = max === null ? this.pageSize : Number(max);
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) return bad(op, `maxresults must be between 1 and ${MAX_PAGE}.`);
    const token = url.searchParams.get('$skiptoken');
    let offset = 0;
    if (token !== null) {
      const parsed = /^fake-(\d+)-(.+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
      if (!parsed || parsed[2] !== name) return bad(op, 'The $skiptoken is not valid for this request.');
      offset = Number(parsed[1]);
    }
    const page = versions.slice(offset, offset + size).map((v) => ({
      id: this.id(name, v.version), attributes: this.attributes(v), ...(v.contentType ? { contentType: v.contentType } : {}), ...(v.tags ? { tags: v.tags } : {}),
    }));
    const next = offset + size < versions.length
      ? `${this.vaultUrl()}/secrets/${name}/versions?api-version=${url.searchParams.get('api-version')}&$skiptoken=${Buffer.from(`fake-${offset + size}-${name}`).toString('base64url')}&maxresults=${size}`
      : null;
    return { status: 200, op, body: { value: page, nextLink: next } };
  }
}
