/**
 * The key access review as the engine offers it: review one tenant's key or every
 * customer-KMS tenant's, store each review with its drift, list findings and history,
 * accept a finding with a reason, and keep the tenant's allow-list and HSM setting.
 */
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { AccessAcceptResult, AccessFindingRow, AccessHistoryRow, AccessReviewRun, AccessReviewView, AccessSettingsView } from '../api/access-types';
import type { Clock } from '../clock';
import type { AuditTrail, Caller } from '../engine/audit-trail';
import { keySuffix } from '../engine/redact';
import { requireTenant } from '../engine/tenant-lookup';
import { invalidInput, KeywardenError } from '../errors';
import type { ProviderDeps } from '../providers/types';
import { parseVaultResourceId } from '../providers/azure/key-review';
import type { KeyringStore } from '../store/keyring-store';
import type { TenantRow } from '../store/rows';
import { scrubErrorMessage } from '../engine/scrub-error';
import { driftBetween } from './drift';
import { ReviewReads } from './reads';
import { defaultReviewers, type ReviewerFactory } from './reviewers';
import { AccessReviewStore, type StoredReview } from './store';
import { DEFAULT_SETTINGS, SEVERITIES, type KeyReview, type ReviewProvider, type ReviewSettings, type Severity } from './types';

export interface AccessReviewDeps {
  db: Database;
  keyring: KeyringStore;
  clock: Clock;
  audit: AuditTrail;
  providerDeps: ProviderDeps;
  reviewers?: Map<string, ReviewerFactory>;
}

/** Review progress, one line per key (the CLI prints it on stderr). */
export type ReviewProgress = (message: string) => void;

export function parseStoredAccessSettings(json: string | undefined): ReviewSettings {
  if (!json) return { ...DEFAULT_SETTINGS, allow_list: [] };
  try {
    const v = JSON.parse(json) as Partial<ReviewSettings>;
    const allow_list = Array.isArray(v.allow_list) ? v.allow_list.filter((e): e is string => typeof e === 'string') : [];
    const notes = v.allow_notes && typeof v.allow_notes === 'object' ? Object.entries(v.allow_notes).filter(([k, n]) => typeof n === 'string' && allow_list.includes(k)) : [];
    return {
      allow_list,
      require_hsm: v.require_hsm === true,
      ...(notes.length ? { allow_notes: Object.fromEntries(notes) as Record<string, string> } : {}),
      ...(typeof v.azure_vault_resource_id === 'string' && v.azure_vault_resource_id ? { azure_vault_resource_id: v.azure_vault_resource_id } : {}),
      ...(typeof v.azure_arm_endpoint === 'string' && v.azure_arm_endpoint ? { azure_arm_endpoint: v.azure_arm_endpoint } : {}),
    };
  } catch {
    return { ...DEFAULT_SETTINGS, allow_list: [] };
  }
}

/** What the audit says about an allow-list entry: its end and a digest, not the whole principal. */
function entryRef(entry: string): { entry_suffix: string; entry_sha256: string } {
  return { entry_suffix: keySuffix(entry), entry_sha256: createHash('sha256').update(entry).digest('hex').slice(0, 16) };
}

export interface SettingsChange {
  tenant: string;
  allow_list?: string[] | undefined;
  require_hsm?: boolean | undefined;
  /** '' clears. */
  azure_vault_resource_id?: string | undefined;
  /** '' clears; the caller has checked it against the endpoint allow-list. */
  azure_arm_endpoint?: string | undefined;
}

/** An ARM endpoint as stored: an http(s) origin. Which hosts may be used is the engine's endpoint allow-list. */
export function armOrigin(value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw invalidInput('azure_arm_endpoint', `'${value.slice(0, 100)}' is not a URL (e.g. https://management.azure.com)`);
  }
  if (u.protocol !== 'https:') throw invalidInput('azure_arm_endpoint', 'must use https (Azure SDKs send a bearer token only over TLS)');
  if (u.username || u.password || u.search || u.hash || (u.pathname !== '/' && u.pathname !== '')) throw invalidInput('azure_arm_endpoint', 'must be an origin only, e.g. https://management.azure.com');
  return u.origin;
}

export class AccessReviewService {
  readonly store: AccessReviewStore;
  private readonly reviewers: Map<string, ReviewerFactory>;

