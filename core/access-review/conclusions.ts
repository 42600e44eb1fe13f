/** What every provider's conclusions produce, and the helpers they share. */
import { RULES, type RuleId } from './rules';
import type { Finding, PrincipalAccess, PublicCheck, ReviewGap } from './types';

export interface Conclusions {
  principals: PrincipalAccess[];
  findings: Finding[];
  gaps: ReviewGap[];
  facts: Record<string, string | number | boolean | null>;
}

const MAX_FRAGMENT = 4096;

/** `checks` narrows the rule's public checks to the provider's own (rotation: CIS AWS vs CIS GCP). */
export function finding(rule: RuleId, subject: string, reason: string, fragment: string, checks?: PublicCheck): Finding {
  const spec = RULES[rule];
  return {
    id: `${rule}:${subject}`,
    rule,
    severity: spec.severity,
    reason,
    fragment: fragment.length > MAX_FRAGMENT ? `${fragment.slice(0, MAX_FRAGMENT)}…` : fragment,
    checks: { ...(checks ?? spec.checks) },
  };
}

/**
 * CIS GCP 1.11's separation of duties, applied to every provider: one principal that can
 * both change who has access (or delete the key) and use it. `exempt` names principals
 * the rule does not apply to (the AWS account root, which only delegates to IAM).
 */
export function separationOfDuties(principals: readonly PrincipalAccess[], exempt: (p: string) => boolean): Finding[] {
  const admin = new Map<string, PrincipalAccess>();
  const user = new Map<string, PrincipalAccess>();
  for (const p of principals) {
    if (exempt(p.principal)) continue;
    if (p.capability === 'use') user.set(p.principal, user.get(p.principal) ?? p);
    else admin.set(p.principal, admin.get(p.principal) ?? p);
  }
  const out: Finding[] = [];
  for (const [principal, a] of admin) {
    const u = user.get(principal);
    if (!u) continue;
    out.push(
      finding(
        'no_separation_of_duties',
        principal,
        `${principal} can both ${a.capability === 'manage_policy' ? 'change who has access' : 'schedule deletion'} (${a.via} ${a.ref}) and use the key (${u.via} ${u.ref})`,
        JSON.stringify({ admin: { via: a.via, ref: a.ref, actions: a.actions }, use: { via: u.via, ref: u.ref, actions: u.actions } }),
      ),
    );
  }
  return out;
}
