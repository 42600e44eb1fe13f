/**
 * The SOC 2 evidence package methods (issue 9), spread into the one contract. Plain data
 * and zod only, so the renderer can import it. The offline verifier is not here: it
 * needs no engine and no database (core/report/verify, `keywarden report verify`).
 */
import { z } from 'zod';
import { method } from './method-spec';
import type { ReportExportResult, ReportPreview, ReportProgressView, ReportRevealResult } from './report-types';


const tenant = z.string().min(1, 'is required').max(200);
/** YYYY-MM-DD (a whole day; `to` includes that day) or an ISO-8601 time; checked by the report. */
const bound = z.string().min(1, 'is required').max(40);
const exportId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 letters, digits, - or _');

export const reportMethods = {
  'report.preview': method<ReportPreview>()({ window: true,
    input: z.object({ from: bound, to: bound, tenant: tenant.optional() }).strict(),
    summary: 'What a SOC 2 evidence package for the period would hold: the count of each section, without writing anything.',
  }),
  'report.export': method<ReportExportResult>()({ window: true, windowForbids: ['out'],
    input: z.object({ from: bound, to: bound, tenant: tenant.optional(), out: z.string().min(1).max(4096).optional(), export_id: exportId.optional() }).strict(),
    summary:
      "Writes a SOC 2 evidence package (PDF, JSON, CSV, signed checkpoint, inclusion proofs, signed manifest) as a folder and a zip in `out` (default: the data dir's reports/). Audited as report.exported with the manifest hash. Pass export_id to follow it with report.progress.",
  }),
  'report.reveal': method<ReportRevealResult>()({ window: true,
    input: z.object({ audit_seq: z.number().int('must be a whole number').min(1, 'must be 1 or more'), folder: z.string().min(1).max(4096) }).strict(),
    summary:
      "Shows an export's folder in the system's file manager (desktop app only; the web host offers a download instead). Only a folder whose manifest still hashes to what the export's audit entry (report.exported, audit_seq) recorded.",
  }),
  'report.progress': method<ReportProgressView>()({ window: true,
    input: z.object({ export_id: exportId }).strict(),
    summary: 'Progress of an export started with that export_id: phase, percent, rows written.',
  }),
};
