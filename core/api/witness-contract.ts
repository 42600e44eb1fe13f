/**
 * The checkpoint-witness methods (issue 16 B), spread into the one contract. Plain data
 * and zod only, so the renderer can import it. Changing which witnesses run needs a
 * step-up (purpose `witness`, scope "installation"): they are the installation's. The
 * window shows and runs witnesses, and adds (with a tenant's onboarded config only: its own
 * config stays the CLI's) and removes them behind the same step-up.
 */
import { z } from 'zod';
import { method } from './method-spec';
import type { WitnessListView, WitnessNowView, WitnessStatusView, WitnessVerificationView, WitnessView } from './witness-types';

const stepUpToken = z.string().min(1).max(200).optional();
/** The scope of the witness step-up token: the witnesses are the installation's, not a tenant's. */
export const WITNESS_STEP_UP_SCOPE = 'installation';
export const WITNESS_KIND_VALUES = ['aws_kms', 'gcp_logging', 'azure_secret'] as const;

export const witnessMethods = {
  'witness.list': method<WitnessListView>()({ window: true,
    input: z.object({}).strict(),
    summary: 'The checkpoint witnesses: each one’s target, state, last run and last failure; the interval; the recent runs.',
  }),
  'witness.add': method<WitnessView>()({ window: true, windowForbids: ['config'],
    input: z
      .object({
        kind: z.enum(WITNESS_KIND_VALUES),
        target_ref: z.string().min(1, 'is required').max(2048),
        tenant: z.string().min(1).max(200).optional(),
        config: z.record(z.string(), z.unknown()).optional(),
        read_endpoint: z.string().min(1).max(2048).optional(),
        step_up_token: stepUpToken,
      })
      .strict(),
    summary: 'Adds a witness: where checkpoints are recorded (AWS: a KMS key ARN) with a tenant’s onboarded config and credentials (tenant) or its own (config). Needs step-up (witness).',
  }),
  'witness.remove': method<{ removed: true; id: string }>()({ window: true,
    input: z.object({ id: z.string().min(1).max(100), step_up_token: stepUpToken }).strict(),
    summary: 'Removes a witness (its past runs stay). Needs step-up (witness).',
  }),
  'witness.settings': method<WitnessStatusView>()({ window: true,
    input: z.object({ interval_minutes: z.number().int('must be a whole number').min(1, 'must be 1 or more').max(1440, 'must be at most 1440').optional(), step_up_token: stepUpToken }).strict(),
    summary: 'Shows the witness status; with interval_minutes, sets how old the last witness may grow before the next run (default 15). Changing it needs step-up (witness).',
  }),
  'audit.witness': method<WitnessNowView>()({ window: true,
    input: z.object({}).strict(),
    summary: 'Signs a checkpoint of the log now and writes it to every witness; a failing witness is recorded and retried at the next run.',
  }),
  'audit.verifyWitnesses': method<WitnessVerificationView>()({ window: true,
    input: z.object({}).strict(),
    summary: 'audit verify, then every witness record read afresh from the providers’ logs and checked against the root the local log has at that size: consistent, inconsistent (history rewritten), untrusted (malformed, another log), and the gap since the last witness.',
  }),
};
