/** The monitoring half of the PDF: seal and drills, cross-check, activity, audit log, mapping. */
import type { ReportModel } from '../model';
import { periodDays } from '../period';
import { CRITERIA } from '../soc2';
import { badge, breakable, callout, count, duration, mono, note, sectionHead, simulatedText, subhead, table, tiles, when, type Node } from './blocks';
import { chartDays, dailyCallsChart, horizontalBars } from './charts';
import { COLORS } from './theme';

const WIDTH = 499;
/** A storm of exceptions would make a PDF nobody reads; past this the CSV and JSON have them all. */
export const PDF_EXCEPTION_ROWS = 5000;
const criteriaOf = (m: ReportModel, id: string) => m.soc2_mapping.find((r) => r.section === id)?.criteria ?? [];

export function sealSection(m: ReportModel, num: number): Node[] {
  const { episodes, events } = m.seal;
  const drills = m.drills.available ? m.drills.drills : [];
  const out: Node[] = [
    sectionHead(num, 'Seal, unseal and kill-switch drills', criteriaOf(m, 'seal'), 'When the customer’s KMS refuses to unwrap a tenant’s master key, the tenant seals: no new session is issued until access returns. A drill rehearses this on purpose and measures the time to seal against its bound (one master-key cache TTL).', { pageBreak: true }),
    subhead('Seal episodes in the period'),
    table(
      episodes,
      [
        { header: 'Tenant', width: 60, cell: (e) => ({ text: e.tenant, bold: true }) },
        { header: 'Sealed at', width: 82, cell: (e) => when(e.sealed_at) },
        { header: 'Reason', width: '*', cell: (e) => `${e.reason.replace(/_/g, ' ')}${e.permanent ? ' (permanent)' : ''}` },
        { header: 'Unsealed at', width: 82, cell: (e) => (e.unsealed_at ? when(e.unsealed_at) : e.permanent ? 'never (permanent)' : 'still sealed') },
        { header: 'Sealed for', width: 52, align: 'right', cell: (e) => duration(e.sealed_seconds) },
        { header: 'Entries', width: 56, cell: (e) => `#${e.sealed_seq}${e.unsealed_seq ? `, #${e.unsealed_seq}` : ''}` },
      ],
      events.length > 0 ? 'Only unseal events fell in this period (the seals happened before it).' : 'No tenant sealed or unsealed in this period.',
    ),
    subhead('Kill-switch drills'),
  ];
  if (!m.drills.available || drills.length === 0) {
    out.push(callout('warn', 'No kill-switch drill in this period', `${m.drills.available ? 'No drill has been run in this period.' : m.drills.note} The kill switch was not rehearsed, so its time to seal is not evidenced here.`));
    return out;
  }
  const withSeal = drills.filter((d) => d.time_to_seal_s !== null);
  const bound = Math.max(0, ...drills.map((d) => d.bound_s ?? 0));
  if (withSeal.length > 0) {
    out.push({ text: 'Time to seal against the bound', style: 'small', margin: [0, 0, 0, 3] });
    out.push({
      svg: horizontalBars(
        withSeal.map((d) => ({ label: `${d.tenant} · ${d.started_at.slice(0, 10)}`, value: d.time_to_seal_s ?? 0, color: d.within_bound === false ? COLORS.bad : COLORS.good })),
        WIDTH,
        { labelWidth: 130, format: duration, ...(bound > 0 ? { marker: { value: bound, label: `bound ${duration(bound)}` } } : {}) },
      ),
      width: WIDTH,
      margin: [0, 0, 0, 8],
    });
  }
  out.push(
    table(
      drills,
      [
        { header: 'Tenant', width: 54, cell: (d) => ({ text: d.tenant, bold: true }) },
        { header: 'Started', width: 76, cell: (d) => when(d.started_at) },
        { header: 'Fault', width: '*', cell: (d) => `${d.mode}: ${d.fault}${d.state === 'done' ? '' : ` (${d.state})`}` },
        { header: 'To seal', width: 44, align: 'right', cell: (d) => duration(d.time_to_seal_s) },
        { header: 'Bound', width: 40, align: 'right', cell: (d) => duration(d.bound_s) },
        { header: 'Refused', width: 38, align: 'right', cell: (d) => (d.sessions_refused === null ? '—' : count(d.sessions_refused)) },
        { header: 'To unseal', width: 44, align: 'right', cell: (d) => duration(d.time_to_unseal_s) },
        { header: 'Data intact', width: 54, cell: (d) => (d.records_failed === null ? '—' : badge(d.records_failed === 0 ? `${count(d.records_checked ?? 0)} ok` : `${count(d.records_failed)} failed`, d.records_failed === 0 ? 'good' : 'bad')) },
      ],
      '',
    ),
  );
  return out;
}

/** Each verdict class in plain words: the PDF is read by people who never saw the codes. */
export const CLASS_LABEL: Record<string, string> = {
  matched: 'Found in the provider’s log',
  matched_weak: 'Found by time only (no shared id)',
  principal_mismatch: 'Made by another identity',
  app_only_pending: 'Not yet in the provider’s log',
  app_only_missing: 'Missing from the provider’s log',
  provider_only: 'Key use the app did not make',
  foreign_correlation: 'Keywarden id this installation never used',
  failed_call: 'Failed call (nothing to match)',
  key_event: 'Key management event',
};
const CLASS_COLOR: Record<string, string> = { matched: COLORS.good, matched_weak: COLORS.warn, principal_mismatch: COLORS.warn, app_only_pending: COLORS.retired, app_only_missing: COLORS.warn, provider_only: COLORS.bad, foreign_correlation: COLORS.bad, failed_call: COLORS.retired, key_event: COLORS.brand };

/** Where the provider evidence came from (API or archives), per provider, and the archives' integrity (issue 18). */
function providerEvidence(m: ReportModel): Node[] {
  const pe = m.provider_evidence;
  if (!pe.available || pe.providers.length === 0) return [];
  const problems = pe.validations.reduce((n, v) => n + v.files_modified + v.files_missing + v.digests_invalid + v.chain_gaps, 0);
  return [
    subhead('Where the provider evidence came from'),
    table(
      pe.providers,
      [
        { header: 'Provider', width: 50, cell: (p) => p.provider },
        { header: 'Days', width: 36, cell: (p) => count(p.days) },
        { header: 'From the API', width: 60, cell: (p) => count(p.days_api) },
        { header: 'Archive, validated', width: 70, cell: (p) => count(p.days_archive_validated) },
        { header: 'Archive, not validated', width: 80, cell: (p) => count(p.days_archive_unvalidated) },
        { header: 'No evidence', width: '*', cell: (p) => (p.days_without > 0 ? badge(`${count(p.days_without)} day${p.days_without === 1 ? '' : 's'}`, 'warn') : '—') },
      ],
      'No provider evidence in this period.',
    ),
    pe.validations.length === 0
      ? note('No archive import with integrity validation covers this period.')
      : callout(
          problems > 0 ? 'bad' : 'good',
          problems > 0 ? 'Archive integrity: problems found' : 'Archive integrity: every checked file matched its signed digest',
          pe.validations
            .map(
              (v) =>
                `Import #${v.import_id} (${v.tenant}, ${v.location}, ${v.period_from.slice(0, 10)} to ${v.period_to.slice(0, 10)}): ${v.level === 'signed' ? 'signatures verified' : 'hashes only, signatures not checked (local copy without S3 metadata)'}; ${count(v.files_valid + v.files_hash_matches)} files matched, ${count(v.files_modified)} modified, ${count(v.files_missing)} missing, ${count(v.digests_invalid)} invalid digests, ${count(v.hours_without_digest)} hours without a digest, ${count(v.chain_gaps)} chain gaps.`,
            )
            .join(' ') + ' The full validation summary, with object keys, is evidence/archive-validation.json.',
        ),
  ];
}

export function crossCheckSection(m: ReportModel, num: number): Node[] {
  const cc = m.cross_check;
  const head = sectionHead(num, 'Evidence cross-check', criteriaOf(m, 'cross_check'), 'Every KMS call the engine makes carries a correlation id that the cloud provider’s own audit log records. The cross-check reconciles the two: key use the app did not make (seen only in the provider’s log) is the alarm; a call missing from the provider’s log is a logging gap.', { pageBreak: true });
  const coverage = callout('warn', `Incomplete: the cross-check ${cc.coverage.text}`, 'Only the covered days are reconciled with the provider’s log; key use on the other days is neither confirmed nor ruled out. Run a cross-check over the whole period for complete evidence.');
  if (!cc.available) return [head, callout('warn', 'No cross-check over this period', cc.note), coverage, ...providerEvidence(m)];
  const providerOnly = cc.exceptions.filter((e) => e.class === 'provider_only' || e.class === 'foreign_correlation').length;
  const missing = cc.exceptions.filter((e) => e.class === 'app_only_missing').length;
  const classes = Object.keys(CLASS_LABEL).filter((k) => (cc.counts[k] ?? 0) > 0);
  return [
    head,
    providerOnly > 0
      ? callout('bad', `${count(providerOnly)} key use${providerOnly === 1 ? '' : 's'} the engine did not make`, 'The provider logged use of the tenant’s key with no matching engine call. Each is listed below for investigation.')
      : callout(missing > 0 ? 'warn' : 'good', providerOnly === 0 && missing === 0 ? 'Every event reconciled' : `${count(missing)} call${missing === 1 ? '' : 's'} missing from the provider’s log`, missing > 0 ? 'No key use without a matching engine call; some engine calls never appeared in the provider’s log (listed below).' : 'No key use without a matching engine call, and every engine call appears in the provider’s log.'),
    ...(cc.coverage.complete ? [] : [coverage]),
    ...providerEvidence(m),
    { text: `Runs used: ${cc.runs.map((r) => `#${r.id} at ${when(r.at)} (${r.tenant ?? 'all tenants'}, ${r.period_from.slice(0, 10)} to ${r.period_to.slice(0, 10)})`).join('; ')}`, style: 'small', margin: [0, 0, 0, 6] },
    classes.length > 0 ? { svg: horizontalBars(classes.map((k) => ({ label: CLASS_LABEL[k]!, value: cc.counts[k] ?? 0, color: CLASS_COLOR[k] ?? COLORS.brand })), WIDTH, { labelWidth: 160 }), width: WIDTH, margin: [0, 0, 0, 8] } : note('The runs classified no event in this period.'),
    subhead('Every exception, and why'),
    ...(cc.exceptions.length > PDF_EXCEPTION_ROWS
      ? [note(`The first ${count(PDF_EXCEPTION_ROWS)} of ${count(cc.exceptions.length)} are listed here; all of them are in csv/cross_check_exceptions.csv and report.json.`)]
      : []),
    table(
      cc.exceptions.slice(0, PDF_EXCEPTION_ROWS),
      [
        { header: 'Verdict', width: 70, cell: (e) => badge(CLASS_LABEL[e.class] ?? e.class, e.class === 'provider_only' || e.class === 'foreign_correlation' ? 'bad' : 'warn') },
        { header: 'When (UTC)', width: 74, cell: (e) => when(e.at) },
        { header: 'Tenant', width: 42, cell: (e) => e.tenant },
        { header: 'Operation', width: 58, cell: (e) => `${e.provider} ${e.operation}` },
        { header: 'Principal, and why', width: '*', cell: (e) => ({ stack: [breakable(e.principal ?? '—'), { text: e.explanation, style: 'small', margin: [0, 2, 0, 0] }] }) },
        { header: 'Reference', width: 84, cell: (e) => mono(e.reference) },
      ],
      'None: no unexplained key use, no call missing from the provider’s log, no mismatch and no match by time only in this period.',
    ),
  ];
}

export function activitySection(m: ReportModel, num: number): Node[] {
  const a = m.activity;
  const p = m.scope.period;
  const days = chartDays(periodDays(p), a.kms_by_day, new Date(Date.parse(p.as_of) - 1).toISOString().slice(0, 10));
  const zoomed = days.length > 0 && days[0] !== p.from.slice(0, 10) ? ` from ${days[0]}, the first day with a call,` : '';
  const to = p.not_ended ? ` to the export (${days[days.length - 1] ?? p.as_of.slice(0, 10)}; the period had not ended)` : '';
  return [
    subhead(`${num}.1  KMS activity over the period`),
    tiles([
      { value: count(a.kms_calls), label: 'KMS calls by the engine' },
      { value: count(a.kms_calls_failed), label: 'failed calls (real)', tone: a.kms_calls_failed > 0 ? 'warn' : 'good' },
      ...(a.kms_calls_simulated > 0 ? [{ value: count(a.kms_calls_simulated), label: 'simulated failures (drills)', tone: 'neutral' as const }] : []),
      { value: count(a.audit_entries), label: 'audit entries in the period' },
    ]),
    ...(a.kms_calls_simulated > 0
      ? [note(`${simulatedText(a.simulated_by_drill)}. These failures were injected by drill fault injection (csv/kms_calls.csv names the drill in drill_id); they are not counted as failed calls.`)]
      : []),
    a.kms_calls > 0
      ? {
          stack: [
            { svg: dailyCallsChart(days, a.kms_by_day, WIDTH, 120), width: WIDTH },
            {
              text: [
                { text: '■ ', color: COLORS.brand },
                'succeeded   ',
                { text: '■ ', color: COLORS.bad },
                'failed   ',
                ...(a.kms_calls_simulated > 0 ? [{ text: '■ ', color: COLORS.simulated }, 'simulated by a drill   '] : []),
                `(calls per UTC day${zoomed}${to}; every call is listed in csv/kms_calls.csv)`,
              ],
              style: 'small',
              margin: [0, 2, 0, 6],
            },
          ],
          unbreakable: true,
        }
      : note('The engine made no KMS call in this period.'),
  ];
}

export function auditSection(m: ReportModel, num: number, fingerprint: string): Node[] {
  const av = m.audit_verification;
  const chain = av.chain;
  return [
    sectionHead(num, 'Audit-log verification', criteriaOf(m, 'audit'), 'The audit log is append-only and tamper-evident: each entry’s hash covers the one before it, and the log is a Merkle tree (RFC 9162) whose signed checkpoint lets anyone prove an entry is in it without the database.', { pageBreak: true }),
    chain.ok
      ? callout(
          'good',
          'Audit log intact',
          `All ${count(chain.entries)} entries re-hashed at export: every link of the hash chain checks out${chain.checkpoints_checked ? `, and the Merkle tree matches all ${count(chain.checkpoints_checked)} signed checkpoints` : ''}.`,
        )
      : callout('bad', `Hash chain broken at entry #${chain.first_bad_seq}`, `${chain.reason}. ${count(chain.entries)} entries before it verified.`),
    table(
      [
        ['Checkpoint tree size', count(av.checkpoint.tree_size)],
        ['Root hash (base64)', av.checkpoint.root_hash],
        ['Log origin / key name', av.checkpoint.origin],
        ['Signing key fingerprint (SHA-256)', fingerprint],
        ['Entries cited by this report', `${count(av.cited_entries)} (each with an inclusion proof in audit/inclusion-proofs.json)`],
      ] as [string, string][],
      [
        { header: 'Item', width: 150, cell: (r) => ({ text: r[0], color: COLORS.muted }) },
        { header: 'Value', width: '*', cell: (r) => (r[0].startsWith('Root') || r[0].startsWith('Signing') ? mono(r[1]) : r[1]) },
      ],
      '',
    ),
    ...witnessBlock(av.witnesses),
    ...activitySection(m, num),
  ];
}

/** The one paragraph an auditor follows to check the log against their own cloud console, and the event ids to look up. */
function witnessBlock(w: ReportModel['audit_verification']['witnesses']): Node[] {
  if (!w || w.configured === 0) {
    return [callout('warn', 'No checkpoint witness', 'This installation records no checkpoint in a log outside its own machine, so the history above rests on its own signatures: someone with its data folder and signing key could have rewritten it. Adding a witness (keywarden witness add) makes that detectable.')];
  }
  const how =
    'Each witness writes the log’s checkpoint (its origin, size and Merkle root) into a log the customer’s cloud account keeps and this installation cannot rewrite: for AWS, a KMS Encrypt whose encryption context holds the three values, which CloudTrail records with its own event id and time. audit/witnesses.json gives, for each witnessed checkpoint below, a consistency proof that this package’s checkpoint extends it; keywarden report verify checks those proofs offline. To finish the check, open the provider’s console yourself (CloudTrail Event history, filter by Event ID), find each event id and compare its keywarden:size and keywarden:root with the row below: equal values prove the log had exactly this history when the provider recorded it.';
  const tone = w.inconsistent > 0 ? 'bad' : w.witnessed.length > 0 ? 'good' : 'warn';
  const title =
    w.inconsistent > 0
      ? `${count(w.inconsistent)} witnessed checkpoint${w.inconsistent === 1 ? '' : 's'} no longer match the log: history was rewritten`
      : w.witnessed.length > 0
        ? `${count(w.witnessed.length)} checkpoint${w.witnessed.length === 1 ? '' : 's'} witnessed in the customer’s own cloud log`
        : 'No witnessed checkpoint delivered yet';
  const extra = [
    w.writes_at_export ? `${count(w.writes_at_export)} witness write${w.writes_at_export === 1 ? '' : 's'} made at export${w.writes_failed ? ` (${count(w.writes_failed)} failed)` : ''}; the provider shows them after its delivery delay.` : '',
    w.untrusted_records ? `${count(w.untrusted_records)} malformed or other-log record${w.untrusted_records === 1 ? ' was' : 's were'} found and not trusted.` : '',
    w.read_errors.length ? `Not read: ${w.read_errors.join('; ')}.` : '',
  ].filter(Boolean);
  return [
    subhead('Checkpoints witnessed outside this machine'),
    { text: how, fontSize: 8.5, color: COLORS.body, margin: [0, 0, 0, 6], lineHeight: 1.25 },
    callout(tone, title, extra.join(' ') || 'Every witnessed checkpoint is consistent with this package’s checkpoint.'),
    ...(w.witnessed.length > 0
      ? [
          table(
            w.witnessed,
            [
              { header: 'Provider', width: 60, cell: (r) => r.kind },
              { header: 'Event id (look it up in the console)', width: '*', cell: (r) => mono(r.provider_event_id) },
              { header: 'Recorded at (UTC)', width: 110, cell: (r) => r.provider_time ?? '-' },
              { header: 'Entries', width: 50, cell: (r) => count(r.tree_size) },
            ],
            '',
          ),
        ]
      : []),
  ];
}

export function mappingSection(m: ReportModel, num: number, sectionNumbers: Record<string, number>): Node[] {
  return [
    sectionHead(num, 'Mapping to SOC 2 criteria', ['TSC 2017'], 'Which Trust Services Criteria each section gives evidence for. Criteria texts are abridged.', { pageBreak: true }),
    table(
      Object.entries(CRITERIA),
      [
        { header: 'Criterion', width: 50, cell: ([c]) => ({ text: c, bold: true, color: COLORS.brand }) },
        { header: 'What it asks', width: '*', cell: ([, t]) => t },
        { header: 'Sections', width: 70, cell: ([c]) => m.soc2_mapping.filter((r) => (r.criteria as string[]).includes(c)).map((r) => `§${sectionNumbers[r.section] ?? '?'}`).join(', ') },
      ],
      '',
    ),
    table(
      [...m.soc2_mapping],
      [
        { header: 'Section', width: 130, cell: (r) => ({ text: `§${sectionNumbers[r.section] ?? '?'}  ${r.title}`, bold: true }) },
        { header: 'Criteria', width: 60, cell: (r) => ({ text: r.criteria.join(', '), color: COLORS.brand }) },
        { header: 'Evidence given', width: '*', cell: (r) => r.evidence },
      ],
      '',
    ),
  ];
}
