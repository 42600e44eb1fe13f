/**
 * CLI commands: words → one contract method, plus what the CLI adds around it (a
 * passphrase for step-up, a config file for onboarding). Flags come from the method's
 * input schema (flags.ts), so a new contract field is a new flag with no edit here.
 */
import fs from 'node:fs';
import { contract, type MethodName } from '../../core/api/contract';
import { namesEndpoint } from '../../core/api/step-up-scope';
import type { StepUpPurpose } from '../../core/engine/step-up';
import { invalidInput } from '../../core/errors';
import { SERVE_HELP } from '../web-host/serve-command';
import { ACCESS_COMMANDS } from './access-commands';
import { WITNESS_COMMANDS } from './witness-commands';
import { BACKUP_COMMANDS } from './backup-commands';
import { SEAL_COMMANDS } from './seal-commands';
import { EVIDENCE_COMMANDS } from './evidence-commands';
import { IMPORT_COMMANDS } from './import-commands';
import { REPORT_COMMANDS } from './report-commands';
import { VERIFY_PROOF_HELP } from './verify-proof-command';
import { WATCH_HELP } from './watch-command';

export interface CommandSpec {
  words: string[];
  method: MethodName;
  /** Extra flags beyond the method's input fields. */
  extraFlags?: Record<string, 'string' | 'boolean'>;
  /** Flags of the method that are filled by the CLI, not typed by the user. */
  hiddenFields?: string[];
  stepUp?: StepUpPurpose;
  /** The step-up token's scope when it is not the input's tenant (witnesses: the installation). */
  stepUpScope?: (input: Record<string, unknown>) => string;
  /** Ask for step-up only when this holds for the input (e.g. evidence settings that change something). */
  stepUpWhen?: (input: Record<string, unknown>) => boolean;
  /** A different method for some flags (e.g. `status --tenant S` shows one tenant). */
  route?: (flags: Record<string, string | boolean | undefined>) => MethodName;
  /** Adjusts the flag-derived input (e.g. reads a file). */
  prepare?: (input: Record<string, unknown>, flags: Record<string, string | boolean | undefined>) => Record<string, unknown>;
  /** A non-zero exit code for a result that succeeded as a call but reports a failure (e.g. a source not read). */
  exitCode?: (value: unknown) => number;
  /** Adds to the result before it is printed (e.g. `status` adds the overview). */
  enrich?: (method: MethodName, value: unknown, call: (method: MethodName, input: unknown) => Promise<unknown>) => Promise<unknown>;
  help: string;
}

