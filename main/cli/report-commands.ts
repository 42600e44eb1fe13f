/**
 * The SOC 2 evidence package on the command line: `report preview`, `report export`
 * (progress on stderr, so `--json` output stays one document) and `report verify`
 * (offline, dispatched by run.ts without opening the data dir; listed here for help).
 */
import type { ReportExportResult, ReportPreview } from '../../core/api/report-types';
import { reportProgressEvents } from '../../core/report/handlers';
import type { ExportProgress } from '../../core/report/export';
import type { CommandSpec } from './commands';
import { progressLine } from './progress-line';
import { REPORT_VERIFY_HELP } from './report-verify-command';

export const REPORT_COMMANDS: CommandSpec[] = [
  { words: ['report', 'preview'], method: 'report.preview', help: 'What a SOC 2 evidence package would hold: --from DATE --to DATE [--tenant S].' },
  {
    words: ['report', 'export'],
    method: 'report.export',
    hiddenFields: ['export_id'],
    help: "Write a SOC 2 evidence package (folder + zip): --from DATE --to DATE [--tenant S] [--out DIR] (default: the data dir's reports/).",
  },
  // Dispatched by run.ts without opening the data dir: it must work where Keywarden's data is not.
  { words: ['report', 'verify'], method: 'report.preview', help: REPORT_VERIFY_HELP },
];

const PHASES: Record<ExportProgress['phase'], string> = {
  gathering: 'gathering sections',
  writing_data: 'writing JSON and CSV',
  rendering_pdf: 'rendering the PDF',
  proving: 'writing checkpoint and inclusion proofs',
  signing: 'signing the manifest',
  zipping: 'zipping',
  done: 'done',
};

/** One stderr line per phase, and at most one a second while rows are written. */
export function followReportProgress(write: (line: string) => void, now: () => number = Date.now, tty = false): () => void {
  const line = progressLine({ write, tty });
  let lastPhase = '';
  let lastAt = 0;
  const listener = (p: ExportProgress) => {
    const t = now();
    if (p.phase === lastPhase && t - lastAt < 1000) return;
    lastPhase = p.phase;
    lastAt = t;
    const rows = p.rows_total > 0 ? `  ${p.rows_written}/${p.rows_total} rows` : '';
    line.update(`report: ${String(p.percent).padStart(3)}%  ${PHASES[p.phase]}${rows}`, p.percent / 100);
  };
  reportProgressEvents.on('progress', listener);
  return () => {
    reportProgressEvents.off('progress', listener);
    line.end();
  };
}

export function renderReport(method: string, value: unknown): string | undefined {
  if (method === 'report.export') {
    const r = value as ReportExportResult;
    return [
      `package written: ${r.folder}`,
      `zip:             ${r.zip}`,
      `manifest SHA-256 ${r.manifest_sha256} (audited as entry #${r.audit_seq})`,
      `${r.files} files, ${r.bytes} bytes; ${r.kms_calls} KMS calls, ${r.audit_entries} audit entries, ${r.cited_entries} cited with inclusion proofs`,
      `signing key fingerprint: ${r.key_fingerprint}`,
      `verify with: keywarden report verify ${r.zip}`,
    ].join('\n');
  }
  if (method === 'report.preview') {
    const p = value as ReportPreview;
    const lines = Object.entries(p.counts).map(([k, n]) => `  ${k.replace(/_/g, ' ').padEnd(24)} ${n}`);
    return [`${p.period.description}${p.tenant ? `, tenant ${p.tenant}` : ', all tenants'}`, ...lines, ...[p.notes.drills, p.notes.cross_check].filter((n): n is string => n !== null).map((n) => `  note: ${n}`)].join('\n');
  }
  return undefined;
}
