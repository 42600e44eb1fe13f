/**
 * The AWS KMS config, as the seeds' onboarding shape carries it:
 * `{ provider: 'aws', kms_key_ref: <key or alias ARN>, config: { region, role_arn?, external_id?,
 * profile?, endpoint?, sts_endpoint? } }`. Strict: unknown fields and static long-lived
 * credentials are refused, each refusal naming the field and the reason. The parsed
 * config holds no credential value: it is what gets stored.
 */
import { z } from 'zod';
import { invalidInput } from '../../errors';
import { parseStrict } from '../parse-config';
import { refuseStaticCredentials } from '../static-credentials';
import type { KmsConfigInput } from '../types';

export interface AwsConfig {
  region: string;
  role_arn?: string;
  external_id?: string;
  profile?: string;
  endpoint?: string;
  sts_endpoint?: string;
}

export interface ParsedKeyArn {
  partition: string;
  region: string;
  accountId: string;
  /** `key` for a key ARN, `alias` for an alias ARN. */
  kind: 'key' | 'alias';
  /** The key id (UUID or `mrk-…`) or the alias name (without `alias/`). */
  id: string;
  arn: string;
}

export interface ParsedRoleArn {
  partition: string;
  accountId: string;
  /** Last path segment: the role name AWS puts in assumed-role ARNs. */
  roleName: string;
  arn: string;
}

const ALLOWED_FIELDS = ['region', 'role_arn', 'external_id', 'profile', 'endpoint', 'sts_endpoint'] as const;
const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc']);
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ACCOUNT = /^\d{12}$/;
const KEY_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const ALIAS_NAME = /^[A-Za-z0-9/_-]{1,250}$/;
const ROLE_PATH_AND_NAME = /^role\/(?:[\x21-\x7e]{1,510}\/)?([\w+=,.@-]{1,64})$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const PROFILE = /^[\w+=,.@-]{1,128}$/;

const KEY_ARN_SHAPE = 'expected arn:aws:kms:<region>:<account>:key/<key-id> or arn:aws:kms:<region>:<account>:alias/<name>';

/** Parses a KMS key or alias ARN; throws `invalid_input` naming `field`. */
export function parseKeyArn(value: unknown, field = 'kms_key_ref'): ParsedKeyArn {
  if (typeof value !== 'string' || value.length === 0) throw invalidInput(field, `must be a KMS key ARN: ${KEY_ARN_SHAPE}`);
  const parts = value.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn') {
    throw invalidInput(field, `not a KMS key ARN (a bare key id or alias name is ambiguous across accounts and regions): ${KEY_ARN_SHAPE}`);
  }
  const [, partition = '', service = '', region = '', accountId = '', resource = ''] = parts;
  if (!PARTITIONS.has(partition)) throw invalidInput(field, `unknown AWS partition '${partition}'`);
  if (service !== 'kms') throw invalidInput(field, `not a KMS key ARN (service '${service}'): ${KEY_ARN_SHAPE}`);
  if (!REGION.test(region)) throw invalidInput(field, `'${region}' is not an AWS region name (e.g. us-east-1)`);
  if (!ACCOUNT.test(accountId)) throw invalidInput(field, `account id '${accountId}' must be 12 digits`);
  const slash = resource.indexOf('/');
  const type = slash < 0 ? resource : resource.slice(0, slash);
  const id = slash < 0 ? '' : resource.slice(slash + 1);
  if (type === 'key') {
    if (!KEY_ID.test(id)) throw invalidInput(field, `key id '${id}' must be a key UUID or a multi-Region key id (mrk-…)`);
    return { partition, region, accountId, kind: 'key', id, arn: value };
  }
  if (type === 'alias') {
    if (!ALIAS_NAME.test(id)) throw invalidInput(field, `alias name '${id}' may hold only letters, digits, '/', '_' and '-'`);
    if (id.startsWith('aws/')) {
      throw invalidInput(field, `'alias/${id}' is an AWS managed key: its policy cannot grant access to another account and it cannot be disabled by you; use a customer managed key`);
    }
    return { partition, region, accountId, kind: 'alias', id, arn: value };
  }
  throw invalidInput(field, `not a KMS key ARN (resource type '${type}'): ${KEY_ARN_SHAPE}`);
}

