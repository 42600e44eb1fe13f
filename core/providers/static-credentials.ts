/**
 * Refuses static long-lived credentials anywhere in a KMS config, before any provider
 * sees it. Provider schemas refuse their own fields too; this catches values pasted into
 * the wrong field. The reason never repeats the value.
 */
import { invalidInput } from '../errors';

const CREDENTIAL_FIELD = /^(aws_)?(access_key(_id)?|secret(_access)?_key|session_token)$|^(client_secret|clientsecret|private_key(_id)?|password|credentials|key_file|keyfilename|certificate)$/i;
const AWS_ACCESS_KEY_ID = /\b(AKIA|ASIA)[A-Z0-9]{16}\b/;
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

const ADVICE = {
  aws: 'use role_arn + external_id (STS AssumeRole) or the default credential chain',
  gcp: 'use service-account impersonation or application default credentials',
  azure: 'set client_secret_env_var to the NAME of an environment variable, or use DefaultAzureCredential',
} as const;

function adviceFor(provider: string): string {
  return ADVICE[provider as keyof typeof ADVICE] ?? 'use short-lived credentials from the provider';
}

export function refuseStaticCredentials(provider: string, config: unknown, prefix = 'config'): void {
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      if (AWS_ACCESS_KEY_ID.test(value)) throw invalidInput(path, `looks like an AWS access key id: static long-lived credentials are refused; ${adviceFor(provider)}`);
      if (PEM_PRIVATE_KEY.test(value)) throw invalidInput(path, `contains a private key: static long-lived credentials are refused; ${adviceFor(provider)}`);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}.${i}`));
      return;
    }
    if (value && typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      if (obj.type === 'service_account') throw invalidInput(path, `is a service-account JSON key: static long-lived credentials are refused; ${adviceFor(provider)}`);
      for (const [k, v] of Object.entries(obj)) {
        const p = `${path}.${k}`;
        if (CREDENTIAL_FIELD.test(k)) throw invalidInput(p, `static long-lived credentials are refused; ${adviceFor(provider)}`);
        walk(v, p);
      }
    }
  };
  walk(config, prefix);
}
