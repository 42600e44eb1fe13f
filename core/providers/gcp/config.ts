/**
 * Parsing and validation of a GCP Cloud KMS config: `{ provider: 'gcp', kms_key_ref, config }`.
 *
 * `kms_key_ref` is a CryptoKey path; encrypt always uses the key's primary version, so a
 * CryptoKeyVersion path is refused. `config` is strict. Static long-lived credentials
 * (service-account JSON keys, private keys, client secrets, key files) are refused before
 * anything else so the user learns why, not merely that a key is unknown.
 */
import { z } from 'zod';
import { invalidInput } from '../../errors';
import type { KmsConfigInput } from '../types';

export interface GcpConfig {
  /** Service account to impersonate (`<name>@<project>.iam.gserviceaccount.com`). */
  impersonate_service_account?: string;
  /** Cloud KMS endpoint URL (a regional / private endpoint, or a local fake in tests). */
  endpoint?: string;
  /** Project billed for quota (`x-goog-user-project`). */
  quota_project?: string;
}

export interface CryptoKeyName {
  project: string;
  location: string;
  keyRing: string;
  cryptoKey: string;
  /** The canonical path `projects/…/locations/…/keyRings/…/cryptoKeys/…`. */
  path: string;
}

export const STATIC_CREDENTIALS_REASON =
  'static long-lived credentials (service-account JSON keys) are refused; use service-account impersonation or application default credentials';

// Project ids: 6-30 chars, lowercase letter first, no trailing hyphen; legacy domain-scoped
// ids (`example.com:my-project`) and project numbers are accepted too.
const PROJECT_RE = /^(?:(?:[a-z][a-z0-9.-]{0,61}[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]|[0-9]{1,20})$/;
const LOCATION_RE = /^[a-z][a-z0-9-]{0,62}$/;
const RESOURCE_ID_RE = /^[A-Za-z0-9_-]{1,63}$/;
const SA_EMAIL_RE = /^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/;

const SEGMENTS = [
  { word: 'projects', re: PROJECT_RE, rule: 'a project id (6-30 lowercase letters, digits or hyphens, starting with a letter) or a project number' },
  { word: 'locations', re: LOCATION_RE, rule: "a location such as 'global', 'us' or 'europe-west1' (lowercase letters, digits, hyphens)" },
  { word: 'keyRings', re: RESOURCE_ID_RE, rule: "a key ring id (1-63 letters, digits, '_' or '-')" },
  { word: 'cryptoKeys', re: RESOURCE_ID_RE, rule: "a crypto key id (1-63 letters, digits, '_' or '-')" },
] as const;

const EXPECTED_SHAPE = 'projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>';

/** Parses and checks a CryptoKey path, naming the segment that is wrong. */
export function parseCryptoKeyName(ref: unknown, field = 'kms_key_ref'): CryptoKeyName {
  if (typeof ref !== 'string' || ref.trim() === '') throw invalidInput(field, `required: a CryptoKey path ${EXPECTED_SHAPE}`);
  if (ref !== ref.trim()) throw invalidInput(field, 'must not have leading or trailing whitespace');
  if (ref.length > 512) throw invalidInput(field, 'too long for a CryptoKey path');
  if (ref.startsWith('//') || /^https?:/i.test(ref)) {
    throw invalidInput(field, `give the relative resource path ${EXPECTED_SHAPE}, not a URL or full resource name`);
  }
  const parts = ref.split('/');
  if (parts[8] === 'cryptoKeyVersions') {
    throw invalidInput(
      field,
      'a CryptoKeyVersion path is not accepted: encrypt always uses the CryptoKey\'s primary version, so give the CryptoKey path (drop "/cryptoKeyVersions/…")',
    );
  }
  if (parts.length !== 8) throw invalidInput(field, `expected ${EXPECTED_SHAPE} (8 segments), got ${parts.length}`);
  const values: string[] = [];
  SEGMENTS.forEach((seg, i) => {
    const word = parts[2 * i];
    const value = parts[2 * i + 1] ?? '';
    if (word !== seg.word) throw invalidInput(field, `segment ${2 * i + 1} must be '${seg.word}', got '${word}'`);
    if (!seg.re.test(value)) throw invalidInput(field, `'${seg.word}' segment '${value}' is not ${seg.rule}`);
    values.push(value);
  });
  const [project, location, keyRing, cryptoKey] = values as [string, string, string, string];
  return { project, location, keyRing, cryptoKey, path: ref };
}

const FORBIDDEN_KEYS = new Set(
  ['credentials', 'private_key', 'private_key_id', 'client_secret', 'keyfilename', 'key_file', 'keyfile', 'key_filename', 'refresh_token', 'service_account_json', 'google_application_credentials'].map((k) => k.toLowerCase()),
);
const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;
const SA_JSON_TYPE = /"type"\s*:\s*"service_account"/;

/** Throws `invalid_input` naming the first field that holds a static long-lived credential. */
export function refuseStaticCredentials(value: unknown, path: string, depth = 0): void {
  if (depth > 8) return;
  if (typeof value === 'string') {
    if (PEM_PRIVATE_KEY.test(value) || SA_JSON_TYPE.test(value)) throw invalidInput(path, STATIC_CREDENTIALS_REASON);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => refuseStaticCredentials(v, `${path}[${i}]`, depth + 1));
    return;
  }
  const obj = value as Record<string, unknown>;
  if (obj.type === 'service_account') throw invalidInput(path, STATIC_CREDENTIALS_REASON);
  for (const [k, v] of Object.entries(obj)) {
    if (FORBIDDEN_KEYS.has(k.toLowerCase())) throw invalidInput(`${path}.${k}`, STATIC_CREDENTIALS_REASON);
    refuseStaticCredentials(v, `${path}.${k}`, depth + 1);
  }
}

