/**
 * The one tenant on which drill faults need no step-up: the first-run sandbox (slug
 * `sandbox`) while it stays on the embedded local KMS. A fault there breaks nothing a
 * customer relies on; on any other tenant it can seal real agents out.
 */
import type { TenantRow } from '../store/rows';

export const DRILL_SANDBOX_SLUG = 'sandbox';

export function isDrillSandbox(tenant: Pick<TenantRow, 'slug' | 'wrap_method'>): boolean {
  return tenant.slug === DRILL_SANDBOX_SLUG && tenant.wrap_method === 'local';
}
