/**
 * A CloudTrail LookupEvents event (with its `CloudTrailEvent` JSON string) as a
 * NormalizedEvent. Field meanings: AWS KMS developer guide, "Logging AWS KMS API calls
 * with AWS CloudTrail".
 */
import { correlationIdIn, type EvidenceOperation, type NormalizedEvent } from '../types';
import { isoTime, obj, str, UnreadableRecord } from './shared';

const USE: Record<string, EvidenceOperation> = {
  Encrypt: 'wrap',
  Decrypt: 'unwrap',
  DescribeKey: 'describe',
  GenerateDataKey: 'generate_data_key',
  GenerateDataKeyWithoutPlaintext: 'generate_data_key',
  GenerateDataKeyPair: 'generate_data_key',
  GenerateDataKeyPairWithoutPlaintext: 'generate_data_key',
  ReEncrypt: 'use',
  Sign: 'use',
  Verify: 'use',
  GenerateMac: 'use',
  VerifyMac: 'use',
  DeriveSharedSecret: 'use',
};

export function awsOperation(eventName: string, readOnly: boolean): EvidenceOperation {
  return USE[eventName] ?? (readOnly ? 'read' : 'key_state');
}

/** What LookupEvents returns per event (the SDK's `Event`, times as Date). */
export interface LookupEventLike {
  EventId?: string;
  EventName?: string;
  EventTime?: Date | string;
  EventSource?: string;
  CloudTrailEvent?: string;
  Resources?: { ResourceType?: string; ResourceName?: string }[];
}

/** A CloudTrail record as a NormalizedEvent, with every KMS key it names (ReEncrypt names two). */
export interface CloudTrailNormalized {
  event: NormalizedEvent;
  /** Key ARNs from `resources`, then key ids / aliases as the request named them (keyId, sourceKeyId, destinationKeyId). */
  keys: string[];
}

const KEY_PARAMS = ['keyId', 'sourceKeyId', 'destinationKeyId'] as const;

function keysOf(record: Record<string, unknown>, e: LookupEventLike): string[] {
  const keys: string[] = [];
  const add = (v: string | null) => {
    if (v && !keys.includes(v)) keys.push(v);
  };
  const resources = Array.isArray(record.resources) ? record.resources.map(obj) : [];
  for (const r of resources) {
    const arn = str(r?.ARN);
    if (arn?.includes(':key/')) add(arn);
  }
  for (const r of e.Resources ?? []) {
    const name = str(r.ResourceName);
    if (name?.includes(':key/')) add(name);
  }
  const params = obj(record.requestParameters);
  for (const k of KEY_PARAMS) add(str(params?.[k]));
  return keys;
}

export function normalizeCloudTrailRecord(e: LookupEventLike): CloudTrailNormalized {
  if (typeof e.CloudTrailEvent !== 'string') throw new UnreadableRecord('CloudTrail event without CloudTrailEvent');
  let record: Record<string, unknown>;
  try {
    const parsed = obj(JSON.parse(e.CloudTrailEvent));
    if (!parsed) throw new Error('not an object');
    record = parsed;
  } catch (err) {
    throw new UnreadableRecord(`CloudTrailEvent is not JSON: ${(err as Error).message}`);
  }
  return normalizeCloudTrailObject(record, e.CloudTrailEvent, e);
}

/**
 * A CloudTrail record already parsed (an archive file's `Records[i]`, or LookupEvents'
 * CloudTrailEvent), `raw` its text as read; `e` adds what LookupEvents says beside it.
 */
export function normalizeCloudTrailObject(record: Record<string, unknown>, raw: string, e: LookupEventLike = {}): CloudTrailNormalized {
  const eventId = str(record.eventID) ?? str(e.EventId);
  const name = str(record.eventName) ?? str(e.EventName);
  const at = isoTime(record.eventTime) ?? isoTime(e.EventTime);
  if (!eventId || !name || !at) throw new UnreadableRecord('CloudTrail event without eventID, eventName or eventTime');
  const identity = obj(record.userIdentity);
  const keys = keysOf(record, e);
  const userAgent = str(record.userAgent);
  const errorCode = str(record.errorCode);
  const event: NormalizedEvent = {
    event_id: eventId,
    at,
    provider: 'aws',
    key_ref: keys.find((k) => k.includes(':key/')) ?? keys[0] ?? '',
    operation: awsOperation(name, record.readOnly === true),
    provider_operation: name,
    principal: str(identity?.arn) ?? str(identity?.principalId),
    access_key_id: str(identity?.accessKeyId),
    source_address: str(record.sourceIPAddress),
    user_agent: userAgent,
    correlation_id: correlationIdIn(userAgent),
    request_id: str(record.requestID),
    outcome: errorCode ? 'failed' : 'ok',
    error_code: errorCode,
    raw,
  };
  return { event, keys };
}

export function normalizeCloudTrail(e: LookupEventLike): NormalizedEvent {
  return normalizeCloudTrailRecord(e).event;
}