  constructor(private readonly deps: AccessReviewDeps) {
    this.store = new AccessReviewStore(deps.db);
    this.reviewers = deps.reviewers ?? defaultReviewers();
  }

  settingsOf(tenantId: string): ReviewSettings {
    return parseStoredAccessSettings(this.store.settingsJson(tenantId));
  }

  settings(input: SettingsChange, caller: Caller): AccessSettingsView {
    const t = requireTenant(this.deps.keyring, input.tenant);
    const current = this.settingsOf(t.id);
    const changed = (['allow_list', 'require_hsm', 'azure_vault_resource_id', 'azure_arm_endpoint'] as const).filter((k) => input[k] !== undefined);
    if (changed.length === 0) return { tenant: t.slug, ...current };
    const next: ReviewSettings = { ...current };
    if (input.allow_list !== undefined) {
      next.allow_list = [...new Set(input.allow_list.map((e) => e.trim()))];
      const notes = Object.entries(current.allow_notes ?? {}).filter(([k]) => next.allow_list.includes(k));
      if (notes.length) next.allow_notes = Object.fromEntries(notes);
      else delete next.allow_notes;
    }
    if (input.require_hsm !== undefined) next.require_hsm = input.require_hsm;
    if (input.azure_vault_resource_id !== undefined) {
      const v = input.azure_vault_resource_id.trim();
      if (!v) delete next.azure_vault_resource_id;
      else next.azure_vault_resource_id = parseVaultResourceId(v, this.azureVaultUrl(t)).id;
    }
    if (input.azure_arm_endpoint !== undefined) {
      const v = input.azure_arm_endpoint.trim();
      if (!v) delete next.azure_arm_endpoint;
      else next.azure_arm_endpoint = armOrigin(v);
    }
    this.store.saveSettings(t.id, next, this.now());
    this.deps.audit.append(caller, 'access.settings.changed', t.id, {
      fields: [...changed],
      allow_list_entries: next.allow_list.length,
      require_hsm: next.require_hsm,
      azure_vault: next.azure_vault_resource_id ? keySuffix(next.azure_vault_resource_id) : null,
      azure_arm_host: next.azure_arm_endpoint ? new URL(next.azure_arm_endpoint).host : 'default',
    });
    return { tenant: t.slug, ...next };
  }

  /** Adds (or re-notes) one allow-list entry with the reason it is allowed. Audited. */
  allow(input: { tenant: string; entry: string; note: string }, caller: Caller): AccessSettingsView {
    const t = requireTenant(this.deps.keyring, input.tenant);
    const entry = input.entry.trim();
    const note = input.note.trim();
    const next = this.settingsOf(t.id);
    const existed = next.allow_list.includes(entry);
    if (!existed) next.allow_list = [...next.allow_list, entry];
    next.allow_notes = { ...(next.allow_notes ?? {}), [entry]: note };
    this.store.saveSettings(t.id, next, this.now());
    this.deps.audit.append(caller, 'access.allow_list.added', t.id, { ...entryRef(entry), note: note.slice(0, 500), updated: existed, allow_list_entries: next.allow_list.length });
    return { tenant: t.slug, ...next };
  }

  /** Removes one allow-list entry; an entry not on the list is refused, naming it. Audited. */
  disallow(input: { tenant: string; entry: string }, caller: Caller): AccessSettingsView {
    const t = requireTenant(this.deps.keyring, input.tenant);
    const entry = input.entry.trim();
    const next = this.settingsOf(t.id);
    if (!next.allow_list.includes(entry)) {
      throw new KeywardenError('not_found', `"${entry.slice(0, 200)}" is not on the allow-list of tenant "${t.slug}"`, { field: 'entry', tenant: t.slug });
    }
    const note = next.allow_notes?.[entry] ?? null;
    next.allow_list = next.allow_list.filter((e) => e !== entry);
    const notes = Object.entries(next.allow_notes ?? {}).filter(([k]) => k !== entry);
    if (notes.length) next.allow_notes = Object.fromEntries(notes);
    else delete next.allow_notes;
    this.store.saveSettings(t.id, next, this.now());
    this.deps.audit.append(caller, 'access.allow_list.removed', t.id, { ...entryRef(entry), note: note?.slice(0, 500) ?? null, allow_list_entries: next.allow_list.length });
    return { tenant: t.slug, ...next };
  }

