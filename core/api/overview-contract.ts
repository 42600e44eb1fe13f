/**
 * The overview methods (issue 20), spread into the one contract: the custody summary
 * behind the Overview screen and `keywarden status`, and the user's policy it judges
 * against. Plain data and zod only, so the renderer can import it.
 */
import { z } from 'zod';
import { method } from './method-spec';
import type { ChecksStatusView } from './checks-types';
import type { OverviewPolicy, OverviewView } from './overview-types';

/** A check's interval in seconds: 60 s to 30 days, or 0 to go back to the check's default. */
const intervalS = z
  .number()
  .int('must be a whole number of seconds')
  .refine((v) => v === 0 || (v >= 60 && v <= 30 * 86_400), 'must be 0 (back to the default) or from 60 seconds to 2592000 (30 days)')
  .optional();

const days = z.number().int('must be a whole number of days').min(1, 'must be 1 day or more').max(3650, 'must be 3650 days or less');

export const overviewMethods = {
  'overview.get': method<OverviewView>()({
    input: z.object({}).strict(),
    summary: 'Custody at a glance: tenants, key versions, audit log, evidence, drills and reports, each with its state and evidence, problems first with the action that fixes each.', window: true
  }),
  'overview.policy': method<OverviewPolicy>()({ input: z.object({}).strict(), summary: 'The policy the overview judges against: rotation age and drill cadence, in days.', window: true }),
  'overview.setPolicy': method<OverviewPolicy>()({
    input: z.object({ rotation_max_age_days: days.optional(), drill_cadence_days: days.optional() }).strict(),
    summary: 'Sets the rotation age (default 365 days) and the drill cadence (default 90 days) the overview and the checks judge against.', window: true
  }),
  'checks.status': method<ChecksStatusView>()({
    input: z.object({}).strict(),
    summary: 'The continuous checks (audit verify daily, evidence fetch + cross-check hourly, drill cadence, rotation age): last run, next run, and the alerts they raised.', window: true
  }),
  'checks.settings': method<ChecksStatusView>()({
    input: z
      .object({
        pause_on_battery: z.boolean().optional(),
        audit_verify_interval_s: intervalS,
        evidence_crosscheck_interval_s: intervalS,
        drill_cadence_interval_s: intervalS,
        rotation_age_interval_s: intervalS,
        access_review_interval_s: intervalS,
      })
      .strict(),
    summary: "Whether the checks pause on battery power, and how often each runs (seconds; 0: its default). A host's own override (keywarden watch flags) still wins while it runs.", window: true
  }),
  'checks.ack': method<ChecksStatusView>()({
    input: z.object({ ids: z.array(z.number().int().min(1)).max(1000).optional() }).strict(),
    summary: 'Marks alerts seen (all when no ids are given): they leave the badge and the notice.', window: true
  }),
};
