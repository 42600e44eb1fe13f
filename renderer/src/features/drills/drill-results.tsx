import type { DrillSummary, DrillView } from '../../../../core/api/seal-types';
import { useServices } from '../../app/services-context';
import { Badge } from '../../components/badge';
import { formatCount, formatUtc, formatUtcShort, humanDuration } from '../../lib/format';
import { RealDrillStatus } from './real-drill-status';
import { BoundBar } from './seal-bound';
import { SessionChart } from './session-chart';

const secondsBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 1000);

const STATE_TONE = { done: 'green', running: 'amber', failed: 'red', cancelled: 'grey', interrupted: 'red' } as const;

export function DrillList({ drills, shown }: { drills: DrillSummary[]; shown: string | null }) {
  const store = useServices().drills;
  return (
    <div className="card table-card">
      <table className="table drill-table">
        <thead>
          <tr>
            <th>Started</th>
            <th>Tenant</th>
            <th>Drill</th>
            <th className="num col-low">Agents</th>
            <th className="num">To seal</th>
            <th className="num">Refused</th>
            <th className="num">To unseal</th>
            <th className="num">Lost</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {drills.map((d) => (
            <tr
              key={d.id}
              className={d.id === shown ? 'row-selected' : undefined}
              aria-selected={d.id === shown}
              tabIndex={0}
              onClick={() => void store.getState().show(d.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  void store.getState().show(d.id);
                }
              }}
            >
              <td className="nowrap">{formatUtcShort(d.started_at)}</td>
              <td className="mono">{d.tenant}</td>
              <td>
                {d.scenario} <span className="cell-sub">{d.kind}</span>
              </td>
              <td className="num col-low">{d.agents}</td>
              <td className={`num mono ${d.sealed_within_bound === false ? 'text-red' : ''}`}>{humanDuration(d.time_to_seal_s)}</td>
              <td className="num">{d.sessions_refused === null ? '—' : formatCount(d.sessions_refused)}</td>
              <td className="num mono">{humanDuration(d.time_to_unseal_s)}</td>
              <td className={`num ${d.records_lost ? 'text-red' : ''}`}>{d.records_lost ?? '—'}</td>
              <td>
                <Badge tone={STATE_TONE[d.state]} dot>
                  {d.state}
                </Badge>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Figure({ label, value, sub, tone }: { label: string; value: string; sub: string; tone?: 'green' | 'red' }) {
  return (
    <div className={`drill-figure ${tone ? `drill-figure-${tone}` : ''}`}>
      <div className="drill-figure-label">{label}</div>
      <div className="drill-figure-value">{value}</div>
      <div className="drill-figure-sub">{sub}</div>
    </div>
  );
}

export function DrillDetail({ drill }: { drill: DrillView }) {
  const r = drill.result;
  return (
    <section className="card drill-detail" aria-label="Drill results">
      <div className="card-header">
        <div>
          <div className="card-title">
            {drill.kind === 'real' ? 'Real' : 'Simulated'} {drill.scenario} drill on <span className="mono">{drill.tenant}</span>
          </div>
          <div className="card-subtitle">
            {formatUtc(drill.started_at)} · {drill.agents} agents · <span className="mono">{drill.id.slice(0, 8)}</span>
          </div>
        </div>
        <Badge tone={STATE_TONE[drill.state]} dot>
          {drill.state}
        </Badge>
      </div>
      <div className="card-body">
        {drill.kind === 'real' && drill.state === 'running' ? <RealDrillStatus drill={drill} /> : null}
        {drill.error ? <p className="text-red">{drill.error}</p> : null}
        {r ? (
          <>
            <div className="drill-bounds">
              <BoundBar label="Time to seal after the kill" value={r.time_to_seal_s} bound={r.seal_bound_s} />
              <BoundBar label="Time to unseal after the restore" value={r.time_to_unseal_s} bound={r.unseal_bound_s} />
            </div>
            <div className="drill-figures">
              <Figure label="Sessions refused" value={formatCount(r.sessions_refused)} sub={`${formatCount(r.sessions_accepted)} accepted · ${r.sessions_issued_while_sealed} issued while sealed`} />
              <Figure
                label="Last pre-seal session expired"
                value={r.last_session_expired_at ? `+${humanDuration(secondsBetween(drill.started_at, r.last_session_expired_at))}` : '—'}
                sub={r.last_session_expired_at && r.sealed_at ? `${humanDuration(secondsBetween(r.sealed_at, r.last_session_expired_at))} after the seal: issued sessions ran out on their TTL` : 'no session outlived the seal'}
              />
              <Figure
                label="Records after the drill"
                value={`${formatCount(r.records_checked - r.records_lost)} / ${formatCount(r.records_checked)}`}
                sub={r.records_lost === 0 ? 'every record decrypts: nothing lost' : `${r.records_lost} LOST`}
                tone={r.records_lost === 0 ? 'green' : 'red'}
              />
            </div>
          </>
        ) : null}
        <h3 className="drill-section-title">Agent sessions over time</h3>
        <SessionChart series={drill.series} timeline={drill.timeline} sealBoundS={r?.seal_bound_s} />
        <h3 className="drill-section-title">Timeline</h3>
        <ol className="drill-timeline">
          {drill.timeline.map((e, i) => (
            <li key={i} className={`timeline-${e.kind}`}>
              <span className="mono timeline-t">+{e.t_s} s</span>
              <span className="timeline-kind">{e.kind.replace(/_/g, ' ')}</span>
              <span className="timeline-detail">{e.detail}</span>
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
