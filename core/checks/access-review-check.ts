/**
 * The scheduled key access review (issue 17): at most daily while a host runs, every
 * customer-KMS tenant's key is reviewed as `access review` would, and each high or
 * critical finding that the tenant's previous review did not have and nobody accepted is
 * an alert (once per finding per review), like a key used outside Keywarden.
 */
import type { AccessReviewView } from '../api/access-types';
import type { Keywarden } from '../keywarden';
import { dbOf } from '../seal/db';
import type { NewAlert } from './alerts';
import type { CheckDefinition, CheckOutput } from './definitions';

const DAY = 24 * 3_600_000;
const HIGH = new Set(['critical', 'high']);

/** The new, open, high findings of one review, given the finding ids of the review before it (none: all are new). */
export function newHighFindings(review: AccessReviewView, before: ReadonlySet<string> | undefined): AccessReviewView['findings'] {
  return review.findings.filter((f) => HIGH.has(f.severity) && !f.accepted && !before?.has(f.id));
}

export const accessReviewCheck: CheckDefinition = {
  name: 'access_review',
  label: 'Key access review (customer-KMS tenants)',
  intervalMs: DAY,
  async run(kw: Keywarden): Promise<CheckOutput> {
    const tenants = dbOf(kw.ctx).prepare<[], { id: string; slug: string }>("SELECT id, slug FROM tenants WHERE wrap_method = 'customer_kms' ORDER BY slug").all();
    if (tenants.length === 0) return { outcome: 'ok', summary: 'no customer-KMS tenant: no key to review', alerts: [] };
    const before = new Map(tenants.map((t) => [t.slug, kw.access.store.latest(t.id)] as const));
    const run = await kw.access.review({}, kw.ctx.system);
    const alerts: NewAlert[] = [];
    for (const r of run.reviews) {
      const previous = before.get(r.tenant_slug);
      // A review of another key (the tenant moved keys) starts that key's history afresh.
      const ids = previous && previous.review.key_ref === r.key_ref ? new Set(previous.review.findings.map((f) => f.id)) : undefined;
      for (const f of newHighFindings(r, ids)) {
        alerts.push({
          dedup_key: `access_finding:${r.tenant_slug}:${r.id}:${f.id}`.slice(0, 1000),
          kind: 'access_finding',
          tenant: r.tenant_slug,
          title: `New ${f.severity} key access finding for ${r.tenant_slug}`,
          body: f.reason,
          screen: 'access',
        });
      }
    }
    const partial = run.reviews.filter((r) => r.status === 'partial').length;
    const openHigh = run.reviews.reduce((n, r) => n + r.open_high, 0);
    // Tenants on the local or platform key are skipped by design; a customer key that could not be reviewed is not.
    const failed = run.skipped.filter((s) => before.has(s.tenant));
    const parts = [`${run.reviews.length} key(s) reviewed${partial ? ` (${partial} partial)` : ''}`, `${alerts.length} new high finding(s)`, `${openHigh} open high or critical`];
    if (failed.length) parts.push(`not reviewed: ${failed.map((f) => `${f.tenant} (${f.reason})`).join(', ')}`);
    return { outcome: failed.length > 0 ? 'error' : openHigh > 0 || partial > 0 ? 'problem' : 'ok', summary: parts.join('; ').slice(0, 1000), alerts };
  },
};
