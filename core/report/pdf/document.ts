/**
 * The PDF for people: a cover with the scope and period and the findings at a glance,
 * then one section per control area, the SOC 2 mapping, and how to verify the package.
 * Built from the same model as the JSON and CSV.
 */
import type { ReportModel } from '../model';
import { accessReviewSection } from './access-section';
import { assuranceNumbers } from './numbering';
import { auditSection, crossCheckSection, mappingSection, sealSection } from './assurance-sections';
import { breakable, callout, count, mono, simulatedText, sectionHead, table, tiles, when, type Node } from './blocks';
import { inventorySection, lifecycleSection, revocationsSection } from './sections';
import { COLORS, STYLES } from './theme';

export interface PdfContext {
  fingerprint: string;
  verifierKey: string;
}

function findings(m: ReportModel): { tone: 'good' | 'bad' | 'warn'; text: string }[] {
  const out: { tone: 'good' | 'bad' | 'warn'; text: string }[] = [];
  if (m.scope.period.not_ended) out.push({ tone: 'warn', text: `Period not yet ended: figures run to the export at ${when(m.scope.period.as_of)} UTC; the period runs to ${when(new Date(Date.parse(m.scope.period.to) - 1000).toISOString())} UTC.` });
  out.push(m.audit_verification.chain.ok ? { tone: 'good', text: `Audit log intact: ${count(m.audit_verification.chain.entries)} entries verified.` } : { tone: 'bad', text: `Audit log broken at entry #${m.audit_verification.chain.first_bad_seq}.` });
  const behind = Object.values(m.lifecycle.records_behind).reduce((a, b) => a + b, 0);
  out.push(behind === 0 ? { tone: 'good', text: 'Every rotation’s rewrap complete: no record under a retired key.' } : { tone: 'warn', text: `${count(behind)} records still under a retired key version (rewrap pending).` });
  const lost = m.revocations.reduce((a, r) => a + r.records_made_unreadable, 0);
  out.push(m.revocations.length === 0 ? { tone: 'good', text: 'No key version revoked.' } : { tone: lost > 0 ? 'warn' : 'good', text: `${count(m.revocations.length)} key version(s) revoked; ${count(lost)} records made unreadable.` });
  if (!m.cross_check.available) out.push({ tone: 'warn', text: `No evidence cross-check covers this period (cross-check ${m.cross_check.coverage.text}).` });
  else {
    if (!m.cross_check.coverage.complete) out.push({ tone: 'warn', text: `Incomplete evidence: cross-check ${m.cross_check.coverage.text}. Key use outside the covered days is not reconciled with the provider’s log.` });
    const po = m.cross_check.exceptions.filter((e) => e.class === 'provider_only').length;
    const miss = m.cross_check.exceptions.length - po;
    out.push(po > 0 ? { tone: 'bad', text: `${count(po)} key use(s) seen only in the provider’s log.` } : miss > 0 ? { tone: 'warn', text: `${count(miss)} engine call(s) missing from the provider’s log.` } : { tone: 'good', text: 'Cross-check: every event reconciled with the provider’s log.' });
  }
  const a = m.activity;
  out.push({
    tone: a.kms_calls_failed > 0 ? 'warn' : 'good',
    text: `${count(a.kms_calls_failed)} KMS call${a.kms_calls_failed === 1 ? '' : 's'} failed of ${count(a.kms_calls)}${a.kms_calls_simulated > 0 ? ` (drill failures not counted: ${simulatedText(a.simulated_by_drill)})` : ''}.`,
  });
  if (m.drills.available && m.drills.drills.length > 0) {
    const late = m.drills.drills.filter((d) => d.within_bound === false).length;
    out.push(late > 0 ? { tone: 'bad', text: `${late} drill(s) sealed later than the bound.` } : { tone: 'good', text: `${m.drills.drills.length} drill(s): every tenant sealed within the bound.` });
  } else out.push({ tone: 'warn', text: 'No kill-switch drill in this period.' });
  return out;
}

