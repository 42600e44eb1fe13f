/** The tenant a records or KMS calls screen looks at; shared with the other tenant-scoped screens through nav. */
import type { TenantView } from '../../../../core/api/types';

export function TenantPicker({ tenants, value, onChange, allLabel }: { tenants: TenantView[]; value: string; onChange: (slug: string) => void; allLabel?: string }) {
  return (
    <label className="field">
      <span className="field-label">Tenant</span>
      <select className="select mono" value={value} onChange={(e) => onChange(e.target.value)}>
        {allLabel ? <option value="">{allLabel}</option> : null}
        {tenants.map((t) => (
          <option key={t.id} value={t.slug}>
            {t.slug}
            {t.wrap_method === 'customer_kms' ? '' : ` (${t.wrap_method})`}
          </option>
        ))}
      </select>
    </label>
  );
}
