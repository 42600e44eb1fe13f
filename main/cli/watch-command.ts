/**
 * `keywarden watch [--once] [--tick-seconds N] [--data-dir D] [--json] [--utc]`: the
 * continuous checks for a terminal or a service (systemd, launchd, a cron job with
 * --once). Prints one line per check run and per alert (one JSON document per line with
 * --json) until SIGINT/SIGTERM; --once runs what is due now and exits.
 */
import { parseArgs } from 'node:util';
import type { CheckAlertView } from '../../core/api/checks-types';
import { CheckScheduler, timers } from '../../core/checks/scheduler';
import { KeywardenError, toErrorData } from '../../core/errors';
import { openKeywarden, type Keywarden } from '../../core/keywarden';
import { resolveDataDir } from '../data-dir';
import { untilSignalled } from '../web-host/serve-command';
import { formatTime } from './time-format';
import { flagName } from './flags';
import { INTERVAL_FIELDS, parseIntervalS } from '../../core/checks/intervals';
import { CHECK_NAMES, type CheckName } from '../../core/overview/check-runs';

export const WATCH_HELP =
  'Run the continuous checks (audit verify daily, evidence fetch + cross-check hourly, drill cadence, rotation age) and print their runs and alerts: [--once] [--tick-seconds N] [--audit-verify-interval-s N] [--evidence-crosscheck-interval-s N] [--drill-cadence-interval-s N] [--rotation-age-interval-s N] (override the setting while this watch runs; Settings and status show them).';

/** `--audit-verify-interval-s N` and friends: this watch's own intervals, in ms. */
function intervalFlags(values: Record<string, unknown>): Partial<Record<CheckName, number>> {
  const out: Partial<Record<CheckName, number>> = {};
  for (const name of CHECK_NAMES) {
    const raw = values[flagName(INTERVAL_FIELDS[name])];
    if (raw !== undefined) out[name] = parseIntervalS(INTERVAL_FIELDS[name], raw) * 1000;
  }
  return out;
}

export interface WatchIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

function tickSeconds(raw: string | undefined): number {
  if (raw === undefined) return 60;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 1 || n > 86_400) throw new KeywardenError('invalid_input', `tick-seconds: must be a number of seconds from 1 to 86400 (got "${raw}")`, { field: 'tick_seconds' });
  return n;
}

export async function runWatch(args: string[], io: WatchIo, stop: () => Promise<unknown> = untilSignalled): Promise<number> {
  const json = args.includes('--json');
  let kw: Keywarden | undefined;
  try {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          once: { type: 'boolean' },
          'tick-seconds': { type: 'string' },
          ...Object.fromEntries(Object.values(INTERVAL_FIELDS).map((f) => [flagName(f), { type: 'string' as const }])),
          'data-dir': { type: 'string' },
          json: { type: 'boolean' },
          utc: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
        allowPositionals: false,
        strict: true,
      }));
    } catch (e) {
      throw new KeywardenError('invalid_input', `${(e as Error).message.split('\n')[0]} (see keywarden watch --help)`);
    }
    if (values.help) {
      io.stdout(`keywarden watch: ${WATCH_HELP}\n`);
      return 0;
    }
    const tickMs = tickSeconds(values['tick-seconds'] as string | undefined) * 1000;
    const intervals = intervalFlags(values);
    const time = { utc: Boolean(values.utc) };
    kw = openKeywarden({ dataDir: resolveDataDir(values['data-dir'], io.env), env: io.env });
    const now = () => new Date(kw!.ctx.clock.now()).toISOString();
    const onRun = (name: string, outcome: string, summary: string) =>
      io.stdout(json ? JSON.stringify({ type: 'run', at: now(), check: name, outcome, summary }) + '\n' : `${formatTime(now(), time)}  ${name.padEnd(19)} ${outcome.padEnd(7)} ${summary}\n`);
    const onAlert = (a: CheckAlertView) =>
      io.stdout(json ? JSON.stringify({ type: 'alert', ...a }) + '\n' : `${formatTime(a.at, time)}  ALERT  ${a.title}: ${a.body} (see ${a.screen}${a.tenant ? `, tenant ${a.tenant}` : ''})\n`);
    const log = (line: string) => io.stderr(line + '\n');
    if (values.once) {
      await new CheckScheduler(kw, { intervals, host: 'watch', onRun, onAlert, log }).tick();
      return 0;
    }
    const scheduler = new CheckScheduler(kw, { tickMs, intervals, host: 'watch', firstTickMs: 0, timer: timers(true), onRun, onAlert, log }).start();
    if (!json) io.stderr(`keywarden watch: checking every ${tickMs / 1000} s; Ctrl+C to stop\n`);
    await stop();
    await scheduler.stop();
    if (!json) io.stderr('keywarden watch: stopped\n');
    return 0;
  } catch (e) {
    const error = toErrorData(e);
    if (json) io.stderr(JSON.stringify({ error }) + '\n');
    else io.stderr(`error [${error.code}]: ${error.message}\n`);
    return 1;
  } finally {
    await kw?.close();
  }
}
