/** The PDF's sections, one function each, in the order the document reads. */
import { entrySummary } from '../entry-summary';
import type { ReportModel } from '../model';
import type { CitedEntry } from '../sources/source';
import { badge, breakable, callout, count, keepTogether, mono, note, sectionHead, subhead, table, tiles, when, type Node } from './blocks';
import { progressBar, timelineChart, type Lane } from './charts';
import { COLORS } from './theme';

const WIDTH = 499;
const criteriaOf = (m: ReportModel, id: string) => m.soc2_mapping.find((r) => r.section === id)?.criteria ?? [];

export function inventorySection(m: ReportModel, num: number): Node[] {
  const customer = m.inventory.filter((r) => r.customer_controlled).length;
  return [
    sectionHead(num, 'Key inventory and custody', criteriaOf(m, 'inventory'), 'Each tenant’s master keys are stored only wrapped. This is who holds the wrapping key, how it wraps, and whether the customer controls it (the customer can then revoke access at any time).', { pageBreak: true }),
    tiles([
      { value: count(m.inventory.length), label: 'tenants in scope' },
      { value: count(customer), label: 'on a customer-controlled key', tone: 'good' },
      { value: count(m.inventory.length - customer), label: 'on installation or platform keys', tone: m.inventory.length - customer > 0 ? 'warn' : 'neutral' },
      { value: count(m.inventory.filter((r) => r.sealed_since).length), label: 'sealed at export', tone: m.inventory.some((r) => r.sealed_since) ? 'bad' : 'neutral' },
    ]),
    table(
      m.inventory,
      [
        { header: 'Tenant', width: 62, cell: (r) => ({ text: r.tenant, bold: true }) },
        { header: 'Custodian of the wrapping key', width: '*', cell: (r) => r.custodian },
        { header: 'Wrap method', width: 62, cell: (r) => r.wrap_method },
        { header: 'Key (suffix)', width: 74, cell: (r) => mono(r.key_ref_suffix) },
        { header: 'Customer', width: 44, cell: (r) => badge(r.customer_controlled ? 'yes' : 'no', r.customer_controlled ? 'good' : 'warn') },
        { header: 'Active', width: 30, align: 'right', cell: (r) => (r.active_version === null ? '—' : `v${r.active_version}`) },
        { header: 'State', width: 44, cell: (r) => (r.sealed_since ? badge(r.sealed_permanently ? 'sealed (perm.)' : 'sealed', 'bad') : badge('open', 'good')) },
      ],
      'No tenant existed during this period.',
    ),
  ];
}

const STATUS_COLOR: Record<string, string> = { active: COLORS.good, retired: COLORS.retired, revoked: COLORS.bad };

/** How the lifecycle table names an entry: the same plain summary the window shows. */
export function actionLabel(e: CitedEntry): string {
  return entrySummary(e.action, e.payload);
}

