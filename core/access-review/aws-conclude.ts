/**
 * From what the AWS reads brought back to who can do what and what is wrong. Pure: the
 * same snapshot and settings give the same conclusions (the table-driven tests and the
 * bench call this directly).
 */
import { awsAccountOf, isAllowListed, sameAwsPrincipal } from './allow-list';
import { capabilitiesOf, narrowsPrincipals, parseKeyPolicy, type AwsStatement } from './aws-policy';
import { finding, separationOfDuties, type Conclusions } from './conclusions';
import type { PrincipalAccess, ReviewGap, ReviewSettings } from './types';

export interface AwsGrantSnapshot {
  GrantId: string;
  GranteePrincipal?: string;
  Operations: string[];
  Constraints?: Record<string, unknown>;
  Name?: string;
  RetiringPrincipal?: string;
  IssuingAccount?: string;
  CreationDate?: string;
}

export interface AwsSnapshot {
  keyRef: string;
  metadata?: { Arn: string; KeyState: string; Enabled: boolean; KeyManager?: string; Origin?: string; KeySpec?: string; MultiRegion?: boolean; DeletionDate?: string; CustomKeyStoreId?: string };
  policyText?: string;
  grants?: AwsGrantSnapshot[];
  rotation?: { enabled: boolean; periodDays?: number };
  tags?: { key: string; value: string }[];
  keywardenPrincipal?: string;
}

const MAX_ROTATION_DAYS = 365;

/** True when the statement's only administrative action is CreateGrant under kms:GrantIsForAWSResource = true. */
function grantsOnlyForAwsResources(st: AwsStatement): boolean {
  if (capabilitiesOf(st.actions.filter((a) => a.toLowerCase() !== 'kms:creategrant')).includes('manage_policy')) return false;
  const bool = st.condition?.Bool as Record<string, unknown> | undefined;
  if (!bool || typeof bool !== 'object') return false;
  return Object.entries(bool).some(([k, v]) => k.toLowerCase() === 'kms:grantisforawsresource' && (v === true || v === 'true'));
}

function grantCapabilities(ops: readonly string[]): PrincipalAccess['capability'][] {
  return capabilitiesOf(ops.map((o) => `kms:${o}`));
}

