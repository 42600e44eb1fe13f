/**
 * Provider error messages are stored (kms_calls.error_message) and shown to people, but
 * they are written by SDKs and services that sometimes echo what they were given: an
 * Authorization header, a signed URL, a token endpoint's response. Before storing one we
 * cut it to a bounded length and replace anything shaped like a credential with a
 * marker that names what was removed, so the message still says what went wrong.
 */

export const MAX_STORED_ERROR_CHARS = 500;

interface Rule {
  what: string;
  pattern: RegExp;
  /** Keeps a prefix (the header or parameter name) and masks only the value. */
  keep?: number;
  /** Redact a match only when this holds. */
  test?: (match: string) => boolean;
}

function looksRandom(candidate: string): boolean {
  return candidate.split(/[/-]/).some((run) => run.length >= 20 && /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run));
}

// Order matters: specific shapes first, the generic long-base64 rule last.
const RULES: Rule[] = [
  // PEM blocks (private keys, certificates with keys).
  { what: 'pem', pattern: /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g },
  // Authorization: Bearer/Basic/SharedKey ... and bare "Bearer xyz".
  { what: 'authorization', pattern: /\b(authorization"?\s*[:=]\s*"?)[^\s",;]+(?:\s+[^\s",;]+)?/gi, keep: 1 },
  { what: 'bearer', pattern: /\b(bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, keep: 1 },
  // JSON Web Tokens: three base64url segments, the first starting with {"  (eyJ).
  { what: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g },
  // SAS and signed-URL parameters (sig=, X-Amz-Signature=, ...) and named secrets in
  // query strings or JSON ("client_secret":"..."). A bare "token: expired" is left alone.
  {
    what: 'signed parameter',
    pattern: /\b((?:sig|signature|x-amz-signature|x-amz-security-token|x-amz-credential|x-goog-signature|x-goog-credential|access_token|id_token|refresh_token|client_secret|client_assertion|password|secret|token|code)(?:\s*=\s*|"\s*:\s*"))[^&\s",;]+/gi,
    keep: 1,
  },
  // AWS: access key ids (AKIA/ASIA...), and named secret / session values.
  { what: 'aws access key id', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g },
  { what: 'aws secret', pattern: /\b((?:aws_?)?(?:secret_?access_?key|session_?token|secretaccesskey|sessiontoken)\s*["']?\s*[=:]\s*["']?)[^\s"',;]+/gi, keep: 1 },
  // GCP: OAuth access tokens (ya29.) and service-account private key ids.
  { what: 'gcp token', pattern: /\bya29\.[A-Za-z0-9_\-.]+/g },
  { what: 'private key id', pattern: /\b(private_key(?:_id)?\s*["']?\s*[=:]\s*["']?)[^\s"',;]+/gi, keep: 1 },
  // Azure client secrets have a recognizable shape: 3 chars, a digit, "Q~", then 31+ chars.
  { what: 'azure client secret', pattern: /\b[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,}/g },
  // Anything else long and base64-shaped (key material, tokens, wrapped keys). Resource
  // paths and UUIDs also match the character set, so redact only when a run between
  // "/" and "-" is long and mixes upper case, lower case and digits, as random bytes do.
  { what: 'base64', pattern: /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]{32,}={0,2}(?![A-Za-z0-9+/_=-])/g, test: looksRandom },
];

/** Masks credential-shaped substrings. Idempotent: scrubbing twice changes nothing more. */
export function scrubSecrets(message: string): string {
  let out = message;
  for (const rule of RULES) {
    out = out.replace(rule.pattern, (...m: string[]) => {
      if (rule.test && !rule.test(m[0]!)) return m[0]!;
      const prefix = rule.keep ? m.slice(1, 1 + rule.keep).join('') : '';
      if (m[0]!.slice(prefix.length).startsWith('[redacted')) return m[0]!;
      return `${prefix}[redacted ${rule.what}]`;
    });
  }
  return out;
}

/**
 * What may be stored from a provider's error: scrubbed first (so a cut cannot leave half
 * a secret that no longer matches a rule), then bounded, with an ellipsis when cut.
 */
export function scrubErrorMessage(message: string, max = MAX_STORED_ERROR_CHARS): string {
  const clean = scrubSecrets(message.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' '));
  if (clean.length <= max) return clean;
  return `${clean.slice(0, max - 1)}…`;
}