export function lifecycleSection(m: ReportModel, num: number): Node[] {
  const lc = m.lifecycle;
  // Active until retired, retired (grey) until revoked, a red tick at the revocation.
  const lanes: Lane[] = lc.versions.map((v) => {
    const end = v.revoked_at ?? null;
    const segments = v.retired_at
      ? [
          { start: v.created_at, end: v.retired_at, color: COLORS.good },
          { start: v.retired_at, end, color: COLORS.retired },
        ]
      : [{ start: v.created_at, end, color: v.status === 'revoked' ? COLORS.good : STATUS_COLOR[v.status] ?? COLORS.brand }];
    return {
      label: `${v.tenant} v${v.version}`,
      segments,
      marker: v.revoked_at ? { at: v.revoked_at, color: COLORS.bad } : null,
      note: v.revoked_at ? `revoked ${v.revoked_at.slice(0, 10)}` : v.retired_at ? `retired ${v.retired_at.slice(0, 10)}` : '',
    };
  });
  const behind = Object.entries(lc.records_behind).filter(([, n]) => n > 0);
  const rotations = lc.rotations.filter((e) => e.action === 'byok.kms.rotate' || e.action === 'tenant-kms.rotated').length;
  const finished = lc.rewrap_jobs.filter((j) => j.state === 'done').length;
  return [
    sectionHead(num, 'Key-version lifecycle', criteriaOf(m, 'lifecycle'), 'Every tenant master key version: when it became active, when it was retired or revoked, and whether the rewrap after each rotation moved all records to the new version.', { pageBreak: true }),
    behind.length === 0
      ? callout('good', 'Rotations complete', `No record remains under a retired key version (${count(rotations)} rotation${rotations === 1 ? '' : 's'} in the period; ${count(finished)} of ${count(lc.rewrap_jobs.length)} rewrap job${lc.rewrap_jobs.length === 1 ? '' : 's'} finished).`)
      : callout('warn', 'Rewrap incomplete', `Records still under a retired version: ${behind.map(([t, n]) => `${t} ${count(n)}`).join(', ')}. They stay readable; they move when the rewrap job finishes.`),
    subhead('Versions in service over the period'),
    lanes.length > 0 ? { svg: timelineChart(lanes, { from: m.scope.period.from, to: m.scope.period.as_of }, WIDTH), width: WIDTH, margin: [0, 0, 0, 4] } : note('No key version existed in this period.'),
    lanes.length > 0 ? { text: [{ text: '■ ', color: COLORS.good }, 'active   ', { text: '■ ', color: COLORS.retired }, 'retired (still unwraps old data)   ', { text: '▌ ', color: COLORS.bad }, 'revoked (material destroyed)'], style: 'small', margin: [0, 0, 0, 6] } : '',
    table(
      lc.versions,
      [
        { header: 'Tenant', width: 60, cell: (v) => ({ text: v.tenant, bold: true }) },
        { header: 'Version', width: 38, cell: (v) => `v${v.version}` },
        { header: 'Status', width: 46, cell: (v) => badge(v.status, v.status === 'active' ? 'good' : v.status === 'revoked' ? 'bad' : 'neutral') },
        { header: 'Wrap', width: 62, cell: (v) => `${v.wrap_method}${v.provider !== v.wrap_method ? ` / ${v.provider}` : ''}` },
        { header: 'Created', width: '*', cell: (v) => when(v.created_at) },
        { header: 'Retired / revoked', width: '*', cell: (v) => when(v.revoked_at ?? v.retired_at) },
        { header: 'Records now', width: 48, align: 'right', cell: (v) => count(v.records_now) },
      ],
      'No key version.',
    ),
    subhead('Rotations and key changes in the period'),
    table(
      lc.rotations,
      [
        { header: 'Entry', width: 36, cell: (e) => `#${e.seq}` },
        { header: 'When (UTC)', width: 80, cell: (e) => when(e.at) },
        { header: 'Tenant', width: 56, cell: (e) => e.tenant ?? '—' },
        { header: 'What', width: '*', cell: actionLabel },
        { header: 'By', width: 96, cell: (e) => breakable(e.actor) },
      ],
      'No rotation or key change in this period.',
    ),
    subhead('Rewrap jobs'),
    table(
      lc.rewrap_jobs,
      [
        { header: 'Job', width: 28, cell: (j) => `#${j.lease_id}` },
        { header: 'Tenant', width: 56, cell: (j) => j.tenant },
        { header: 'Target', width: 34, cell: (j) => `v${j.target_version}` },
        { header: 'State', width: 50, cell: (j) => badge(j.state, j.state === 'done' ? 'good' : j.state === 'failed' || j.state === 'expired' ? 'bad' : 'neutral') },
        { header: 'Progress', width: 78, cell: (j) => ({ svg: progressBar(j.percent, 70, j.state === 'done' ? COLORS.good : COLORS.brand), width: 70, margin: [0, 2, 0, 0] }) },
        { header: 'Rows', width: '*', align: 'right', cell: (j) => `${count(j.processed + j.skipped)} / ${count(j.total)}${j.failed ? ` (${count(j.failed)} failed)` : ''}` },
        { header: 'Finished', width: 80, cell: (j) => when(j.finished_at) },
      ],
      'No rewrap job ran in this period.',
    ),
  ];
}

export function revocationsSection(m: ReportModel, num: number): Node[] {
  const lost = m.revocations.reduce((a, r) => a + r.records_made_unreadable, 0);
  return [
    keepTogether(
      sectionHead(num, 'Revocations', criteriaOf(m, 'revocations'), 'Revoking a master key version destroys its wrapped material (cryptographic erasure). Data under it can never be read again. Each revocation needs the tenant name typed and a fresh passphrase step-up.'),
      m.revocations.length === 0
      ? callout('neutral', 'No revocation in this period', 'No master key version was destroyed, so no data became unreadable.')
      : callout(lost > 0 ? 'warn' : 'good', `${count(m.revocations.length)} revocation${m.revocations.length === 1 ? '' : 's'}`, lost > 0 ? `${count(lost)} record${lost === 1 ? '' : 's'} became permanently unreadable, as listed below.` : 'No record was left under a revoked version: nothing became unreadable.'),
    ),
    table(
      m.revocations,
      [
        { header: 'Entry', width: 36, cell: (r) => `#${r.seq}` },
        { header: 'When (UTC)', width: 80, cell: (r) => when(r.at) },
        { header: 'Tenant', width: 60, cell: (r) => ({ text: r.tenant, bold: true }) },
        { header: 'Version', width: 40, cell: (r) => `v${r.version}` },
        { header: 'Made unreadable', width: 64, align: 'right', cell: (r) => ({ text: `${count(r.records_made_unreadable)} records`, color: r.records_made_unreadable > 0 ? COLORS.bad : COLORS.ink }) },
        { header: 'Notes', width: '*', cell: (r) => [r.was_active ? 'was active: tenant sealed permanently' : '', r.forced ? 'forced' : ''].filter(Boolean).join('; ') || '—' },
        { header: 'By', width: 90, cell: (r) => breakable(r.actor) },
      ],
      '',
    ),
  ];
}
