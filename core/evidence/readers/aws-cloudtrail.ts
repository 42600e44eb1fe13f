/**
 * CloudTrail LookupEvents through `@aws-sdk/client-cloudtrail`, with the customer's own
 * credentials (the same chain / AssumeRole the KMS provider uses). One lookup attribute
 * per query (the API allows one): the key ARN as `ResourceName` when it is known, which
 * returns every event on the key (Decrypt, Encrypt, GenerateDataKey, DisableKey,
 * ScheduleKeyDeletion...); for an alias never resolved yet, each event name in turn.
 * 50 events a page, NextToken followed, 2 requests/s honoured, throttling and 5xx backed
 * off, a repeating or endless NextToken stopped. A record naming several keys (ReEncrypt)
 * belongs to the key it was looked up by, whatever the order of its `resources`.
 */
import { CloudTrailClient, LookupEventsCommand, type LookupAttribute } from '@aws-sdk/client-cloudtrail';
import type { CredentialProvider } from '../../providers/aws/credentials';
import { normalizeCloudTrailRecord, type LookupEventLike } from '../normalize/aws';
import { UnreadableRecord } from '../normalize/shared';
import type { Pacer, Sleep } from './pacer';
import { PageGuard } from './page-guard';
import { oneLine, pagedRequest, rawId, statusOf } from './retry';
import { ReaderError, type ReaderPage, type ReadWindow, type SourceReader, type UnreadableItem } from './types';

/** Event names read when only an alias is known. */
export const KMS_EVENT_NAMES = [
  'Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncrypt', 'DescribeKey',
  'DisableKey', 'EnableKey', 'ScheduleKeyDeletion', 'CancelKeyDeletion', 'PutKeyPolicy', 'CreateGrant',
] as const;

export interface AwsReaderOptions {
  region: string;
  endpoint?: string | undefined;
  credentials: CredentialProvider;
  /** Full key ARNs to read by ResourceName. */
  keyArns: string[];
  /** The configured key ref (an alias ARN when keyArns is empty). */
  keyRef: string;
  pacer: Pacer;
  sleep: Sleep;
  timeoutMs: number;
  userAgent: string;
  /** Pages one read may take (default DEFAULT_MAX_PAGES). */
  maxPages?: number | undefined;
}

export function classifyCloudTrailError(e: unknown): ReaderError {
  const err = e as { name?: string; code?: string; message?: string; $fault?: string };
  const name = err?.name ?? '';
  const msg = oneLine(err?.message);
  const status = statusOf(e);
  if (name === 'ThrottlingException' || name === 'TooManyRequestsException' || status === 429) {
    return new ReaderError(`CloudTrail throttled LookupEvents (${msg})`, 'throttled');
  }
  if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException' || name === 'InvalidSignatureException' || name === 'AccessDenied' || name === 'ExpiredTokenException') {
    return new ReaderError(`CloudTrail refused LookupEvents: ${msg}. The credentials need cloudtrail:LookupEvents.`, 'access_denied');
  }
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(err?.code ?? '') || name === 'TimeoutError') {
    return new ReaderError(`CloudTrail is unreachable (${err?.code ?? name})`, 'unreachable');
  }
  if ((status !== undefined && status >= 500) || err?.$fault === 'server') {
    return new ReaderError(`CloudTrail answered LookupEvents with a server error (HTTP ${status ?? '5xx'}${name && name !== 'SyntaxError' ? ` ${name}` : ''})`, 'server_error');
  }
  // The SDK's JSON deserializer fails with a SyntaxError on a body that is not JSON.
  if (name === 'SyntaxError' || /Deserialization error/i.test(err?.message ?? '')) {
    return new ReaderError(`CloudTrail answered LookupEvents with a body that is not JSON (HTTP ${status ?? '?'})`, 'bad_response');
  }
  if (name.startsWith('Invalid')) return new ReaderError(`CloudTrail refused the query: ${name}: ${msg}`, 'invalid');
  return new ReaderError(`CloudTrail LookupEvents failed: ${name || 'error'}${msg ? `: ${msg}` : ''}`, 'error');
}

/** The LookupEvents event as text, exactly enough to read it again (times as ISO). */
function rawEvent(raw: LookupEventLike): string {
  return JSON.stringify(raw, (_k, v: unknown) => (v instanceof Date ? v.toISOString() : v));
}

