/**
 * The evidence cross-check's contract methods, spread into the one contract. Plain data
 * and zod only, so the renderer can import it.
 */
import { z } from 'zod';
import { method } from './method-spec';
import { EVIDENCE_CLASSES } from '../evidence/types';
import type {
  EvidenceEventView,
  EvidenceFetchView,
  EvidenceResultsPage,
  EvidenceRunView,
  EvidenceSettingsView,
} from './evidence-types';
import type { EvidenceCoverageCalendar, ImportProgressView, ImportResultView } from '../evidence/archive/types';


const tenant = z.string().min(1, 'is required').max(200);
const minutes = z.number().int('must be a whole number of minutes').min(0, 'must be 0 or more').max(24 * 60, 'must be at most 1440 (a day)');
/** An endpoint override; '' clears it. Checked further (https unless loopback) by the engine. */
const endpoint = z.string().max(2048);
/** A period bound: YYYY-MM-DD or an ISO time (checked by the engine). */
const bound = z.string().min(1, 'is required').max(40);

/** The classes as the cross-check defines them: one list (core/evidence/types.ts). */
export const EVIDENCE_CLASS_VALUES = EVIDENCE_CLASSES;

export const evidenceSettingsFields = {
  aws_cloudtrail_endpoint: endpoint.optional(),
  aws_s3_endpoint: endpoint.optional(),
  gcp_storage_endpoint: endpoint.optional(),
  azure_blob_endpoint: endpoint.optional(),
  aws_delivery_delay_minutes: minutes.optional(),
  gcp_logging_endpoint: endpoint.optional(),
  gcp_project: z.string().max(100).optional(),
  gcp_delivery_delay_minutes: minutes.optional(),
  azure_workspace_id: z.string().max(100).optional(),
  azure_logs_endpoint: endpoint.optional(),
  azure_table: z.enum(['AZKVAuditLogs', 'AzureDiagnostics']).optional(),
  azure_delivery_delay_minutes: minutes.optional(),
  match_window_seconds: z.number().int('must be a whole number of seconds').min(1, 'must be at least 1').max(3600, 'must be at most 3600').optional(),
  initial_lookback_hours: z.number().int('must be a whole number of hours').min(1, 'must be at least 1').max(90 * 24, 'must be at most 2160 (90 days, CloudTrail’s history)').optional(),
};

export const evidenceMethods = {
  'evidence.settings': method<EvidenceSettingsView>()({ window: true,
    input: z.object({ tenant, ...evidenceSettingsFields, step_up_token: z.string().min(1).max(200).optional() }).strict(),
    summary: "The tenant's evidence settings (log endpoints, Azure workspace id, delivery delays); fields given are saved first ('' clears an endpoint), which needs step-up (evidence_settings). Endpoints must be the provider's own hosts or listed in the data dir's allowed-endpoints file.",
  }),
  'evidence.fetch': method<EvidenceFetchView>()({ window: true,
    input: z.object({ tenant: tenant.optional(), from: z.iso.datetime().optional() }).strict(),
    summary: "Reads the providers' audit logs (CloudTrail, Cloud Audit Logs, Azure Monitor) since each source was last read, with the customer's own credentials.",
  }),
  'evidence.progress': method<EvidenceFetchView>()({ window: true, input: z.object({}).strict(), summary: 'Progress of the running (or last) fetch, per source.' }),
  'evidence.cancel': method<{ cancelled: boolean }>()({ window: true, input: z.object({}).strict(), summary: 'Cancels the running fetch; what was read so far is kept.' }),
  'evidence.crosscheck': method<EvidenceRunView>()({ window: true,
    input: z.object({ from: z.iso.datetime(), to: z.iso.datetime(), tenant: tenant.optional() }).strict(),
    summary: "Matches the engine's KMS calls in [from, to) against the providers' records and stores the result (audited with counts only).",
  }),
  'evidence.results': method<EvidenceResultsPage>()({ window: true,
    input: z
      .object({
        run_id: z.number().int().min(1).optional(),
        class: z.enum(EVIDENCE_CLASS_VALUES).optional(),
        provider: z.enum(['aws', 'gcp', 'azure']).optional(),
        tenant: tenant.optional(),
        q: z.string().max(200).optional(),
        after_seq: z.number().int().min(0).optional(),
        limit: z.number().int().min(1).max(5000).default(500),
      })
      .strict(),
    summary: 'The rows of a cross-check run (the latest by default), filtered by class, provider, tenant or text.',
  }),
  'evidence.event': method<EvidenceEventView>()({ window: true,
    input: z.object({ id: z.number().int().min(1) }).strict(),
    summary: "One provider record, normalized, with the raw record as the provider's log returned it.",
  }),
  'evidence.import': method<ImportResultView>()({ window: true,
    input: z
      .object({
        tenant,
        source: z.string().min(1, 'is required').max(4096),
        from: bound,
        to: bound,
        validate: z.boolean().default(false),
      })
      .strict(),
    summary:
      "Imports the provider's log archive for [from, to] (a bare `to` date includes that day): s3://bucket/prefix (a CloudTrail trail's bucket), gs://bucket/prefix (a Cloud Logging sink's bucket), azblob://account/container (a Key Vault diagnostic-settings container), or a local folder of one of them (or of `gcloud logging read --format=json` exports). With validate, checks CloudTrail's signed digests and each file's SHA-256. Resumable and idempotent: files already imported are skipped, events are de-duplicated by the provider's event id.",
  }),
  'evidence.import_progress': method<ImportProgressView>()({ window: true, input: z.object({}).strict(), summary: 'Progress of the running (or last) archive import: files, bytes, events, ETA.' }),
  'evidence.import_cancel': method<{ cancelled: boolean }>()({ window: true, input: z.object({}).strict(), summary: 'Cancels the running archive import; every file finished is kept and the next run goes on from there.' }),
  'evidence.coverage': method<EvidenceCoverageCalendar>()({ window: true,
    input: z.object({ from: bound, to: bound, tenant: tenant.optional() }).strict(),
    summary: 'Per provider and UTC day: provider events from the API, from validated and unvalidated archives, the archive files’ integrity, and the days without any evidence.',
  }),
} as const;
