/**
 * The fake's CloudTrail: every call the fake KMS (and STS) serves becomes a record shaped
 * like the AWS KMS developer guide's CloudTrail examples, and `LookupEvents`
 * (`CloudTrail_20131101.LookupEvents`, AWS JSON 1.1) serves them: one lookup attribute,
 * StartTime/EndTime in epoch seconds, at most 50 a page, NextToken paging, newest first,
 * visible only after the delivery delay. Tests can inject a rogue record, drop one or
 * alter one, to exercise the evidence cross-check.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../../../core/clock';
import type { UserIdentity } from './identities';
import { isoSeconds } from './identities';

export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: UserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  /** KMS adds `keyMaterialId` to successful cryptographic operations (eventVersion 1.11). */
  additionalEventData?: Record<string, unknown>;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  resources?: { accountId: string; type: string; ARN: string }[];
  eventType: 'AwsApiCall';
  managementEvent: boolean;
  recipientAccountId: string;
  eventCategory: 'Management';
  errorCode?: string;
  errorMessage?: string;
}

interface Stored {
  record: CloudTrailRecord;
  timeMs: number;
  deliverAt: number;
  seq: number;
  /** Served with a CloudTrailEvent string that does not parse (or is no record). */
  corrupt?: CorruptKind;
}

/** How a record's `CloudTrailEvent` string is spoiled when served. */
export type CorruptKind = 'truncated' | 'not_an_object' | 'no_event_id';

/** Extra faults of LookupEvents answers, beyond the shared FaultMode. */
export type TrailReadFault =
  | { kind: 'pass' }
  | { kind: 'non_json' } // 200 with an HTML body (a proxy's page)
  | { kind: 'bad_gateway' } // 502 with an HTML body
  | { kind: 'repeat_token' } // every next page is offered under the first NextToken again
  | { kind: 'endless_token' }; // after the last page, empty pages under ever-new NextTokens

export type LookupResult =
  | { ok: true; body: { Events: unknown[]; NextToken?: string } }
  | { ok: false; code: string; message: string };

const ATTRIBUTE_KEYS = new Set(['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId']);

function username(r: CloudTrailRecord): string | undefined {
  if (r.userIdentity.userName) return r.userIdentity.userName;
  const arn = r.userIdentity.arn;
  return arn ? arn.slice(arn.lastIndexOf('/') + 1) : undefined;
}

function attributeOf(r: CloudTrailRecord, key: string): string[] {
  switch (key) {
    case 'EventId': return [r.eventID];
    case 'EventName': return [r.eventName];
    case 'ReadOnly': return [String(r.readOnly)];
    case 'Username': return [username(r) ?? ''];
    case 'EventSource': return [r.eventSource];
    case 'AccessKeyId': return [r.userIdentity.accessKeyId];
    case 'ResourceType': return (r.resources ?? []).map((x) => x.type);
    case 'ResourceName': return (r.resources ?? []).map((x) => x.ARN);
    default: return [];
  }
}

export class Trail {
  private readonly stored: Stored[] = [];
  private seq = 0;
  constructor(
    private readonly clock: Clock,
    private readonly region: string,
    private readonly accountId: string,
    public deliveryDelayMs = 0,
  ) {}

  /** Appends a record timed now; it becomes visible to LookupEvents after the delivery delay (or `delayMs`). */
  record(
    partial: Omit<CloudTrailRecord, 'eventVersion' | 'eventTime' | 'eventID' | 'eventType' | 'managementEvent' | 'eventCategory' | 'recipientAccountId'> & Partial<CloudTrailRecord>,
    delayMs = this.deliveryDelayMs,
  ): CloudTrailRecord {
    const now = this.clock.now();
    const record: CloudTrailRecord = {
      eventVersion: '1.11',
      eventTime: isoSeconds(now),
      eventID: randomUUID(),
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: this.accountId,
      eventCategory: 'Management',
      ...partial,
    };
    const t = Date.parse(record.eventTime);
    this.stored.push({ record, timeMs: Number.isNaN(t) ? now : t, deliverAt: now + delayMs, seq: this.seq++ });
    return record;
  }

