/** The report methods' implementations, spread into createHandlers. */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { MethodName, MethodResult, ParsedInput } from '../api/contract';
import type { reportMethods } from '../api/report-contract';
import { isoAt } from '../clock';
import type { Caller } from '../engine/audit-trail';
import { requireTenant } from '../engine/tenant-lookup';
import { KeywardenError } from '../errors';
import type { Keywarden } from '../keywarden';
import { SqliteStore } from '../store/sqlite-store';
import type { HostActions } from '../api/host-actions';
import { exportReport, REPORTS_DIR, type ExportProgress } from './export';
import { exportedPackage } from './exported-files';
import { gatherSections, sectionCounts } from './model';
import { describePeriod, parsePeriod } from './period';
import { ProgressRegistry } from './progress-registry';
import { takeSnapshot } from './sources/source';

type ReportMethod = keyof typeof reportMethods & MethodName;
type ReportHandlers = { [K in ReportMethod]: (input: ParsedInput<K>, caller: Caller) => Promise<MethodResult<K>> | MethodResult<K> };

/** Every export's progress, for hosts that follow it in-process (the CLI prints it on stderr). */
export const reportProgressEvents = new EventEmitter<{ progress: [ExportProgress] }>();

const registries = new WeakMap<Keywarden, ProgressRegistry>();

function registryOf(kw: Keywarden): ProgressRegistry {
  let r = registries.get(kw);
  if (!r) registries.set(kw, (r = new ProgressRegistry()));
  return r;
}

export function reportHandlers(kw: Keywarden, host: HostActions = {}): ReportHandlers {
  const progress = registryOf(kw);
  return {
    'report.reveal': ({ audit_seq, folder }) => {
      if (!host.revealInFolder) throw new KeywardenError('forbidden', 'this host cannot open folders on the desktop: download the package instead');
      const pkg = exportedPackage(kw, audit_seq, folder);
      host.revealInFolder(pkg.folder);
      return { revealed: true, folder: pkg.folder };
    },
    'report.preview': ({ from, to, tenant }) => {
      const period = parsePeriod(from, to);
      const t = tenant ? requireTenant(kw.ctx.store, tenant) : null;
      if (!(kw.ctx.store instanceof SqliteStore)) throw new KeywardenError('internal', 'reports need the SQLite store');
      const db = kw.ctx.store.db;
      const sections = gatherSections({ db, period, tenant: t, snapshot: takeSnapshot(db), at: isoAt(kw.ctx.clock) });
      return {
        period: { ...period, description: describePeriod(period) },
        tenant: t?.slug ?? null,
        counts: sectionCounts(sections),
        notes: { drills: sections.drills.available ? null : sections.drills.note, cross_check: sections.cross_check.available ? null : sections.cross_check.note },
        default_out: path.join(kw.dataDir, REPORTS_DIR),
      };
    },
    'report.export': async ({ export_id, ...req }, caller) => {
      const emit = (p: ExportProgress) => void reportProgressEvents.emit('progress', p);
      if (export_id === undefined) return exportReport(kw, caller, req, emit);
      progress.start(export_id);
      try {
        const result = await exportReport(kw, caller, req, (p) => {
          progress.update(export_id, p);
          emit(p);
        });
        progress.finish(export_id);
        return result;
      } catch (e) {
        progress.finish(export_id, e);
        throw e;
      }
    },
    'report.progress': ({ export_id }) => progress.get(export_id),
  };
}
