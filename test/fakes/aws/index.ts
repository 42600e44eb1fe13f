/**
 * A wire-level fake of AWS KMS + STS + CloudTrail on 127.0.0.1, for the real AWS SDK.
 * Three listeners, as three AWS hosts: `kms.endpoint` (also `endpoint`), `sts.endpoint`,
 * `cloudtrail.endpoint`. SigV4 is checked; callers are IAM users (long-lived keys, as
 * the default credential chain finds them) or the ASIA sessions the fake STS hands out.
 *
 *   const aws = await startAwsFake();
 *   const key = aws.createKey({ alias: 'keywarden' });
 *   // provider config: { region: aws.region, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint,
 *   //   role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID }, deps.env: fakeAwsEnv()
 *   aws.setFault({ kind: 'deny' }, key.arn);
 *   aws.events({ eventSource: 'kms.amazonaws.com' });
 */
import { systemClock, type Clock } from '../../../core/clock';
import { PASS, type FaultMode } from '../fault-mode';
import { cloudTrailHandler, type CloudTrailFakeState, type FakePublicKey } from './cloudtrail';
import { etagOf, s3Handler, type S3FakeState } from './s3';
import { startLoopbackServer, type LoopbackServer } from './http';
import { Identities, type FakeRole, type FakeUser } from './identities';
import { kmsHandler, reviewDataOf, type KmsFakeState } from './kms';
import { newGrantId, type FakeGrant, type KeyReviewData } from './kms-review';
import { KeyStore, type FakeKeyInfo, type KeyState } from './kms-keys';
import { stsHandler } from './sts';
import { Trail, type CloudTrailRecord, type CorruptKind, type TrailReadFault } from './trail';

export type { CloudTrailRecord, CorruptKind, TrailReadFault } from './trail';
export type { FakeKeyInfo, KeyState } from './kms-keys';
export type { FakePublicKey } from './cloudtrail';
export type { FakeRole, FakeUser, UserIdentity } from './identities';
export type { FakeGrant, KeyReviewData } from './kms-review';
export { crossAccountKeyPolicy, defaultKeyPolicy } from './kms-review';

export const FAKE_REGION = 'us-east-1';
export const FAKE_ACCOUNT_ID = '111122223333';
/** The default chain's long-lived key in tests (env only: configs refuse access keys). */
export const FAKE_ACCESS_KEY_ID = 'AKIAFAKEKEYWARDEN001';
export const FAKE_SECRET_ACCESS_KEY = 'fakeSecretForKeywardenTestsOnly/000000000';
export const FAKE_USER_ARN = `arn:aws:iam::${FAKE_ACCOUNT_ID}:user/keywarden-operator`;
export const FAKE_ROLE_ARN = `arn:aws:iam::${FAKE_ACCOUNT_ID}:role/KeywardenKMSAccess`;
export const FAKE_EXTERNAL_ID = 'keywarden-test-external-id';

/** An environment for `ProviderDeps.env` that the default chain resolves to the fake user. */
export function fakeAwsEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: FAKE_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: FAKE_SECRET_ACCESS_KEY,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

export interface AwsFakeOptions {
  region?: string;
  /** The account that owns the keys (and, by default, the user and the role). */
  accountId?: string;
  /** Times of CloudTrail records, STS expirations and the delivery delay. */
  clock?: Clock;
  /** CloudTrail delivery delay: records show in LookupEvents this long after the call. */
  deliveryDelayMs?: number;
  /** LookupEvents requests allowed per second (AWS: 2); unlimited by default. */
  lookupRatePerSecond?: number;
  /** Extra IAM users besides the default one (FAKE_ACCESS_KEY_ID). */
  users?: FakeUser[];
  /** Roles besides the default one (FAKE_ROLE_ARN, external id FAKE_EXTERNAL_ID). */
  roles?: FakeRole[];
}

interface Listener {
  readonly endpoint: string;
  setFault(mode: FaultMode): void;
  /** Requests that reached this endpoint (refused connections are not counted). */
  requestCount(): number;
  /** Stop listening: connections to the port are refused (ECONNREFUSED). */
  closeListener(): Promise<void>;
  reopenListener(): Promise<void>;
}

