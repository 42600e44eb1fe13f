/**
 * Reads the AWS witness records back from CloudTrail LookupEvents: the Encrypt events on
 * the witness key whose encryption context carries a `keywarden:*` field. Each is
 * classified (classifyWitnessRecord): a failed Encrypt, a missing field, another log's
 * origin are reported, never trusted. A record delivered twice is kept once.
 */
import { CloudTrailClient, LookupEventsCommand, type LookupAttribute } from '@aws-sdk/client-cloudtrail';
import { classifyCloudTrailError } from '../../evidence/readers/aws-cloudtrail';
import { PageGuard } from '../../evidence/readers/page-guard';
import { Pacer, realSleep } from '../../evidence/readers/pacer';
import { pagedRequest } from '../../evidence/readers/retry';
import { ReaderError } from '../../evidence/readers/types';
import { parseAwsConfig, parseKeyArn } from '../../providers/aws/config';
import { resolveCredentials } from '../../providers/aws/credentials';
import { classifyWitnessRecord } from '../record-fields';
import { WITNESS_FIELDS, type WitnessDeps, type WitnessReadContext, type WitnessReader, type WitnessReadRange, type WitnessRecord, type WitnessTarget } from '../types';
import { isWitnessContext } from './context';

const CID = /keywarden-cid\/([A-Za-z0-9._-]{1,128})/;

interface LookupEventLike {
  EventId?: unknown;
  EventName?: unknown;
  EventTime?: unknown;
  CloudTrailEvent?: unknown;
}

export class AwsKmsWitnessReader implements WitnessReader {
  readonly kind = 'aws_kms' as const;
  readonly #client: CloudTrailClient;
  readonly #pacer = new Pacer(2);
  readonly #query: LookupAttribute;