  /**
   * A ReEncrypt shaped like the AWS KMS developer guide's example: `resources` names the
   * source key then the destination key, `requestParameters` only the destination key id,
   * user agent "AWS Internal".
   */
  reEncrypt(sourceArn: string, destinationArn: string, partial: Partial<CloudTrailRecord> = {}, delayMs?: number): CloudTrailRecord {
    const accountId = destinationArn.split(':')[4] ?? this.accountId;
    return this.inject(
      destinationArn,
      {
        eventName: 'ReEncrypt',
        userAgent: 'AWS Internal',
        requestParameters: {
          sourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          sourceEncryptionContext: { Project: 'Alpha' },
          destinationKeyId: destinationArn.slice(destinationArn.lastIndexOf('/') + 1),
          destinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          destinationEncryptionContext: { Level: '3A' },
        },
        resources: [
          { accountId: sourceArn.split(':')[4] ?? accountId, type: 'AWS::KMS::Key', ARN: sourceArn },
          { accountId, type: 'AWS::KMS::Key', ARN: destinationArn },
        ],
        ...partial,
      },
      delayMs,
    );
  }

  /** The same record (same eventID) delivered a second time, `afterMs` from now. */
  deliverAgain(eventId: string, afterMs = 0): boolean {
    const s = this.stored.find((x) => x.record.eventID === eventId);
    if (!s) return false;
    this.stored.push({ ...s, record: structuredClone(s.record), deliverAt: this.clock.now() + afterMs, seq: this.seq++ });
    return true;
  }

  /** Serves a record's CloudTrailEvent spoiled (its LookupEvents envelope stays intact). */
  corrupt(eventId: string, kind: CorruptKind = 'truncated'): boolean {
    const s = this.stored.find((x) => x.record.eventID === eventId);
    if (!s) return false;
    s.corrupt = kind;
    return true;
  }

  /** Serves a spoiled record intact again (as if re-delivered correctly). */
  repair(eventId: string): boolean {
    const s = this.stored.find((x) => x.record.eventID === eventId);
    if (!s?.corrupt) return false;
    delete s.corrupt;
    return true;
  }

