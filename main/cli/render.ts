/**
 * Human-readable CLI output: each family's renderer in turn, then a readable generic
 * rendering. Raw JSON only with --json (and for `audit verify`, whose human output is
 * another command's own).
 */
import type { OverviewView } from '../../core/api/overview-types';
import type { AppStatus, RewrapJobView, RewrapRunView } from '../../core/api/types';
import { renderRewrapRun, renderRewrapStatus } from './render-rewrap';
import { renderAccess } from './access-commands';
import { renderBackup } from './backup-commands';
import { formatTime } from './time-format';
import { renderEvidence } from './render-evidence';
import { renderGeneric } from './render-generic';
import { renderKeyring } from './render-keyring';
import { renderChecks, renderStatus } from './render-status';
import type { ChecksStatusView } from '../../core/api/checks-types';
import { renderReport } from './report-commands';
import { renderArchive } from './import-commands';
import { renderSeal } from './seal-render';
import { renderWitnessResult } from './witness-commands';
import type { TimeOptions } from './time-format';

export function renderHuman(method: string, value: unknown, time: TimeOptions = { utc: false }): string {
  const backup = renderBackup(method, value, (iso) => formatTime(iso, time));
  if (backup !== undefined) return backup;
  const report = renderReport(method, value);
  if (report !== undefined) return report;
  const access = renderAccess(method, value);
  if (access !== undefined) return access;
  const archive = renderArchive(method, value);
  if (archive !== undefined) return archive;
  const evidence = renderEvidence(method, value);
  if (evidence !== undefined) return evidence;
  const witness = renderWitnessResult(method, value, time);
  if (witness !== undefined) return witness;
  const seal = renderSeal(method, value, time);
  if (seal !== undefined) return seal;
  if (method === 'app.status') return renderStatus(value as AppStatus & { overview?: OverviewView }, time);
  if (method === 'checks.status' || method === 'checks.settings' || method === 'checks.ack') return renderChecks(value as ChecksStatusView, time);
  if (method === 'rewrap.status' || method === 'rewrap.pause' || method === 'rewrap.resume') {
    return renderRewrapStatus(Array.isArray(value) ? (value as RewrapJobView[]) : [value as RewrapJobView]);
  }
  if (method === 'rewrap.run') return renderRewrapRun(value as RewrapRunView[]);
  const keyring = renderKeyring(method, value, time);
  if (keyring !== undefined) return keyring;
  // Owned elsewhere: kept exactly as before until their own renderers land.
  if (method === 'audit.verify' || method.startsWith('evidence.')) return JSON.stringify(value, null, 2);
  return renderGeneric(value, time);
}
