/**
 * Cloud Logging `POST /v2/entries:write` (REST, as @google-cloud/logging's `fallback`
 * client sends it): `{logName, resource, labels, entries[], partialSuccess}`, each entry
 * with `jsonPayload` or `textPayload`, `timestamp`, `insertId`, its own `labels` /
 * `resource` / `logName` optionally overriding the request's. The service keeps the
 * client's insertId (assigning one when absent), stamps `receiveTimestamp`, keeps one
 * entry per (log, insertId, timestamp) and answers `{}`.
 */
import { randomBytes } from 'node:crypto';
import { nanoTimestamp, type AuditLogStore, type WrittenEntry } from './audit-log';
import { KmsFailure } from './kms-store';

const LOG_NAME_RE = /^projects\/([^/]+)\/logs\/([^/]+)$/;
const MAX_ENTRY_BYTES = 256 * 1024;

function invalid(message: string): KmsFailure {
  return new KmsFailure(400, 'INVALID_ARGUMENT', 3, message);
}

function stringMap(v: unknown, what: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid(`Invalid value at '${what}': expected a map of strings.`);
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') throw invalid(`Invalid value at '${what}[${k}]': expected a string.`);
  return v as Record<string, string>;
}

function resourceOf(v: unknown, what: string): WrittenEntry['resource'] | undefined {
  if (v === undefined || v === null) return undefined;
  const r = v as { type?: unknown; labels?: unknown };
  if (typeof r !== 'object' || typeof r.type !== 'string' || r.type === '') throw invalid(`Invalid value at '${what}': a monitored resource needs a type.`);
  return { type: r.type, labels: stringMap(r.labels, `${what}.labels`) };
}

/** The project of each entry's log, for the permission check. */
export function projectsOf(body: Record<string, unknown>): string[] {
  const names = [body.logName, ...(Array.isArray(body.entries) ? body.entries.map((e) => (e as { logName?: unknown } | null)?.logName) : [])];
  return [...new Set(names.map((n) => (typeof n === 'string' ? LOG_NAME_RE.exec(n)?.[1] : undefined)).filter((p): p is string => !!p))];
}

/** Validates and stores one write request; throws KmsFailure(400) as the service answers a bad request. */
export function writeEntries(store: AuditLogStore, body: Record<string, unknown>, now: number, seq: () => number): WrittenEntry[] {
  const entries = body.entries;
  if (!Array.isArray(entries) || entries.length === 0) throw invalid('At least one log entry is required.');
  const defaults = {
    logName: body.logName,
    resource: resourceOf(body.resource, 'resource'),
    labels: stringMap(body.labels, 'labels'),
  };
  const ready: WrittenEntry[] = entries.map((raw, i) => {
    const e = raw as Record<string, unknown> | null;
    if (!e || typeof e !== 'object' || Array.isArray(e)) throw invalid(`Invalid value at 'entries[${i}]': expected a LogEntry.`);
    if (JSON.stringify(e).length > MAX_ENTRY_BYTES) throw invalid(`Log entry with size ${JSON.stringify(e).length} bytes exceeds maximum size of ${MAX_ENTRY_BYTES} bytes.`);
    const logName = e.logName ?? defaults.logName;
    if (typeof logName !== 'string' || !LOG_NAME_RE.test(logName)) throw invalid(`Invalid log name ${JSON.stringify(logName ?? '')} in entries[${i}]: expected projects/[PROJECT_ID]/logs/[LOG_ID].`);
    const resource = resourceOf(e.resource, `entries[${i}].resource`) ?? defaults.resource;
    if (!resource) throw invalid(`entries[${i}]: a monitored resource is required.`);
    const payloads = ['jsonPayload', 'textPayload', 'protoPayload'].filter((k) => e[k] !== undefined);
    if (payloads.length > 1) throw invalid(`entries[${i}]: only one of textPayload, jsonPayload, protoPayload may be set.`);
    if (payloads[0] === 'protoPayload') throw invalid(`entries[${i}]: this fake accepts jsonPayload or textPayload only.`);
    if (e.jsonPayload !== undefined && (typeof e.jsonPayload !== 'object' || e.jsonPayload === null || Array.isArray(e.jsonPayload))) {
      throw invalid(`Invalid value at 'entries[${i}].json_payload': expected a Struct.`);
    }
    if (e.textPayload !== undefined && typeof e.textPayload !== 'string') throw invalid(`Invalid value at 'entries[${i}].text_payload'.`);
    if (e.timestamp !== undefined && (typeof e.timestamp !== 'string' || Number.isNaN(Date.parse(e.timestamp.replace(/(\.\d{3})\d+/, '$1'))))) {
      throw invalid(`Invalid value at 'entries[${i}].timestamp': expected an RFC 3339 time.`);
    }
    const n = seq();
    const labels = { ...defaults.labels, ...stringMap(e.labels, `entries[${i}].labels`) };
    return {
      logName,
      resource,
      timestamp: (e.timestamp as string | undefined) ?? nanoTimestamp(now, n),
      receiveTimestamp: nanoTimestamp(now, n),
      insertId: typeof e.insertId === 'string' && e.insertId !== '' ? e.insertId : randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, 'x'),
      severity: typeof e.severity === 'string' ? e.severity : 'DEFAULT',
      ...(Object.keys(labels).length ? { labels } : {}),
      ...(e.jsonPayload !== undefined ? { jsonPayload: structuredClone(e.jsonPayload) as Record<string, unknown> } : {}),
      ...(e.textPayload !== undefined ? { textPayload: e.textPayload as string } : {}),
    };
  });
  // All or nothing once valid; a repeat of (log, insertId, timestamp) is kept once.
  return ready.filter((w) => !store.hasWritten(w.logName, w.insertId, w.timestamp)).map((w) => store.append(w));
}