function cover(m: ReportModel): Node[] {
  const s = m.scope;
  const dot = { good: COLORS.good, bad: COLORS.bad, warn: COLORS.warn } as const;
  return [
    { text: 'SOC 2 EVIDENCE PACKAGE', fontSize: 8, bold: true, color: COLORS.brand, characterSpacing: 1.2, margin: [0, 6, 0, 4] },
    { text: 'Key custody and encryption-key lifecycle', fontSize: 22, bold: true, color: COLORS.ink },
    { text: s.period.description, fontSize: 11, color: COLORS.body, margin: [0, 4, 0, 16] },
    sectionHead(1, 'Scope and period', ['CC6.1', 'CC6.7', 'CC7.2'], 'What this package covers. All times are UTC. Figures come from the Keywarden installation’s own database at the time of export; the manifest and the audit checkpoint are signed with the installation’s Ed25519 key.'),
    table(
      [
        ['Period', `${s.period.from}  to  ${s.period.to} (end exclusive)${s.period.not_ended ? `: not yet ended at export, figures run to ${s.period.as_of}` : ''}`],
        ['Tenants', s.tenant ? `${s.tenant} only` : `all tenants (${s.tenants_in_scope.length}): ${s.tenants_in_scope.join(', ') || 'none'}`],
        ['Generated', `${s.generated_at} by ${s.product}`],
        ['Audit log', `${s.installation.log_origin}, checkpoint at ${count(m.audit_verification.checkpoint.tree_size)} entries`],
        ['Signing key fingerprint', s.installation.key_fingerprint],
      ] as [string, string][],
      [
        { header: 'Scope', width: 110, cell: (r) => ({ text: r[0], color: COLORS.muted }) },
        { header: '', width: '*', cell: (r) => (r[0].startsWith('Signing') ? mono(r[1]) : r[1]) },
      ],
      '',
    ),
    { text: 'At a glance', style: 'h2' },
    tiles([
      { value: count(m.inventory.length), label: 'tenants' },
      { value: count(m.lifecycle.versions.length), label: 'key versions' },
      { value: count(m.activity.kms_calls), label: 'KMS calls' },
      { value: count(m.activity.audit_entries), label: 'audit entries' },
    ]),
    {
      table: { widths: [10, '*'], body: findings(m).map((f) => [{ text: '●', color: dot[f.tone], fontSize: 8 }, { text: f.text, fontSize: 9, color: COLORS.ink }]) },
      layout: 'noBorders',
      margin: [0, 0, 0, 10],
    },
    // pdfmake fills the page numbers in from the section heads (tocItem) once laid out.
    { toc: { title: { text: 'Contents', style: 'h2' }, textMargin: [0, 1, 0, 1] } },
  ];
}

/** The closing page: management's assertion over exactly this package, to be signed. */
function signOff(num: number, m: ReportModel, ctx: PdfContext): Node[] {
  const s = m.scope;
  const scope = s.tenant ? `tenant ${s.tenant}` : `all tenants (${s.tenants_in_scope.length}): ${s.tenants_in_scope.join(', ') || 'none'}`;
  const line = (label: string): Node => ({
    table: { widths: [90, '*'], body: [[{ text: label, color: COLORS.muted, fontSize: 8.5, margin: [0, 18, 0, 0] }, { text: ' ', border: [false, false, false, true] }]] },
    layout: { hLineWidth: (i: number) => (i === 1 ? 0.8 : 0), vLineWidth: () => 0, hLineColor: () => COLORS.ink },
    margin: [0, 0, 0, 4],
  });
  return [
    sectionHead(num, 'Management assertion and sign-off', [], 'Who produced this package, when, and over what; to be signed by the person responsible for the key-custody controls it evidences.', { pageBreak: true }),
    table(
      [
        ['Exported by', s.exported_by],
        ['Exported at', `${when(s.generated_at)} UTC`],
        ['Scope', scope],
        ['Period', `${s.period.description}${s.period.not_ended ? `; figures run to ${when(s.period.as_of)} UTC` : ''}`],
        ['Installation', `${s.installation.log_origin}, signing key ${s.installation.key_fingerprint.slice(0, 23)}…`],
        ['Product', s.product],
      ] as [string, string][],
      [
        { header: 'Package', width: 90, cell: (r) => ({ text: r[0], color: COLORS.muted }) },
        { header: '', width: '*', cell: (r) => breakable(r[1]) },
      ],
      '',
    ),
    {
      text: `Management asserts that, for the period and scope above, the encryption keys of the tenants in scope were held and used as this package records; that the figures were produced by ${s.product} from its own database at the time of export, without alteration; and that the package's files are those listed in its signed manifest (verify with the steps in section ${num - 1}). Exceptions and incomplete evidence stated in this package are part of this assertion.`,
      style: 'lead',
      margin: [0, 6, 0, 10],
    },
    line('Name'),
    line('Title'),
    line('Signature'),
    line('Date'),
    { text: `Signing key fingerprint (SHA-256): ${ctx.fingerprint}`, style: 'small', margin: [0, 14, 0, 0] },
  ];
}