/** Parses an IAM role ARN; throws `invalid_input` naming `field`. */
export function parseRoleArn(value: string, field = 'config.role_arn'): ParsedRoleArn {
  const parts = value.split(':');
  const shape = 'expected arn:aws:iam::<account>:role/<name> (optionally role/<path>/<name>)';
  if (parts.length !== 6 || parts[0] !== 'arn') throw invalidInput(field, `not an IAM role ARN: ${shape}`);
  const [, partition = '', service = '', region = '', accountId = '', resource = ''] = parts;
  if (!PARTITIONS.has(partition)) throw invalidInput(field, `unknown AWS partition '${partition}'`);
  if (service !== 'iam' || region !== '') throw invalidInput(field, `not an IAM role ARN (service '${service}'${region ? `, region '${region}'` : ''}): ${shape}`);
  if (!ACCOUNT.test(accountId)) throw invalidInput(field, `account id '${accountId}' must be 12 digits`);
  const m = ROLE_PATH_AND_NAME.exec(resource);
  if (!m) throw invalidInput(field, `'${resource}' is not a role: ${shape}`);
  return { partition, accountId, roleName: m[1]!, arn: value };
}

function urlField() {
  return z
    .string({ error: 'must be a string URL' })
    .superRefine((value, ctx) => {
      const problem = endpointProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional();
}

/** Why an endpoint URL is refused, or undefined when it is fine. */
export function endpointProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `'${value}' is not a URL (expected https://host[:port])`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `scheme '${url.protocol}' is not allowed: use https://`;
  if (url.username || url.password) return 'must not carry credentials in the URL';
  if (url.search || url.hash) return 'must not have a query string or fragment';
  // Which hosts (and whether plain http) is the engine's endpoint policy: allowed-endpoints.ts.
  return undefined;
}

const schema = z.strictObject({
  region: z
    .string({ error: 'is required: the AWS region of the key (e.g. us-east-1)' })
    .regex(REGION, 'must be an AWS region name such as us-east-1'),
  role_arn: z.string({ error: 'must be a string (an IAM role ARN)' }).optional(),
  external_id: z
    .string({ error: 'must be a string' })
    .regex(EXTERNAL_ID, "must be 2-1224 characters of letters, digits and + = , . @ : / - _")
    .optional(),
  profile: z.string({ error: 'must be a string' }).regex(PROFILE, 'must be a profile name from the shared AWS config').optional(),
  endpoint: urlField(),
  sts_endpoint: urlField(),
});

/** Validates the onboarding input; the result is safe to store. */
export function parseAwsConfig(input: KmsConfigInput): { kms_key_ref: string; config: AwsConfig } {
  if (input.provider !== 'aws') throw invalidInput('provider', `expected 'aws', got '${String(input.provider)}'`);
  const raw: unknown = input.config ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidInput('config', 'must be an object');
  // Credentials first: a pasted access key must be refused as such, not as an unknown field.
  refuseStaticCredentials('aws', raw);
  for (const key of Object.keys(raw)) {
    if (!(ALLOWED_FIELDS as readonly string[]).includes(key)) {
      throw invalidInput(`config.${key}`, `unknown field; allowed: ${ALLOWED_FIELDS.join(', ')}`);
    }
  }
  const key = parseKeyArn(input.kms_key_ref);
  const config = parseStrict(schema, raw, 'config');
  if (config.region !== key.region) {
    throw invalidInput('config.region', `region '${config.region}' does not match the key ARN's region '${key.region}'`);
  }
  if (config.role_arn !== undefined) {
    const role = parseRoleArn(config.role_arn);
    if (role.partition !== key.partition) {
      throw invalidInput('config.role_arn', `partition '${role.partition}' does not match the key ARN's partition '${key.partition}'`);
    }
    if (config.external_id === undefined) {
      throw invalidInput('config.external_id', 'is required with role_arn: the role trust policy must check sts:ExternalId (confused-deputy protection)');
    }
  } else if (config.external_id !== undefined) {
    throw invalidInput('config.external_id', 'is only used with role_arn: set role_arn or remove external_id');
  }
  const out: AwsConfig = { region: config.region };
  for (const f of ALLOWED_FIELDS) {
    const v = config[f];
    if (f !== 'region' && v !== undefined) out[f] = v;
  }
  return { kms_key_ref: key.arn, config: out };
}
