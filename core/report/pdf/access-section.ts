/** The PDF's key access review section (CC6.1, CC6.3): per key, who can do what, the findings and accepted exceptions. */
import type { ReportModel } from '../model';
import { badge, breakable, callout, count, mono, note, sectionHead, subhead, table, when, type Node } from './blocks';

/** Past this many principal rows the CSV and JSON carry them all. */
const PDF_PRINCIPAL_ROWS = 2000;
const criteriaOf = (m: ReportModel) => m.soc2_mapping.find((r) => r.section === 'access_review')?.criteria ?? [];

export function accessReviewSection(m: ReportModel, num: number): Node[] {
  const a = m.access_review;
  const head = sectionHead(num, 'Key access review', criteriaOf(m), 'Who besides Keywarden can use the customer’s key, change its policy or schedule its deletion, read-only from the provider with the tenant’s own credentials, and whether the key is configured as the controls require. Findings map to public checks (AWS Security Hub, Prowler, CIS).', { pageBreak: true });
  if (!a.available) return [head, callout('warn', 'No key access review in this period', `${a.note} Who else can use each customer key is not evidenced here.`)];
  const open = a.findings.filter((f) => !f.accepted && (f.severity === 'critical' || f.severity === 'high')).length;
  const partial = a.keys.filter((k) => k.status === 'partial');
  const out: Node[] = [
    head,
    open > 0
      ? callout('bad', `${count(open)} open high or critical finding${open === 1 ? '' : 's'}`, 'Listed below with the reason and the public check each corresponds to; the raw fragment of each is in csv/access_findings.csv.')
      : callout('good', 'No open high or critical finding', 'Every high or critical finding is resolved or accepted by the organisation with a reason.'),
  ];
  if (partial.length > 0) out.push(callout('warn', `${partial.length} review${partial.length === 1 ? ' is' : 's are'} partial`, partial.map((k) => `${k.tenant}: ${k.gaps.join('; ')}`).join(' · ')));
  out.push(
    table(
      a.keys,
      [
        { header: 'Tenant', width: 60, cell: (k) => ({ text: k.tenant, bold: true }) },
        { header: 'Key', width: 90, cell: (k) => mono(`${k.provider} ${k.key_ref_suffix}`) },
        { header: 'Reviewed', width: 76, cell: (k) => when(k.reviewed_at) },
        { header: 'Status', width: 50, cell: (k) => badge(k.status, k.status === 'complete' ? 'good' : 'warn') },
        { header: 'Principals', width: 48, align: 'right', cell: (k) => count(k.principals) },
        { header: 'Findings', width: 44, align: 'right', cell: (k) => count(k.findings) },
        { header: 'Changes', width: '*', cell: (k) => (k.drift.length ? k.drift.map((d) => d.summary).join('; ') : '—') },
      ],
      '',
    ),
    subhead('Findings'),
    table(
      a.findings,
      [
        { header: 'Severity', width: 50, cell: (f) => badge(f.accepted ? `${f.severity}, accepted` : f.severity, f.accepted ? 'neutral' : f.severity === 'critical' || f.severity === 'high' ? 'bad' : 'warn') },
        { header: 'Tenant', width: 50, cell: (f) => f.tenant },
        { header: 'Finding, and acceptance', width: '*', cell: (f) => ({ stack: [breakable(f.reason), ...(f.accepted ? [{ text: `Accepted by ${f.accepted_by}: ${f.accepted_reason}`, style: 'small', margin: [0, 2, 0, 0] }] : [])] }) },
        { header: 'Public check', width: 110, cell: (f) => ({ text: f.checks, style: 'small' }) },
      ],
      'No finding: every reviewed key passes every check.',
    ),
    subhead('Who can do what'),
    ...(a.principals.length > PDF_PRINCIPAL_ROWS ? [note(`The first ${count(PDF_PRINCIPAL_ROWS)} of ${count(a.principals.length)} are listed; all are in csv/access_principals.csv.`)] : []),
    table(
      a.principals.slice(0, PDF_PRINCIPAL_ROWS),
      [
        { header: 'Tenant', width: 50, cell: (p) => p.tenant },
        { header: 'Principal', width: '*', cell: (p) => breakable(p.principal) },
        { header: 'Can', width: 70, cell: (p) => p.capability.replace(/_/g, ' ') },
        { header: 'How', width: 120, cell: (p) => breakable(`${p.via.replace(/_/g, ' ')} ${p.ref}${p.conditional ? ' (conditional)' : ''}${p.inherited ? ' (inherited)' : ''}`) },
      ],
      'No principal could be read.',
    ),
  );
  return out;
}
