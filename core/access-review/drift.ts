/**
 * What changed since the previous review of the same key: principals (by principal,
 * capability, how and where) that appeared or went, findings raised or resolved, and the
 * key facts that changed (rotation turned off, state, grant count). Pure.
 */
import type { DriftChange, KeyReview, PrincipalAccess } from './types';

const accessKey = (p: PrincipalAccess) => `${p.principal}\u0000${p.capability}\u0000${p.via}\u0000${p.ref}`;
const describe = (p: PrincipalAccess) => `${p.principal} can ${p.capability.replace('_', ' ')} (${p.via.replace('_', ' ')} ${p.ref.length > 24 ? `${p.ref.slice(0, 12)}…` : p.ref})`;

export function driftBetween(previous: KeyReview | undefined, current: KeyReview): DriftChange[] {
  if (!previous) return [];
  const changes: DriftChange[] = [];
  // A read that failed now (or before) says nothing about what it would have shown.
  const comparable = (where: string[]) => !previous.gaps.some((g) => where.includes(g.where)) && !current.gaps.some((g) => where.includes(g.where));
  const before = new Map(previous.principals.map((p) => [accessKey(p), p]));
  const after = new Map(current.principals.map((p) => [accessKey(p), p]));
  // The reads a principal row depends on: a role assignment also needs its role's definition.
  const readOf = (p: PrincipalAccess) =>
    p.via === 'grant' ? ['ListGrants'] : p.via === 'key_policy' ? ['GetKeyPolicy'] : p.via === 'iam_binding' ? ['getIamPolicy'] : p.via === 'role_assignment' ? ['roleAssignments.listForScope', 'roleDefinitions.getById'] : ['vaults.get'];
  for (const [k, p] of after) if (!before.has(k) && comparable(readOf(p))) changes.push({ kind: 'principal_added', subject: p.principal, summary: `new: ${describe(p)}` });
  for (const [k, p] of before) if (!after.has(k) && comparable(readOf(p))) changes.push({ kind: 'principal_removed', subject: p.principal, summary: `removed: ${describe(p)}` });
  const prevFindings = new Set(previous.findings.map((f) => f.id));
  const curFindings = new Set(current.findings.map((f) => f.id));
  for (const f of current.findings) if (!prevFindings.has(f.id)) changes.push({ kind: 'finding_new', subject: f.id, summary: `new ${f.severity} finding: ${f.reason}` });
  for (const f of previous.findings) if (!curFindings.has(f.id)) changes.push({ kind: 'finding_resolved', subject: f.id, summary: `resolved: ${f.reason}` });
  for (const [name, value] of Object.entries(current.facts)) {
    const old = previous.facts[name];
    if (old === undefined || old === null || value === null || old === value) continue;
    changes.push({ kind: 'fact_changed', subject: name, summary: `${name.replace(/_/g, ' ')}: ${String(old)} → ${String(value)}`, before: old, after: value });
  }
  return changes;
}
