/**
 * A fake Microsoft Entra ID (AAD) token authority, enough for MSAL's client-credentials
 * flow as driven by @azure/identity's ClientSecretCredential with
 * `disableInstanceDiscovery: true`:
 *   GET  /{tenant}/v2.0/.well-known/openid-configuration
 *   POST /{tenant}/oauth2/v2.0/token   (grant_type=client_credentials)
 *   GET  /common/discovery/instance    (answered in case instance discovery is left on)
 * Tokens are unsigned JWT-shaped strings carrying appid/oid/tid, remembered here so the
 * resource fakes can map a bearer token back to its principal.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface FakeApp {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  objectId: string;
  displayName: string;
}

export interface FakePrincipal {
  tenantId: string;
  appId: string;
  objectId: string;
  displayName: string;
  scope: string;
}

export interface TokenRecord extends FakePrincipal {
  expiresAt: number;
}

export class FakeAuthority {
  readonly apps = new Map<string, FakeApp>();
  readonly tokens = new Map<string, TokenRecord>();
  /** Every token request, for assertions (never the secret). */
  readonly tokenRequests: Array<{ tenantId: string; clientId: string; scope: string; ok: boolean }> = [];
  /** `METHOD /path` of every request the authority saw. */
  readonly requests: string[] = [];
  refuse = false;

  constructor(private readonly host: () => string, readonly defaultTenantId: string) {}

  registerApp(app: Partial<FakeApp> & { clientId: string; clientSecret: string }): FakeApp {
    const full: FakeApp = {
      tenantId: app.tenantId ?? this.defaultTenantId,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      objectId: app.objectId ?? randomUUID(),
      displayName: app.displayName ?? `app-${app.clientId.slice(0, 8)}`,
    };
    this.apps.set(`${full.tenantId}/${full.clientId}`, full);
    return full;
  }

  /** Issues a token directly (for tests of resource fakes without a credential). */
  issue(principal: FakePrincipal, lifetimeS = 3600): string {
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = [
      b64({ typ: 'JWT', alg: 'none' }),
      b64({
        aud: principal.scope.replace(/\/\.default$/, ''),
        iss: `${this.host()}/${principal.tenantId}/v2.0`,
        iat: now, nbf: now, exp: now + lifetimeS,
        appid: principal.appId, azp: principal.appId, oid: principal.objectId, tid: principal.tenantId,
        app_displayname: principal.displayName, jti: randomBytes(8).toString('hex'),
      }),
      randomBytes(16).toString('base64url'),
    ].join('.');
    this.tokens.set(token, { ...principal, expiresAt: Date.now() + lifetimeS * 1000 });
    return token;
  }

  principalOf(authorization: string | undefined): TokenRecord | undefined {
    const m = /^Bearer (\S+)$/.exec(authorization ?? '');
    if (!m) return undefined;
    const rec = this.tokens.get(m[1]!);
    return rec && rec.expiresAt > Date.now() ? rec : undefined;
  }

  /** Returns true when the request was for the authority and has been answered. */
  handle(req: IncomingMessage, res: ServerResponse, body: string): boolean {
    const url = new URL(req.url ?? '/', 'https://x');
    const parts = url.pathname.split('/').filter(Boolean);
    this.requests.push(`${req.method} ${url.pathname}`);
    if (this.refuse && (url.pathname.includes('/oauth2/') || url.pathname.includes('/.well-known/'))) {
      req.socket.destroy();
      return true;
    }
    if (req.method === 'GET' && parts[0] === 'common' && parts[1] === 'discovery' && parts[2] === 'instance') {
      const h = new URL(this.host()).host;
      json(res, 200, {
        tenant_discovery_endpoint: `${this.host()}/{tenant}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: h, preferred_cache: h, aliases: [h] }],
      });
      return true;
    }
    if (req.method === 'GET' && parts.length === 4 && parts[1] === 'v2.0' && parts[2] === '.well-known') {
      const t = parts[0]!;
      const base = `${this.host()}/${t}`;
      json(res, 200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${this.host()}/oidc/userinfo`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'oid', 'tid'],
        tenant_region_scope: 'WW',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
      });
      return true;
    }
    if (req.method === 'POST' && parts.length === 4 && parts[1] === 'oauth2' && parts[3] === 'token') {
      this.token(parts[0]!, new URLSearchParams(body), res);
      return true;
    }
    return false;
  }

  private token(tenantId: string, form: URLSearchParams, res: ServerResponse): void {
    const clientId = form.get('client_id') ?? '';
    const scope = form.get('scope') ?? '';
    const traceId = randomUUID();
    const fail = (status: number, error: string, code: number, description: string) => {
      this.tokenRequests.push({ tenantId, clientId, scope, ok: false });
      json(res, status, {
        error, error_description: `${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${new Date().toISOString()}`,
        error_codes: [code], timestamp: new Date().toISOString(), trace_id: traceId, correlation_id: randomUUID(),
      });
    };
    if (form.get('grant_type') !== 'client_credentials') {
      return fail(400, 'unsupported_grant_type', 70003, 'AADSTS70003: The app requested an unsupported grant type.');
    }
    const app = this.apps.get(`${tenantId}/${clientId}`);
    if (!app) {
      return fail(400, 'unauthorized_client', 700016,
        `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenantId}'.`);
    }
    if (form.get('client_secret') !== app.clientSecret) {
      return fail(401, 'invalid_client', 7000215,
        `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
    }
    const resourceScope = scope.split(' ').find((s) => s.endsWith('/.default')) ?? scope;
    this.tokenRequests.push({ tenantId, clientId, scope: resourceScope, ok: true });
    const access = this.issue({ tenantId, appId: app.clientId, objectId: app.objectId, displayName: app.displayName, scope: resourceScope });
    json(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: access });
  }
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'x-ms-request-id': randomUUID(),
    ...headers,
  });
  res.end(text);
}
