/**
 * CLI words for the key access review (flags come from the contract's schemas), its
 * human output, and the progress lines `access review` prints on stderr.
 */
import type { AccessAcceptResult, AccessFindingRow, AccessHistoryRow, AccessReviewRun, AccessReviewView, AccessSettingsView } from '../../core/api/access-types';
import { accessReviewProgress } from '../../core/access-review/progress';
import type { CommandSpec } from './commands';

export const ACCESS_COMMANDS: CommandSpec[] = [
  { words: ['access', 'review'], method: 'access.review', help: 'Review who besides Keywarden can use or manage each customer KMS key, and its posture (read-only; progress on stderr): [--tenant S].' },
  { words: ['access', 'show'], method: 'access.show', help: "One stored review with principals, findings, gaps and drift: --tenant S (latest) | --id N." },
  { words: ['access', 'findings'], method: 'access.findings', help: 'Findings of the latest reviews, most severe first: [--tenant S] [--severity high] [--include-accepted].' },
  { words: ['access', 'history'], method: 'access.history', help: 'Stored reviews, newest first: [--tenant S] [--limit N].' },
  { words: ['access', 'accept'], method: 'access.accept', help: 'Accept a finding with a reason (audited): --tenant S --finding-id ID --reason TEXT.' },
  { words: ['access', 'settings'], method: 'access.settings', help: "Show or set the review settings: --tenant S [--allow-list JSON-ARRAY of ARNs, account ids, object ids, domain:NAME] [--require-hsm] [--azure-vault-resource-id /subscriptions/ID/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/NAME] [--azure-arm-endpoint URL ('' for the cloud's)]." },
  { words: ['access', 'allow'], method: 'access.allow', help: "Allow one principal, account id or domain:NAME besides Keywarden, with why (audited): --tenant S --entry E --note TEXT." },
  { words: ['access', 'disallow'], method: 'access.disallow', help: 'Remove one entry from the allow-list (audited): --tenant S --entry E.' },
];

/** Follows review progress until the returned function is called. */
export function followAccessProgress(write: (line: string) => void): () => void {
  const listener = (line: string) => write(`${line}\n`);
  accessReviewProgress.on('line', listener);
  return () => void accessReviewProgress.off('line', listener);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function renderReview(r: AccessReviewView): string {
  const lines = [`review #${r.id}  ${r.tenant_slug}  ${r.provider} ${r.key_ref_suffix}  ${r.reviewed_at}  ${r.status.toUpperCase()}`];
  if (r.drift.length) lines.push('', `changed since the last review (${r.drift.length}):`, ...r.drift.map((d) => `  ${d.summary}`));
  if (r.gaps.length) lines.push('', 'not in this review:', ...r.gaps.map((g) => `  ${g.where}: ${g.message}`));
  lines.push('', r.findings.length ? `findings (${r.findings.length}, ${r.open_high} high or critical open):` : 'no findings');
  for (const f of r.findings) lines.push(`  ${f.severity.toUpperCase().padEnd(8)} ${f.reason}${f.accepted ? `  [accepted: ${f.accepted.reason}]` : ''}`, `           id ${f.id}`);
  if (r.principals.length) {
    lines.push('', table([['PRINCIPAL', 'CAN', 'VIA', 'WHERE', 'CONDITION'], ...r.principals.map((p) => [clip(p.principal, 70), p.capability, p.via, clip(p.ref, 40), p.conditional ? 'yes' : ''])]));
  }
  return lines.join('\n');
}

export function renderAccess(method: string, value: unknown): string | undefined {
  if (method === 'access.review') {
    const run = value as AccessReviewRun;
    const parts = run.reviews.map(renderReview);
    for (const s of run.skipped) parts.push(`skipped ${s.tenant}: ${s.reason}`);
    return parts.length ? parts.join('\n\n') : 'no tenants to review';
  }
  if (method === 'access.show') return renderReview(value as AccessReviewView);
  if (method === 'access.findings') {
    const rows = value as AccessFindingRow[];
    if (rows.length === 0) return 'no open findings';
    return table([['SEVERITY', 'TENANT', 'KEY', 'RULE', 'REASON', 'ID'], ...rows.map((f) => [f.severity, f.tenant, f.key_ref_suffix, f.rule, clip(f.reason, 90), f.id])]);
  }
  if (method === 'access.history') {
    const rows = value as AccessHistoryRow[];
    if (rows.length === 0) return 'no access reviews yet: keywarden access review';
    return table([['ID', 'AT', 'TENANT', 'KEY', 'STATUS', 'FINDINGS', 'HIGH', 'CHANGES'], ...rows.map((h) => [String(h.id), h.reviewed_at, h.tenant, h.key_ref_suffix, h.status, String(h.findings), String(h.high_findings), String(h.drift_changes)])]);
  }
  if (method === 'access.accept') {
    const a = value as AccessAcceptResult;
    return `accepted ${a.finding_id} for ${a.tenant} by ${a.accepted.accepted_by} at ${a.accepted.accepted_at}: ${a.accepted.reason}`;
  }
  if (method === 'access.settings' || method === 'access.allow' || method === 'access.disallow') {
    const s = value as AccessSettingsView;
    const entries = s.allow_list.map((e) => (s.allow_notes?.[e] ? `${e} (${s.allow_notes[e]})` : e));
    const lines = [`tenant ${s.tenant}: require HSM ${s.require_hsm ? 'yes' : 'no'}; allow-list ${entries.length ? entries.join(', ') : '(empty)'}`];
    if (s.azure_vault_resource_id) lines.push(`azure vault ${s.azure_vault_resource_id}${s.azure_arm_endpoint ? ` via ${s.azure_arm_endpoint}` : ''}`);
    return lines.join('\n');
  }
  return undefined;
}