  constructor(
    private readonly target: WitnessTarget,
    private readonly deps: WitnessDeps,
  ) {
    const { config } = parseAwsConfig({ provider: 'aws', kms_key_ref: target.target_ref, config: { ...target.config } });
    const timeoutMs = deps.readerOptions.timeoutMs ?? deps.timeoutMs;
    const requestHandler = { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true as const };
    const creds = resolveCredentials(config, { env: deps.env, timeoutMs, requestHandler, customUserAgent: deps.userAgentPrefix });
    this.#client = new CloudTrailClient({
      region: config.region,
      ...(target.read_endpoint ? { endpoint: target.read_endpoint } : {}),
      credentials: creds.credentials,
      maxAttempts: 1,
      customUserAgent: deps.userAgentPrefix,
      requestHandler,
    });
    // By the key when its ARN is known (every event on it), else every Encrypt in the account.
    const key = parseKeyArn(target.target_ref, 'target_ref');
    this.#query = key.kind === 'key' ? { AttributeKey: 'ResourceName', AttributeValue: key.arn } : { AttributeKey: 'EventName', AttributeValue: 'Encrypt' };
  }

  async readBack(range: WitnessReadRange, ctx: WitnessReadContext): Promise<WitnessRecord[]> {
    const signal = ctx.signal ?? new AbortController().signal;
    const guard = new PageGuard('CloudTrail LookupEvents', this.deps.readerOptions.maxPages);
    const sleep = this.deps.readerOptions.sleep ?? realSleep;
    const byId = new Map<string, WitnessRecord>();
    let token: string | undefined;
    guard.newQuery();
    do {
      guard.beforePage();
      const out = await pagedRequest(
        this.#pacer,
        sleep,
        signal,
        () =>
          this.#client.send(
            new LookupEventsCommand({ LookupAttributes: [this.#query], StartTime: new Date(range.fromMs), EndTime: new Date(range.toMs), MaxResults: 50, ...(token ? { NextToken: token } : {}) }),
            { abortSignal: signal },
          ),
        classifyCloudTrailError,
      );
      if (out.Events !== undefined && !Array.isArray(out.Events)) throw new ReaderError('CloudTrail answered LookupEvents without a list of events', 'bad_response');
      if (out.NextToken !== undefined && (typeof out.NextToken !== 'string' || out.NextToken.length === 0)) throw new ReaderError('CloudTrail answered LookupEvents with a NextToken that is not a token', 'bad_response');
      const ids: string[] = [];
      for (const ev of (out.Events ?? []) as LookupEventLike[]) {
        if (ev !== null && typeof ev === 'object' && typeof ev.EventId === 'string') ids.push(ev.EventId);
        const rec = this.#record(ev, ctx.expectedOrigin);
        if (!rec) continue;
        // Duplicate delivery: the same eventID twice is one record.
        if (!byId.has(rec.provider_event_id)) byId.set(rec.provider_event_id, rec);
      }
      token = out.NextToken;
      guard.afterPage(ids, token);
    } while (token);
    return [...byId.values()].sort((a, b) => (a.provider_time ?? '').localeCompare(b.provider_time ?? '') || a.provider_event_id.localeCompare(b.provider_event_id));
  }

  /** A witness record, or null for an event that is not one (another Encrypt, a Decrypt...). */
  #record(ev: LookupEventLike, expectedOrigin: string): WitnessRecord | null {
    if (ev === null || typeof ev !== 'object') return null;
    const text = typeof ev.CloudTrailEvent === 'string' ? ev.CloudTrailEvent : '';
    let detail: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) detail = parsed as Record<string, unknown>;
    } catch {
      detail = null;
    }
    const envelopeTime = ev.EventTime instanceof Date && !Number.isNaN(ev.EventTime.getTime()) ? ev.EventTime.toISOString() : null;
    const envelopeId = typeof ev.EventId === 'string' ? ev.EventId : null;
    const meta = { kind: this.kind, witness_id: this.target.id, correlation_id: null as string | null };
    if (!detail) {
      // Unreadable: an Encrypt on the witness key may have been a witness record; report it, trust nothing.
      if (ev.EventName !== 'Encrypt') return null;
      const raw = JSON.stringify({ EventId: ev.EventId, EventName: ev.EventName, EventTime: envelopeTime, CloudTrailEvent: text });
      const bad = classifyWitnessRecord({ origin: null, size: null, root: null }, { ...meta, provider_event_id: envelopeId, provider_time: envelopeTime, raw }, expectedOrigin);
      return { ...bad, problem: 'the CloudTrail event is not readable JSON (an Encrypt on the witness key: it may have been a witness record)' };
    }
    const params = detail.requestParameters as Record<string, unknown> | null | undefined;
    const context = params && typeof params === 'object' ? params.encryptionContext : undefined;
    if (detail.eventName !== 'Encrypt' || !isWitnessContext(context)) return null;
    const eventId = typeof detail.eventID === 'string' ? detail.eventID : envelopeId;
    const time = typeof detail.eventTime === 'string' && !Number.isNaN(Date.parse(detail.eventTime)) ? new Date(detail.eventTime).toISOString() : envelopeTime;
    const ua = typeof detail.userAgent === 'string' ? detail.userAgent : '';
    const cid = CID.exec(ua)?.[1] ?? null;
    const rec = classifyWitnessRecord(
      { origin: context[WITNESS_FIELDS.origin], size: context[WITNESS_FIELDS.size], root: context[WITNESS_FIELDS.root] },
      { ...meta, correlation_id: cid, provider_event_id: eventId, provider_time: time, raw: text },
      expectedOrigin,
    );
    // A refused Encrypt was logged with its context but witnessed nothing.
    if (typeof detail.errorCode === 'string' && rec.state === 'ok') {
      return { ...rec, state: 'malformed', problem: `the Encrypt failed (${detail.errorCode.slice(0, 80)}): a refused write witnesses nothing` };
    }
    return rec;
  }

  close(): void {
    this.#client.destroy();
  }
}
