/**
 * A tenant's evidence settings: where the provider logs are read (endpoint overrides, the
 * Azure workspace), how long each provider may take to deliver a record, the fallback
 * match window and how far back a first read goes. Stored as JSON; defaults filled here.
 */
import type { EvidenceSettingsView } from '../api/evidence-types';
import { endpointHost } from '../engine/allowed-endpoints';
import { invalidInput } from '../errors';
import type { CloudProvider } from './types';

export type EvidenceSettings = Omit<EvidenceSettingsView, 'tenant' | 'updated_at'>;

export const DEFAULT_SETTINGS: EvidenceSettings = {
  aws_cloudtrail_endpoint: null,
  aws_s3_endpoint: null,
  // CloudTrail: typically ~5 min, documented as up to ~15 min.
  aws_delivery_delay_minutes: 15,
  gcp_logging_endpoint: null,
  gcp_project: null,
  gcp_delivery_delay_minutes: 10,
  gcp_storage_endpoint: null,
  azure_blob_endpoint: null,
  azure_workspace_id: null,
  azure_logs_endpoint: null,
  azure_table: 'AZKVAuditLogs',
  // Azure Monitor: logs land within ~10 min.
  azure_delivery_delay_minutes: 10,
  match_window_seconds: 120,
  initial_lookback_hours: 24 * 7,
};

const ENDPOINT_FIELDS = ['aws_cloudtrail_endpoint', 'aws_s3_endpoint', 'gcp_logging_endpoint', 'azure_logs_endpoint', 'gcp_storage_endpoint', 'azure_blob_endpoint'] as const;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

export const ENDPOINT_KINDS = { aws_cloudtrail_endpoint: 'aws-cloudtrail', aws_s3_endpoint: 'aws-s3', gcp_logging_endpoint: 'gcp', azure_logs_endpoint: 'azure-monitor', gcp_storage_endpoint: 'gcp', azure_blob_endpoint: 'azure-blob' } as const;

/** An endpoint is an http(s) URL without credentials or query; which hosts is the engine's endpoint policy (allowed-endpoints.ts). */
export function checkEndpoint(field: string, value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw invalidInput(field, 'must be a URL such as https://cloudtrail.eu-west-1.amazonaws.com');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw invalidInput(field, 'must use https');
  if (u.username || u.password) throw invalidInput(field, 'must not carry credentials');
  if (u.search || u.hash) throw invalidInput(field, 'must not have a query or fragment');
  return value.replace(/\/+$/, '');
}

/** Merges an update into stored settings: '' clears a text field; every value is checked. */
export function mergeSettings(current: EvidenceSettings, update: Partial<Record<keyof EvidenceSettings, unknown>>): EvidenceSettings {
  const next: EvidenceSettings = { ...current };
  for (const [k, v] of Object.entries(update) as [keyof EvidenceSettings, unknown][]) {
    if (v === undefined) continue;
    const cleared = v === '' || v === null;
    if ((ENDPOINT_FIELDS as readonly string[]).includes(k)) {
      (next as unknown as Record<string, unknown>)[k] = cleared ? null : checkEndpoint(k, String(v));
    } else if (k === 'azure_workspace_id') {
      if (!cleared && !GUID.test(String(v))) throw invalidInput(k, 'must be the Log Analytics workspace id (a GUID, shown as "Workspace ID" on the workspace overview)');
      next.azure_workspace_id = cleared ? null : String(v).toLowerCase();
    } else if (k === 'gcp_project') {
      if (!cleared && !PROJECT.test(String(v))) throw invalidInput(k, 'must be a project id (6-30 lowercase letters, digits or hyphens, starting with a letter)');
      next.gcp_project = cleared ? null : String(v);
    } else {
      (next as unknown as Record<string, unknown>)[k] = v;
    }
  }
  return next;
}

/** Reads stored JSON, keeping defaults for anything absent or no longer valid. */
export function parseStoredSettings(json: string | undefined): EvidenceSettings {
  if (!json) return { ...DEFAULT_SETTINGS };
  try {
    const raw = JSON.parse(json) as Record<string, unknown>;
    const known = Object.fromEntries(Object.entries(raw).filter(([k]) => k in DEFAULT_SETTINGS));
    return mergeSettings(DEFAULT_SETTINGS, known as Partial<Record<keyof EvidenceSettings, unknown>>);
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export function deliveryDelayMs(s: EvidenceSettings, provider: CloudProvider): number {
  const minutes = provider === 'aws' ? s.aws_delivery_delay_minutes : provider === 'gcp' ? s.gcp_delivery_delay_minutes : s.azure_delivery_delay_minutes;
  return minutes * 60_000;
}

/** Each log endpoint's host for the audit entry: "default" when the SDK's own is used. */
export function settingsEndpointHosts(s: EvidenceSettings): Record<string, string> {
  return Object.fromEntries(Object.keys(ENDPOINT_KINDS).map((k) => [k.replace(/_endpoint$/, '_host'), endpointHost(s[k as keyof typeof ENDPOINT_KINDS])]));
}
