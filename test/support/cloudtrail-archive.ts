/**
 * A synthetic CloudTrail trail archive, signed like CloudTrail signs it, for tests and the
 * bench: one `.json.gz` log file per hour (`{"Records":[…]}`, mostly non-KMS records with
 * the KMS records given mixed in) and one digest per hour listing that hour's files with
 * their SHA-256, chained to the previous digest and signed SHA256withRSA with a test RSA
 * key whose PKCS#1 DER public key the CloudTrail fake serves from ListPublicKeys. Files go
 * to a sink (a folder, the S3 fake), digests with their signature as object metadata.
 * Written from the published digest format (AWS CloudTrail User Guide), not from AWS code.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync, constants as zlibConstants } from 'node:zlib';
import { digestSigningString } from '../../core/evidence/archive/cloudtrail/integrity';

export interface TrailKey {
  privateKey: KeyObject;
  /** PKCS#1 DER of the public key: what ListPublicKeys' Value holds. */
  publicDer: Buffer;
  fingerprint: string;
}

let cachedKey: TrailKey | undefined;

/** The test RSA key (2048 bits), made once per process. */
export function testTrailKey(): TrailKey {
  if (!cachedKey) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicDer = publicKey.export({ format: 'der', type: 'pkcs1' });
    cachedKey = { privateKey, publicDer, fingerprint: createHash('md5').update(publicDer).digest('hex') };
  }
  return cachedKey;
}

export type Sink = (key: string, body: Buffer, metadata: Record<string, string>) => void | Promise<void>;

export function folderSink(dir: string): Sink {
  return (key, body) => {
    const file = path.join(dir, ...key.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, body);
  };
}

export interface ArchiveSpec {
  bucket: string;
  /** '' or ending in '/'. */
  prefix?: string;
  account: string;
  region: string;
  trail?: string;
  /** Organization trail: `AWSLogs/<org>/<account>/…`. */
  orgId?: string;
  /** Start of the first hour (UTC, whole hour). */
  fromMs: number;
  hours: number;
  /** Non-KMS records per log file (a number, or per hour). */
  fillerPerFile: number | ((hour: number) => number);
  /** Reuse each file size's filler records (the bench: generation is 10x faster; the filler is never imported). */
  reuseFiller?: boolean;
  /** The KMS records of hour `h` (CloudTrail records as objects), mixed into its file. */
  kms: (hour: number) => object[];
  key: TrailKey;
  /** gzip level (1: fast, for the bench). */
  level?: number;
}

export interface WrittenArchive {
  logKeys: string[];
  digestKeys: string[];
  /** Decompressed bytes of all log files. */
  logBytes: number;
  records: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function stamp(ms: number, seconds: boolean): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${seconds ? pad(d.getUTCSeconds()) : ''}Z`;
}

function dayPath(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/');
}

const isoSec = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A filler record (S3/EC2 reads), as text: most of a real trail is not KMS. */
function filler(account: string, region: string, ms: number, n: number): string {
  const id = `${n.toString(16).padStart(8, '0')}-${(ms % 65536).toString(16).padStart(4, '0')}-4${pad(n % 1000, 3)}-8000-${(n * 7919).toString(16).padStart(12, '0').slice(-12)}`;
  const ec2 = n % 2 === 0;
  return (
    `{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE${pad(n % 97)}:session","arn":"arn:aws:sts::${account}:assumed-role/app-role/session-${n % 13}",` +
    `"accountId":"${account}","accessKeyId":"ASIAEXAMPLE${pad(n % 89, 4)}","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::${account}:role/app-role","accountId":"${account}","userName":"app-role"},` +
    `"attributes":{"creationDate":"${isoSec(ms - 600_000)}","mfaAuthenticated":"false"}}},"eventTime":"${isoSec(ms)}",` +
    (ec2
      ? `"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"${region}","sourceIPAddress":"10.0.${n % 250}.${n % 200}","userAgent":"aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux api/ec2#1.172.0",` +
        `"requestParameters":{"instancesSet":{},"filterSet":{"items":[{"name":"tag:Team","valueSet":{"items":[{"value":"payments"}]}}]}},"responseElements":null,`
      : `"eventSource":"s3.amazonaws.com","eventName":"GetBucketLocation","awsRegion":"${region}","sourceIPAddress":"10.1.${n % 250}.${n % 200}","userAgent":"[aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.9]",` +
        `"requestParameters":{"bucketName":"app-data-${n % 17}","Host":"app-data-${n % 17}.s3.${region}.amazonaws.com","location":""},"responseElements":null,"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"bytesTransferredOut":137},`) +
    `"requestID":"${id.slice(0, 8).toUpperCase()}${pad(n % 10000, 8)}","eventID":"${id}","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"${account}","eventCategory":"Management",` +
    `"tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"${ec2 ? 'ec2' : 's3'}.${region}.amazonaws.com"}}`
  );
}

export interface KmsRecordSpec {
  eventID: string;
  eventTime: string;
  keyArn: string;
  eventName?: string;
  userAgent?: string;
  principalArn?: string;
  accessKeyId?: string;
  encryptionContext?: Record<string, string>;
  errorCode?: string;
}

