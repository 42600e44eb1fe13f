/** Continuous checks (issue 20): what runs, when it last ran and runs next, and what it raised. Plain data. */
import type { OverviewScreen } from './overview-types';

export type CheckAlertKind = 'provider_only' | 'sealed' | 'verify_failed' | 'rotation_overdue' | 'drill_overdue' | 'access_finding';

export interface CheckAlertView {
  id: number;
  at: string;
  kind: CheckAlertKind;
  tenant: string | null;
  title: string;
  body: string;
  screen: OverviewScreen;
  seen: boolean;
}

export interface CheckView {
  name: 'audit_verify' | 'evidence_crosscheck' | 'drill_cadence' | 'rotation_age' | 'access_review';
  label: string;
  /** What the running host uses (or a host started now would). */
  interval_s: number;
  /** host: the running host's own override (watch flags); setting: the user's (checks.settings); default: the check's own. */
  interval_source: 'default' | 'setting' | 'host';
  default_interval_s: number;
  last_run: { started_at: string; finished_at: string; outcome: 'ok' | 'problem' | 'error'; summary: string } | null;
  /** When it is due next (now or in the past: at the host's next tick). */
  next_run_at: string;
}

export interface ChecksStatusView {
  checks: CheckView[];
  /** Newest first; unseen ones first of all. */
  alerts: CheckAlertView[];
  unseen: number;
  pause_on_battery: boolean;
  /** The host running the checks now (its heartbeat is fresh), or null when none does. */
  host: { name: string; pid: number; started_at: string; heartbeat_at: string; tick_s: number } | null;
}
