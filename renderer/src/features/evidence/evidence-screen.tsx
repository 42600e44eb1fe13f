/**
 * Evidence: every KMS call the engine made, matched to the cloud provider's own record of
 * it, and every use of the customer's key the engine did not make. Fetch the provider
 * logs, cross-check a period, then read the counts, the timeline, the coverage and the
 * rows, down to the raw record.
 */
import { useEffect, useState } from 'react';
import type { EvidenceFetchView } from '../../../../core/api/evidence-types';
import { useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import { PageHeader } from '../../components/page-header';
import { Loading } from '../../components/spinner';
import { formatCount, formatUtcShort, providerLabel } from '../../lib/format';
import { CoverageCalendar } from './coverage-calendar';
import { CoveragePanel } from './coverage-panel';
import { EventDetail } from './event-detail';
import { ImportPanel } from './import-panel';
import type { EvidenceClassName } from '../../../../core/api/evidence-types';
import { CLASS_META, CLASS_ORDER } from './evidence-classes';
import { PERIODS, useEvidence, type Period } from './evidence-store';
import { ResultsFilter, ResultsTable } from './results-table';
import { SettingsDialog } from './settings-dialog';
import { TimelineChart } from './timeline-chart';
import './evidence.css';
import './archive.css';

export function EvidenceScreen() {
  const { evidence } = useServices();
  const loaded = useEvidence((s) => s.loaded);
  const run = useEvidence((s) => s.run);
  const rows = useEvidence((s) => s.rows);
  const error = useEvidence((s) => s.error);

  const { tenants } = useServices();
  useEffect(() => {
    void evidence.getState().load();
    if (!tenants.getState().loaded) void tenants.getState().load();
  }, [evidence, tenants]);

  return (
    <div className="screen ev-screen">
      <PageHeader
        title="Evidence"
        description="The engine’s KMS calls, matched to the providers’ own logs (CloudTrail, Cloud Audit Logs, Azure Monitor), and any use of the customer’s key the engine did not make."
        actions={<Actions />}
      />
      <FetchProgress />
      {error ? <ErrorNotice error={error} /> : null}
      <div className="ev-archive">
        <ImportPanel />
        <CoverageCalendar />
      </div>
      {!loaded ? (
        <Loading>Loading the last cross-check…</Loading>
      ) : !run ? (
        <div className="card">
          <EmptyState icon="evidence" title="No cross-check yet">
            Fetch the provider logs, then cross-check a period: each call the engine made is matched to the provider’s record of it.
          </EmptyState>
        </div>
      ) : (
        <>
          <Alarm
            count={run.counts.provider_only}
            cls="provider_only"
            title={`${run.counts.provider_only} use${run.counts.provider_only === 1 ? '' : 's'} of a customer key the engine did not make`}
            text="The provider’s own log shows key use that no Keywarden call accounts for. Review who made it and whether their access should exist."
          />
          <Alarm
            count={run.counts.foreign_correlation}
            cls="foreign_correlation"
            title={`${run.counts.foreign_correlation} record${run.counts.foreign_correlation === 1 ? '' : 's'} carrying a Keywarden id this installation never used`}
            text="Another installation is using this customer key, or someone replayed an id. Find out which before trusting the key’s log."
          />
          <div className="ev-run-line muted">
            Cross-check #{run.run_id} of {formatUtcShort(run.from)} → {formatUtcShort(run.to)}, run {formatUtcShort(run.at)}
          </div>
          <ClassCounts />
          <div className="ev-top">
            <section className="card ev-timeline" aria-label="Timeline">
              <div className="card-header">
                <div className="card-title">Timeline</div>
              </div>
              <TimelineChart run={run} />
            </section>
            <CoveragePanel coverage={run.coverage} />
          </div>
          <ResultsFilter />
          <div className="ev-grid">
            {rows.length === 0 ? (
              <div className="card">
                <EmptyState icon="search" title="No row matches">
                  Change the class, provider or search text.
                </EmptyState>
              </div>
            ) : (
              <ResultsTable rows={rows} />
            )}
            <EventDetail />
          </div>
        </>
      )}
    </div>
  );
}

function Actions() {
  const { evidence } = useServices();
  const period = useEvidence((s) => s.period);
  const fetching = useEvidence((s) => s.fetching);
  const checking = useEvidence((s) => s.checking);
  const [settingsOpen, setSettingsOpen] = useState(false);
  return (
    <div className="ev-actions">
      <Button icon="settings" variant="ghost" onClick={() => setSettingsOpen(true)}>
        Log settings
      </Button>
      {settingsOpen ? <SettingsDialog onClose={() => setSettingsOpen(false)} /> : null}
      <label className="ev-filter-label" htmlFor="ev-period">
        Period
      </label>
      <select id="ev-period" className="input" value={period} onChange={(e) => evidence.getState().setPeriod(e.target.value as Period)}>
        {Object.keys(PERIODS).map((p) => (
          <option key={p} value={p}>
            Last {p}
          </option>
        ))}
      </select>
      {fetching ? (
        <Button icon="x" onClick={() => void evidence.getState().cancel()}>
          Cancel fetch
        </Button>
      ) : (
        <Button icon="cloud" onClick={() => void evidence.getState().fetchLogs()}>
          Fetch provider logs
        </Button>
      )}
      <Button variant="primary" icon="check" busy={checking} disabled={fetching} onClick={() => void evidence.getState().crosscheck()}>
        Cross-check
      </Button>
    </div>
  );
}

function sourceLine(p: EvidenceFetchView['sources'][number]): string {
  const base = `${p.tenant} · ${providerLabel(p.provider)} ${p.key_ref_suffix}: ${p.state}, ${formatCount(p.events)} records in ${p.pages} page${p.pages === 1 ? '' : 's'}`;
  return p.error ? `${base}: ${p.error}` : base;
}

function FetchProgress() {
  const progress = useEvidence((s) => s.progress);
  const fetching = useEvidence((s) => s.fetching);
  if (!progress && !fetching) return null;
  const failed = progress?.sources.some((s) => s.state === 'failed');
  return (
    <div className={`notice ${failed ? 'notice-error' : fetching ? 'notice-warning' : 'notice-success'}`} role="status" data-testid="evidence-progress">
      <div className="notice-body">
        <div className="notice-title">{fetching ? 'Reading the provider logs…' : progress?.cancelled ? 'Fetch cancelled (what was read is kept)' : failed ? 'Some logs could not be read' : 'Provider logs read'}</div>
        {progress?.sources.length === 0 ? <div className="notice-text">No tenant uses a cloud KMS key: there is no provider log to read.</div> : null}
        {progress?.sources.map((p) => (
          <div key={p.source_id} className="notice-text" data-state={p.state}>
            {sourceLine(p)}
          </div>
        ))}
      </div>
    </div>
  );
}

/** An alarm over the counts: what the class means and a button that filters the table to it. */
function Alarm({ count, cls, title, text }: { count: number; cls: EvidenceClassName; title: string; text: string }) {
  const { evidence } = useServices();
  const filter = useEvidence((s) => s.filter);
  if (count === 0) return null;
  return (
    <div className="notice notice-error ev-alarm" role="alert">
      <div className="notice-body">
        <div className="notice-title">{title}</div>
        <div className="notice-text">{text}</div>
      </div>
      <Button size="sm" variant="danger" onClick={() => void evidence.getState().load({ ...filter, cls })}>
        Show them
      </Button>
    </div>
  );
}

const WARN_CLASSES = new Set(['provider_only', 'foreign_correlation', 'principal_mismatch', 'app_only_missing', 'matched_weak']);

function ClassCounts() {
  const { evidence } = useServices();
  const run = useEvidence((s) => s.run)!;
  const filter = useEvidence((s) => s.filter);
  return (
    <div className="ev-counts" role="group" aria-label="Counts per class">
      {CLASS_ORDER.map((c) => {
        const n = run.counts[c];
        const on = filter.cls === c;
        return (
          <button
            key={c}
            type="button"
            className={`ev-count${on ? ' on' : ''}${n > 0 && WARN_CLASSES.has(c) ? ' warn' : ''}`}
            data-class={c}
            aria-pressed={on}
            title={CLASS_META[c].help}
            onClick={() => void evidence.getState().load({ ...filter, cls: on ? null : c })}
          >
            <span className="ev-count-bar" style={{ background: CLASS_META[c].color }} aria-hidden="true" />
            <span className="ev-count-n">{formatCount(n)}</span>
            <span className="ev-count-label">{CLASS_META[c].label}</span>
          </button>
        );
      })}
    </div>
  );
}
