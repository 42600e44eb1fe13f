/**
 * Key Vault AuditEvent rows from Azure Monitor Logs through `@azure/monitor-query-logs`
 * (LogsQueryClient, KQL) in the workspace the tenant's evidence settings name. The
 * resource-specific `AZKVAuditLogs` table, or legacy `AzureDiagnostics`. Log Analytics has
 * no page token: pages are `order by TimeGenerated asc | take N` with a time cursor, rows
 * at the cursor's instant told apart by their request id.
 */
import type { TokenCredential } from '@azure/identity';
import { LogsQueryClient, LogsQueryResultStatus, type LogsTable } from '@azure/monitor-query-logs';
import { normalizeKeyVaultRow, vaultKeyOf, type AzureTable } from '../normalize/azure';
import { isoTime, str, UnreadableRecord } from '../normalize/shared';
import type { Pacer, Sleep } from './pacer';
import { PageGuard } from './page-guard';
import { oneLine, pagedRequest, rawId } from './retry';
import { ReaderError, type ReaderPage, type ReadWindow, type SourceReader } from './types';

export const DEFAULT_LOGS_ENDPOINT = 'https://api.loganalytics.io/v1';

export interface AzureReaderOptions {
  credential: TokenCredential;
  endpoint?: string | undefined;
  workspaceId: string;
  /** The vault key URL without version: https://<vault>/keys/<name>. */
  keyRef: string;
  table: AzureTable;
  pacer: Pacer;
  sleep: Sleep;
  timeoutMs: number;
  pageSize?: number;
  tlsOptions?: { ca: string[] } | undefined;
  userAgent: string;
  maxPages?: number | undefined;
}

const KQL_STRING = /^[\w.:/-]+$/;

export function keyVaultQuery(table: AzureTable, keyRef: string, cursorIso: string, toIso: string, take: number): string {
  const u = new URL(keyRef);
  const needle = `${u.host}${u.pathname.replace(/\/+$/, '')}`;
  if (!KQL_STRING.test(needle)) throw new ReaderError(`key URL ${keyRef} cannot be used in a query`, 'invalid');
  const lines =
    table === 'AZKVAuditLogs'
      ? ['AZKVAuditLogs', `where RequestUri contains "${needle}"`]
      : ['AzureDiagnostics', 'where ResourceProvider == "MICROSOFT.KEYVAULT"', 'where Category == "AuditEvent"', `where requestUri_s contains "${needle}"`];
  return [...lines, `where TimeGenerated >= datetime(${cursorIso})`, `where TimeGenerated < datetime(${toIso})`, 'order by TimeGenerated asc', `take ${take}`].join(' | ');
}

export function classifyLogsError(e: unknown): ReaderError {
  const err = e as { statusCode?: number; code?: string; message?: string; name?: string };
  const msg = oneLine(err?.message);
  if (err?.statusCode === 429) return new ReaderError(`Azure Monitor throttled the query (${msg})`, 'throttled');
  if (err?.statusCode !== undefined && err.statusCode >= 500) return new ReaderError(`Azure Monitor answered the query with a server error (HTTP ${err.statusCode})`, 'server_error');
  if (err?.code === 'PARSE_ERROR' || err?.name === 'SyntaxError' || /not valid JSON|unexpected token|error .*deserializ/i.test(err?.message ?? '')) {
    return new ReaderError(`Azure Monitor answered the query with a body that is not JSON${err?.statusCode ? ` (HTTP ${err.statusCode})` : ''}`, 'bad_response');
  }
  // The client converts the answer's tables without checking them: a body that is not a
  // query answer (an HTML page, other JSON) surfaces as a TypeError from inside the SDK.
  if (err?.name === 'TypeError' && err.statusCode === undefined) {
    return new ReaderError('Azure Monitor answered the query with a body that is not a query answer (not JSON, or no tables)', 'bad_response');
  }
  if (err?.statusCode === 401 || err?.statusCode === 403 || err?.name === 'CredentialUnavailableError' || err?.name === 'AuthenticationError') {
    return new ReaderError(`Azure Monitor refused the query: ${msg}. The identity needs Log Analytics Reader on the workspace.`, 'access_denied');
  }
  if (err?.statusCode === 404) return new ReaderError(`Azure Monitor: workspace not found (${msg})`, 'not_found');
  if (err?.statusCode === 400) return new ReaderError(`Azure Monitor refused the query: ${msg}`, 'invalid');
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(err?.code ?? '')) return new ReaderError(`Azure Monitor is unreachable (${err?.code})`, 'unreachable');
  return new ReaderError(`Azure Monitor query failed${err?.statusCode ? ` (HTTP ${err.statusCode})` : ''}: ${msg}`, 'error');
}