/** A KMS record as CloudTrail writes it (AWS KMS developer guide's Decrypt example's shape). */
export function kmsRecord(r: KmsRecordSpec): object {
  const account = r.keyArn.split(':')[4] ?? '111122223333';
  return {
    eventVersion: '1.11',
    userIdentity: { type: 'AssumedRole', principalId: 'AROAKEYWARDEN:keywarden', arn: r.principalArn ?? `arn:aws:sts::${account}:assumed-role/KeywardenKMSAccess/keywarden`, accountId: account, accessKeyId: r.accessKeyId ?? 'ASIAKEYWARDEN0000001' },
    eventTime: r.eventTime,
    eventSource: 'kms.amazonaws.com',
    eventName: r.eventName ?? 'Decrypt',
    awsRegion: r.keyArn.split(':')[3] ?? 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: r.userAgent ?? 'aws-sdk-js/3.0.0',
    requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', keyId: r.keyArn, ...(r.encryptionContext ? { encryptionContext: r.encryptionContext } : {}) },
    responseElements: null,
    requestID: `req-${r.eventID}`,
    eventID: r.eventID,
    readOnly: r.eventName === undefined || r.eventName === 'Decrypt' || r.eventName === 'DescribeKey',
    resources: [{ accountId: account, type: 'AWS::KMS::Key', ARN: r.keyArn }],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
    ...(r.errorCode ? { errorCode: r.errorCode, errorMessage: 'denied' } : {}),
  };
}

/** Writes the archive hour by hour (one hour's files in memory at a time). */
export async function writeTrailArchive(spec: ArchiveSpec, sink: Sink): Promise<WrittenArchive> {
  const prefix = spec.prefix ?? '';
  const trail = spec.trail ?? 'keywarden-trail';
  const base = `${prefix}AWSLogs/${spec.orgId ? `${spec.orgId}/` : ''}${spec.account}/`;
  const out: WrittenArchive = { logKeys: [], digestKeys: [], logBytes: 0, records: 0 };
  let previous: { key: string; signature: string; sha256: string } | null = null;
  let n = 0;
  const fillers = new Map<number, string[]>();
  for (let h = 0; h < spec.hours; h++) {
    const start = spec.fromMs + h * 3_600_000;
    const kms = spec.kms(h).map((r) => JSON.stringify(r));
    const parts: string[] = [];
    const fillerCount = typeof spec.fillerPerFile === 'number' ? spec.fillerPerFile : spec.fillerPerFile(h);
    const total = fillerCount + kms.length;
    let reused = spec.reuseFiller ? fillers.get(fillerCount) : undefined;
    if (spec.reuseFiller && !reused) {
      reused = Array.from({ length: fillerCount }, (_, i) => filler(spec.account, spec.region, start + ((i * 3_600_000) / fillerCount) | 0, n++));
      fillers.set(fillerCount, reused);
    }
    let f = 0;
    // KMS records spread through the file.
    const every = kms.length > 0 ? Math.max(1, Math.floor(total / kms.length)) : Infinity;
    let k = 0;
    for (let i = 0; i < total; i++) {
      if (k < kms.length && (i % every === 0 || total - i <= kms.length - k)) parts.push(kms[k++]!);
      else parts.push(reused ? reused[f++]! : filler(spec.account, spec.region, start + ((i * 3_600_000) / total) | 0, n++));
    }
    const json = Buffer.from(`{"Records":[${parts.join(',')}]}`);
    const body = gzipSync(json, { level: spec.level ?? zlibConstants.Z_DEFAULT_COMPRESSION });
    const logKey = `${base}CloudTrail/${spec.region}/${dayPath(start)}/${spec.account}_CloudTrail_${spec.region}_${stamp(start + 300_000, false)}_${randomBytes(8).toString('hex')}.json.gz`;
    await sink(logKey, body, {});
    out.logKeys.push(logKey);
    out.logBytes += json.length;
    out.records += total;
    const end = start + 3_600_000;
    const digestKey = `${base}CloudTrail-Digest/${spec.region}/${dayPath(end)}/${spec.account}_CloudTrail-Digest_${spec.region}_${trail}_${spec.region}_${stamp(end, true)}.json.gz`;
    const digest: { digestEndTime: string; digestS3Bucket: string; digestS3Object: string; previousDigestSignature: string | null } & Record<string, unknown> = {
      awsAccountId: spec.account,
      digestStartTime: isoSec(start),
      digestEndTime: isoSec(end),
      digestS3Bucket: spec.bucket,
      digestS3Object: digestKey,
      digestPublicKeyFingerprint: spec.key.fingerprint,
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: isoSec(end - 1000),
      oldestEventTime: isoSec(start),
      previousDigestS3Bucket: previous ? spec.bucket : null,
      previousDigestS3Object: previous?.key ?? null,
      previousDigestHashValue: previous?.sha256 ?? null,
      previousDigestHashAlgorithm: previous ? 'SHA-256' : null,
      previousDigestSignature: previous?.signature ?? null,
      logFiles: [
        {
          s3Bucket: spec.bucket,
          s3Object: logKey,
          hashValue: createHash('sha256').update(json).digest('hex'),
          hashAlgorithm: 'SHA-256',
          newestEventTime: isoSec(end - 1000),
          oldestEventTime: isoSec(start),
        },
      ],
    };
    const inflated = Buffer.from(JSON.stringify(digest));
    const signature: string = sign('sha256', Buffer.from(digestSigningString(digest, inflated)), spec.key.privateKey).toString('hex');
    await sink(digestKey, gzipSync(inflated), { signature, 'signature-algorithm': 'SHA256withRSA' });
    out.digestKeys.push(digestKey);
    previous = { key: digestKey, signature, sha256: createHash('sha256').update(inflated).digest('hex') };
  }
  return out;
}
