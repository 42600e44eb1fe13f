/**
 * The engine's principal for GCP calls, as Cloud Audit Logs names it in
 * `authenticationInfo.principalEmail`: the impersonated service account, the ADC
 * credential's `client_email`, or else the access token's email from the OAuth2 token info
 * endpoint (once per session: the identity behind a session does not change). The token
 * goes in the Authorization header to that endpoint only (Google's own, or the loopback
 * fake in tests); nothing of it is kept.
 */
import type { AuthClient } from 'google-auth-library';
import type { CallerIdentity, CredentialSourceInfo } from '../types';
import { readFileSync } from 'node:fs';

export const DEFAULT_TOKEN_INFO_ENDPOINT = 'https://oauth2.googleapis.com/tokeninfo';

const EMAIL = /^[^\s@]{1,128}@[A-Za-z0-9.-]{1,253}$/;

function failure(e: unknown): string {
  const err = e as { name?: string; code?: string; cause?: { code?: string } } | null;
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return 'token info failed: unreachable (timeout)';
  const code = err?.cause?.code ?? err?.code;
  return `token info failed: unreachable${typeof code === 'string' ? ` (${code})` : ''}`;
}

/** Asks the token info endpoint whose token this is. Never throws. */
export async function principalFromTokenInfo(client: AuthClient, endpoint: string, timeoutMs: number): Promise<Omit<CallerIdentity, 'accessKeyId'>> {
  let token: string | null | undefined;
  try {
    token = (await client.getAccessToken()).token;
  } catch {
    return { principal: null, principalNote: 'token info not asked: no access token could be obtained' };
  }
  if (!token) return { principal: null, principalNote: 'token info not asked: no access token could be obtained' };
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (e) {
    return { principal: null, principalNote: failure(e) };
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    return { principal: null, principalNote: `token info failed: HTTP ${res.status}` };
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { principal: null, principalNote: 'token info failed: the answer is not JSON' };
  }
  const email = (body as { email?: unknown } | null)?.email;
  if (typeof email !== 'string' || !EMAIL.test(email)) {
    return { principal: null, principalNote: 'token info names no email (the token lacks the userinfo.email scope)' };
  }
  return { principal: email, principalNote: 'token info' };
}

/**
 * Where ADC finds its credentials, without any network call. A service-account key file
 * behind `GOOGLE_APPLICATION_CREDENTIALS` is long-lived: allowed, but flagged.
 */
export function gcpCredentialSource(env: Record<string, string | undefined>, impersonate: string | undefined): CredentialSourceInfo {
  const file = env.GOOGLE_APPLICATION_CREDENTIALS;
  let base: CredentialSourceInfo = { source: 'application default credentials (gcloud or metadata server)', longLived: false };
  if (file) {
    let type: unknown;
    try {
      type = (JSON.parse(readFileSync(file, 'utf8')) as { type?: unknown }).type;
    } catch {
      type = undefined;
    }
    base = type === 'service_account'
      ? { source: `service-account key file ${file} (GOOGLE_APPLICATION_CREDENTIALS)`, longLived: true }
      : { source: `credentials file ${file} (GOOGLE_APPLICATION_CREDENTIALS${typeof type === 'string' ? `, type ${type}` : ''})`, longLived: false };
  }
  return impersonate ? { source: `${base.source}, impersonating ${impersonate}`, longLived: base.longLived } : base;
}
