/** Human-readable output of the evidence methods. */
import type { EvidenceEventView, EvidenceFetchView, EvidenceResultsPage, EvidenceRunView } from '../../core/api/evidence-types';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

function renderRun(run: EvidenceRunView): string {
  const counts = Object.entries(run.counts).map(([k, v]) => [k, String(v)]);
  const coverage = run.coverage.map((c) => [
    c.tenant,
    c.provider,
    c.key_ref_suffix,
    c.fraction === null ? '-' : `${(c.fraction * 100).toFixed(1)}%`,
    c.health,
    c.diagnosis ?? '',
  ]);
  const notes = [
    run.counts.provider_only > 0 ? `ALARM: ${run.counts.provider_only} key use(s) the engine did not make: keywarden evidence results --class provider_only` : '',
    run.counts.foreign_correlation > 0
      ? `ALARM: ${run.counts.foreign_correlation} record(s) carry a Keywarden id no call of this installation made: keywarden evidence results --class foreign_correlation`
      : '',
    run.counts.matched_weak > 0 ? `note: ${run.counts.matched_weak} call(s) matched only by time window (likely, not proven): keywarden evidence results --class matched_weak` : '',
  ].filter(Boolean);
  const alarm = notes.length ? `\n${notes.join('\n')}` : '';
  return [
    `cross-check #${run.run_id}  ${run.from} → ${run.to}${run.tenant ? `  tenant ${run.tenant}` : ''}`,
    '',
    table([['CLASS', 'COUNT'], ...counts]),
    '',
    coverage.length ? table([['TENANT', 'PROVIDER', 'KEY', 'COVERAGE', 'HEALTH', 'DIAGNOSIS'], ...coverage]) : 'no provider log sources',
  ].join('\n') + alarm;
}

export function renderEvidence(method: string, value: unknown): string | undefined {
  if (method === 'evidence.fetch' || method === 'evidence.progress') {
    const v = value as EvidenceFetchView;
    if (v.sources.length === 0) return 'no cloud KMS sources to read';
    const rows = table([
      ['TENANT', 'PROVIDER', 'KEY', 'STATE', 'PAGES', 'RECORDS', 'UNREADABLE', 'OTHER KEYS', 'READ UNTIL'],
      ...v.sources.map((s) => [s.tenant, s.provider, s.key_ref_suffix, s.state, String(s.pages), String(s.events), String(s.unreadable), String(s.other_keys), s.read_until ?? '-']),
    ]);
    const failed = v.sources.filter((s) => s.state === 'failed');
    const unreadable = v.sources.reduce((n, s) => n + s.unreadable, 0);
    return [
      rows,
      ...(unreadable > 0 ? [`\n${unreadable} record(s) could not be read: kept with their raw text and counted in the cross-check's coverage.`] : []),
      ...(failed.length > 0
        ? [`\nFAILED: ${failed.length} source(s) could not be read (what was read before the failure is kept; their cursor did not move):`, ...failed.map((s) => `  ${s.tenant} ${s.provider} ${s.key_ref_suffix}: ${s.error_kind ?? 'error'}: ${s.error ?? ''}`)]
        : []),
      ...(v.witnesses
        ? [`\ncheckpoint witnesses: ${v.witnesses.records} record(s) read back${v.witnesses.untrusted ? `, ${v.witnesses.untrusted} untrusted (malformed or another log)` : ''}${v.witnesses.errors.length ? `; not read: ${v.witnesses.errors.join('; ')}` : ''} (check them: keywarden audit verify --witnesses)`]
        : []),
    ].join('\n');
  }
  if (method === 'evidence.crosscheck') return renderRun(value as EvidenceRunView);
  if (method === 'evidence.results') {
    const page = value as EvidenceResultsPage;
    if (!page.run) return 'no cross-check has run yet: keywarden evidence crosscheck --from ISO --to ISO';
    if (page.rows.length === 0) return `${renderRun(page.run)}\n\nno rows match`;
    return `${renderRun(page.run)}\n\n${table([
      ['SEQ', 'CLASS', 'AT', 'TENANT', 'PROVIDER', 'OPERATION', 'ENGINE PRINCIPAL', 'LOGGED PRINCIPAL', 'EVENT'],
      ...page.rows.map((r) => [String(r.seq), r.class, r.at, r.tenant, r.provider, r.provider_operation ?? r.operation, r.app_principal ?? '-', r.provider_principal ?? '-', r.event_id === null ? '-' : String(r.event_id)]),
    ])}\n${page.rows.length} of ${page.total}${page.next_after_seq ? ` (more: --after-seq ${page.next_after_seq})` : ''}${whyLines(page)}`;
  }
  if (method === 'evidence.event') return renderEvent(value as EvidenceEventView);
  return undefined;
}

/** Why each row that is not a plain match got its verdict. */
function whyLines(page: EvidenceResultsPage): string {
  const lines = page.rows.filter((r) => r.class !== 'matched').map((r) => `  #${r.seq} ${r.class}: ${r.explanation}`);
  return lines.length ? `\n\nwhy:\n${lines.join('\n')}` : '';
}

function renderEvent(e: EvidenceEventView): string {
  const verdict = e.verdict ? `${e.verdict.class} (cross-check #${e.verdict.run_id}): ${e.verdict.explanation}` : 'not in the latest cross-check run';
  return [
    `record #${e.id}  ${e.provider} ${e.provider_operation}  ${e.at}`,
    `  tenant       ${e.tenant}`,
    `  key          ${e.key_ref}`,
    `  principal    ${e.principal ?? '-'}`,
    `  source       ${e.source_address ?? '-'}`,
    `  user agent   ${e.user_agent ?? '(none)'}`,
    `  outcome      ${e.outcome}${e.error_code ? ` (${e.error_code})` : ''}`,
    `  verdict      ${verdict}`,
    '',
    typeof e.raw === 'string' ? e.raw : JSON.stringify(e.raw, null, 2),
  ].join('\n');
}
