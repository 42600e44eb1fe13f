/**
 * From what the GCP reads brought back (the CryptoKey, IAM bindings on the key and on its
 * key ring, the versions) to who can do what and what is wrong. Pure.
 */
import { isAllowListed } from './allow-list';
import { finding, separationOfDuties, type Conclusions } from './conclusions';
import { GCP_ROTATION_CHECKS } from './rules';
import type { Capability, PrincipalAccess, ReviewGap, ReviewSettings } from './types';

export interface GcpSnapshot {
  keyRef: string;
  key?: { purpose?: string; rotationPeriodSeconds?: number; nextRotationTime?: string; primaryState?: string; protectionLevel?: string; destroyScheduledDurationSeconds?: number; importOnly?: boolean };
  keyBindings?: { role: string; members: string[]; condition?: { title?: string; expression?: string } }[];
  ringBindings?: { role: string; members: string[]; condition?: { title?: string; expression?: string } }[];
  versions?: { name: string; state: string; protectionLevel?: string }[];
  keywardenPrincipal?: string;
}

/** Predefined roles and what they let a member do with a key (Cloud KMS IAM roles reference). */
const ROLE_CAPABILITIES: Record<string, Capability[]> = {
  'roles/cloudkms.cryptoKeyEncrypterDecrypter': ['use'],
  'roles/cloudkms.cryptoKeyEncrypter': ['use'],
  'roles/cloudkms.cryptoKeyDecrypter': ['use'],
  'roles/cloudkms.cryptoKeyEncrypterDecrypterViaDelegation': ['use'],
  'roles/cloudkms.cryptoKeyDecrypterViaDelegation': ['use'],
  'roles/cloudkms.cryptoKeyEncrypterViaDelegation': ['use'],
  'roles/cloudkms.cryptoOperator': ['use'],
  'roles/cloudkms.admin': ['manage_policy', 'schedule_deletion'],
  'roles/owner': ['manage_policy', 'schedule_deletion'],
  'roles/cloudkms.viewer': [],
  'roles/cloudkms.publicKeyViewer': [],
  'roles/viewer': [],
};

const PUBLIC_MEMBERS = new Set(['allUsers', 'allAuthenticatedUsers']);
const MAX_ROTATION_SECONDS = 90 * 86_400;

/** `serviceAccount:name@project.iam.gserviceaccount.com` → project. */
function serviceAccountProject(member: string): string | undefined {
  return /^serviceAccount:[^@]+@([a-z][a-z0-9-]{4,28}[a-z0-9])\.iam\.gserviceaccount\.com$/.exec(member)?.[1];
}

const sameMember = (member: string, principal: string | undefined) => !!principal && (member === principal || member.replace(/^[a-zA-Z]+:/, '') === principal);

export function concludeGcp(s: GcpSnapshot, settings: ReviewSettings): Conclusions {
  const principals: PrincipalAccess[] = [];
  const findings: Conclusions['findings'] = [];
  const gaps: ReviewGap[] = [];
  const project = /^projects\/([^/]+)\//.exec(s.keyRef)?.[1];
  const isKeywarden = (m: string) => sameMember(m, s.keywardenPrincipal);
  const allowed = (m: string) => isKeywarden(m) || isAllowListed(m, settings.allow_list) || isAllowListed(m.replace(/^[a-zA-Z]+:/, ''), settings.allow_list);

  const bindingsOf = (list: GcpSnapshot['keyBindings'], inherited: boolean) => {
    for (const b of list ?? []) {
      const caps = ROLE_CAPABILITIES[b.role];
      const where = inherited ? `key ring ${b.role}` : b.role;
      if (!caps) gaps.push({ where: `getIamPolicy (${inherited ? 'key ring' : 'key'})`, kind: 'unknown_role', message: `role ${b.role.slice(0, 120)} is not a predefined Cloud KMS role: its permissions were not read, so its members are not in the principals table` });
      const fragment = JSON.stringify(b);
      for (const m of b.members) {
        for (const capability of caps ?? []) principals.push({ principal: m, capability, via: 'iam_binding', ref: where, actions: [b.role], conditional: !!b.condition, ...(inherited ? { inherited: true } : {}) });
        if (PUBLIC_MEMBERS.has(m) && !b.condition) {
          findings.push(finding('public_principal', `${m}:${where}`, `${m} holds ${b.role} on the ${inherited ? 'key ring' : 'key'} with no condition`, fragment));
        }
        const saProject = serviceAccountProject(m);
        if (saProject && project && saProject !== project && (caps?.length ?? 0) > 0 && !allowed(m)) {
          findings.push(finding('cross_account', m, `${m} from project ${saProject} holds ${b.role} on the ${inherited ? 'key ring' : 'key'} and is not on the allow-list`, fragment));
        }
      }
    }
  };
  bindingsOf(s.keyBindings, false);
  bindingsOf(s.ringBindings, true);

  const k = s.key;
  if (k) {
    if ((k.purpose ?? 'ENCRYPT_DECRYPT') === 'ENCRYPT_DECRYPT') {
      if (k.rotationPeriodSeconds === undefined) findings.push(finding('rotation_off', 'key', 'automatic rotation is not set (no rotationPeriod)', JSON.stringify({ rotationPeriod: null }), GCP_ROTATION_CHECKS));
      else if (k.rotationPeriodSeconds > MAX_ROTATION_SECONDS) findings.push(finding('rotation_off', 'key', `automatic rotation every ${Math.round(k.rotationPeriodSeconds / 86_400)} days, longer than 90 (CIS GCP 1.10)`, JSON.stringify({ rotationPeriod: `${k.rotationPeriodSeconds}s` }), GCP_ROTATION_CHECKS));
    }
    if (k.primaryState === 'DISABLED') findings.push(finding('key_disabled', 'key', 'the primary version is DISABLED: the tenant cannot unwrap its master keys', JSON.stringify({ primary: { state: k.primaryState } })));
    if (settings.require_hsm && k.protectionLevel === 'SOFTWARE') findings.push(finding('hsm_missing', 'key', 'the tenant requires HSM protection, but the key is protected in SOFTWARE', JSON.stringify({ protectionLevel: k.protectionLevel })));
  }
  const scheduled = (s.versions ?? []).filter((v) => v.state === 'DESTROY_SCHEDULED');
  if (scheduled.length > 0 || k?.primaryState === 'DESTROY_SCHEDULED') {
    findings.push(finding('pending_deletion', 'key', `${scheduled.length || 1} key version(s) scheduled for destruction: data under them becomes unreadable`, JSON.stringify(scheduled.length ? scheduled : [{ primary: 'DESTROY_SCHEDULED' }])));
  }
  findings.push(...separationOfDuties(principals, (m) => PUBLIC_MEMBERS.has(m)));
  const facts: Conclusions['facts'] = {
    key_state: k?.primaryState ?? null,
    protection_level: k?.protectionLevel ?? null,
    rotation_period_days: k?.rotationPeriodSeconds !== undefined ? Math.round(k.rotationPeriodSeconds / 86_400) : null,
    rotation_enabled: k ? k.rotationPeriodSeconds !== undefined : null,
    versions: s.versions?.length ?? null,
    bindings: s.keyBindings || s.ringBindings ? (s.keyBindings?.length ?? 0) + (s.ringBindings?.length ?? 0) : null,
  };
  const seen = new Set<string>();
  return { principals, findings: findings.filter((f) => (seen.has(f.id) ? false : (seen.add(f.id), true))), gaps, facts };
}
