/**
 * Where the GCP provider's OAuth access tokens come from.
 *
 * Production: application default credentials (`GoogleAuth`), optionally as the *source*
 * of a service-account impersonation (`Impersonated`, which calls the IAM Credentials API
 * `generateAccessToken`). No credential value is ever read from the stored config.
 *
 * The seam: a `GcpSourceCredentials` function yields the base identity. The default one is
 * ADC; `createGcpProviderFactory({ sourceCredentials })` swaps it (tests pass
 * `accessTokenCredentials('token')`, a plain OAuth2Client holding a fake bearer token, so
 * nothing fetches a token and nothing probes a metadata server). Impersonation still runs
 * through the real `Impersonated` client, pointed at `iamCredentialsEndpoint`.
 */
import { GoogleAuth, Impersonated, OAuth2Client, type AuthClient } from 'google-auth-library';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** Lets the token info endpoint name the token's account (the engine's principal). */
export const USERINFO_EMAIL_SCOPE = 'https://www.googleapis.com/auth/userinfo.email';
export const DEFAULT_IAM_CREDENTIALS_ENDPOINT = 'https://iamcredentials.googleapis.com';

export interface GcpSourceRequest {
  /** Bound on one HTTP request made by the auth client (token fetches, KMS calls). */
  timeoutMs: number;
  /** Quota project for `x-goog-user-project`, when configured. */
  quotaProject?: string;
}

export interface GcpIdentity {
  client: AuthClient;
  /** Who the calls run as, when known (an SA email). */
  principal?: string;
  /** How `principal` was learnt (e.g. "impersonated service account", "ADC client_email"). */
  principalNote?: string;
}

/** Yields the base identity; called once per provider, lazily on its first call. */
export type GcpSourceCredentials = (req: GcpSourceRequest) => Promise<GcpIdentity> | GcpIdentity;

/** Application default credentials: env `GOOGLE_APPLICATION_CREDENTIALS`, gcloud ADC, or the metadata server. */
export const applicationDefaultCredentials: GcpSourceCredentials = async (req) => {
  const auth = new GoogleAuth({
    scopes: [CLOUD_PLATFORM_SCOPE, USERINFO_EMAIL_SCOPE],
    clientOptions: {
      transporterOptions: { timeout: req.timeoutMs },
      ...(req.quotaProject ? { quotaProjectId: req.quotaProject } : {}),
    },
  });
  const client = (await auth.getClient()) as AuthClient;
  let principal: string | undefined;
  try {
    const creds = await auth.getCredentials();
    principal = creds.client_email ?? undefined;
  } catch {
    principal = undefined; // user credentials carry no email here; not an error
  }
  return principal ? { client, principal, principalNote: 'ADC client_email' } : { client };
};

/**
 * A fixed, already-issued OAuth access token (for tests against a local fake, or a
 * short-lived token the host obtained by other means). Never refreshes; never fetches.
 */
export function accessTokenCredentials(token: string, principal?: string): GcpSourceCredentials {
  return (req) => {
    const client = new OAuth2Client({
      transporterOptions: { timeout: req.timeoutMs },
      ...(req.quotaProject ? { quotaProjectId: req.quotaProject } : {}),
    });
    client.setCredentials({ access_token: token, expiry_date: Date.now() + 365 * 24 * 3600_000 });
    return principal ? { client, principal, principalNote: 'given with the token' } : { client };
  };
}

export interface GcpAuthOptions {
  sourceCredentials: GcpSourceCredentials;
  iamCredentialsEndpoint: string;
  /** OAuth2 token info endpoint, asked for the token's email when the credential names none (default: Google's). */
  tokenInfoEndpoint?: string;
}

/** The identity KMS calls run as: the source itself, or the impersonated service account. */
export async function resolveIdentity(
  opts: GcpAuthOptions,
  req: GcpSourceRequest,
  impersonate: string | undefined,
): Promise<GcpIdentity> {
  const source = await opts.sourceCredentials(req);
  if (!impersonate) return source;
  const client = new Impersonated({
    sourceClient: source.client,
    targetPrincipal: impersonate,
    targetScopes: [CLOUD_PLATFORM_SCOPE],
    // Short-lived: revoking roles/iam.serviceAccountTokenCreator takes effect within ~10 minutes.
    lifetime: 600,
    eagerRefreshThresholdMillis: 60_000,
    endpoint: opts.iamCredentialsEndpoint,
    transporterOptions: { timeout: req.timeoutMs },
    ...(req.quotaProject ? { quotaProjectId: req.quotaProject } : {}),
  });
  return { client, principal: impersonate, principalNote: 'impersonated service account' };
}