  /**
   * A record the app never made (key use by someone else: the cross-check's alarm).
   * Defaults to a successful Decrypt by an unknown role on `keyArn`.
   */
  inject(keyArn: string, partial: Partial<CloudTrailRecord> = {}, delayMs?: number): CloudTrailRecord {
    const accountId = keyArn.split(':')[4] ?? this.accountId;
    return this.record({
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAROGUEEXAMPLE00001:intruder',
        arn: `arn:aws:sts::${accountId}:assumed-role/SomeoneElse/intruder`,
        accountId,
        accessKeyId: 'ASIAROGUEEXAMPLE0001',
      },
      eventSource: 'kms.amazonaws.com',
      eventName: 'Decrypt',
      awsRegion: this.region,
      sourceIPAddress: '198.51.100.7',
      userAgent: 'aws-cli/2.15.0',
      requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', keyId: keyArn, encryptionContext: {} },
      responseElements: null,
      requestID: randomUUID(),
      readOnly: true,
      resources: [{ accountId, type: 'AWS::KMS::Key', ARN: keyArn }],
      ...partial,
    }, delayMs);
  }

  /** Removes a record (as if the trail excluded it or it was never delivered). */
  drop(eventId: string): boolean {
    const i = this.stored.findIndex((s) => s.record.eventID === eventId);
    if (i < 0) return false;
    this.stored.splice(i, 1);
    return true;
  }

  /** Rewrites a record in place (e.g. another principal, another encryption context). */
  alter(eventId: string, change: Partial<CloudTrailRecord> | ((r: CloudTrailRecord) => CloudTrailRecord)): boolean {
    const s = this.stored.find((x) => x.record.eventID === eventId);
    if (!s) return false;
    s.record = typeof change === 'function' ? change(structuredClone(s.record)) : { ...s.record, ...change };
    return true;
  }

  /** All records in the order they were made, delivered or not. */
  events(filter: { eventSource?: string; eventName?: string } = {}): CloudTrailRecord[] {
    return this.stored
      .map((s) => s.record)
      .filter((r) => (!filter.eventSource || r.eventSource === filter.eventSource) && (!filter.eventName || r.eventName === filter.eventName))
      .map((r) => structuredClone(r));
  }

  lookup(input: Record<string, unknown>): LookupResult {
    const attrs = input.LookupAttributes;
    let attr: { key: string; value: string } | undefined;
    if (attrs !== undefined) {
      if (!Array.isArray(attrs) || attrs.length > 1) {
        return { ok: false, code: 'InvalidLookupAttributesException', message: 'You can only specify one lookup attribute per request.' };
      }
      const a = attrs[0] as { AttributeKey?: unknown; AttributeValue?: unknown } | undefined;
      if (a) {
        if (typeof a.AttributeKey !== 'string' || !ATTRIBUTE_KEYS.has(a.AttributeKey) || typeof a.AttributeValue !== 'string') {
          return { ok: false, code: 'InvalidLookupAttributesException', message: 'The lookup attribute key or value is not valid.' };
        }
        attr = { key: a.AttributeKey, value: a.AttributeValue };
      }
    }
    const max = input.MaxResults ?? 50;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 50) {
      return { ok: false, code: 'InvalidMaxResultsException', message: 'MaxResults must be between 1 and 50.' };
    }
    const start = typeof input.StartTime === 'number' ? input.StartTime * 1000 : -Infinity;
    const end = typeof input.EndTime === 'number' ? input.EndTime * 1000 : Infinity;
    if (start > end) return { ok: false, code: 'InvalidTimeRangeException', message: 'StartTime must be before EndTime.' };
    const query = createHash('sha256').update(JSON.stringify([attr, input.StartTime, input.EndTime])).digest('hex').slice(0, 16);
    let cursor: { t: number; s: number } | undefined;
    if (input.NextToken !== undefined) {
      const parsed = decodeToken(input.NextToken);
      if (!parsed || parsed.q !== query) return { ok: false, code: 'InvalidNextTokenException', message: 'Invalid NextToken.' };
      cursor = parsed;
    }
    const now = this.clock.now();
    // Newest first; the token is a cursor (time, sequence), so new deliveries do not shift pages.
    const matches = this.stored
      .filter((s) => s.deliverAt <= now && s.timeMs >= start && s.timeMs <= end)
      .filter((s) => !attr || attributeOf(s.record, attr.key).includes(attr.value))
      .filter((s) => !cursor || s.timeMs < cursor.t || (s.timeMs === cursor.t && s.seq < cursor.s))
      .sort((a, b) => b.timeMs - a.timeMs || b.seq - a.seq);
    const page = matches.slice(0, max);
    const last = page[page.length - 1];
    const next = last && matches.length > max ? encodeToken({ t: last.timeMs, s: last.seq, q: query }) : undefined;
    return { ok: true, body: { Events: page.map((s) => toLookupEvent(s)), ...(next ? { NextToken: next } : {}) } };
  }
}

function cloudTrailEventText(s: Stored): string {
  const text = JSON.stringify(s.record);
  if (s.corrupt === 'truncated') return text.slice(0, Math.floor(text.length / 2));
  if (s.corrupt === 'not_an_object') return JSON.stringify([s.record.eventName]);
  if (s.corrupt === 'no_event_id') return JSON.stringify({ ...s.record, eventID: undefined, eventTime: 'yesterday' });
  return text;
}

function toLookupEvent(s: Stored) {
  const r = s.record;
  return {
    EventId: r.eventID,
    EventName: r.eventName,
    ReadOnly: String(r.readOnly),
    AccessKeyId: r.userIdentity.accessKeyId,
    EventTime: Math.floor(s.timeMs / 1000),
    EventSource: r.eventSource,
    Username: username(r),
    Resources: (r.resources ?? []).map((x) => ({ ResourceType: x.type, ResourceName: x.ARN })),
    CloudTrailEvent: cloudTrailEventText(s),
  };
}

function encodeToken(t: { t: number; s: number; q: string }): string {
  return Buffer.from(JSON.stringify(t)).toString('base64');
}

function decodeToken(v: unknown): { t: number; s: number; q: string } | undefined {
  if (typeof v !== 'string') return undefined;
  try {
    const t = JSON.parse(Buffer.from(v, 'base64').toString('utf8')) as { t?: unknown; s?: unknown; q?: unknown };
    return typeof t.t === 'number' && typeof t.s === 'number' && typeof t.q === 'string' ? { t: t.t, s: t.s, q: t.q } : undefined;
  } catch {
    return undefined;
  }
}
