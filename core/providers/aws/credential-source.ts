/**
 * Where the AWS provider's base credentials come from, decided without any network call,
 * and whether they are long-lived: an `AKIA…` access key in the environment or in a shared
 * credentials / config file. Those are allowed (keys in the stored config are refused at
 * parse time) but flagged wherever the tenant is shown.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { CredentialSourceInfo } from '../types';
import type { AwsConfig } from './config';

/** Long-lived IAM user keys start with AKIA; STS session keys with ASIA. */
export function isLongLivedAccessKeyId(id: string | undefined | null): boolean {
  return typeof id === 'string' && id.startsWith('AKIA');
}

/** `aws_access_key_id` of one section of an INI file, or undefined (missing file, section or key). */
function iniAccessKey(file: string, section: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let current: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      current = header[1];
      continue;
    }
    if (current !== section) continue;
    const kv = /^aws_access_key_id\s*=\s*(\S+)/.exec(line);
    if (kv) return kv[1];
  }
  return undefined;
}

function profileSource(profile: string, env: Record<string, string | undefined>): CredentialSourceInfo {
  const home = env.HOME || homedir();
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials');
  const configFile = env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config');
  const inCredentials = iniAccessKey(credentialsFile, profile);
  if (inCredentials) {
    return { source: `shared credentials file ${credentialsFile} (profile ${profile})`, longLived: isLongLivedAccessKeyId(inCredentials) };
  }
  const inConfig = iniAccessKey(configFile, profile === 'default' ? 'default' : `profile ${profile}`);
  if (inConfig) return { source: `shared config file ${configFile} (profile ${profile})`, longLived: isLongLivedAccessKeyId(inConfig) };
  return { source: `shared config (profile ${profile})`, longLived: false };
}

/** The base credentials' source, as `resolveCredentials` picks it. */
export function baseCredentialSource(config: AwsConfig, env: Record<string, string | undefined>): CredentialSourceInfo {
  if (config.profile) return profileSource(config.profile, env);
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return { source: 'environment (AWS_ACCESS_KEY_ID)', longLived: isLongLivedAccessKeyId(env.AWS_ACCESS_KEY_ID) };
  }
  if (env.AWS_PROFILE) return profileSource(env.AWS_PROFILE, env);
  return { source: 'default credential chain', longLived: false };
}

/** The whole source: with `role_arn`, the base credentials only assume the role, but a long-lived base is still in use. */
export function awsCredentialSource(config: AwsConfig, env: Record<string, string | undefined>): CredentialSourceInfo {
  const base = baseCredentialSource(config, env);
  if (!config.role_arn) return base;
  return { source: `${base.source}, assuming role ${config.role_arn}`, longLived: base.longLived };
}