export function concludeAws(s: AwsSnapshot, settings: ReviewSettings): Conclusions {
  const principals: PrincipalAccess[] = [];
  const findings: Conclusions['findings'] = [];
  const gaps: ReviewGap[] = [];
  const arn = s.metadata?.Arn ?? s.keyRef;
  const keyAccount = awsAccountOf(arn);
  const partition = arn.split(':')[1] ?? 'aws';
  const root = keyAccount ? `arn:${partition}:iam::${keyAccount}:root` : undefined;
  const isRoot = (p: string) => p === root || p === keyAccount;
  const isKeywarden = (p: string) => !!s.keywardenPrincipal && sameAwsPrincipal(p, s.keywardenPrincipal);
  const allowed = (p: string) => isKeywarden(p) || isAllowListed(p, settings.allow_list);
  // CreateGrant limited to AWS services acting for the principal (the console's default
  // key-user statement) delegates use, it does not administer the key.
  const notAdministration = new Set<PrincipalAccess>();

  let statementCount: number | null = null;
  if (s.policyText !== undefined) {
    const parsed = parseKeyPolicy(s.policyText);
    statementCount = parsed.statements.length;
    gaps.push(...parsed.gaps);
    for (const st of parsed.statements) concludeStatement(st);
  }

  function concludeStatement(st: AwsStatement): void {
    if (st.effect !== 'Allow') return;
    const caps = capabilitiesOf(st.actions);
    const fragment = JSON.stringify(st.raw);
    const serviceGrantsOnly = grantsOnlyForAwsResources(st);
    for (const p of st.principals) {
      for (const capability of caps) {
        const entry: PrincipalAccess = { principal: p, capability, via: 'key_policy', ref: st.ref, actions: st.actions, conditional: st.condition !== null };
        principals.push(entry);
        if (capability === 'manage_policy' && serviceGrantsOnly) notAdministration.add(entry);
      }
      if (caps.length === 0) continue;
      if (p === '*' && !narrowsPrincipals(st.condition)) {
        findings.push(finding('public_principal', st.ref, `statement "${st.ref}" lets any AWS principal (${caps.join(', ')}) with no condition on the caller's account, organization or ARN`, fragment));
      }
      const account = p === '*' ? undefined : awsAccountOf(p);
      if (account && keyAccount && account !== keyAccount && !allowed(p)) {
        findings.push(finding('cross_account', p, `account ${account} (${p}) can ${caps.join(', ')} through statement "${st.ref}" and is not on the allow-list`, fragment));
      }
    }
    const wildcard = st.actions.some((a) => a === '*' || a.toLowerCase() === 'kms:*');
    if (wildcard) {
      for (const p of st.principals) {
        if (!isRoot(p)) findings.push(finding('wildcard_admin', p, `statement "${st.ref}" gives ${p} every KMS action (kms:*), beyond the account root`, fragment));
      }
    }
  }

  for (const g of s.grants ?? []) {
    const grantee = g.GranteePrincipal ?? '(no grantee)';
    const caps = grantCapabilities(g.Operations);
    const conditional = !!g.Constraints && Object.keys(g.Constraints).length > 0;
    for (const capability of caps) principals.push({ principal: grantee, capability, via: 'grant', ref: g.GrantId, actions: g.Operations, conditional });
    if (!allowed(grantee)) {
      findings.push(finding('foreign_grant', g.GrantId, `grant ${g.GrantId.slice(0, 12)}… lets ${grantee} ${g.Operations.join(', ')}; it is not Keywarden's principal and not on the allow-list`, JSON.stringify(g)));
    }
  }

  const m = s.metadata;
  if (m) {
    if (m.KeyState === 'PendingDeletion' || m.KeyState === 'PendingReplicaDeletion') {
      findings.push(finding('pending_deletion', 'key', `the key is ${m.KeyState}${m.DeletionDate ? ` (deletion on ${m.DeletionDate})` : ''}: every record under it becomes unreadable then`, JSON.stringify({ KeyState: m.KeyState, DeletionDate: m.DeletionDate ?? null })));
    } else if (m.KeyState === 'Disabled') {
      findings.push(finding('key_disabled', 'key', 'the key is Disabled: the tenant cannot unwrap its master keys', JSON.stringify({ KeyState: m.KeyState })));
    }
    if (settings.require_hsm && (m.Origin === 'EXTERNAL_KEY_STORE' || m.Origin === 'EXTERNAL')) {
      findings.push(finding('hsm_missing', 'key', `the tenant requires HSM protection, but the key's origin is ${m.Origin} (key material not generated and held in AWS KMS HSMs)`, JSON.stringify({ Origin: m.Origin, CustomKeyStoreId: m.CustomKeyStoreId ?? null })));
    }
  }
  const rotatable = !m || ((m.KeySpec ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT' && (m.Origin ?? 'AWS_KMS') === 'AWS_KMS' && m.KeyManager !== 'AWS');
  if (s.rotation && rotatable) {
    if (!s.rotation.enabled) {
      findings.push(finding('rotation_off', 'key', 'automatic key rotation is off', JSON.stringify({ KeyRotationEnabled: false })));
    } else if (s.rotation.periodDays !== undefined && s.rotation.periodDays > MAX_ROTATION_DAYS) {
      findings.push(finding('rotation_off', 'key', `automatic rotation every ${s.rotation.periodDays} days, longer than ${MAX_ROTATION_DAYS}`, JSON.stringify({ KeyRotationEnabled: true, RotationPeriodInDays: s.rotation.periodDays })));
    }
  }

  findings.push(...separationOfDuties(principals.filter((p) => !notAdministration.has(p)), (p) => p === '*' || isRoot(p) || p.startsWith('service:')));
  const facts: Conclusions['facts'] = {
    key_state: m?.KeyState ?? null,
    origin: m?.Origin ?? null,
    key_spec: m?.KeySpec ?? null,
    multi_region: m?.MultiRegion ?? null,
    rotation_enabled: s.rotation?.enabled ?? null,
    rotation_period_days: s.rotation?.periodDays ?? null,
    grants: s.grants?.length ?? null,
    policy_statements: statementCount,
  };
  return { principals, findings: dedupe(findings), gaps, facts };
}

function dedupe(findings: Conclusions['findings']): Conclusions['findings'] {
  const seen = new Set<string>();
  return findings.filter((f) => (seen.has(f.id) ? false : (seen.add(f.id), true)));
}