  /** The vault URL of an Azure tenant's key (the resource id must name that vault), else undefined. */
  private azureVaultUrl(t: TenantRow): string | undefined {
    if (t.provider !== 'azure') return undefined;
    try {
      const v = (JSON.parse(t.kms_config) as { vault_url?: unknown }).vault_url;
      return typeof v === 'string' ? v : undefined;
    } catch {
      return undefined;
    }
  }

  async review(input: { tenant?: string | undefined }, caller: Caller, progress: ReviewProgress = () => {}): Promise<AccessReviewRun> {
    const tenants = input.tenant ? [requireTenant(this.deps.keyring, input.tenant)] : this.deps.keyring.listTenants();
    const run: AccessReviewRun = { reviews: [], skipped: [] };
    for (const t of tenants) {
      if (t.wrap_method !== 'customer_kms') {
        if (input.tenant) throw new KeywardenError('conflict', `tenant "${t.slug}" is on the ${t.wrap_method} key, not a customer KMS key: there is no customer key to review`, { tenant: t.slug });
        run.skipped.push({ tenant: t.slug, reason: `on the ${t.wrap_method} key, not a customer KMS key` });
        continue;
      }
      const factory = this.reviewers.get(t.provider);
      if (!factory) {
        run.skipped.push({ tenant: t.slug, reason: `no access review for provider "${t.provider}" in this build` });
        continue;
      }
      progress(`reviewing ${t.slug} (${t.provider} …${t.kms_key_ref.slice(-12)})`);
      try {
        run.reviews.push(await this.reviewOne(t, factory, caller));
      } catch (e) {
        // One tenant whose stored config no longer builds a reader must not stop the others.
        if (input.tenant) throw e;
        const code = e instanceof KeywardenError ? e.code : 'internal';
        run.skipped.push({ tenant: t.slug, reason: `review failed (${code}): ${scrubErrorMessage(e instanceof Error ? e.message : String(e)).slice(0, 300)}` });
        progress(`${t.slug}: review failed (${code})`);
        continue;
      }
      const last = run.reviews[run.reviews.length - 1]!;
      progress(`${t.slug}: ${last.status}, ${last.findings.length} finding(s), ${last.drift.length} change(s) since the last review`);
    }
    return run;
  }

  show(input: { tenant?: string | undefined; id?: number | undefined }): AccessReviewView {
    let stored: StoredReview | undefined;
    if (input.id !== undefined) stored = this.store.byId(input.id);
    else if (input.tenant) stored = this.store.latest(requireTenant(this.deps.keyring, input.tenant).id);
    else throw invalidInput('tenant', 'give a tenant or a review id');
    if (!stored) throw new KeywardenError('not_found', input.id !== undefined ? `no access review ${input.id}` : `tenant "${input.tenant}" has no access review yet: run access review first`);
    return this.view(stored);
  }

  findings(input: { tenant?: string | undefined; severity?: Severity | undefined; include_accepted: boolean }): AccessFindingRow[] {
    const tenants = input.tenant ? [requireTenant(this.deps.keyring, input.tenant)] : this.deps.keyring.listTenants();
    const rows: AccessFindingRow[] = [];
    for (const t of tenants) {
      const stored = this.store.latest(t.id);
      if (!stored) continue;
      const v = this.view(stored);
      for (const f of v.findings) {
        if (f.accepted && !input.include_accepted) continue;
        if (input.severity && f.severity !== input.severity) continue;
        rows.push({ ...f, review_id: v.id, tenant: t.slug, provider: v.provider, key_ref_suffix: v.key_ref_suffix, reviewed_at: v.reviewed_at });
      }
    }
    return rows.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
  }

  history(input: { tenant?: string | undefined; limit: number }): AccessHistoryRow[] {
    const tenantId = input.tenant ? requireTenant(this.deps.keyring, input.tenant).id : undefined;
    return this.store.history(tenantId, input.limit).map((r) => ({
      id: r.id,
      tenant: this.slugOf(r.tenant_id),
      provider: r.provider,
      key_ref_suffix: keySuffix(r.key_ref),
      reviewed_at: r.reviewed_at,
      status: r.status,
      findings: r.findings,
      high_findings: r.high_findings,
      drift_changes: r.drift_changes,
    }));
  }

