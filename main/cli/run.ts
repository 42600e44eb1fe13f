/**
 * Runs one CLI invocation against a data dir: parses flags derived from the contract,
 * gets a step-up token when the command needs one, dispatches, and prints either a
 * human rendering or (with --json) one JSON document. Errors go to stderr with the
 * stable code and a non-zero exit code.
 */
import { parseArgs } from 'node:util';
import { contract, type MethodName } from '../../core/api/contract';
import { dispatch } from '../../core/api/dispatch';
import { createHandlers } from '../../core/api/handlers';
import { KeywardenError, type ErrorData } from '../../core/errors';
import { printError, printThrown } from './cli-errors';
import { localActor, openKeywarden, type Keywarden } from '../../core/keywarden';
import { resolveDataDir } from '../data-dir';
import { findCommand, usage, type CommandSpec } from './commands';
import { flagName, flagsOf, inputFromFlags } from './flags';
import { readPassphrase } from './passphrase-prompt';
import { renderHuman } from './render';
import { followRewrapProgress } from './rewrap-progress';
import { followDrillProgress } from './drill-progress';
import { followOperationProgress, type OperationProgressView } from './operation-progress';
import { followAccessProgress } from './access-commands';
import { runServe } from '../web-host/serve-command';
import { runWatch } from './watch-command';
import { runVerifyProof } from './verify-proof-command';
import { followReportProgress } from './report-commands';
import { followImportProgress } from './import-commands';
import { runReportVerify } from './report-verify-command';
import { runRestore } from './backup-commands';
import { renderAuditVerify } from './render-audit-verify';
import { renderWitnessVerify } from './witness-commands';
import type { WitnessVerificationView } from '../../core/api/witness-types';
import type { ChainVerification } from '../../core/api/types';
import type { PassphrasePolicy } from '../../core/crypto/passphrase';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** scrypt cost of the passphrase hash; only tests pass a cheaper one (never from the environment). */
  passphrasePolicy?: PassphrasePolicy;
  /** stderr is a terminal: progress redraws one line with a bar instead of printing lines. */
  stderrIsTTY?: boolean;
}

