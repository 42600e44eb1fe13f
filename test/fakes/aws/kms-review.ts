/**
 * The fake KMS's read-only review operations (the key access review, issue 17), shaped as
 * the AWS KMS API reference shows them: GetKeyPolicy `{Policy, PolicyName}`, ListGrants
 * `{Grants, NextMarker, Truncated}` (Limit 1-100, default 50), GetKeyRotationStatus
 * `{KeyRotationEnabled, KeyId, RotationPeriodInDays, NextRotationDate}`, ListResourceTags
 * `{Tags:[{TagKey, TagValue}], Truncated}`. A new key gets the default key policy (the
 * developer guide's "Default key policy": the account root holds kms:*), no grants,
 * rotation off and no tags.
 */
import { randomBytes } from 'node:crypto';
import type { FakeKey } from './kms-keys';

export interface FakeGrant {
  GrantId: string;
  Name?: string;
  GranteePrincipal: string;
  RetiringPrincipal?: string;
  IssuingAccount: string;
  Operations: string[];
  Constraints?: { EncryptionContextSubset?: Record<string, string>; EncryptionContextEquals?: Record<string, string> };
  CreationDate: number;
}

export interface KeyReviewData {
  /** The policy document exactly as stored (may be anything: the review must cope). */
  policy: string;
  grants: FakeGrant[];
  rotationEnabled: boolean;
  rotationPeriodDays: number;
  tags: { TagKey: string; TagValue: string }[];
  /** Review operations answered AccessDeniedException for this key (e.g. 'GetKeyPolicy'). */
  denied: Set<string>;
}

export const REVIEW_OPERATIONS = ['GetKeyPolicy', 'ListGrants', 'GetKeyRotationStatus', 'ListResourceTags'] as const;

/** The developer guide's default key policy for a key created through the API. */
export function defaultKeyPolicy(accountId: string, partition = 'aws'): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Id: 'key-default-1',
      Statement: [
        {
          Sid: 'Enable IAM User Permissions',
          Effect: 'Allow',
          Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    },
    null,
    2,
  );
}

/** The developer guide's example of a key policy that lets another account use the key. */
export function crossAccountKeyPolicy(accountId: string, otherAccountId: string, keywardenRoleArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'key-consolepolicy-3',
    Statement: [
      { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' },
      {
        Sid: 'Allow access for Key Administrators',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:role/KMSAdmins` },
        Action: ['kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion'],
        Resource: '*',
      },
      {
        Sid: 'Allow use of the key',
        Effect: 'Allow',
        Principal: { AWS: [keywardenRoleArn, `arn:aws:iam::${otherAccountId}:root`] },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        Resource: '*',
      },
      {
        Sid: 'Allow attachment of persistent resources',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${otherAccountId}:root` },
        Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
        Resource: '*',
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      },
    ],
  });
}

export function newReviewData(accountId: string, partition = 'aws'): KeyReviewData {
  return { policy: defaultKeyPolicy(accountId, partition), grants: [], rotationEnabled: false, rotationPeriodDays: 365, tags: [], denied: new Set() };
}

/** A grant id as KMS shows them: 64 hex characters. */
export function newGrantId(): string {
  return randomBytes(32).toString('hex');
}

type Body = Record<string, unknown>;
type OpResult = { ok: true; body: Body } | { ok: false; status: number; code: string; message?: string };

const fail = (code: string, message: string): OpResult => ({ ok: false, status: 400, code, message });

function limitOf(body: Body): number | OpResult {
  const l = body.Limit ?? 50;
  if (typeof l !== 'number' || !Number.isInteger(l) || l < 1 || l > 100) {
    return fail('ValidationException', "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value between 1 and 100");
  }
  return l;
}

function page<T>(items: T[], body: Body, limit: number): { items: T[]; next?: string } | OpResult {
  const marker = body.Marker;
  let start = 0;
  if (marker !== undefined) {
    const n = typeof marker === 'string' && /^m\d+$/.test(marker) ? Number(marker.slice(1)) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > items.length) return fail('InvalidMarkerException', 'The request was rejected because the marker that specifies where pagination should next begin is not valid.');
    start = n;
  }
  const end = Math.min(items.length, start + limit);
  return { items: items.slice(start, end), ...(end < items.length ? { next: `m${end}` } : {}) };
}

const isFail = (v: unknown): v is OpResult => typeof v === 'object' && v !== null && 'ok' in v;

/** The review operations for one key, given its review data. */
export function reviewOperations(dataOf: (key: FakeKey) => KeyReviewData, now: () => number): Record<string, (c: { key: FakeKey; body: Body; op: string }) => OpResult> {
  const denied = (c: { key: FakeKey; op: string }, data: KeyReviewData): OpResult | undefined =>
    data.denied.has(c.op) ? fail('AccessDeniedException', `User is not authorized to perform: kms:${c.op} on resource: ${c.key.arn} because no identity-based policy allows the kms:${c.op} action`) : undefined;
  return {
    GetKeyPolicy(c) {
      const data = dataOf(c.key);
      const d = denied(c, data);
      if (d) return d;
      const name = c.body.PolicyName ?? 'default';
      if (name !== 'default') return fail('NotFoundException', `Policy ${String(name)} does not exist.`);
      return { ok: true, body: { Policy: data.policy, PolicyName: 'default' } };
    },
    ListGrants(c) {
      const data = dataOf(c.key);
      const d = denied(c, data);
      if (d) return d;
      const limit = limitOf(c.body);
      if (isFail(limit)) return limit;
      let grants = data.grants;
      if (typeof c.body.GrantId === 'string') grants = grants.filter((g) => g.GrantId === c.body.GrantId);
      if (typeof c.body.GranteePrincipal === 'string') grants = grants.filter((g) => g.GranteePrincipal === c.body.GranteePrincipal);
      const p = page(grants, c.body, limit);
      if (isFail(p)) return p;
      return {
        ok: true,
        body: { Grants: p.items.map((g) => ({ KeyId: c.key.arn, ...g })), Truncated: p.next !== undefined, ...(p.next ? { NextMarker: p.next } : {}) },
      };
    },
    GetKeyRotationStatus(c) {
      const data = dataOf(c.key);
      const d = denied(c, data);
      if (d) return d;
      return {
        ok: true,
        body: {
          KeyRotationEnabled: data.rotationEnabled,
          KeyId: c.key.arn,
          ...(data.rotationEnabled ? { RotationPeriodInDays: data.rotationPeriodDays, NextRotationDate: Math.floor(now() / 1000) + data.rotationPeriodDays * 86_400 } : {}),
        },
      };
    },
    ListResourceTags(c) {
      const data = dataOf(c.key);
      const d = denied(c, data);
      if (d) return d;
      const limit = limitOf(c.body);
      if (isFail(limit)) return limit;
      const p = page(data.tags, c.body, limit);
      if (isFail(p)) return p;
      return { ok: true, body: { Tags: p.items, Truncated: p.next !== undefined, ...(p.next ? { NextMarker: p.next } : {}) } };
    },
  };
}