export interface AwsFake {
  readonly region: string;
  readonly accountId: string;
  /** The KMS endpoint (same as `kms.endpoint`). */
  readonly endpoint: string;
  readonly kms: Listener & {
    /** A fault for one key ARN only, or (no ARN) for the whole endpoint; `PASS` clears it. */
    setFault(mode: FaultMode, keyArn?: string): void;
    /** Quirk: successful calls answer an empty `{}` 200. */
    answerEmpty(on: boolean): void;
  };
  readonly sts: Listener & {
    addRole(role: FakeRole): void;
    addUser(user: FakeUser): void;
    /** Every issued session is expired from now on (ExpiredTokenException on use). */
    expireSessions(): void;
  };
  readonly cloudtrail: Listener & {
    /** A record the app never made (default: a Decrypt of `keyArn` by an unknown role). */
    inject(keyArn: string, partial?: Partial<CloudTrailRecord>, delayMs?: number): CloudTrailRecord;
    /** A ReEncrypt from `sourceArn` into `destinationArn` (resources in that order, as AWS logs it). */
    reEncrypt(sourceArn: string, destinationArn: string, partial?: Partial<CloudTrailRecord>, delayMs?: number): CloudTrailRecord;
    /** The same record delivered once more, `afterMs` from now. */
    deliverAgain(eventId: string, afterMs?: number): boolean;
    /** Serves the record's CloudTrailEvent string spoiled. */
    corrupt(eventId: string, kind?: CorruptKind): boolean;
    repair(eventId: string): boolean;
    /** Faults of LookupEvents answers: non-JSON body, 502 page, repeating or endless NextToken. */
    setReadFault(fault: TrailReadFault): void;
    drop(eventId: string): boolean;
    alter(eventId: string, change: Partial<CloudTrailRecord> | ((r: CloudTrailRecord) => CloudTrailRecord)): boolean;
    setDeliveryDelay(ms: number): void;
    /** A digest-signing public key served by ListPublicKeys. */
    addPublicKey(key: FakePublicKey): void;
  };
  /** S3 (path-style): the trail's bucket for archive imports. */
  readonly s3: Listener & {
    putObject(bucket: string, key: string, body: Buffer, metadata?: Record<string, string>): void;
    getObject(bucket: string, key: string): Buffer | undefined;
    deleteObject(bucket: string, key: string): boolean;
    createBucket(bucket: string): void;
    /** Keys per ListObjectsV2 page (default 1000). */
    setPageSize(n: number): void;
    /** The next `n` requests answer 503 SlowDown. */
    slowDown(n: number): void;
    denyList(on: boolean): void;
    denyGet(on: boolean): void;
    requests(): { list: number; get: number };
  };
  /** Same as `kms.setFault`. */
  setFault(mode: FaultMode, keyArn?: string): void;
  createKey(opts?: { alias?: string; keyId?: string; description?: string; state?: KeyState }): FakeKeyInfo;
  retargetAlias(alias: string, keyRef: string): void;
  disableKey(keyRef: string): void;
  enableKey(keyRef: string): void;
  scheduleKeyDeletion(keyRef: string, days?: number): void;
  /** The key's policy, grants, rotation and tags as the review reads see them (mutable). */
  review(keyRef: string): KeyReviewData;
  /** Adds a grant (id generated unless given) and returns it. */
  addGrant(keyRef: string, grant: Partial<FakeGrant> & Pick<FakeGrant, 'GranteePrincipal' | 'Operations'>): FakeGrant;
  /** The CloudTrail records, oldest first, delivered or not (KMS and STS; filter by source). */
  events(filter?: { eventSource?: string; eventName?: string }): CloudTrailRecord[];
  close(): Promise<void>;
}

function listener(server: LoopbackServer): Listener {
  return {
    endpoint: server.endpoint,
    setFault: (mode) => void (server.fault = mode),
    requestCount: () => server.requestCount,
    closeListener: () => server.closeListener(),
    reopenListener: () => server.reopenListener(),
  };
}