function unreadableItem(raw: LookupEventLike, problem: string): UnreadableItem {
  const text = rawEvent(raw);
  const id = typeof raw.EventId === 'string' && raw.EventId.length > 0 ? raw.EventId : rawId(text);
  const at = raw.EventTime instanceof Date && !Number.isNaN(raw.EventTime.getTime()) ? raw.EventTime.toISOString() : null;
  return { event_id: id, at, problem, raw: text };
}

export class AwsCloudTrailReader implements SourceReader {
  private readonly client: CloudTrailClient;

  constructor(private readonly o: AwsReaderOptions) {
    this.client = new CloudTrailClient({
      region: o.region,
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      credentials: o.credentials,
      maxAttempts: 1,
      customUserAgent: o.userAgent,
      requestHandler: { connectionTimeout: o.timeoutMs, requestTimeout: o.timeoutMs, throwOnRequestTimeout: true },
    });
  }

  private queries(): LookupAttribute[] {
    if (this.o.keyArns.length > 0) return this.o.keyArns.map((arn) => ({ AttributeKey: 'ResourceName', AttributeValue: arn }));
    return KMS_EVENT_NAMES.map((n) => ({ AttributeKey: 'EventName', AttributeValue: n }));
  }

  /**
   * The key a record belongs to for this source, or null for another key. Looked up by
   * ResourceName: the ARN asked for, when the record names it (or names no key ARN at
   * all). Looked up by EventName (alias only): when any key the record names is this
   * alias, its ARN or its key id.
   */
  private keyFor(keys: string[], attribute: LookupAttribute): string | null {
    if (attribute.AttributeKey === 'ResourceName') {
      const arn = attribute.AttributeValue!;
      return keys.includes(arn) || !keys.some((k) => k.includes(':key/')) ? arn : null;
    }
    const ref = this.o.keyRef;
    return keys.some((k) => k === ref || ref.endsWith(`:${k}`) || this.o.keyArns.includes(k)) ? ref : null;
  }

  async *read(window: ReadWindow, signal: AbortSignal): AsyncGenerator<ReaderPage> {
    const guard = new PageGuard('CloudTrail LookupEvents', this.o.maxPages);
    for (const attribute of this.queries()) {
      guard.newQuery();
      let token: string | undefined;
      do {
        guard.beforePage();
        const out = await pagedRequest(
          this.o.pacer,
          this.o.sleep,
          signal,
          () =>
            this.client.send(
              new LookupEventsCommand({
                LookupAttributes: [attribute],
                StartTime: new Date(window.fromMs),
                EndTime: new Date(window.toMs),
                MaxResults: 50,
                ...(token ? { NextToken: token } : {}),
              }),
              { abortSignal: signal },
            ),
          classifyCloudTrailError,
        );
        if (out.Events !== undefined && !Array.isArray(out.Events)) {
          throw new ReaderError('CloudTrail answered LookupEvents without a list of events (the body is not a LookupEvents answer)', 'bad_response');
        }
        if (out.NextToken !== undefined && (typeof out.NextToken !== 'string' || out.NextToken.length === 0)) {
          throw new ReaderError('CloudTrail answered LookupEvents with a NextToken that is not a token', 'bad_response');
        }
        const page: ReaderPage = { events: [], unreadable: [], otherKeys: [] };
        const ids: string[] = [];
        for (const raw of (out.Events ?? []) as LookupEventLike[]) {
          if (raw === null || typeof raw !== 'object') {
            const text = JSON.stringify(raw) ?? String(raw);
            page.unreadable.push({ event_id: rawId(text), at: null, problem: 'LookupEvents returned an event that is not an object', raw: text });
            continue;
          }
          if (typeof raw.EventId === 'string') ids.push(raw.EventId);
          try {
            const { event, keys } = normalizeCloudTrailRecord(raw);
            if (raw.EventSource !== undefined && raw.EventSource !== 'kms.amazonaws.com') continue;
            const key = this.keyFor(keys, attribute);
            if (key === null) page.otherKeys.push(event.at);
            else page.events.push({ ...event, key_ref: key });
          } catch (err) {
            if (err instanceof UnreadableRecord) page.unreadable.push(unreadableItem(raw, err.message));
            else throw err;
          }
        }
        yield page;
        token = out.NextToken;
        guard.afterPage(ids, token);
      } while (token);
    }
  }

  close(): void {
    this.client.destroy();
  }
}
