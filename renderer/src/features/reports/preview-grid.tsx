/** What the package will hold, section by section, before anything is written. */
import type { ReportSectionCounts } from '../../../../core/api/report-types';
import { Loading } from '../../components/spinner';
import { formatCount } from '../../lib/format';
import { useReports } from './use-reports';

const SECTIONS: { key: keyof ReportSectionCounts; label: string; criteria: string; tone?: (n: number) => 'warn' | 'bad' | undefined }[] = [
  { key: 'tenants', label: 'Tenants', criteria: 'CC6.1' },
  { key: 'key_versions', label: 'Key versions', criteria: 'CC6.1' },
  { key: 'rotations', label: 'Rotations', criteria: 'CC6.7' },
  { key: 'rewrap_jobs', label: 'Rewrap jobs', criteria: 'CC6.7' },
  { key: 'revocations', label: 'Revocations', criteria: 'CC6.7', tone: (n) => (n > 0 ? 'warn' : undefined) },
  { key: 'seal_events', label: 'Seal / unseal events', criteria: 'CC7.2', tone: (n) => (n > 0 ? 'warn' : undefined) },
  { key: 'drills', label: 'Drills', criteria: 'CC7.2' },
  { key: 'cross_check_exceptions', label: 'Cross-check exceptions', criteria: 'CC7.2', tone: (n) => (n > 0 ? 'bad' : undefined) },
  { key: 'kms_calls', label: 'KMS calls', criteria: 'CC7.2' },
  { key: 'audit_entries', label: 'Audit entries', criteria: 'CC7.2' },
  { key: 'cited_entries', label: 'Entries proven', criteria: 'CC7.2' },
];

export function PreviewGrid() {
  const preview = useReports((s) => s.preview);
  const previewing = useReports((s) => s.previewing);
  if (!preview) return previewing ? <Loading>Counting what the package will hold…</Loading> : null;
  const notes = [preview.notes.drills, preview.notes.cross_check].filter((n): n is string => n !== null);
  return (
    <section className="card report-preview" aria-label="Preview" aria-busy={previewing || undefined}>
      <div className="card-header">
        <div>
          <div className="card-title">Preview</div>
          <div className="card-subtitle">
            {preview.period.description} · {preview.tenant ? `tenant ${preview.tenant}` : 'all tenants'}
          </div>
        </div>
      </div>
      <div className="report-counts">
        {SECTIONS.map((s) => {
          const n = preview.counts[s.key];
          const tone = s.tone?.(n);
          return (
            <div key={s.key} className={`report-count${tone ? ` report-count-${tone}` : ''}`} data-section={s.key}>
              <div className="report-count-value">{formatCount(n)}</div>
              <div className="report-count-label">{s.label}</div>
              <div className="report-count-criteria">{s.criteria}</div>
            </div>
          );
        })}
      </div>
      {notes.length > 0 ? (
        <ul className="report-notes">
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