function readJsonFile(file: string | boolean | undefined, flag: string): Record<string, unknown> {
  if (typeof file !== 'string') throw invalidInput(flag, `--${flag} FILE is required`);
  let text: string;
  try {
    text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw invalidInput(flag, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch (e) {
    throw invalidInput(flag, `${file} is not a JSON object (${(e as Error).message})`);
  }
}

/** `--checkpoint FILE`: the flag names a file holding a signed checkpoint note. */
const checkpointFromFile = (input: Record<string, unknown>) => {
  if (typeof input.checkpoint !== 'string') return input;
  const file = input.checkpoint;
  try {
    return { ...input, checkpoint: fs.readFileSync(file === '-' ? 0 : file, 'utf8') };
  } catch (e) {
    throw invalidInput('checkpoint', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
};

const fromConfigFile = (input: Record<string, unknown>, flags: Record<string, string | boolean | undefined>) => {
  const doc = readJsonFile(flags.file, 'file');
  return { ...doc, ...input };
};

export const COMMANDS: CommandSpec[] = [
  { words: ['init'], method: 'auth.init', hiddenFields: ['passphrase'], help: 'Set the operator passphrase (KEYWARDEN_PASSPHRASE or a prompt).' },
  {
    words: ['status'],
    method: 'app.status',
    extraFlags: { tenant: 'string' },
    route: (f) => (f.tenant ? 'tenant.show' : 'app.status'),
    // The installation's fields stay as they were; the overview rides along under `overview`.
    enrich: async (method, value, call) => (method === 'app.status' ? { ...(value as object), overview: await call('overview.get', {}), checks: await call('checks.status', {}) } : value),
    help: 'Is custody in order: problems first with the command that fixes each, then every area (the Overview screen); with --tenant, one tenant.',
  },
  {
    words: ['checks'],
    method: 'checks.settings',
    help: 'The continuous checks: how often each runs (and who set it), last and next run, unseen alerts; set an interval in seconds (0: the default): [--audit-verify-interval-s N] [--evidence-crosscheck-interval-s N] [--drill-cadence-interval-s N] [--rotation-age-interval-s N] [--pause-on-battery].',
  },
  { words: ['policy'], method: 'overview.setPolicy', help: 'Show or set the policy status judges against: [--rotation-max-age-days N] [--drill-cadence-days N].' },
  { words: ['tenant', 'create'], method: 'tenant.create', help: 'Create a tenant: --slug S [--wrap local|global].' },
  { words: ['tenant', 'list'], method: 'tenant.list', help: 'List tenants.' },
  { words: ['tenant', 'show'], method: 'tenant.show', help: 'Show one tenant: --tenant S.' },
  { words: ['onboard'], method: 'kms.onboard', stepUp: 'onboard', extraFlags: { file: 'string' }, hiddenFields: ['provider', 'kms_key_ref', 'config', 'step_up_token'], prepare: fromConfigFile, help: 'Onboard a customer KMS key: --tenant S --file CONFIG.json ({provider, kms_key_ref, config}) (asks for the passphrase).' },
  { words: ['probe'], method: 'kms.probe', stepUp: 'onboard', stepUpWhen: (i) => namesEndpoint(i.config as Record<string, unknown> | undefined), extraFlags: { file: 'string' }, hiddenFields: ['provider', 'kms_key_ref', 'config', 'step_up_token'], prepare: fromConfigFile, help: 'Probe a KMS config without saving: --tenant S --file CONFIG.json (asks for the passphrase when the config names an endpoint).' },
  { words: ['kms', 'calls'], method: 'kms.calls', help: 'Calls the engine made to key providers: [--tenant S] [--from ISO] [--to ISO].' },
  { words: ['versions'], method: 'keys.versions', help: 'Master key versions: --tenant S.' },
  { words: ['offboard'], method: 'kms.offboard', stepUp: 'offboard', hiddenFields: ['step_up_token'], help: 'Move a tenant off its customer KMS key onto a platform key: --tenant S --to local|global (asks for the passphrase).' },
  { words: ['rotate'], method: 'keys.rotate', stepUp: 'rotate', hiddenFields: ['step_up_token'], help: 'Rotate the master key: --tenant S (asks for the passphrase).' },
  { words: ['revoke'], method: 'keys.revoke', stepUp: 'revoke', hiddenFields: ['step_up_token'], help: 'Revoke a version (permanent): --tenant S --version N --confirm S [--force].' },
  { words: ['revoke-preview'], method: 'keys.revokePreview', help: 'How many records a revoke would make unreadable: --tenant S --version N.' },
  {
    words: ['record', 'put'],
    method: 'record.put',
    extraFlags: { 'value-file': 'string' },
    prepare: (input, flags) => {
      if (input.value === undefined && typeof flags['value-file'] === 'string') {
        const f = flags['value-file'];
        return { ...input, value: fs.readFileSync(f === '-' ? 0 : f, 'utf8') };
      }
      return input;
    },
    help: 'Store a record: --tenant S --table T --name N (--value V | --value-file F).',
  },
  { words: ['record', 'get'], method: 'record.get', stepUp: 'record_read', hiddenFields: ['step_up_token'], help: 'Decrypt a record: --tenant S --table T --name N (asks for the passphrase).' },
  { words: ['record', 'list'], method: 'record.list', help: 'List records: --tenant S --table T [--after NAME] [--limit N].' },
  { words: ['record', 'delete'], method: 'record.delete', stepUp: 'record_delete', hiddenFields: ['step_up_token'], help: 'Delete a record: --tenant S --table T --name N (asks for the passphrase).' },
  { words: ['seed-sample'], method: 'record.seedSample', help: 'Write synthetic records: --tenant S --rows N.' },
  { words: ['audit', 'list'], method: 'audit.list', help: 'Audit entries, newest first: [--action PREFIX] [--tenant S] [--actor TEXT] [--from DAY|ISO] [--to DAY|ISO] [--limit N].' },
  {
    words: ['audit', 'verify'],
    method: 'audit.verify',
    extraFlags: { witnesses: 'boolean' },
    route: (f) => (f.witnesses ? 'audit.verifyWitnesses' : 'audit.verify'),
    help: 'Re-hash the whole log and check it against every signed checkpoint; names the first bad entry. --witnesses: also read every witness record from the providers and check the log still has each witnessed root (exit 1 when history was rewritten).',
  },
  { words: ['audit', 'checkpoint'], method: 'audit.checkpoint', help: 'Sign a checkpoint of the log now; prints the signed note.' },
  { words: ['audit', 'prove'], method: 'audit.prove', prepare: checkpointFromFile, help: 'Inclusion proof of one entry: --seq N [--checkpoint FILE] (save with --json > proof.json).' },
  { words: ['audit', 'prove-consistency'], method: 'audit.proveConsistency', help: 'Consistency proof between two checkpoints: --old-size N [--new-size M].' },
  { words: ['audit', 'public-key'], method: 'audit.publicKey', help: "The audit log's verifier key, for auditors to verify offline." },
  // Dispatched by run.ts without opening the data dir; listed here for help.
  { words: ['audit', 'verify-proof'], method: 'audit.verifyProof', help: VERIFY_PROOF_HELP },
  { words: ['rewrap', 'status'], method: 'rewrap.status', help: 'Rewrap jobs and progress: [--tenant S].' },
  { words: ['rewrap', 'run'], method: 'rewrap.run', help: 'Run runnable rewrap jobs to the end (progress on stderr): [--tenant S] [--lease-id N] [--pace-rows-s R] [--batch-size N].' },
  { words: ['rewrap', 'pause'], method: 'rewrap.pause', help: 'Pause a rewrap job after its batch in flight: --lease-id N.' },
  { words: ['rewrap', 'resume'], method: 'rewrap.resume', help: 'Make a paused or expired rewrap job runnable again: --lease-id N.' },
  ...SEAL_COMMANDS,
  ...EVIDENCE_COMMANDS,
  ...IMPORT_COMMANDS,
  ...REPORT_COMMANDS,
  ...ACCESS_COMMANDS,
  ...WITNESS_COMMANDS,
  ...BACKUP_COMMANDS,
];

export function findCommand(args: string[]): { spec: CommandSpec; rest: string[] } | undefined {
  let best: CommandSpec | undefined;
  for (const c of COMMANDS) {
    if (c.words.every((w, i) => args[i] === w) && (!best || c.words.length > best.words.length)) best = c;
  }
  return best ? { spec: best, rest: args.slice(best.words.length) } : undefined;
}

export function usage(): string {
  const lines = COMMANDS.map((c) => `  ${c.words.join(' ').padEnd(16)} ${c.help}`);
  return [
    'Usage: keywarden <command> [flags] [--data-dir DIR] [--json]',
    '',
    'Commands:',
    ...lines,
    `  ${'call'.padEnd(16)} Call any API method: call METHOD [--input JSON] (methods: ${Object.keys(contract).join(', ')}).`,
    `  ${'serve'.padEnd(16)} ${SERVE_HELP}`,
    `  ${'watch'.padEnd(16)} ${WATCH_HELP}`,
    '',
    'Every command takes --data-dir DIR (default: KEYWARDEN_DATA_DIR, else the app\'s user-data folder)',
    'and --json (one JSON document on stdout; errors as JSON on stderr, exit code 1).',
    'Times print in the local zone; --utc prints them in UTC.',
  ].join('\n');
}