const GLOBAL_FLAGS = { 'data-dir': { type: 'string' }, json: { type: 'boolean' }, utc: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

function optionsFor(spec: CommandSpec, method: MethodName) {
  const options: Record<string, { type: 'string' | 'boolean' }> = { ...GLOBAL_FLAGS };
  const hidden = new Set(spec.hiddenFields ?? []);
  for (const [field, kind] of Object.entries(flagsOf(contract[method].input))) {
    if (!hidden.has(field)) options[flagName(field)] = { type: kind === 'boolean' ? 'boolean' : 'string' };
  }
  for (const [name, type] of Object.entries(spec.extraFlags ?? {})) options[name] = { type };
  return options;
}

/** A passphrase can be had: from the environment, or a prompt on a terminal. */
function canAskPassphrase(io: CliIo): boolean {
  return Boolean(io.env.KEYWARDEN_PASSPHRASE) || process.stdin.isTTY === true;
}

function fail(io: CliIo, json: boolean, error: ErrorData): number {
  return printError(io, json, error);
}

/** Special command: `call METHOD --input JSON` reaches any contract method. */
function genericCall(rest: string[]): { method: string; input: unknown; dataDir?: string; json: boolean } {
  const { values, positionals } = parseArgs({ args: rest, options: { ...GLOBAL_FLAGS, input: { type: 'string' } }, allowPositionals: true, strict: true });
  const method = positionals[0];
  if (!method) throw new KeywardenError('invalid_input', 'call: name a method, e.g. call tenant.list');
  let input: unknown = {};
  if (values.input) {
    try {
      input = JSON.parse(values.input);
    } catch {
      throw new KeywardenError('invalid_input', 'input: --input must be JSON', { field: 'input' });
    }
  }
  return { method, input, dataDir: values['data-dir'], json: Boolean(values.json) };
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  let kw: Keywarden | undefined;
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      io.stdout(usage() + '\n');
      return 0;
    }
    // `serve` runs a long-lived host rather than one contract call.
    if (argv[0] === 'serve') return await runServe(argv.slice(1), io);
    if (argv[0] === 'watch') return await runWatch(argv.slice(1), io);
    // The auditor's check needs no database: it must work on a machine without Keywarden's data.
    if (argv[0] === 'audit' && argv[1] === 'verify-proof') return runVerifyProof(argv.slice(2), io);
    if (argv[0] === 'report' && argv[1] === 'verify') return await runReportVerify(argv.slice(2), io);
    // A restore fills an empty folder: opening an engine there first would create a database.
    if (argv[0] === 'restore') return await runRestore(argv.slice(1), io);
    let method: string;
    let input: unknown;
    let dataDir: string | undefined;
    let stepUp: CommandSpec['stepUp'];
    let stepUpScope: string | undefined;
    let exitCode: CommandSpec['exitCode'];
    let enrich: CommandSpec['enrich'];
    let passphraseField = false;
    if (argv[0] === 'call') {
      ({ method, input, dataDir } = genericCall(argv.slice(1)));
    } else {
      const found = findCommand(argv);
      if (!found) throw new KeywardenError('invalid_input', `unknown command "${argv.slice(0, 2).join(' ')}"; run keywarden --help`);
      const { spec, rest } = found;
      let parsed;
      try {
        parsed = parseArgs({ args: rest, options: optionsFor(spec, spec.method), allowPositionals: false, strict: true });
      } catch (e) {
        // Also catches flags meant for the routed method (status --tenant).
        throw new KeywardenError('invalid_input', `${(e as Error).message.split('\n')[0]} (see keywarden ${spec.words.join(' ')} --help)`);
      }
      const values = parsed.values as Record<string, string | boolean | undefined>;
      if (values.help) {
        io.stdout(`keywarden ${spec.words.join(' ')}: ${spec.help}\n`);
        return 0;
      }
      method = spec.route?.(values) ?? spec.method;
      let built = inputFromFlags(contract[method as MethodName].input, values);
      if (spec.prepare) built = spec.prepare(built, values);
      input = built;
      dataDir = values['data-dir'] as string | undefined;
      stepUp = spec.stepUp && (!spec.stepUpWhen || spec.stepUpWhen(built)) ? spec.stepUp : undefined;
      stepUpScope = spec.stepUpScope?.(built);
      exitCode = spec.exitCode;
      enrich = spec.enrich;
      passphraseField = spec.hiddenFields?.includes('passphrase') ?? false;
    }
    kw = openKeywarden({ dataDir: resolveDataDir(dataDir, io.env), env: io.env, ...(io.passphrasePolicy ? { passphrasePolicy: io.passphrasePolicy } : {}) });
    // The engine reports seed-sample's, drill run's and evidence fetch's progress through this callback.
    let operation: OperationProgressView | undefined;
    const handlers = createHandlers(kw, { onProgress: (p) => operation?.sink(p) });
    const caller = { actor: localActor(), address: 'cli' };
    if (passphraseField && method === 'auth.unlock') {
      input = { ...(input as object), passphrase: await readPassphrase('Operator passphrase (unlocks the installation secrets): ', io.env) };
    } else if (passphraseField) {
      const first = await readPassphrase('New operator passphrase: ', io.env);
      if (!io.env.KEYWARDEN_PASSPHRASE) {
        const again = await readPassphrase('Repeat it: ', io.env);
        if (again !== first) throw new KeywardenError('invalid_input', 'passphrase: the two entries differ', { field: 'passphrase' });
      }
      input = { ...(input as object), passphrase: first };
    }
    if (stepUp) {
      const passphrase = await readPassphrase(`Operator passphrase (step-up for ${stepUp}): `, io.env);
      const tenant = stepUpScope ?? String((input as { tenant?: unknown }).tenant ?? '');
      const token = await dispatch(handlers, 'auth.stepUp', { passphrase, purpose: stepUp, tenant }, caller);
      if (!token.ok) return fail(io, json, token.error);
      input = { ...(input as object), step_up_token: token.value.token };
    }
    const tty = io.stderrIsTTY === true;
    if (method === 'record.seedSample' || method === 'drill.run' || method === 'evidence.fetch') operation = followOperationProgress(io.stderr, tty);
    const stopProgress =
      method === 'rewrap.run'
        ? followRewrapProgress(io.stderr, Date.now, tty)
        : method === 'report.export'
          ? followReportProgress(io.stderr, Date.now, tty)
          : method === 'drill.run'
            ? followDrillProgress((l) => operation!.note(l.replace(/\n$/, '')), { polls: false })
            : method === 'access.review'
              ? followAccessProgress(io.stderr)
              : method === 'evidence.import'
                ? followImportProgress(io.stderr, tty)
                : undefined;
    // Ctrl+C during an import cancels it cleanly: every finished file is kept, the result says so.
    const engine = kw;
    const onInterrupt = () => void engine.evidence.archive.cancel();
    if (method === 'evidence.import') process.once('SIGINT', onInterrupt);
    let outcome = await dispatch(handlers, method, input, caller).finally(() => {
      stopProgress?.();
      operation?.stop();
      process.off('SIGINT', onInterrupt);
    });
    // The installation secrets open only with the passphrase: asked for (or read from
    // KEYWARDEN_PASSPHRASE) when a command turns out to need them, then the command runs again.
    // A locked command changes nothing before it fails, so running it again is safe.
    if (!outcome.ok && outcome.error.code === 'secrets_locked' && canAskPassphrase(io) && kw.ctx.stepUp.isInitialized()) {
      const passphrase = await readPassphrase('Operator passphrase (unlocks the installation secrets): ', io.env);
      const unlocked = await dispatch(handlers, 'auth.unlock', { passphrase }, caller);
      if (!unlocked.ok) return fail(io, json, unlocked.error);
      const again = method === 'rewrap.run' ? followRewrapProgress(io.stderr, Date.now, tty) : method === 'report.export' ? followReportProgress(io.stderr, Date.now, tty) : undefined;
      // A fresh bar for the second run: the first one was ended when the locked call returned.
      if (operation) operation = followOperationProgress(io.stderr, tty);
      outcome = await dispatch(handlers, method, input, caller).finally(() => {
        again?.();
        operation?.stop();
      });
    }
    if (!outcome.ok) return fail(io, json, outcome.error);
    let value: unknown = outcome.value;
    if (enrich) {
      value = await enrich(method as MethodName, value, async (m, i) => {
        const more = await dispatch(handlers, m, i, caller);
        if (!more.ok) throw new KeywardenError(more.error.code, more.error.message);
        return more.value;
      });
    }
    // A verification that finds the log bad is a result, not an error, but it must not exit 0.
    if (method === 'audit.verify') {
      const v = value as ChainVerification;
      const shown = renderAuditVerify(v);
      if (json) io.stdout(JSON.stringify(v) + '\n');
      else {
        if (shown.stdout) io.stdout(shown.stdout);
        if (shown.stderr) io.stderr(shown.stderr);
      }
      return shown.code;
    }
    if (method === 'audit.verifyWitnesses') {
      const v = value as WitnessVerificationView;
      const shown = renderWitnessVerify(v, { utc: argv.includes('--utc') });
      if (json) io.stdout(JSON.stringify(v) + '\n');
      else {
        if (shown.stdout) io.stdout(shown.stdout);
        if (shown.stderr) io.stderr(shown.stderr);
      }
      return shown.code;
    }
    io.stdout(json ? JSON.stringify(value) + '\n' : renderHuman(method, value, { utc: argv.includes('--utc') }) + '\n');
    return exitCode?.(value) ?? 0;
  } catch (e) {
    return printThrown(io, json, e);
  } finally {
    await kw?.close();
  }
}