function rowsOf(table: LogsTable | undefined): Record<string, unknown>[] {
  if (!table) return [];
  const names = table.columnDescriptors.map((c) => c.name ?? '');
  return table.rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])));
}

export class AzureMonitorReader implements SourceReader {
  private readonly client: LogsQueryClient;
  private readonly keyBase: string;

  constructor(private readonly o: AzureReaderOptions) {
    this.client = new LogsQueryClient(o.credential, {
      endpoint: o.endpoint ?? DEFAULT_LOGS_ENDPOINT,
      retryOptions: { maxRetries: 0 },
      userAgentOptions: { userAgentPrefix: o.userAgent },
      ...(o.tlsOptions ? { tlsOptions: o.tlsOptions } : {}),
    });
    this.keyBase = vaultKeyOf(o.keyRef).toLowerCase();
  }

  async *read(window: ReadWindow, signal: AbortSignal): AsyncGenerator<ReaderPage> {
    const take = this.o.pageSize ?? 1000;
    const toIso = new Date(window.toMs).toISOString();
    let cursor = new Date(window.fromMs).toISOString();
    let seenAtCursor = new Set<string>();
    const guard = new PageGuard('Azure Monitor', this.o.maxPages);
    for (;;) {
      guard.beforePage();
      const query = keyVaultQuery(this.o.table, this.o.keyRef, cursor, toIso, take);
      const result = await pagedRequest(
        this.o.pacer,
        this.o.sleep,
        signal,
        () => this.client.queryWorkspace(this.o.workspaceId, query, { startTime: new Date(Date.parse(cursor)), endTime: new Date(window.toMs) }, { abortSignal: signal, serverTimeoutInSeconds: Math.ceil(this.o.timeoutMs / 1000) }),
        classifyLogsError,
      );
      const partial = result.status === LogsQueryResultStatus.PartialFailure;
      const table = partial ? result.partialTables[0] : result.tables[0];
      if (table && (!Array.isArray(table.rows) || !Array.isArray(table.columnDescriptors))) {
        throw new ReaderError('Azure Monitor answered the query without rows and columns (not a query answer)', 'bad_response');
      }
      const rows = rowsOf(table);
      const page: ReaderPage = { events: [], unreadable: [], otherKeys: [] };
      let fresh = 0;
      let last = cursor;
      const atLast = new Set<string>();
      for (const row of rows) {
        try {
          const e = normalizeKeyVaultRow(row, this.o.table);
          if (e.at === cursor && seenAtCursor.has(e.event_id)) continue;
          fresh++;
          if (e.at !== last) atLast.clear();
          last = e.at;
          atLast.add(e.event_id);
          if (e.key_ref.toLowerCase() === this.keyBase) page.events.push(e);
          else page.otherKeys.push(e.at);
        } catch (err) {
          if (!(err instanceof UnreadableRecord)) throw err;
          const raw = JSON.stringify(row);
          page.unreadable.push({ event_id: str(row.CorrelationId) ?? str(row.Id) ?? rawId(raw), at: isoTime(row.TimeGenerated), problem: err.message, raw });
        }
      }
      yield page;
      if (partial) throw new ReaderError(`Azure Monitor returned part of the result: ${oneLine(result.partialError.message)}`, 'error');
      if (rows.length < take) return;
      if (fresh === 0) throw new ReaderError(`more than ${take} Key Vault rows share the instant ${cursor}: raise the page size`, 'pagination_loop');
      seenAtCursor = last === cursor ? new Set([...seenAtCursor, ...atLast]) : atLast;
      cursor = last;
    }
  }
}