export async function startAwsFake(opts: AwsFakeOptions = {}): Promise<AwsFake> {
  const region = opts.region ?? FAKE_REGION;
  const accountId = opts.accountId ?? FAKE_ACCOUNT_ID;
  const clock = opts.clock ?? systemClock;
  const identities = new Identities(clock);
  identities.addUser({ accessKeyId: FAKE_ACCESS_KEY_ID, secretAccessKey: FAKE_SECRET_ACCESS_KEY, arn: `arn:aws:iam::${accountId}:user/keywarden-operator` });
  identities.addRole({ roleArn: `arn:aws:iam::${accountId}:role/KeywardenKMSAccess`, externalId: FAKE_EXTERNAL_ID });
  for (const u of opts.users ?? []) identities.addUser(u);
  for (const r of opts.roles ?? []) identities.addRole(r);
  const trail = new Trail(clock, region, accountId, opts.deliveryDelayMs ?? 0);
  const keys = new KeyStore(region, accountId, clock);

  // Handlers need their own listener (faults, delays); listeners need their handler.
  const servers: { kms?: LoopbackServer; sts?: LoopbackServer; ct?: LoopbackServer; s3?: LoopbackServer } = {};
  const kmsState: KmsFakeState = {
    keys,
    identities,
    trail,
    server: () => servers.kms!,
    keyFaults: new Map(),
    answerEmpty: false,
    now: () => clock.now(),
  };
  const ctState: CloudTrailFakeState = { identities, trail, region, server: () => servers.ct!, ratePerSecond: opts.lookupRatePerSecond, readFault: { kind: 'pass' }, publicKeys: [] };
  const s3State: S3FakeState = { identities, region, server: () => servers.s3!, buckets: new Map(), pageSize: 1000, slowDown: 0, denyList: false, denyGet: false, listRequests: 0, getRequests: 0 };
  const kmsServer = (servers.kms = await startLoopbackServer(kmsHandler(kmsState)));
  const stsServer = (servers.sts = await startLoopbackServer(stsHandler({ identities, trail, region, server: () => servers.sts! })));
  const ctServer = (servers.ct = await startLoopbackServer(cloudTrailHandler(ctState)));
  const s3Server = (servers.s3 = await startLoopbackServer(s3Handler(s3State)));
  const bucketOf = (name: string) => {
    let b = s3State.buckets.get(name);
    if (!b) s3State.buckets.set(name, (b = new Map()));
    return b;
  };

  const setKmsFault = (mode: FaultMode, keyArn?: string) => {
    if (keyArn === undefined) kmsServer.fault = mode;
    else if (mode.kind === 'pass') kmsState.keyFaults.delete(keyArn);
    else kmsState.keyFaults.set(keyArn, mode);
  };
  const mustResolve = (ref: string) => {
    const r = keys.resolve(ref);
    if (!r.ok) throw new Error(`fake KMS: ${r.message}`);
    return r.key;
  };

  return {
    region,
    accountId,
    endpoint: kmsServer.endpoint,
    kms: { ...listener(kmsServer), setFault: setKmsFault, answerEmpty: (on) => void (kmsState.answerEmpty = on) },
    sts: {
      ...listener(stsServer),
      addRole: (r) => identities.addRole(r),
      addUser: (u) => identities.addUser(u),
      expireSessions: () => identities.expireSessions(),
    },
    cloudtrail: {
      ...listener(ctServer),
      inject: (keyArn, partial, delayMs) => trail.inject(keyArn, partial, delayMs),
      reEncrypt: (src, dst, partial, delayMs) => trail.reEncrypt(src, dst, partial, delayMs),
      deliverAgain: (id, afterMs) => trail.deliverAgain(id, afterMs),
      corrupt: (id, kind) => trail.corrupt(id, kind),
      repair: (id) => trail.repair(id),
      setReadFault: (f) => void (ctState.readFault = f),
      drop: (id) => trail.drop(id),
      alter: (id, change) => trail.alter(id, change),
      setDeliveryDelay: (ms) => void (trail.deliveryDelayMs = ms),
      addPublicKey: (k) => void ctState.publicKeys.push(k),
    },
    s3: {
      ...listener(s3Server),
      putObject: (bucket, key, body, metadata = {}) => void bucketOf(bucket).set(key, { body, metadata, etag: etagOf(body), modified: new Date(clock.now()) }),
      getObject: (bucket, key) => s3State.buckets.get(bucket)?.get(key)?.body,
      deleteObject: (bucket, key) => s3State.buckets.get(bucket)?.delete(key) ?? false,
      createBucket: (bucket) => void bucketOf(bucket),
      setPageSize: (n) => void (s3State.pageSize = n),
      slowDown: (n) => void (s3State.slowDown = n),
      denyList: (on) => void (s3State.denyList = on),
      denyGet: (on) => void (s3State.denyGet = on),
      requests: () => ({ list: s3State.listRequests, get: s3State.getRequests }),
    },
    setFault: setKmsFault,
    createKey: (o) => keys.create(o),
    retargetAlias: (alias, ref) => keys.retargetAlias(alias, ref),
    disableKey: (ref) => void (mustResolve(ref).state = 'Disabled'),
    enableKey: (ref) => void (mustResolve(ref).state = 'Enabled'),
    scheduleKeyDeletion(ref, days = 30) {
      const k = mustResolve(ref);
      k.state = 'PendingDeletion';
      k.deletionDateMs = clock.now() + days * 86_400_000;
    },
    review: (ref) => reviewDataOf(kmsState, mustResolve(ref)),
    addGrant(ref, grant) {
      const g: FakeGrant = { GrantId: newGrantId(), IssuingAccount: `arn:aws:iam::${accountId}:root`, CreationDate: Math.floor(clock.now() / 1000), ...grant };
      reviewDataOf(kmsState, mustResolve(ref)).grants.push(g);
      return g;
    },
    events: (filter) => trail.events(filter),
    async close() {
      kmsServer.fault = PASS;
      await Promise.all([kmsServer.close(), stsServer.close(), ctServer.close(), s3Server.close()]);
    },
  };
}
