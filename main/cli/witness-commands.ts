/**
 * CLI words for checkpoint witnesses: `witness add|list|remove|settings`, `audit witness`
 * and `audit verify --witnesses` (routed to audit.verifyWitnesses), with their human
 * renderings. Flags come from the contract's schemas.
 */
import fs from 'node:fs';
import type { WitnessListView, WitnessNowView, WitnessRunView, WitnessStatusView, WitnessVerificationView, WitnessView } from '../../core/api/witness-types';
import { invalidInput } from '../../core/errors';
import { WITNESS_STEP_UP_SCOPE } from '../../core/witness/service';
import type { CommandSpec } from './commands';
import { EXIT_FAILED, EXIT_OK } from './exit-codes';
import { renderAuditVerify } from './render-audit-verify';
import { count } from './text';
import { formatTime, type TimeOptions } from './time-format';

/** `--config-file FILE`: the witness's own provider config as a JSON object. */
function configFromFile(input: Record<string, unknown>, flags: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const file = flags['config-file'];
  if (file === undefined) return input;
  if (typeof file !== 'string') throw invalidInput('config', '--config-file FILE names a JSON file');
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file === '-' ? 0 : file, 'utf8'));
  } catch (e) {
    throw invalidInput('config', `cannot read ${file} as JSON (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw invalidInput('config', `${file} must hold a JSON object`);
  return { ...input, config: doc };
}

export const WITNESS_COMMANDS: CommandSpec[] = [
  { words: ['witness', 'list'], method: 'witness.list', help: 'Checkpoint witnesses: target, state, last run and last failure, the interval.' },
  {
    words: ['witness', 'add'],
    method: 'witness.add',
    stepUp: 'witness',
    stepUpScope: () => WITNESS_STEP_UP_SCOPE,
    extraFlags: { 'config-file': 'string' },
    hiddenFields: ['step_up_token', 'config'],
    prepare: configFromFile,
    help: 'Add a witness: --kind aws_kms --target-ref KEY_ARN (--tenant S to use its onboarded config | --config-file CONFIG.json) [--read-endpoint URL] (asks for the passphrase).',
  },
  { words: ['witness', 'remove'], method: 'witness.remove', stepUp: 'witness', stepUpScope: () => WITNESS_STEP_UP_SCOPE, hiddenFields: ['step_up_token'], help: 'Remove a witness: --id ID (asks for the passphrase; its past runs stay).' },
  {
    words: ['witness', 'settings'],
    method: 'witness.settings',
    stepUp: 'witness',
    stepUpScope: () => WITNESS_STEP_UP_SCOPE,
    stepUpWhen: (i) => i.interval_minutes !== undefined,
    hiddenFields: ['step_up_token'],
    help: 'Show the witness status, or set the interval: [--interval-minutes N] (default 15; asks for the passphrase to change it).',
  },
  { words: ['audit', 'witness'], method: 'audit.witness', exitCode: (v) => ((v as WitnessNowView).runs.some((r) => r.state === 'failed') ? EXIT_FAILED : EXIT_OK), help: 'Sign a checkpoint now and write it to every witness; exits 1 when a witness failed.' },
];

function runLine(r: WitnessRunView, t: TimeOptions): string {
  return r.state === 'ok'
    ? `ok      ${formatTime(r.finished_at, t)}  ${r.tree_size} entries  root ${r.root_hash.slice(0, 16)}…  call ${r.correlation_id ?? '-'}${r.provider_event_id ? `  event ${r.provider_event_id}` : ''}`
    : `FAILED  ${formatTime(r.finished_at, t)}  ${r.failure_reason}: ${r.failure_message}`;
}

function statusLine(s: WitnessStatusView): string {
  return `witnesses: ${s.state}: ${s.summary} (interval ${s.interval_minutes} min)`;
}

function renderWitness(w: WitnessView, t: TimeOptions): string[] {
  return [
    `${w.id}  ${w.kind}  ${w.label}`,
    `    target     ${w.target_ref}`,
    `    uses       ${w.tenant ? `tenant ${w.tenant}'s onboarded config and credentials` : `its own config ${JSON.stringify(w.config)}`}${w.read_endpoint ? `; reads back from ${w.read_endpoint}` : ''}`,
    `    needs      ${w.permission}`,
    `    last run   ${w.last_run ? runLine(w.last_run, t) : 'never'}`,
    ...(w.last_failure && w.last_failure.id !== w.last_run?.id ? [`    last fail  ${runLine(w.last_failure, t)}`] : []),
  ];
}

export function renderWitnessResult(method: string, value: unknown, t: TimeOptions): string | undefined {
  if (method === 'witness.list') {
    const v = value as WitnessListView;
    if (v.witnesses.length === 0) return `${statusLine(v.status)}\nno witness configured: keywarden witness add --kind aws_kms --target-ref KEY_ARN --tenant S`;
    return [statusLine(v.status), '', ...v.witnesses.flatMap((w) => [...renderWitness(w, t), ''])].join('\n').trimEnd();
  }
  if (method === 'witness.add') return ['witness added:', ...renderWitness(value as WitnessView, t), 'next: keywarden audit witness (writes a checkpoint to it now)'].join('\n');
  if (method === 'witness.remove') return `witness ${(value as { id: string }).id} removed (its past runs stay in the history)`;
  if (method === 'witness.settings') return statusLine(value as WitnessStatusView);
  if (method === 'audit.witness') {
    const v = value as WitnessNowView;
    if (!v.checkpoint) return `nothing witnessed: ${v.skipped ?? 'no witness'}`;
    return [`checkpoint ${v.checkpoint.tree_size} entries, root ${v.checkpoint.root_hash} (${v.checkpoint.origin})`, ...v.runs.map((r) => `${r.witness_id}  ${runLine(r, t)}`)].join('\n');
  }
  return undefined;
}

/** `audit verify --witnesses` for people: the log's own lines, then one line per witnessed checkpoint; exit 1 on any inconsistency. */
export function renderWitnessVerify(v: WitnessVerificationView, t: TimeOptions): { stdout: string; stderr: string; code: number } {
  const base = renderAuditVerify(v.log);
  let out = base.stdout;
  let err = base.stderr;
  const consistent = v.witnessed.filter((w) => w.verdict === 'consistent');
  const inconsistent = v.witnessed.filter((w) => w.verdict === 'inconsistent');
  if (v.witnessed.length === 0 && v.read_errors.length === 0) out += 'witnesses   no witnessed checkpoint found in the providers’ logs\n';
  for (const w of consistent) out += `ok    witness     ${w.kind} event ${w.provider_event_id} at ${formatTime(w.provider_time, t)}: ${w.tree_size} entries, root matches\n`;
  if (v.first_inconsistent) {
    const f = v.first_inconsistent;
    err +=
      `ALARM witness     the checkpoint ${f.kind} recorded at ${formatTime(f.provider_time, t)} (event ${f.provider_event_id}) no longer matches this log: ${f.reason}\n` +
      `first witnessed checkpoint that no longer matches: ${f.tree_size} entries, witnessed root ${f.root_hash}; look it up in the provider's console by that event id\n`;
    for (const w of inconsistent.slice(1)) err += `FAIL  witness     ${w.kind} event ${w.provider_event_id} at ${formatTime(w.provider_time, t)}: ${w.reason}\n`;
  }
  for (const u of v.untrusted) out += `warn  witness     untrusted ${u.state} record ${u.kind} event ${u.provider_event_id}: ${u.problem} (reported, not used)\n`;
  for (const u of v.unconfirmed) out += `${u.overdue ? 'warn' : 'wait'}  witness     ${u.kind} write of ${u.tree_size} entries at ${formatTime(u.finished_at, t)} ${u.overdue ? 'is still not in the provider’s log' : 'not in the provider’s log yet (delivery delay)'}\n`;
  for (const e of v.read_errors) out += `warn  witness     ${e.kind} ${e.witness_id} could not be read: ${e.message}\n`;
  const g = v.gap;
  out += `gap         ${g.last_witnessed_size === null ? 'no consistent witness yet' : `last witnessed ${formatTime(g.last_witnessed_at, t)} (${g.minutes_since ?? '?'} min ago) at ${g.last_witnessed_size} entries; ${count(g.entries_since, 'entry', 'entries')} since`}\n`;
  if (v.first_inconsistent) err += 'audit log REJECTED by its witnesses: the history was rewritten after the provider recorded it\n';
  else if (v.ok) out += `witnesses: ${count(consistent.length, 'witnessed checkpoint')} consistent with the log\n`;
  return { stdout: out, stderr: err, code: v.ok ? EXIT_OK : EXIT_FAILED };
}
