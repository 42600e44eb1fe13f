/**
 * An AWS key policy document, read defensively: what each Allow statement lets which
 * principal do, with the statement's Sid. Anything the review cannot evaluate exactly
 * (not JSON, a statement that is not an object, NotPrincipal / NotAction, an unknown
 * principal type) becomes a gap naming where it is; the other statements still count.
 * Deny statements are kept as facts, not subtracted: a review that under-reports access
 * would be worse than one that shows a principal a Deny later stops.
 */
import type { Capability, ReviewGap } from './types';

export interface AwsStatement {
  /** The Sid, or `Statement[i]` when it has none. */
  ref: string;
  index: number;
  effect: 'Allow' | 'Deny';
  /** `*` for everyone; ARNs / account ids for AWS; `service:<name>` for service principals. */
  principals: string[];
  actions: string[];
  condition: Record<string, unknown> | null;
  raw: unknown;
}

export interface ParsedPolicy {
  statements: AwsStatement[];
  gaps: ReviewGap[];
}

/** The actions behind each capability (any matching pattern gives it). */
export const CAPABILITY_ACTIONS: Record<Capability, string[]> = {
  use: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:Sign', 'kms:GenerateMac', 'kms:DeriveSharedSecret'],
  manage_policy: ['kms:PutKeyPolicy', 'kms:CreateGrant'],
  schedule_deletion: ['kms:ScheduleKeyDeletion'],
};

function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

const patternCache = new Map<string, RegExp>();
/** IAM action matching: case-insensitive, `*` and `?` wildcards. */
export function actionMatches(pattern: string, action: string): boolean {
  let re = patternCache.get(pattern);
  if (!re) {
    re = wildcardToRegExp(pattern);
    if (patternCache.size < 10_000) patternCache.set(pattern, re);
  }
  return re.test(action);
}

export function capabilitiesOf(actions: readonly string[]): Capability[] {
  return (Object.keys(CAPABILITY_ACTIONS) as Capability[]).filter((cap) => CAPABILITY_ACTIONS[cap].some((a) => actions.some((p) => actionMatches(p, a))));
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

function principalsOf(p: unknown, where: string, gaps: ReviewGap[]): string[] | undefined {
  if (p === '*') return ['*'];
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    gaps.push({ where, kind: 'unknown_shape', message: `${where}.Principal is neither "*" nor an object of principal types; statement not evaluated` });
    return undefined;
  }
  const out: string[] = [];
  for (const [type, value] of Object.entries(p as Record<string, unknown>)) {
    const values = asList(value);
    if (values.some((v) => typeof v !== 'string')) {
      gaps.push({ where, kind: 'unknown_shape', message: `${where}.Principal.${type} holds a value that is not a string; statement not evaluated` });
      return undefined;
    }
    for (const v of values as string[]) {
      if (type === 'AWS') out.push(v === '*' ? '*' : v);
      else if (type === 'Service') out.push(`service:${v}`);
      else if (type === 'Federated') out.push(`federated:${v}`);
      else if (type === 'CanonicalUser') out.push(`canonical:${v}`);
      else {
        gaps.push({ where, kind: 'unknown_shape', message: `${where}.Principal has an unknown principal type '${type.slice(0, 40)}'; statement not evaluated` });
        return undefined;
      }
    }
  }
  return out;
}

export function parseKeyPolicy(text: string): ParsedPolicy {
  const gaps: ReviewGap[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { statements: [], gaps: [{ where: 'GetKeyPolicy', kind: 'not_json', message: `the key policy is not JSON (${(e as Error).message.slice(0, 120)}); no policy statement was evaluated` }] };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { statements: [], gaps: [{ where: 'GetKeyPolicy', kind: 'unknown_shape', message: 'the key policy is not a JSON object; no policy statement was evaluated' }] };
  }
  const rawStatements = (doc as Record<string, unknown>).Statement;
  if (rawStatements === undefined) return { statements: [], gaps: [{ where: 'policy', kind: 'unknown_shape', message: 'the key policy has no Statement' }] };
  const statements: AwsStatement[] = [];
  asList(rawStatements).forEach((raw, index) => {
    const where = `policy.Statement[${index}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      gaps.push({ where, kind: 'unknown_shape', message: `${where} is not an object; statement not evaluated` });
      return;
    }
    const s = raw as Record<string, unknown>;
    const ref = typeof s.Sid === 'string' && s.Sid.length > 0 ? s.Sid : `Statement[${index}]`;
    const named = `${where} (${ref})`;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') {
      gaps.push({ where: named, kind: 'unknown_shape', message: `${named}.Effect must be "Allow" or "Deny"; statement not evaluated` });
      return;
    }
    if (s.NotPrincipal !== undefined || s.NotAction !== undefined) {
      gaps.push({ where: named, kind: 'unsupported_element', message: `${named} uses ${s.NotPrincipal !== undefined ? 'NotPrincipal' : 'NotAction'}, which the review does not evaluate; check it by hand` });
      return;
    }
    const principals = principalsOf(s.Principal, named, gaps);
    if (!principals) return;
    const actions = asList(s.Action);
    if (s.Action === undefined || actions.some((a) => typeof a !== 'string')) {
      gaps.push({ where: named, kind: 'unknown_shape', message: `${named}.Action must be a string or a list of strings; statement not evaluated` });
      return;
    }
    const cond = s.Condition;
    const condition = typeof cond === 'object' && cond !== null && !Array.isArray(cond) && Object.keys(cond).length > 0 ? (cond as Record<string, unknown>) : null;
    statements.push({ ref, index, effect: s.Effect, principals, actions: actions as string[], condition, raw });
  });
  return { statements, gaps };
}

/** Condition keys that narrow *who* can act (a condition on the encryption context does not). */
const NARROWING_KEYS = new Set([
  'kms:calleraccount',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceorgid',
  'aws:sourcevpce',
  'aws:sourcevpc',
  'aws:sourceip',
  'aws:userid',
  'aws:username',
  'kms:viaservice',
]);

/** True when a condition limits the callers to a known set (account, org, ARN, network, service). */
export function narrowsPrincipals(condition: Record<string, unknown> | null): boolean {
  if (!condition) return false;
  for (const [operator, block] of Object.entries(condition)) {
    if (/IfExists$/i.test(operator)) continue; // absent key passes: does not narrow
    if (typeof block !== 'object' || block === null) continue;
    for (const key of Object.keys(block as Record<string, unknown>)) if (NARROWING_KEYS.has(key.toLowerCase())) return true;
  }
  return false;
}
