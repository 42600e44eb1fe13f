/**
 * Reports: pick a period and a tenant, see what the SOC 2 evidence package will hold,
 * export it with a progress bar, and get the folder and the manifest hash to hand over.
 * A browser cannot choose a folder, so the engine writes into the data dir's reports/.
 */
import { useEffect, useState } from 'react';
import { useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import { PageHeader } from '../../components/page-header';
import { useTenants } from '../tenants/tenants-store';
import { ExportPanel } from './export-panel';
import { PreviewGrid } from './preview-grid';
import { lastDays, lastQuarter, quarterToDate, yearToDate } from './reports-store';
import { useReports } from './use-reports';
import './reports.css';

const PRESETS = [
  { label: 'Last quarter', range: lastQuarter },
  { label: 'Quarter to date', range: quarterToDate },
  { label: 'Last 30 days', range: (now: Date) => lastDays(now, 30) },
  { label: 'Year to date', range: yearToDate },
];

export function ReportsScreen() {
  const { reports, tenants: tenantsStore } = useServices();
  const from = useReports((s) => s.from);
  const to = useReports((s) => s.to);
  const tenant = useReports((s) => s.tenant);
  const previewError = useReports((s) => s.previewError);
  const tenants = useTenants((s) => s.tenants);

  useEffect(() => {
    void tenantsStore.getState().load();
    void reports.getState().openOnData();
  }, [reports, tenantsStore]);

  const { setPeriod, setTenant } = reports.getState();
  return (
    <div className="screen reports-screen">
      <PageHeader
        title="Reports"
        description="A SOC 2 evidence package for a period: a PDF for people, JSON and CSV for machines, the signed audit checkpoint with an inclusion proof for every entry it cites, and a signed manifest an auditor verifies offline."
      />
      <section className="card report-scope" aria-label="Period and scope">
        <div className="report-scope-row">
          <div className="field">
            <label className="field-label" htmlFor="report-from">
              From
            </label>
            <IsoDateInput id="report-from" value={from} onValid={(v) => setPeriod(v, to)} />
          </div>
          <div className="field">
            <label className="field-label" htmlFor="report-to">
              To (included)
            </label>
            <IsoDateInput id="report-to" value={to} onValid={(v) => setPeriod(from, v)} />
          </div>
          <div className="field">
            <label className="field-label" htmlFor="report-tenant">
              Tenant
            </label>
            <select id="report-tenant" className="select" value={tenant} onChange={(e) => setTenant(e.target.value)}>
              <option value="">All tenants</option>
              {tenants.map((t) => (
                <option key={t.id} value={t.slug}>
                  {t.slug}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="report-presets" aria-label="Quick periods">
          {PRESETS.map((p) => {
            const r = p.range(new Date());
            const on = r.from === from && r.to === to;
            return (
              <button key={p.label} type="button" className={`chip${on ? ' chip-on' : ''}`} aria-pressed={on} onClick={() => setPeriod(r.from, r.to)}>
                {p.label}
              </button>
            );
          })}
          <span className="report-utc">All dates UTC</span>
          <Button size="sm" variant="ghost" icon="refresh" onClick={() => void reports.getState().loadPreview()}>
            Refresh preview
          </Button>
        </div>
      </section>
      {previewError ? <ErrorNotice error={previewError} /> : null}
      <PreviewGrid />
      <ExportPanel />
    </div>
  );
}

/** A UTC date typed as YYYY-MM-DD, like every other date in the app (a date picker shows the browser's locale). */
function IsoDateInput({ id, value, onValid }: { id: string; value: string; onValid: (v: string) => void }) {
  // What is typed, for the value it was typed over: a new value from outside (a quick period) wins.
  const [typed, setTyped] = useState({ text: value, over: value });
  const draft = typed.over === value ? typed.text : value;
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(draft) && new Date(`${draft}T00:00:00Z`).toISOString().startsWith(draft);
  return (
    <>
      <input
        id={id}
        className="input mono report-date"
        value={draft}
        inputMode="numeric"
        placeholder="YYYY-MM-DD"
        aria-invalid={!valid || undefined}
        aria-describedby={`${id}-hint`}
        onChange={(e) => {
          setTyped({ text: e.target.value, over: value });
          const v = e.target.value.trim();
          if (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v)) onValid(v);
        }}
      />
      <span id={`${id}-hint`} className={valid ? 'field-hint' : 'field-error'}>
        {valid ? 'YYYY-MM-DD, UTC' : 'Not a date: use YYYY-MM-DD'}
      </span>
    </>
  );
}
