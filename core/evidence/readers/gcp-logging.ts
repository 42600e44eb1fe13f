/**
 * Cloud Audit Logs for one CryptoKey through the Cloud Logging REST API
 * (`POST /v2/entries:list`), signed by the customer's own identity (application default
 * credentials or the impersonated service account the KMS provider uses).
 *
 * Why not `@google-cloud/logging`'s getEntries: over REST (`fallback: true`) the package
 * decodes `protoPayload` with the protos it ships, and it ships no
 * `google.cloud.audit.AuditLog`; every Cloud KMS audit entry fails with "cannot find type
 * google.cloud.audit.AuditLog" (verified against the fake, and the same decoding runs
 * against Google). Over gRPC the payload arrives as an undecoded Any. The REST API's JSON
 * already carries the AuditLog fields, so this reader asks it directly with the same
 * google-auth-library client that signs the KMS calls.
 */
import type { GcpIdentity } from '../../providers/gcp/auth';
import { normalizeLogEntry } from '../normalize/gcp';
import { isoTime, obj, str, UnreadableRecord } from '../normalize/shared';
import type { Pacer, Sleep } from './pacer';
import { PageGuard } from './page-guard';
import { oneLine, pagedRequest, rawId } from './retry';
import { ReaderError, type ReaderPage, type ReadWindow, type SourceReader } from './types';

export const DEFAULT_LOGGING_ENDPOINT = 'https://logging.googleapis.com';

export interface GcpReaderOptions {
  endpoint: string;
  /** The project whose logs hold the key's audit entries (default: the key's project). */
  project: string;
  /** The CryptoKey path projects/…/locations/…/keyRings/…/cryptoKeys/…. */
  keyPath: string;
  identity: () => Promise<GcpIdentity>;
  pacer: Pacer;
  sleep: Sleep;
  timeoutMs: number;
  pageSize?: number;
  userAgent: string;
  maxPages?: number | undefined;
}

interface ListAnswer {
  entries?: unknown[];
  nextPageToken?: string;
}

export function gcpKeyFilter(keyPath: string, fromIso: string, toIso: string): string {
  const p = keyPath.split('/');
  const q = (v: string | undefined) => `"${(v ?? '').replace(/["\\]/g, '')}"`;
  return [
    'protoPayload.serviceName="cloudkms.googleapis.com"',
    'resource.type="cloudkms_cryptokey"',
    `resource.labels.location=${q(p[3])}`,
    `resource.labels.key_ring_id=${q(p[5])}`,
    `resource.labels.crypto_key_id=${q(p[7])}`,
    `timestamp>=${q(fromIso)}`,
    `timestamp<${q(toIso)}`,
  ].join(' AND ');
}

export function classifyLoggingError(e: unknown): ReaderError {
  const err = e as { code?: string | number; status?: number; response?: { status?: number; data?: { error?: { message?: string; status?: string } } }; message?: string; name?: string };
  const status = err?.response?.status ?? err?.status;
  const detail = oneLine(err?.response?.data?.error?.message ?? err?.message);
  if (status === 429) return new ReaderError(`Cloud Logging throttled entries.list (${detail})`, 'throttled');
  if (status !== undefined && status >= 500) return new ReaderError(`Cloud Logging answered entries.list with a server error (HTTP ${status})`, 'server_error');
  if (err?.name === 'SyntaxError' || /invalid json|unexpected token/i.test(err?.message ?? '')) {
    return new ReaderError(`Cloud Logging answered entries.list with a body that is not JSON${status ? ` (HTTP ${status})` : ''}`, 'bad_response');
  }
  if (status === 401 || status === 403) {
    return new ReaderError(`Cloud Logging refused entries.list: ${detail}. Data Access entries need roles/logging.privateLogViewer on the project.`, 'access_denied');
  }
  if (status === 404) return new ReaderError(`Cloud Logging: not found (${detail})`, 'not_found');
  if (status !== undefined && status >= 400 && status < 500) return new ReaderError(`Cloud Logging refused the query: ${detail}`, 'invalid');
  if (typeof err?.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(err.code)) {
    return new ReaderError(`Cloud Logging is unreachable (${err.code})`, 'unreachable');
  }
  if (err?.name === 'AbortError') return new ReaderError('Cloud Logging did not answer in time', 'unreachable');
  return new ReaderError(`Cloud Logging entries.list failed${status ? ` (HTTP ${status})` : ''}: ${detail}`, 'error');
}

export class GcpLoggingReader implements SourceReader {
  constructor(private readonly o: GcpReaderOptions) {}

  async *read(window: ReadWindow, signal: AbortSignal): AsyncGenerator<ReaderPage> {
    const identity = await this.o.identity().catch((e: unknown) => {
      throw new ReaderError(`no GCP identity to read Cloud Logging with: ${oneLine((e as Error)?.message)}`, 'access_denied');
    });
    const filter = gcpKeyFilter(this.o.keyPath, new Date(window.fromMs).toISOString(), new Date(window.toMs).toISOString());
    const guard = new PageGuard('Cloud Logging entries.list', this.o.maxPages);
    let pageToken: string | undefined;
    do {
      guard.beforePage();
      const body = {
        resourceNames: [`projects/${this.o.project}`],
        filter,
        orderBy: 'timestamp asc',
        pageSize: this.o.pageSize ?? 1000,
        ...(pageToken ? { pageToken } : {}),
      };
      const res = await pagedRequest(
        this.o.pacer,
        this.o.sleep,
        signal,
        () =>
          identity.client.request<ListAnswer>({
            url: `${this.o.endpoint}/v2/entries:list`,
            method: 'POST',
            data: body,
            signal,
            timeout: this.o.timeoutMs,
            retry: false,
            headers: { 'user-agent': this.o.userAgent },
          }),
        classifyLoggingError,
      );
      // gaxios hands back the text when the body is not JSON.
      const answer = obj(res.data as unknown);
      if (!answer || (answer.entries !== undefined && !Array.isArray(answer.entries))) {
        throw new ReaderError('Cloud Logging answered entries.list with a body that is not an entries.list answer (not JSON, or no list of entries)', 'bad_response');
      }
      const next = answer.nextPageToken;
      if (next !== undefined && typeof next !== 'string') throw new ReaderError('Cloud Logging answered entries.list with a nextPageToken that is not a token', 'bad_response');
      const page: ReaderPage = { events: [], unreadable: [], otherKeys: [] };
      const ids: string[] = [];
      for (const entry of (answer.entries ?? []) as unknown[]) {
        const insertId = str(obj(entry)?.insertId);
        if (insertId) ids.push(insertId);
        try {
          const e = normalizeLogEntry(entry);
          if (e.key_ref === this.o.keyPath) page.events.push(e);
          else page.otherKeys.push(e.at);
        } catch (err) {
          if (!(err instanceof UnreadableRecord)) throw err;
          const raw = JSON.stringify(entry) ?? String(entry);
          page.unreadable.push({ event_id: insertId ?? rawId(raw), at: isoTime(obj(entry)?.timestamp), problem: err.message, raw });
        }
      }
      yield page;
      pageToken = next || undefined;
      guard.afterPage(ids, pageToken);
    } while (pageToken);
  }
}
