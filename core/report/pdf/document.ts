/**
 * The PDF for people: a cover with the scope and period and the findings at a glance,
 * then one section per control area, the SOC 2 mapping, and how to verify the package.
 * Built from the same model as the JSON and CSV.
 */
import type { ReportModel } from '../model';
import { accessReviewSection } from './access-section';
import { assuranceNumbers } from './numbering';
import { auditSection, crossCheckSection, mappingSection, sealSection } from './assurance-sections';
import { callout, count, mono, sectionHead, table, tiles, type Node } from './blocks';
import { inventorySection, lifecycleSection, revocationsSection } from './sections';
import { COLORS, STYLES } from './theme';

export interface PdfContext {
  fingerprint: string;
  verifierKey: string;
}

function findings(m: ReportModel): { tone: 'good' | 'bad' | 'warn'; text: string }[] {
  const out: { tone: 'good' | 'bad' | 'warn'; text: string }[] = [];
  out.push(m.audit_verification.chain.ok ? { tone: 'good', text: `Audit log intact: ${count(m.audit_verification.chain.entries)} entries verified.` } : { tone: 'bad', text: `Audit log broken at entry #${m.audit_verification.chain.first_bad_seq}.` });
  const behind = Object.values(m.lifecycle.records_behind).reduce((a, b) => a + b, 0);
  out.push(behind === 0 ? { tone: 'good', text: 'Every rotation’s rewrap complete: no record under a retired key.' } : { tone: 'warn', text: `${count(behind)} records still under a retired key version (rewrap pending).` });
  const lost = m.revocations.reduce((a, r) => a + r.records_made_unreadable, 0);
  out.push(m.revocations.length === 0 ? { tone: 'good', text: 'No key version revoked.' } : { tone: lost > 0 ? 'warn' : 'good', text: `${count(m.revocations.length)} key version(s) revoked; ${count(lost)} records made unreadable.` });
  if (!m.cross_check.available) out.push({ tone: 'warn', text: 'No evidence cross-check covers this period.' });
  else {
    const po = m.cross_check.exceptions.filter((e) => e.class === 'provider_only').length;
    const miss = m.cross_check.exceptions.length - po;
    out.push(po > 0 ? { tone: 'bad', text: `${count(po)} key use(s) seen only in the provider’s log.` } : miss > 0 ? { tone: 'warn', text: `${count(miss)} engine call(s) missing from the provider’s log.` } : { tone: 'good', text: 'Cross-check: every event reconciled with the provider’s log.' });
  }
  if (m.drills.available && m.drills.drills.length > 0) {
    const late = m.drills.drills.filter((d) => d.within_bound === false).length;
    out.push(late > 0 ? { tone: 'bad', text: `${late} drill(s) sealed later than the bound.` } : { tone: 'good', text: `${m.drills.drills.length} drill(s): every tenant sealed within the bound.` });
  } else out.push({ tone: 'warn', text: 'No kill-switch drill in this period.' });
  return out;
}

function cover(m: ReportModel, ctx: PdfContext, toc: [number, string][]): Node[] {
  const s = m.scope;
  const dot = { good: COLORS.good, bad: COLORS.bad, warn: COLORS.warn } as const;
  return [
    { text: 'SOC 2 EVIDENCE PACKAGE', fontSize: 8, bold: true, color: COLORS.brand, characterSpacing: 1.2, margin: [0, 6, 0, 4] },
    { text: 'Key custody and encryption-key lifecycle', fontSize: 22, bold: true, color: COLORS.ink },
    { text: s.period.description, fontSize: 11, color: COLORS.body, margin: [0, 4, 0, 16] },
    sectionHead(1, 'Scope and period', ['CC6.1', 'CC6.7', 'CC7.2'], 'What this package covers. All times are UTC. Figures come from the Keywarden installation’s own database at the time of export; the manifest and the audit checkpoint are signed with the installation’s Ed25519 key.'),
    table(
      [
        ['Period', `${s.period.from}  to  ${s.period.to} (end exclusive)`],
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
    { text: 'Contents', style: 'h2' },
    {
      table: { widths: [18, '*'], body: toc.map(([n, t]) => [{ text: String(n), color: COLORS.brand, bold: true, fontSize: 9 }, { text: t, fontSize: 9, linkToDestination: `section-${n}` }]) },
      layout: 'noBorders',
    },
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
    callout('neutral', 'Files in this package', 'report.pdf (this document) · report.json (every section and every row, machine-readable) · csv/*.csv (one file per table) · audit/checkpoint.txt · audit/inclusion-proofs.json · manifest.json.'),
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
  const toc: [number, string][] = [
    [1, 'Scope and period'],
    [n.inventory, 'Key inventory and custody'],
    [n.lifecycle, 'Key-version lifecycle'],
    [n.revocations, 'Revocations'],
    [n.seal, 'Seal, unseal and kill-switch drills'],
    [n.cross_check, 'Evidence cross-check'],
    [n.access_review, 'Key access review'],
    [n.audit, 'Audit-log verification and KMS activity'],
    [n.mapping, 'Mapping to SOC 2 criteria'],
    [n.verify, 'How to verify this package'],
  ];
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
      ...cover(m, ctx, toc),
      ...inventorySection(m, n.inventory),
      ...lifecycleSection(m, n.lifecycle),
      ...revocationsSection(m, n.revocations),
      ...sealSection(m, n.seal),
      ...crossCheckSection(m, n.cross_check),
      ...accessReviewSection(m, n.access_review),
      ...auditSection(m, n.audit, ctx.fingerprint),
      ...mappingSection(m, n.mapping, { scope: 1, inventory: n.inventory, lifecycle: n.lifecycle, revocations: n.revocations, seal: n.seal, cross_check: n.cross_check, access_review: n.access_review, audit: n.audit }),
      ...howToVerify(n.verify, ctx),
    ],
  };
}
