import type { TenantView } from '../../../../core/api/types';
import { Badge, CustodyBadge } from '../../components/badge';
import { middleEllipsis } from '../../lib/middle-ellipsis';
import { formatCount, formatUtcShort, providerLabel, wrapLabel } from '../../lib/format';
import { totalRecords } from './tenants-store';

export function TenantTable({ tenants, selected, onSelect }: { tenants: TenantView[]; selected: string | null; onSelect: (slug: string) => void }) {
  return (
    <div className="card table-card">
      <table className="table tenant-table">
        <thead>
          <tr>
            <th>Tenant</th>
            <th className="col-mid">Wrap method</th>
            <th className="col-mid">Provider</th>
            <th className="col-low">Key ref</th>
            <th>Custody</th>
            <th className="num">Active</th>
            <th className="num">Records</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {tenants.map((t) => (
            <tr
              key={t.id}
              className={t.slug === selected ? 'row-selected' : undefined}
              aria-selected={t.slug === selected}
              tabIndex={0}
              onClick={() => onSelect(t.slug)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onSelect(t.slug);
                }
              }}
            >
              <td>
                <div className="tenant-slug mono" title={t.slug}>
                  {middleEllipsis(t.slug, 24)}
                </div>
                <div className="cell-sub">created {formatUtcShort(t.created_at)}</div>
              </td>
              <td className="col-mid">{wrapLabel(t.wrap_method)}</td>
              <td className="col-mid">{providerLabel(t.provider)}</td>
              <td className={`cell-ref col-low${t.wrap_method === 'local' || t.wrap_method === 'global' ? '' : ' mono'}`} title={t.kms_key_ref}>
                {t.wrap_method === 'local' ? 'embedded key' : t.wrap_method === 'global' ? 'platform key' : t.kms_key_ref_suffix}
              </td>
              <td>
                <CustodyBadge customerControlled={t.customer_controlled} />
              </td>
              <td className="num mono">{t.active_version !== null ? `v${t.active_version}` : '—'}</td>
              <td
                className="num"
                title={`${formatCount(t.record_counts.secret_environment_configs)} secret environment configs, ${formatCount(t.record_counts.integration_configs)} integration configs`}
              >
                {formatCount(totalRecords(t))}
              </td>
              <td>
                {t.sealed_since ? (
                  <Badge tone="red" dot>
                    {t.sealed_permanently ? 'Sealed permanently' : 'Sealed'}
                  </Badge>
                ) : (
                  <Badge tone="green" dot>
                    Unsealed
                  </Badge>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
