/**
 * The key access review methods (issue 17), spread into the one contract. Plain data and
 * zod only, so the renderer can import it.
 */
import { z } from 'zod';
import type { AccessAcceptResult, AccessFindingRow, AccessHistoryRow, AccessReviewRun, AccessReviewView, AccessSettingsView } from './access-types';
import { method } from './method-spec';

const tenant = z.string().min(1, 'is required').max(200);
const severity = z.enum(['critical', 'high', 'medium', 'low', 'info']);
/** An allow-list entry: a principal (ARN, IAM member, object id), an AWS account id or `domain:<name>`. */
const allowEntry = z.string().trim().min(1, 'must not be empty').max(2048).regex(/^[^\s]+$/, 'must not contain spaces');

export const accessMethods = {
  'access.review': method<AccessReviewRun>()({
    input: z.object({ tenant: tenant.optional() }).strict(),
    summary: "Reviews, read-only, who besides Keywarden can use or manage each customer KMS key (one tenant or all) and how the key is configured; stores the review and what changed since the last one.",
    window: true,
  }),
  'access.show': method<AccessReviewView>()({
    input: z.object({ tenant: tenant.optional(), id: z.number().int().min(1).optional() }).strict(),
    summary: "One stored review: the tenant's latest, or by id. Principals, findings (with acceptances), gaps, raw documents and drift.",
    window: true,
  }),
  'access.findings': method<AccessFindingRow[]>()({
    input: z
      .object({ tenant: tenant.optional(), severity: severity.optional(), include_accepted: z.boolean().default(false) })
      .strict(),
    summary: "Findings of each tenant's latest review, most severe first; accepted ones only with include_accepted.",
    window: true,
  }),
  'access.history': method<AccessHistoryRow[]>()({
    input: z.object({ tenant: tenant.optional(), limit: z.number().int().min(1).max(1000).default(50) }).strict(),
    summary: 'Stored reviews, newest first, with their counts and how many changes since the one before.',
    window: true,
  }),
  'access.accept': method<AccessAcceptResult>()({
    input: z
      .object({ tenant, finding_id: z.string().min(1, 'is required').max(4096), reason: z.string().trim().min(3, 'must say why (3 characters or more)').max(2000) })
      .strict(),
    summary: "Marks a finding of the tenant's latest review as accepted by the organisation, with the reason. Audited; the finding stays visible as accepted.",
    window: true,
  }),
  'access.settings': method<AccessSettingsView>()({
    input: z
      .object({
        tenant,
        allow_list: z.array(allowEntry).max(500).optional(),
        require_hsm: z.boolean().optional(),
        azure_vault_resource_id: z.string().trim().max(400).optional(),
        azure_arm_endpoint: z.string().trim().max(300).optional(),
        step_up_token: z.string().min(1).max(200).optional(),
      })
      .strict(),
    summary:
      "The tenant's review settings: the allow-list of principals / accounts / domains besides Keywarden, whether HSM protection is required, and for Azure the vault's resource ID and a Resource Manager endpoint other than the cloud's ('' clears). With fields: changes them (audited); naming an endpoint needs step-up (onboard) and an allowed host.",
    window: true,
  }),
  'access.allow': method<AccessSettingsView>()({
    input: z.object({ tenant, entry: allowEntry, note: z.string().trim().min(3, 'must say why this principal is allowed (3 characters or more)').max(500) }).strict(),
    summary: "Adds a principal (ARN, member, object id), AWS account id or domain:NAME to the tenant's allow-list with a note saying why (or changes its note). Audited.",
    window: true,
  }),
  'access.disallow': method<AccessSettingsView>()({
    input: z.object({ tenant, entry: allowEntry }).strict(),
    summary: "Removes one entry from the tenant's allow-list. Audited.",
    window: true,
  }),
};