function validateEndpoint(raw: string, ctx: z.RefinementCtx): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute URL such as https://cloudkms.googleapis.com' });
    return;
  }
  if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not carry user info (credentials) in the URL' });
  if (url.search || url.hash) ctx.addIssue({ code: 'custom', message: 'must not have a query or fragment' });
  if (url.pathname !== '/' && url.pathname !== '') ctx.addIssue({ code: 'custom', message: 'must not have a path (give scheme, host and optional port)' });
  // Which hosts (and whether plain http) is the engine's endpoint policy: allowed-endpoints.ts.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'scheme must be https' });
}

const configSchema = z.strictObject({
  impersonate_service_account: z
    .string()
    .regex(SA_EMAIL_RE, 'must be a service account email <name>@<project>.iam.gserviceaccount.com')
    .optional(),
  endpoint: z.string().max(2048).superRefine(validateEndpoint).optional(),
  quota_project: z.string().regex(PROJECT_RE, 'must be a project id (6-30 lowercase letters, digits or hyphens)').optional(),
});

/** Validates the onboarding input for provider `gcp`; the result holds no credential. */
export function parseGcpConfig(input: KmsConfigInput): { kms_key_ref: string; config: GcpConfig } {
  if (input === null || typeof input !== 'object') throw invalidInput('config', 'required');
  if (input.provider !== 'gcp') throw invalidInput('provider', `must be 'gcp' for this factory`);
  refuseStaticCredentials(input.config, 'config');
  refuseStaticCredentials(input.kms_key_ref, 'kms_key_ref');
  const key = parseCryptoKeyName(input.kms_key_ref);
  const raw = input.config ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidInput('config', 'must be an object');
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const keyName = issue.keys[0] ?? '';
      throw invalidInput(`config.${keyName}`, 'unknown key (allowed: impersonate_service_account, endpoint, quota_project)');
    }
    const field = ['config', ...issue.path.map(String)].join('.');
    const reason = issue.code === 'invalid_type' ? 'must be a string' : issue.message;
    throw invalidInput(field, reason);
  }
  const config: GcpConfig = {};
  if (parsed.data.impersonate_service_account !== undefined) config.impersonate_service_account = parsed.data.impersonate_service_account;
  if (parsed.data.endpoint !== undefined) config.endpoint = new URL(parsed.data.endpoint).origin;
  if (parsed.data.quota_project !== undefined) config.quota_project = parsed.data.quota_project;
  return { kms_key_ref: key.path, config };
}
