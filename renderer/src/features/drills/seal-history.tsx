/**
 * Time to seal across drills, oldest first, each bar against its tenant's bound (one
 * master-key cache TTL: 5 minutes on a customer KMS, 1 hour otherwise, as the engine's
 * seal rule has it). A bar past its bound is red.
 */
import type { DrillSummary } from '../../../../core/api/seal-types';
import type { TenantView } from '../../../../core/api/types';
import { humanDuration } from '../../lib/format';

const W = 760;
const ROW = 22;
const LABEL_W = 190;
const RIGHT = 150;

/** The bound a drill's time to seal is held to, from the tenant's wrap method. */
export function sealBoundFor(tenant: TenantView | undefined): number | null {
  if (!tenant) return null;
  return tenant.wrap_method === 'customer_kms' ? 300 : 3600;
}

export function SealHistory({ drills, tenants }: { drills: DrillSummary[]; tenants: TenantView[] }) {
  const rows = drills
    .filter((d) => d.time_to_seal_s !== null)
    .slice()
    .sort((a, b) => (a.started_at < b.started_at ? -1 : 1))
    .slice(-12)
    .map((d) => ({ d, bound: sealBoundFor(tenants.find((t) => t.slug === d.tenant)) }));
  if (rows.length === 0) return null;
  const max = Math.max(...rows.map((r) => Math.max(r.d.time_to_seal_s ?? 0, r.bound ?? 0)), 1);
  const plotW = W - LABEL_W - RIGHT;
  const x = (s: number) => LABEL_W + (plotW * s) / max;
  const H = rows.length * ROW + 24;
  return (
    <section className="card seal-history" aria-label="Time to seal across drills">
      <div className="card-header">
        <div>
          <div className="card-title">Time to seal across drills</div>
          <div className="card-subtitle">Each drill's kill-to-seal time against its bound (one cache TTL); the latest {rows.length}.</div>
        </div>
      </div>
      <div className="card-body">
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Time to seal per drill against the bound">
          {rows.map(({ d, bound }, i) => {
            const y = i * ROW + 4;
            const v = d.time_to_seal_s ?? 0;
            const over = d.sealed_within_bound === false || (bound !== null && v > bound);
            return (
              <g key={d.id}>
                <text className="chart-label" x={LABEL_W - 8} y={y + 13} textAnchor="end">
                  {d.tenant} · {d.started_at.slice(0, 16).replace('T', ' ')}
                </text>
                <rect className="seal-track" x={LABEL_W} y={y + 3} width={plotW} height={ROW - 8} />
                <rect className={over ? 'chart-refused' : 'chart-accepted'} x={LABEL_W} y={y + 3} width={Math.max(1.5, x(v) - LABEL_W)} height={ROW - 8} />
                {bound !== null ? <line className="chart-bound" x1={x(bound)} x2={x(bound)} y1={y} y2={y + ROW - 2} /> : null}
                <text className="chart-label" x={LABEL_W + plotW + 8} y={y + 13}>
                  {humanDuration(v)}
                  {bound !== null ? ` / ${humanDuration(bound)}` : ''}
                  {over ? ' · over' : ''}
                </text>
              </g>
            );
          })}
          <text className="chart-axis-title" x={LABEL_W + plotW / 2} y={H - 4} textAnchor="middle">
            time from the kill to the seal (dashed: the bound)
          </text>
        </svg>
      </div>
    </section>
  );
}