function howToVerify(num: number, ctx: PdfContext): Node[] {
  return [
    sectionHead(num, 'How to verify this package', [], 'Nothing here needs the Keywarden database or network access. The verifier recomputes every hash and checks every signature and proof.', { pageBreak: true }),
    { text: 'With Keywarden installed (any machine):', fontSize: 9, margin: [0, 0, 0, 3] },
    { text: 'keywarden report verify <package folder or .zip> --public-key installation.pub', style: 'mono', fontSize: 8.5, background: COLORS.track, margin: [0, 0, 0, 8] },
    {
      ol: [
        'manifest.json lists every file with its SHA-256. Each file must hash to its listed value; no file may be missing or added.',
        'The manifest is signed (Ed25519) over a domain line and its canonical JSON. Compare the fingerprint below with the one the entity gives you out of band; pass their public key with --public-key to pin it.',
        'audit/checkpoint.txt is a signed checkpoint (C2SP tlog-checkpoint, signed-note format) of the audit log at export: its size and Merkle root.',
        'audit/inclusion-proofs.json holds an RFC 9162 inclusion proof for every audit entry this report cites, with the entry itself: each must hash into the checkpoint’s root.',
        'audit/witnesses.json (when the installation has checkpoint witnesses) lists the checkpoints the customer’s own cloud log recorded, each with its provider event id and an RFC 9162 consistency proof to the checkpoint above; look each event id up in the provider’s console.',
      ],
      fontSize: 8.5,
      color: COLORS.body,
      margin: [0, 0, 0, 10],
      lineHeight: 1.25,
    },
    table(
      [
        ['Verifier key', ctx.verifierKey],
        ['Key fingerprint (SHA-256)', ctx.fingerprint],
      ] as [string, string][],
      [
        { header: 'Signing key', width: 110, cell: (r) => ({ text: r[0], color: COLORS.muted }) },
        { header: '', width: '*', cell: (r) => mono(r[1]) },
      ],
      '',
    ),
    callout('neutral', 'Files in this package', 'report.pdf (this document) · report.json (every section and every row, machine-readable) · csv/*.csv (one file per table) · audit/checkpoint.txt · audit/inclusion-proofs.json · audit/witnesses.json (with witnesses) · manifest.json.'),
  ];
}

/** A running header or footer line: text left, text right, small and grey. */
function running(left: string, right: string, top: number): Node {
  return {
    table: { widths: ['*', 'auto'], body: [[{ text: left }, { text: right, alignment: 'right' }]] },
    layout: 'noBorders',
    fontSize: 7,
    color: COLORS.muted,
    margin: [48, top, 48, 0],
  };
}

export function buildDocument(m: ReportModel, ctx: PdfContext): object {
  const n = assuranceNumbers();
  const period = m.scope.period.description;
  return {
    pageSize: 'A4',
    pageMargins: [48, 54, 48, 50],
    info: { title: `SOC 2 evidence package — ${period}`, author: m.scope.product, subject: 'Key custody evidence', creator: m.scope.product, producer: m.scope.product },
    defaultStyle: { font: 'Roboto', fontSize: 9, color: COLORS.ink },
    styles: STYLES,
    // Two-cell rows rather than `columns`: pdfmake lays columns out far more slowly in
    // headers and footers, which it measures once per page.
    header: (page: number) => (page === 1 ? { text: '' } : running(`Keywarden · SOC 2 evidence package`, `${m.scope.tenant ? `${m.scope.tenant} · ` : ''}${period}`, 24)),
    footer: (page: number, pages: number) => running('Manifest-signed package · verify with: keywarden report verify', `Page ${page} of ${pages}`, 18),
    content: [
      ...cover(m),
      ...inventorySection(m, n.inventory),
      ...lifecycleSection(m, n.lifecycle),
      ...revocationsSection(m, n.revocations),
      ...sealSection(m, n.seal),
      ...crossCheckSection(m, n.cross_check),
      ...accessReviewSection(m, n.access_review),
      ...auditSection(m, n.audit, ctx.fingerprint),
      ...mappingSection(m, n.mapping, { scope: 1, inventory: n.inventory, lifecycle: n.lifecycle, revocations: n.revocations, seal: n.seal, cross_check: n.cross_check, access_review: n.access_review, audit: n.audit }),
      ...howToVerify(n.verify, ctx),
      ...signOff(n.sign_off, m, ctx),
    ],
  };
}
