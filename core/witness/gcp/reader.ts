/**
 * Reads the GCP witness records back: Cloud Logging `entries.list` over the witness log
 * only (`logName="…"`), bounded by the provider's receiveTimestamp, through the REST API
 * with the customer's own identity (as the evidence reader: the JSON keeps every entry as
 * the service returned it, so each one is checked on its own). Needs roles/logging.viewer.
 *
 * Every entry is a record: trusted (`ok`) only when its note verifies under the audit log
 * key and agrees with its fields (note-record.ts); repeats are marked duplicate.
 */
import type { GcpIdentity } from '../../providers/gcp/auth';
import { obj } from '../../evidence/normalize/shared';
import { Pacer, realSleep } from '../../evidence/readers/pacer';
import { PageGuard } from '../../evidence/readers/page-guard';
import { classifyLoggingError } from '../../evidence/readers/gcp-logging';
import { pagedRequest } from '../../evidence/readers/retry';
import { ReaderError } from '../../evidence/readers/types';
import { markDuplicates, type NoteWitnessRecord } from '../note-record';
import type { WitnessDeps, WitnessReadContext, WitnessReader, WitnessReadRange, WitnessTarget } from '../types';
import { readWitnessEntry } from './entry';
import { gcpWitnessIdentity } from './identity';
import { parseGcpWitnessTarget, type GcpWitnessTarget } from './target';
import { DEFAULT_LOGGING_ENDPOINT } from './writer';

/** Entries are written with the writer's clock as `timestamp`: allow this much skew around the receive window. */
const CLIENT_SKEW_MS = 24 * 3600_000;

export function witnessLogFilter(logName: string, range: WitnessReadRange): string {
  const iso = (ms: number) => `"${new Date(ms).toISOString()}"`;
  return [
    `logName="${logName}"`,
    // timestamp bounds keep the query on Cloud Logging's index; receiveTimestamp is the provider's time.
    `timestamp>=${iso(range.fromMs - CLIENT_SKEW_MS)}`,
    `timestamp<${iso(range.toMs + CLIENT_SKEW_MS)}`,
    `receiveTimestamp>=${iso(range.fromMs)}`,
    `receiveTimestamp<${iso(range.toMs)}`,
  ].join(' AND ');
}

/** entries.list failures in the words of this log (the evidence reader's name the audit logs). */
function classifyListError(e: unknown, logName: string): ReaderError {
  const err = classifyLoggingError(e);
  if (err.kind === 'access_denied') {
    return new ReaderError(`Cloud Logging refused entries.list on ${logName}: reading the witness log needs roles/logging.viewer on the project`, 'access_denied');
  }
  return err;
}

interface ListAnswer {
  entries?: unknown;
  nextPageToken?: unknown;
}

export class GcpLoggingWitnessReader implements WitnessReader {
  readonly kind = 'gcp_logging' as const;
  readonly #target: GcpWitnessTarget;
  readonly #identity: () => Promise<GcpIdentity>;
  readonly #endpoint: string;
  readonly #pacer: Pacer;

  constructor(private readonly target: WitnessTarget, private readonly deps: WitnessDeps) {
    this.#target = parseGcpWitnessTarget(target.target_ref);
    this.#identity = gcpWitnessIdentity(target, deps);
    this.#endpoint = target.read_endpoint ?? DEFAULT_LOGGING_ENDPOINT;
    this.#pacer = new Pacer(deps.readerOptions.ratePerSecond?.gcp ?? 1);
  }

  async readBack(range: WitnessReadRange, ctx: WitnessReadContext): Promise<NoteWitnessRecord[]> {
    const signal = ctx.signal ?? new AbortController().signal;
    const identity = await this.#identity().catch((e: unknown) => {
      throw new ReaderError(`no GCP identity to read Cloud Logging with: ${String((e as Error)?.message ?? e).slice(0, 200)}`, 'access_denied');
    });
    const log = { origin: ctx.expectedOrigin, verifierKey: ctx.verifierKey ?? null };
    const guard = new PageGuard(`Cloud Logging entries.list (${this.#target.logName})`, this.deps.readerOptions.maxPages);
    const sleep = this.deps.readerOptions.sleep ?? realSleep;
    const timeout = this.deps.readerOptions.timeoutMs ?? this.deps.timeoutMs;
    const records: NoteWitnessRecord[] = [];
    let pageToken: string | undefined;
    do {
      guard.beforePage();
      const data = {
        resourceNames: [`projects/${this.#target.project}`],
        filter: witnessLogFilter(this.#target.logName, range),
        orderBy: 'timestamp asc',
        pageSize: this.deps.readerOptions.pageSize?.gcp ?? 1000,
        ...(pageToken ? { pageToken } : {}),
      };
      const res = await pagedRequest(this.#pacer, sleep, signal, () =>
        identity.client.request<ListAnswer>({
          url: `${this.#endpoint}/v2/entries:list`, method: 'POST', data, signal, timeout, retry: false,
          headers: { 'user-agent': this.deps.userAgentPrefix },
        }), (e) => classifyListError(e, this.#target.logName));
      const answer = obj(res.data as unknown);
      if (!answer || (answer.entries !== undefined && !Array.isArray(answer.entries))) {
        throw new ReaderError('Cloud Logging answered entries.list with a body that is not an entries.list answer (not JSON, or no list of entries)', 'bad_response');
      }
      const next = answer.nextPageToken;
      if (next !== undefined && (typeof next !== 'string' || next === '')) throw new ReaderError('Cloud Logging answered entries.list with a nextPageToken that is not a token', 'bad_response');
      const ids: string[] = [];
      for (const entry of (answer.entries ?? []) as unknown[]) {
        const rec = readWitnessEntry(entry, this.#target.logName, log, this.target.id);
        if (!rec) continue;
        ids.push(rec.provider_event_id);
        records.push(rec);
      }
      pageToken = next as string | undefined;
      guard.afterPage(ids, pageToken);
    } while (pageToken);
    // Duplicates are judged in the provider's time order: the first record of a checkpoint keeps it.
    records.sort((a, b) => (a.provider_time ?? '').localeCompare(b.provider_time ?? '') || a.provider_event_id.localeCompare(b.provider_event_id));
    return markDuplicates(records);
  }
}
