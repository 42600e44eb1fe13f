/**
 * The fake itself, through the real SDK clients: CloudTrail LookupEvents (attributes,
 * time range, paging, limits, throttling, delivery delay, injected / dropped / altered
 * records) and the KMS wire details the provider does not exercise.
 */
import { randomBytes } from 'node:crypto';
import {
  CloudTrailClient,
  LookupEventsCommand,
  paginateLookupEvents,
  type Event as TrailEvent,
} from '@aws-sdk/client-cloudtrail';
import {
  DecryptCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  GenerateDataKeyCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock';
import { FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY, startAwsFake, type AwsFake, type FakeKeyInfo } from '../../fakes/aws';

const credentials = { accessKeyId: FAKE_ACCESS_KEY_ID, secretAccessKey: FAKE_SECRET_ACCESS_KEY };
const clock = new ManualClock('2026-06-01T12:00:00.000Z');
let aws: AwsFake;
let key: FakeKeyInfo;
let kms: KMSClient;
let trail: CloudTrailClient;

beforeAll(async () => {
  aws = await startAwsFake({ clock });
  key = aws.createKey({ alias: 'fake-test' });
  const common = { region: aws.region, credentials, maxAttempts: 1, requestHandler: { requestTimeout: 2000, throwOnRequestTimeout: true } };
  kms = new KMSClient({ ...common, endpoint: aws.endpoint });
  trail = new CloudTrailClient({ ...common, endpoint: aws.cloudtrail.endpoint });
});
afterAll(async () => {
  kms.destroy();
  trail.destroy();
  await aws.close();
});

async function dataKey(context: Record<string, string>) {
  clock.advance(1000);
  return kms.send(new GenerateDataKeyCommand({ KeyId: key.aliasArn, KeySpec: 'AES_256', EncryptionContext: context }));
}

describe('fake KMS wire', () => {
  it('GenerateDataKey returns a 32-byte key whose blob decrypts only under the same context', async () => {
    const out = await dataKey({ purpose: 'wire-test' });
    expect(out.Plaintext).toHaveLength(32);
    expect(out.KeyId).toBe(key.arn);
    const back = await kms.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: { purpose: 'wire-test' } }));
    expect(Buffer.from(back.Plaintext!).equals(Buffer.from(out.Plaintext!))).toBe(true);
    await expect(kms.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: { purpose: 'other' } }))).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
  });

  it('DisableKey / EnableKey / ScheduleKeyDeletion change the state on the wire', async () => {
    const k = aws.createKey();
    await kms.send(new DisableKeyCommand({ KeyId: k.arn }));
    await expect(dataKey({})).resolves.toBeDefined();
    await expect(kms.send(new GenerateDataKeyCommand({ KeyId: k.arn, NumberOfBytes: 32 }))).rejects.toMatchObject({ name: 'DisabledException' });
    await kms.send(new EnableKeyCommand({ KeyId: k.keyId }));
    const del = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.arn, PendingWindowInDays: 7 }));
    expect(del.KeyState).toBe('PendingDeletion');
    await expect(kms.send(new GenerateDataKeyCommand({ KeyId: k.arn, NumberOfBytes: 32 }))).rejects.toMatchObject({ name: 'KMSInvalidStateException' });
    const names = aws.events({ eventSource: 'kms.amazonaws.com' }).filter((e) => e.resources?.[0]?.ARN === k.arn).map((e) => [e.eventName, e.readOnly]);
    expect(names).toContainEqual(['DisableKey', false]);
    expect(names).toContainEqual(['ScheduleKeyDeletion', false]);
  });

  it('refuses unsigned requests, unknown keys and tampered signatures', async () => {
    const unsigned = await fetch(aws.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.DescribeKey' },
      body: JSON.stringify({ KeyId: key.arn }),
    });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
    const bad = new KMSClient({ region: aws.region, endpoint: aws.endpoint, maxAttempts: 1, credentials: { ...credentials, secretAccessKey: 'wrong' } });
    await expect(bad.send(new GenerateDataKeyCommand({ KeyId: key.arn, NumberOfBytes: 16 }))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    const otherRegion = new KMSClient({ region: 'eu-west-1', endpoint: aws.endpoint, maxAttempts: 1, credentials });
    await expect(otherRegion.send(new GenerateDataKeyCommand({ KeyId: key.arn, NumberOfBytes: 16 }))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    bad.destroy();
    otherRegion.destroy();
  });
});

