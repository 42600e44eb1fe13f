/**
 * Writes the machine-readable half of the package: report.json (complete) and one CSV
 * per table. The two bulk tables are read once, page by page, and each page goes to the
 * JSON and its CSV together, so memory stays flat however long the period.
 */
import path from 'node:path';
import { csvLine, csvRow, type CsvValue } from './csv';
import { FileSink, type WrittenFile } from './file-sink';
import type { ReportModel } from './model';
import { auditEntryJson, auditPages, kmsCallPages } from './sources/activity';
import type { CitedEntry, ReportSource } from './sources/source';

export const REPORT_JSON = 'report.json';
export const FORMAT = 'keywarden-soc2-evidence';
export const FORMAT_VERSION = 1;

interface CsvTable {
  name: string;
  columns: string[];
  rows: Record<string, CsvValue>[];
}

const cited = (e: CitedEntry) => ({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, tenant: e.tenant, payload: e.payload });
const CITED_COLUMNS = ['seq', 'at', 'actor', 'action', 'tenant', 'payload'];

/** The small tables, from the model. Column order is the CSV header. */
export function smallTables(m: ReportModel): CsvTable[] {
  const cc = m.cross_check.available ? m.cross_check.exceptions : [];
  const drills = m.drills.available ? m.drills.drills : [];
  return [
    { name: 'inventory', columns: ['tenant', 'wrap_method', 'provider', 'key_ref_suffix', 'custodian', 'customer_controlled', 'active_version', 'versions', 'revoked_versions', 'sealed_since', 'sealed_permanently', 'tenant_created_at'], rows: m.inventory as unknown as Record<string, CsvValue>[] },
    { name: 'key_versions', columns: ['tenant', 'version', 'status', 'wrap_method', 'provider', 'key_ref_suffix', 'created_at', 'retired_at', 'revoked_at', 'records_now'], rows: m.lifecycle.versions as unknown as Record<string, CsvValue>[] },
    { name: 'key_events', columns: CITED_COLUMNS, rows: m.lifecycle.rotations.map(cited) },
    { name: 'rewrap_jobs', columns: ['tenant', 'lease_id', 'target_version', 'state', 'created_at', 'finished_at', 'processed', 'skipped', 'failed', 'total', 'percent'], rows: m.lifecycle.rewrap_jobs as unknown as Record<string, CsvValue>[] },
    { name: 'rewrap_events', columns: CITED_COLUMNS, rows: m.lifecycle.rewrap_events.map(cited) },
    { name: 'revocations', columns: ['seq', 'at', 'actor', 'tenant', 'version', 'records_made_unreadable', 'was_active', 'forced'], rows: m.revocations as unknown as Record<string, CsvValue>[] },
    { name: 'seal_events', columns: CITED_COLUMNS, rows: m.seal.events.map(cited) },
    { name: 'seal_episodes', columns: ['tenant', 'sealed_at', 'sealed_seq', 'reason', 'permanent', 'unsealed_at', 'unsealed_seq', 'sealed_seconds'], rows: m.seal.episodes as unknown as Record<string, CsvValue>[] },
    { name: 'drills', columns: ['id', 'tenant', 'mode', 'fault', 'state', 'started_at', 'time_to_seal_s', 'bound_s', 'within_bound', 'sessions_refused', 'time_to_unseal_s', 'records_checked', 'records_failed', 'audit_seq'], rows: drills as unknown as Record<string, CsvValue>[] },
    { name: 'cross_check_exceptions', columns: ['class', 'at', 'tenant', 'provider', 'operation', 'principal', 'key_ref_suffix', 'reference', 'run_id', 'reason', 'explanation'], rows: cc as unknown as Record<string, CsvValue>[] },
    { name: 'access_principals', columns: ['tenant', 'provider', 'key_ref_suffix', 'principal', 'capability', 'via', 'ref', 'conditional', 'inherited'], rows: (m.access_review.available ? m.access_review.principals : []) as unknown as Record<string, CsvValue>[] },
    { name: 'access_findings', columns: ['tenant', 'provider', 'key_ref_suffix', 'review_id', 'reviewed_at', 'finding_id', 'severity', 'reason', 'checks', 'accepted', 'accepted_reason', 'accepted_by', 'fragment'], rows: (m.access_review.available ? m.access_review.findings : []) as unknown as Record<string, CsvValue>[] },
    { name: 'kms_calls_by_day', columns: ['day', 'ok', 'failed', 'simulated'], rows: m.activity.kms_by_day as unknown as Record<string, CsvValue>[] },
    { name: 'soc2_mapping', columns: ['section', 'title', 'criteria', 'evidence'], rows: m.soc2_mapping.map((r) => ({ ...r, criteria: r.criteria.join(' ') })) },
  ];
}

export const KMS_CALL_COLUMNS = ['id', 'at', 'tenant', 'provider', 'key_ref_suffix', 'key_version', 'operation', 'correlation_id', 'principal', 'outcome', 'error_message', 'drill_id', 'duration_ms'];
export const AUDIT_COLUMNS = ['seq', 'at', 'actor', 'address', 'action', 'tenant', 'payload', 'entry_hash'];

export interface DataProgress {
  (rowsWritten: number): void;
}

/** Writes report.json and csv/*.csv into `dir`; returns the files written. */
export async function writeDataFiles(dir: string, model: ReportModel, src: ReportSource, onRows: DataProgress): Promise<WrittenFile[]> {
  const files: WrittenFile[] = [];
  const open: FileSink[] = [];
  const sink = (name: string) => {
    const s = new FileSink(path.join(dir, ...name.split('/')), name);
    open.push(s);
    return s;
  };
  try {
    for (const t of smallTables(model)) {
      const csv = sink(`csv/${t.name}.csv`);
      await csv.write(csvLine(t.columns));
      for (const r of t.rows) await csv.write(csvLine(t.columns.map((c) => r[c])));
      files.push(await csv.close());
    }

    const json = sink(REPORT_JSON);
    const head = { format: FORMAT, format_version: FORMAT_VERSION, ...model };
    const headText = JSON.stringify(head, null, 1);
    await json.write(`${headText.slice(0, -2)},\n"kms_calls": [`);
    let rows = 0;
    const bulk = async <T extends object>(name: string, columns: string[], pages: Generator<T[]>, toJson: (row: T) => string, last: boolean) => {
      const csv = sink(`csv/${name}.csv`);
      await csv.write(csvLine(columns));
      let first = true;
      for (const page of pages) {
        const parts: string[] = [];
        const lines: string[] = [];
        for (const r of page) {
          parts.push(`${first ? '' : ','}\n${toJson(r)}`);
          first = false;
          lines.push(csvRow(r as Record<string, CsvValue>, columns));
        }
        await json.write(parts.join(''));
        await csv.write(lines.join(''));
        rows += page.length;
        onRows(rows);
      }
      await json.write(last ? '\n]\n}\n' : '\n],\n"audit_entries": [');
      files.push(await csv.close());
    };
    await bulk('kms_calls', KMS_CALL_COLUMNS, kmsCallPages(src), (r) => JSON.stringify(r), false);
    // The payload column holds JSON text: CSV carries it as that text, JSON embeds it.
    await bulk('audit_entries', AUDIT_COLUMNS, auditPages(src), auditEntryJson, true);
    files.push(await json.close());
    return files;
  } catch (e) {
    for (const s of open) s.destroy();
    throw e;
  }
}