  accept(input: { tenant: string; finding_id: string; reason: string }, caller: Caller): AccessAcceptResult {
    const t = requireTenant(this.deps.keyring, input.tenant);
    const stored = this.store.latest(t.id);
    if (!stored) throw new KeywardenError('not_found', `tenant "${t.slug}" has no access review yet: run access review first`);
    const f = stored.review.findings.find((x) => x.id === input.finding_id);
    if (!f) throw new KeywardenError('not_found', `the latest review of "${t.slug}" (review ${stored.id}) has no finding "${input.finding_id.slice(0, 200)}"`, { finding_id: input.finding_id.slice(0, 200) });
    const reason = input.reason.trim();
    const accepted = { reason, accepted_by: caller.actor, accepted_at: this.now() };
    this.store.accept({ tenant_id: t.id, key_ref: stored.review.key_ref, finding_id: f.id, ...accepted });
    // The payload names the finding and the reason, never a policy document or credential.
    this.deps.audit.append(caller, 'access.finding.accepted', t.id, {
      key_ref_suffix: keySuffix(stored.review.key_ref),
      review_id: stored.id,
      finding_id: f.id.slice(0, 300),
      rule: f.rule,
      severity: f.severity,
      reason: reason.slice(0, 500),
    });
    return { tenant: t.slug, finding_id: f.id, accepted };
  }

  private async reviewOne(t: TenantRow, factory: ReviewerFactory, caller: Caller): Promise<AccessReviewView> {
    const settings = this.settingsOf(t.id);
    const reviewer = factory({ kms_key_ref: t.kms_key_ref, config: JSON.parse(t.kms_config) as Record<string, unknown> }, this.deps.providerDeps);
    const reads = new ReviewReads({ tenantId: t.id, provider: t.provider, keyRef: t.kms_key_ref }, (row) => this.record(row), this.deps.clock, () => reviewer.principal());
    const reviewedAt = this.now();
    let outcome;
    try {
      outcome = await reviewer.run(reads, settings);
    } finally {
      reviewer.close();
    }
    const gaps = [...reads.gaps, ...outcome.conclusions.gaps];
    const review: KeyReview = {
      tenant_id: t.id,
      tenant_slug: t.slug,
      provider: t.provider as ReviewProvider,
      key_ref: t.kms_key_ref,
      reviewed_at: reviewedAt,
      status: gaps.length > 0 ? 'partial' : 'complete',
      keywarden_principal: outcome.keywardenPrincipal,
      facts: outcome.conclusions.facts,
      principals: outcome.conclusions.principals,
      findings: outcome.conclusions.findings,
      gaps,
      raw: outcome.raw,
      reads: reads.reads,
    };
    const previous = this.store.latest(t.id, t.kms_key_ref);
    const drift = driftBetween(previous?.review, review);
    const id = this.store.insert(review, drift);
    this.deps.audit.append(caller, 'access.reviewed', t.id, {
      key_ref_suffix: keySuffix(t.kms_key_ref),
      review_id: id,
      status: review.status,
      findings: review.findings.length,
      high_findings: review.findings.filter((f) => f.severity === 'critical' || f.severity === 'high').length,
      gaps: gaps.map((g) => g.permission ?? g.kind).slice(0, 20),
      drift_changes: drift.length,
    });
    return this.view({ id, review, drift });
  }

  private view(stored: StoredReview): AccessReviewView {
    const { review, drift, id } = stored;
    const acceptances = this.store.acceptances(review.tenant_id, review.key_ref);
    const findings = review.findings.map((f) => {
      const a = acceptances.get(f.id);
      return { ...f, accepted: a ? { reason: a.reason, accepted_by: a.accepted_by, accepted_at: a.accepted_at } : null };
    });
    const open_high = findings.filter((f) => !f.accepted && (f.severity === 'critical' || f.severity === 'high')).length;
    return { ...review, id, key_ref_suffix: keySuffix(review.key_ref), findings, drift, open_high };
  }

  private record(row: Parameters<KeyringStore['insertKmsCall']>[0]): void {
    try {
      this.deps.keyring.insertKmsCall(row);
    } catch {
      // A closed database during shutdown must not mask the provider's answer.
    }
  }

  private slugOf(tenantId: string): string {
    return this.deps.keyring.tenantById(tenantId)?.slug ?? tenantId;
  }

  private now(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}