describe('fake CloudTrail LookupEvents', () => {
  it('serves KMS records by EventName and ResourceName, newest first, CloudTrailEvent as a JSON string', async () => {
    const start = new Date(clock.now() + 1);
    for (let i = 0; i < 3; i++) await dataKey({ n: String(i) });
    const out = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GenerateDataKey' }], StartTime: start }));
    const events = out.Events ?? [];
    expect(events).toHaveLength(3);
    const parsed = events.map((e) => JSON.parse(e.CloudTrailEvent!) as { requestParameters: { encryptionContext: { n: string } }; eventSource: string });
    expect(parsed.map((p) => p.requestParameters.encryptionContext.n)).toEqual(['2', '1', '0']);
    expect(events[0]).toMatchObject({ EventSource: 'kms.amazonaws.com', Username: 'keywarden-operator', AccessKeyId: FAKE_ACCESS_KEY_ID, Resources: [{ ResourceType: 'AWS::KMS::Key', ResourceName: key.arn }] });
    expect(events[0]!.EventTime).toBeInstanceOf(Date);
    const byResource = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: key.arn }], StartTime: start }));
    expect(byResource.Events).toHaveLength(3);
  });

  it('pages 50 at most with NextToken; paginateLookupEvents follows it', async () => {
    const start = new Date(clock.now() + 1);
    for (let i = 0; i < 55; i++) await dataKey({ page: String(i) });
    const first = await trail.send(new LookupEventsCommand({ StartTime: start, MaxResults: 50, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GenerateDataKey' }] }));
    expect(first.Events).toHaveLength(50);
    expect(first.NextToken).toBeTruthy();
    const all: TrailEvent[] = [];
    for await (const page of paginateLookupEvents({ client: trail, pageSize: 20 }, { StartTime: start, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GenerateDataKey' }] })) {
      expect((page.Events ?? []).length).toBeLessThanOrEqual(20);
      all.push(...(page.Events ?? []));
    }
    expect(new Set(all.map((e) => e.EventId)).size).toBe(55);
  });

  it('refuses more than one attribute, MaxResults over 50, a reversed range and a forged token', async () => {
    const two = [{ AttributeKey: 'EventName' as const, AttributeValue: 'Decrypt' }, { AttributeKey: 'ResourceName' as const, AttributeValue: key.arn }];
    await expect(trail.send(new LookupEventsCommand({ LookupAttributes: two }))).rejects.toMatchObject({ name: 'InvalidLookupAttributesException' });
    await expect(trail.send(new LookupEventsCommand({ MaxResults: 51 }))).rejects.toMatchObject({ name: 'InvalidMaxResultsException' });
    await expect(trail.send(new LookupEventsCommand({ StartTime: new Date(2_000_000_000_000), EndTime: new Date(1_000_000_000_000) }))).rejects.toMatchObject({ name: 'InvalidTimeRangeException' });
    await expect(trail.send(new LookupEventsCommand({ NextToken: 'forged' }))).rejects.toMatchObject({ name: 'InvalidNextTokenException' });
  });

  it('throttles when told to, and at the configured rate', async () => {
    aws.cloudtrail.setFault({ kind: 'throttle' });
    await expect(trail.send(new LookupEventsCommand({ MaxResults: 1 }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    aws.cloudtrail.setFault({ kind: 'pass' });
    const limited = await startAwsFake({ lookupRatePerSecond: 2 });
    const c = new CloudTrailClient({ region: limited.region, endpoint: limited.cloudtrail.endpoint, credentials, maxAttempts: 1 });
    const results = await Promise.allSettled([1, 2, 3].map(() => c.send(new LookupEventsCommand({ MaxResults: 1 }))));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    c.destroy();
    await limited.close();
  });

  it('delivers records only after the delivery delay', async () => {
    aws.cloudtrail.setDeliveryDelay(5 * 60_000);
    const start = new Date(clock.now() + 1);
    await dataKey({ delayed: 'yes' });
    const query = { StartTime: start, LookupAttributes: [{ AttributeKey: 'EventName' as const, AttributeValue: 'GenerateDataKey' }] };
    expect((await trail.send(new LookupEventsCommand(query))).Events).toHaveLength(0);
    clock.advance(5 * 60_000);
    expect((await trail.send(new LookupEventsCommand(query))).Events).toHaveLength(1);
    aws.cloudtrail.setDeliveryDelay(0);
  });

  it('injects a rogue record, drops one and alters one', async () => {
    const start = new Date(clock.now() + 1);
    await dataKey({ keep: '1' });
    await dataKey({ drop: '1' });
    clock.advance(1000);
    const rogue = aws.cloudtrail.inject(key.arn);
    const mine = aws.events({ eventName: 'GenerateDataKey' }).slice(-2);
    expect(aws.cloudtrail.drop(mine[1]!.eventID)).toBe(true);
    expect(aws.cloudtrail.alter(mine[0]!.eventID, (r) => ({ ...r, userIdentity: { ...r.userIdentity, arn: 'arn:aws:iam::999988887777:user/mallory' } }))).toBe(true);
    const out = await trail.send(new LookupEventsCommand({ StartTime: start, LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: key.arn }] }));
    const records = (out.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent!) as { eventID: string; eventName: string; userIdentity: { arn: string } });
    expect(records.map((r) => r.eventID)).toEqual([rogue.eventID, mine[0]!.eventID]);
    expect(records[0]!.eventName).toBe('Decrypt');
    expect(records[1]!.userIdentity.arn).toBe('arn:aws:iam::999988887777:user/mallory');
  });
});

describe('fake STS', () => {
  it('records nothing for KMS calls that never authenticated', async () => {
    const before = aws.events().length;
    const res = await fetch(aws.endpoint, { method: 'POST', headers: { 'x-amz-target': 'TrentService.Encrypt' }, body: JSON.stringify({ KeyId: key.arn, Plaintext: randomBytes(8).toString('base64') }) });
    expect(res.status).toBe(400);
    expect(aws.events().length).toBe(before);
  });
});
