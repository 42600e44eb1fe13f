/** The six area cards of the Overview: state, one-line headline, the evidence behind it, a link to the screen. */
import type { ReactNode } from 'react';
import type { OverviewCard, OverviewView } from '../../../../core/api/overview-types';
import { useServices } from '../../app/services-context';
import { Badge } from '../../components/badge';
import { Icon, type IconName } from '../../components/icon';
import { formatCount, formatUtcShort, plural } from '../../lib/format';
import { STATE_LABEL, STATE_TONE, screenLabel } from './overview-labels';

const CLASS_LABEL: Record<string, string> = {
  provider_only: 'Provider only',
  foreign_correlation: 'Foreign correlation id',
  principal_mismatch: 'Principal mismatch',
  app_only_missing: 'Missing from log',
  app_only_pending: 'Pending delivery',
  matched_weak: 'Weak match',
  failed_call: 'Failed call',
  key_event: 'Key event',
};

/** "3 d ago" next to the UTC time, so age reads at a glance. */
function ago(iso: string, nowIso: string): string {
  const s = Math.max(0, Math.round((Date.parse(nowIso) - Date.parse(iso)) / 1000));
  if (s < 90) return 'just now';
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129_600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

function When({ at, now }: { at: string | null | undefined; now: string }) {
  if (!at) return <span className="ov-muted">never</span>;
  return (
    <span title={at}>
      {formatUtcShort(at)} UTC <span className="ov-muted">({ago(at, now)})</span>
    </span>
  );
}

function Card<D>({ title, icon, card, children }: { title: string; icon: IconName; card: OverviewCard<D>; children: ReactNode }) {
  const { nav } = useServices();
  return (
    <section className="card ov-card" data-state={card.state} aria-label={title}>
      <header className="ov-card-head">
        <span className="ov-card-icon" aria-hidden="true">
          <Icon name={icon} size={16} />
        </span>
        <h2 className="ov-card-title">{title}</h2>
        <Badge tone={STATE_TONE[card.state]} dot>
          {STATE_LABEL[card.state]}
        </Badge>
      </header>
      <p className="ov-card-headline">{card.headline}</p>
      <dl className="ov-facts">{children}</dl>
      <button type="button" className="ov-card-link" onClick={() => nav.getState().go(card.screen)}>
        Open {screenLabel(card.screen)} <Icon name="arrow" size={14} />
      </button>
    </section>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="ov-fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function OverviewCards({ overview }: { overview: OverviewView }) {
  const { tenants, keys, audit, evidence, drills, reports } = overview.cards;
  const now = overview.generated_at;
  const oldest = keys.details.tenants.filter((t) => t.age_days !== null).sort((a, b) => b.age_days! - a.age_days!)[0];
  const exceptions = Object.entries(evidence.details.exceptions);
  const drilled = drills.details.tenants.filter((t) => t.last_drill);
  const latestDrill = drilled.map((t) => t.last_drill!).sort((a, b) => b.at.localeCompare(a.at))[0];
  return (
    <div className="ov-grid">
      <Card title="Tenants" icon="tenants" card={tenants}>
        <Fact label="Sealed">{tenants.details.sealed.length === 0 ? 'none' : tenants.details.sealed.map((s) => s.tenant).join(', ')}</Fact>
        <Fact label="Customer KMS">
          {formatCount(tenants.details.customer_controlled)} of {formatCount(tenants.details.total)}
        </Fact>
        {tenants.details.sealed[0] ? (
          <Fact label="Sealed since">
            <When at={tenants.details.sealed[0].since} now={now} />
          </Fact>
        ) : null}
      </Card>
      <Card title="Key versions" icon="key" card={keys}>
        <Fact label="Oldest active key">{oldest ? `${oldest.tenant} v${oldest.active_version}, ${plural(oldest.age_days!, 'day')} (policy ${keys.details.rotation_max_age_days})` : '—'}</Fact>
        <Fact label="Awaiting rewrap">{keys.details.awaiting_rewrap.length === 0 ? 'none' : keys.details.awaiting_rewrap.map((a) => `${a.tenant}: ${plural(a.records, 'record')}`).join('; ')}</Fact>
        <Fact label="Revocations">{keys.details.revocations.length === 0 ? 'none' : `${keys.details.revocations.length}, last ${keys.details.revocations[0]!.tenant} v${keys.details.revocations[0]!.version}`}</Fact>
      </Card>
      <Card title="Audit log" icon="audit" card={audit}>
        <Fact label="Last verify">
          <When at={audit.details.last_verify?.at} now={now} />
          {audit.details.last_verify ? <span className={audit.details.last_verify.ok ? 'ov-ok' : 'ov-bad'}>{audit.details.last_verify.ok ? ' · intact' : ' · failed'}</span> : null}
        </Fact>
        <Fact label="Last checkpoint">
          {audit.details.last_checkpoint ? (
            <>
              size {formatCount(audit.details.last_checkpoint.tree_size)}, <When at={audit.details.last_checkpoint.at} now={now} />
            </>
          ) : (
            <span className="ov-muted">none</span>
          )}
        </Fact>
        <Fact label="Since checkpoint">{plural(audit.details.entries_since_checkpoint, 'entry', 'entries')}</Fact>
      </Card>
      <Card title="Evidence" icon="evidence" card={evidence}>
        <Fact label="Last cross-check">
          <When at={evidence.details.last_crosscheck?.at} now={now} />
        </Fact>
        <Fact label="Exceptions">{exceptions.length === 0 ? 'none' : exceptions.map(([cls, n]) => `${CLASS_LABEL[cls] ?? cls} ${formatCount(n)}`).join(' · ')}</Fact>
        <Fact label="Coverage gaps">{evidence.details.coverage_gaps.length === 0 ? 'none' : evidence.details.coverage_gaps.map((g) => `${g.tenant} (${g.provider})`).join(', ')}</Fact>
      </Card>
      <Card title="Drills" icon="drills" card={drills}>
        <Fact label="Last drill">
          {latestDrill ? (
            <>
              {latestDrill.scenario}, <When at={latestDrill.at} now={now} />
            </>
          ) : (
            <span className="ov-muted">never</span>
          )}
        </Fact>
        <Fact label="Time to seal">
          {latestDrill?.time_to_seal_s != null ? `${latestDrill.time_to_seal_s} s of ${latestDrill.seal_bound_s ?? '?'} s bound` : '—'}
        </Fact>
        <Fact label="Drilled in cadence">
          {formatCount(drills.details.tenants.filter((t) => !t.overdue).length)} of {formatCount(drills.details.tenants.length)} (every {drills.details.drill_cadence_days} d)
        </Fact>
      </Card>
      <Card title="Reports" icon="reports" card={reports}>
        <Fact label="Last export">
          <When at={reports.details.last_export?.at} now={now} />
        </Fact>
        <Fact label="Period">{reports.details.last_export?.period ?? '—'}</Fact>
        <Fact label="By">{reports.details.last_export?.actor ?? '—'}</Fact>
      </Card>
    </div>
  );
}
