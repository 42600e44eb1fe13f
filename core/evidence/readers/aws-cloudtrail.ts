/**
 * CloudTrail LookupEvents through `@aws-sdk/client-cloudtrail`, with the customer's own
 * credentials (the same chain / AssumeRole the KMS provider uses). One lookup attribute
 * per query (the API allows one): the key ARN as `ResourceName` when it is known, which
 * returns every event on the key (Decrypt, Encrypt, GenerateDataKey, DisableKey,
 * ScheduleKeyDeletion...); for an alias never resolved yet, each event name in turn.
 * 50 events a page, NextToken followed, 2 requests/s honoured, throttling backed off.
 */
import { CloudTrailClient, LookupEventsCommand, type LookupAttribute } from '@aws-sdk/client-cloudtrail';
import type { CredentialProvider } from '../../providers/aws/credentials';
import { normalizeCloudTrail } from '../normalize/aws';
import { UnreadableRecord } from '../normalize/shared';
import type { NormalizedEvent } from '../types';
import type { Pacer, Sleep } from './pacer';
import { oneLine, pagedRequest } from './retry';
import { ReaderError, type ReaderPage, type ReadWindow, type SourceReader } from './types';

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
}

export function classifyCloudTrailError(e: unknown): ReaderError {
  const err = e as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = err?.name ?? '';
  const msg = oneLine(err?.message);
  if (name === 'ThrottlingException' || name === 'TooManyRequestsException' || err?.$metadata?.httpStatusCode === 429) {
    return new ReaderError(`CloudTrail throttled LookupEvents (${msg})`, 'throttled');
  }
  if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException' || name === 'InvalidSignatureException' || name === 'AccessDenied' || name === 'ExpiredTokenException') {
    return new ReaderError(`CloudTrail refused LookupEvents: ${msg}. The credentials need cloudtrail:LookupEvents.`, 'access_denied');
  }
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(err?.code ?? '') || name === 'TimeoutError') {
    return new ReaderError(`CloudTrail is unreachable (${err?.code ?? name})`, 'unreachable');
  }
  if (name.startsWith('Invalid')) return new ReaderError(`CloudTrail refused the query: ${name}: ${msg}`, 'invalid');
  return new ReaderError(`CloudTrail LookupEvents failed: ${name || 'error'}${msg ? `: ${msg}` : ''}`, 'error');
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

  /** In EventName mode other keys' events come back too: keep this key's only. */
  private belongs(e: NormalizedEvent): boolean {
    if (this.o.keyArns.length > 0) return e.key_ref === '' || this.o.keyArns.includes(e.key_ref);
    const params = JSON.parse(e.raw) as { requestParameters?: { keyId?: unknown } | null };
    const keyId = params.requestParameters?.keyId;
    return keyId === this.o.keyRef || (typeof keyId === 'string' && this.o.keyRef.endsWith(`:${keyId}`));
  }

  async *read(window: ReadWindow, signal: AbortSignal): AsyncGenerator<ReaderPage> {
    for (const attribute of this.queries()) {
      let token: string | undefined;
      do {
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
        const events: NormalizedEvent[] = [];
        let unreadable = 0;
        for (const raw of out.Events ?? []) {
          try {
            const e = normalizeCloudTrail(raw);
            if (raw.EventSource !== undefined && raw.EventSource !== 'kms.amazonaws.com') continue;
            if (this.belongs(e)) events.push(e.key_ref === '' ? { ...e, key_ref: this.o.keyArns[0] ?? this.o.keyRef } : e);
          } catch (err) {
            if (err instanceof UnreadableRecord) unreadable++;
            else throw err;
          }
        }
        yield { events, unreadable };
        token = out.NextToken;
      } while (token);
    }
  }

  close(): void {
    this.client.destroy();
  }
}
