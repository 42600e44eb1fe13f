/** The overview methods' implementation (see core/api/overview-contract.ts). */
import type { Keywarden } from '../keywarden';
import { isoAt } from '../clock';
import { dbOf } from '../seal/db';
import { readOverviewFacts } from './facts';
import { judgeOverview } from './judge';
import { readPolicy, writePolicy } from './policy';
import type { OverviewPolicy, OverviewView } from '../api/overview-types';
import { markAlertsSeen } from '../checks/alerts';
import { checksStatus } from '../checks/scheduler';
import { writeChecksSettings } from '../checks/settings';
import { INTERVAL_FIELDS } from '../checks/intervals';
import { CHECK_NAMES, type CheckName } from './check-runs';

export function buildOverview(kw: Keywarden): OverviewView {
  const db = dbOf(kw.ctx);
  return judgeOverview(readOverviewFacts(db), readPolicy(db), kw.ctx.clock.now());
}

export function overviewHandlers(kw: Keywarden) {
  const db = () => dbOf(kw.ctx);
  return {
    'overview.get': () => buildOverview(kw),
    'overview.policy': () => readPolicy(db()),
    'overview.setPolicy': (input: Partial<OverviewPolicy>) => writePolicy(db(), input, isoAt(kw.ctx.clock)),
    'checks.status': () => checksStatus(kw),
    'checks.settings': (input: { pause_on_battery?: boolean | undefined } & Partial<Record<(typeof INTERVAL_FIELDS)[CheckName], number | undefined>>) => {
      const intervals: Partial<Record<CheckName, number | null>> = {};
      for (const name of CHECK_NAMES) {
        const seconds = input[INTERVAL_FIELDS[name]];
        if (seconds !== undefined) intervals[name] = seconds === 0 ? null : seconds;
      }
      writeChecksSettings(db(), { ...(input.pause_on_battery !== undefined ? { pause_on_battery: input.pause_on_battery } : {}), intervals_s: intervals }, isoAt(kw.ctx.clock));
      return checksStatus(kw);
    },
    'checks.ack': (input: { ids?: number[] | undefined }) => {
      markAlertsSeen(db(), input.ids, isoAt(kw.ctx.clock));
      return checksStatus(kw);
    },
  };
}
