/**
 * CloudTrail log file integrity validation, as `aws cloudtrail validate-logs` does it
 * (AWS CloudTrail User Guide, "CloudTrail digest file structure" and "Custom
 * implementations of CloudTrail log file integrity validation"):
 *
 * - each digest (`CloudTrail-Digest/…json.gz`, `_backfill` ones too) is signed with the
 *   region's CloudTrail key: SHA256withRSA (PKCS#1 v1.5) over the text
 *   `digestEndTime \n digestS3Bucket/digestS3Object \n hex(SHA-256 of the decompressed
 *   digest) \n previousDigestSignature` (the word `null` when there is none); the hex
 *   signature is the object's S3 metadata `signature`, the key the PKCS#1 DER public key
 *   CloudTrail's ListPublicKeys gives for the digest's `digestPublicKeyFingerprint`;
 * - a digest must still be where CloudTrail wrote it (digestS3Bucket/digestS3Object);
 * - digests chain: each names the previous one (key, SHA-256 and signature), so a digest
 *   deleted or replaced in the middle shows as a gap;
 * - each log file's SHA-256 (of its decompressed bytes) must be the one its digest lists.
 *
 * A local folder has no S3 metadata: the digests' contents, their hash chain and the log
 * files' hashes are still checked, and the report says plainly that signatures were not.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { obj, str } from '../../normalize/shared';
import {
  ArchiveError,
  type ArchiveObject,
  type ArchivePeriod,
  type ArchiveSource,
  type DayIntegrity,
  type DigestProblem,
  type FileIntegrity,
  type IntegrityChecker,
  type IntegrityPlan,
  type IntegrityReport,
} from '../types';

/** Public keys by fingerprint (hex), for the digests of one region. */
export type PublicKeyLookup = (region: string, fromMs: number, toMs: number, signal: AbortSignal) => Promise<Map<string, KeyObject>>;

/** A PKCS#1 DER RSA public key (what ListPublicKeys' `Value` holds) as a KeyObject; null when it is not one. */
export function publicKeyFromDer(der: Uint8Array): KeyObject | null {
  try {
    return createPublicKey({ key: Buffer.from(der), format: 'der', type: 'pkcs1' });
  } catch {
    return null;
  }
}

/** The text CloudTrail signs for a digest. */
export function digestSigningString(d: { digestEndTime: string; digestS3Bucket: string; digestS3Object: string; previousDigestSignature: string | null }, inflated: Uint8Array): string {
  const hash = createHash('sha256').update(inflated).digest('hex');
  return `${d.digestEndTime}\n${d.digestS3Bucket}/${d.digestS3Object}\n${hash}\n${d.previousDigestSignature ?? 'null'}`;
}

/** The part of a key from `AWSLogs/` on: the same for a bucket's key and a synced folder's path. */
export function logTail(key: string): string {
  const i = key.indexOf('AWSLogs/');
  return i >= 0 ? key.slice(i) : key;
}

interface Digest {
  key: string;
  tail: string;
  /** account/region/trail stream the chain runs in. */
  stream: string;
  region: string;
  startMs: number;
  endMs: number;
  inflatedSha256: string;
  signature: string | null;
  previousTail: string | null;
  previousSignature: string | null;
  previousHash: string | null;
  logFiles: { tail: string; key: string; sha256: string }[];
  valid: boolean;
}

const HOUR_MS = 3_600_000;
const LIST_CAP = 2000;

function capped(list: string[], item: string): void {
  if (list.length < LIST_CAP) list.push(item);
}

/** A digest is a few KB: anything this large is not one. */
const DIGEST_MAX_BYTES = 64 * 1024 * 1024;

async function readAll(source: ArchiveSource, o: ArchiveObject, signal: AbortSignal): Promise<{ bytes: Buffer; metadata: Record<string, string> | null }> {
  if (source.kind === 'folder' && source.localPath) {
    if (o.size > DIGEST_MAX_BYTES) throw new ArchiveError(`${o.key} is too large to be a CloudTrail digest`, 'not_format');
    return { bytes: await readFile(source.localPath(o)), metadata: null };
  }
  const opened = await source.open(o, signal);
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of opened.stream as AsyncIterable<Buffer>) {
    n += c.length;
    // A digest lists an hour of files: a few KB. Anything huge is not a digest.
    if (n > DIGEST_MAX_BYTES) throw new ArchiveError(`${o.key} is too large to be a CloudTrail digest`, 'not_format');
    chunks.push(c);
  }
  return { bytes: Buffer.concat(chunks), metadata: opened.metadata };
}

const RANK: Record<DayIntegrity, number> = { valid: 0, hash_matches: 1, unchecked: 2, problem: 3 };
const DAY_OF: Record<FileIntegrity, DayIntegrity> = { valid: 'valid', hash_matches: 'hash_matches', modified: 'problem', not_in_digest: 'unchecked', digest_invalid: 'problem' };

export class CloudTrailIntegrity implements IntegrityChecker {
  constructor(
    private readonly publicKeys: PublicKeyLookup | null,
    /** The bucket name, for a bucket source (a folder has none). */
    private readonly bucket: string | null,
  ) {}

  async prepare(source: ArchiveSource, period: ArchivePeriod, digestObjects: ArchiveObject[], signal: AbortSignal): Promise<IntegrityPlan> {
    const signed = source.kind === 'bucket' && this.publicKeys !== null;
    const invalid: DigestProblem[] = [];
    const digests: Digest[] = [];
    const keyCache = new Map<string, Map<string, KeyObject>>();
    const sorted = [...digestObjects].sort((a, b) => (a.key < b.key ? -1 : 1));
    // Read a few at a time (a bucket's latency, a folder's many small files), checked in key order.
    const reads = new Array<Promise<Awaited<ReturnType<typeof readAll>>> | undefined>(sorted.length);
    const AHEAD = 16;
    const readAt = (i: number) => {
      if (i < sorted.length && !reads[i]) {
        reads[i] = readAll(source, sorted[i]!, signal);
        reads[i]!.catch(() => undefined);
      }
    };
    for (let i = 0; i < AHEAD; i++) readAt(i);
    for (let idx = 0; idx < sorted.length; idx++) {
      const o = sorted[idx]!;
      readAt(idx + AHEAD);
      const problem = (p: string, detail: string) => invalid.push({ key: o.key, problem: p, detail });
      let raw;
      try {
        raw = await reads[idx]!;
      } catch (e) {
        if (e instanceof ArchiveError && (e.kind === 'cancelled' || e.kind === 'access_denied')) throw e;
        problem('unreadable', (e as Error).message);
        continue;
      } finally {
        reads[idx] = undefined;
      }
      let inflated: Buffer;
      let d: Record<string, unknown> | undefined;
      try {
        inflated = gunzipSync(raw.bytes);
        d = obj(JSON.parse(inflated.toString('utf8')));
      } catch {
        problem('invalid_format', 'the digest is not gzip-compressed JSON');
        continue;
      }
      const endTime = str(d?.digestEndTime);
      const startTime = str(d?.digestStartTime);
      const dBucket = str(d?.digestS3Bucket);
      const dObject = str(d?.digestS3Object);
      const fingerprint = str(d?.digestPublicKeyFingerprint);
      if (!d || !endTime || !startTime || !dBucket || !dObject || !fingerprint || !('previousDigestSignature' in d)) {
        problem('invalid_format', 'the digest lacks digestStartTime, digestEndTime, digestS3Bucket, digestS3Object, digestPublicKeyFingerprint or previousDigestSignature');
        continue;
      }
      const moved = this.bucket !== null ? dBucket !== this.bucket || dObject !== o.key : logTail(dObject) !== logTail(o.key);
      const tail = logTail(o.key);
      const region = /CloudTrail-Digest\/([^/]+)\//.exec(tail)?.[1] ?? '';
      const stream = tail.replace(/\/CloudTrail-Digest\/.*$/, '') + `/${region}/` + (/_CloudTrail-Digest_[^_]+_(.+)_[^_]+_\d{8}T\d{4,6}Z/.exec(tail)?.[1] ?? '');
      const files = Array.isArray(d.logFiles) ? d.logFiles.map(obj) : [];
      const digest: Digest = {
        key: o.key,
        tail,
        stream,
        region,
        startMs: Date.parse(startTime),
        endMs: Date.parse(endTime),
        inflatedSha256: createHash('sha256').update(inflated).digest('hex'),
        signature: raw.metadata?.signature ?? null,
        previousTail: str(d.previousDigestS3Object) ? logTail(str(d.previousDigestS3Object)!) : null,
        previousSignature: str(d.previousDigestSignature),
        previousHash: str(d.previousDigestHashValue),
        logFiles: files.flatMap((f) => (str(f?.s3Object) && str(f?.hashValue) ? [{ tail: logTail(str(f!.s3Object)!), key: str(f!.s3Object)!, sha256: str(f!.hashValue)!.toLowerCase() }] : [])),
        valid: true,
      };
      digests.push(digest);
      if (moved) {
        digest.valid = false;
        problem('moved', `the digest says it was written to s3://${dBucket}/${dObject}`);
        continue;
      }
      if (!signed) continue;
      const algorithm = raw.metadata?.['signature-algorithm'];
      if (!digest.signature || !algorithm) {
        digest.valid = false;
        problem('no_signature', 'the digest object has no signature in its S3 metadata (x-amz-meta-signature, x-amz-meta-signature-algorithm)');
        continue;
      }
      if (algorithm !== 'SHA256withRSA') {
        digest.valid = false;
        problem('signature_algorithm', `unknown signature algorithm ${algorithm}`);
        continue;
      }
      let keys = keyCache.get(region);
      if (!keys) {
        keys = await this.publicKeys!(region, period.fromMs - 2 * 86_400_000, period.toMs + 2 * 86_400_000, signal);
        keyCache.set(region, keys);
      }
      const key = keys.get(fingerprint.toLowerCase());
      if (!key) {
        digest.valid = false;
        problem('public_key_unknown', `CloudTrail's ListPublicKeys in ${region} has no key with fingerprint ${fingerprint}`);
        continue;
      }
      const text = digestSigningString({ digestEndTime: endTime, digestS3Bucket: dBucket, digestS3Object: dObject, previousDigestSignature: digest.previousSignature }, inflated);
      let ok = false;
      try {
        ok = /^[0-9a-f]+$/i.test(digest.signature) && verify('sha256', Buffer.from(text), key, Buffer.from(digest.signature, 'hex'));
      } catch {
        ok = false;
      }
      if (!ok) {
        digest.valid = false;
        problem('signature_invalid', 'the digest’s RSA signature does not verify with CloudTrail’s public key: the digest was altered or forged');
      }
    }
    return new Plan(source, period, digests, invalid, signed);
  }
}

class Plan implements IntegrityPlan {
  readonly #expected = new Map<string, { sha256: string; signed: boolean } | { digestInvalid: true }>();
  readonly #report: IntegrityReport;

  constructor(
    source: ArchiveSource,
    period: ArchivePeriod,
    private readonly digests: Digest[],
    invalid: DigestProblem[],
    private readonly signed: boolean,
  ) {
    this.#report = {
      provider: 'aws',
      location: source.location,
      period: { from: new Date(period.fromMs).toISOString(), to: new Date(period.toMs).toISOString() },
      level: signed ? 'signed' : 'hashes_only',
      note: signed
        ? 'Each digest’s RSA signature (SHA256withRSA, from its S3 metadata) was verified with the public key CloudTrail’s ListPublicKeys gives for its fingerprint; the previous-digest chain and each log file’s SHA-256 were checked.'
        : 'Signatures could NOT be checked: a local copy has no S3 object metadata, where CloudTrail keeps each digest’s signature. The digests’ hash chain and each log file’s SHA-256 against its digest were checked, which shows a file changed after its digest was written but not that the digests themselves are CloudTrail’s.',
      digests: { total: digests.length + invalid.filter((p) => !digests.some((d) => d.key === p.key)).length, valid: 0, invalid },
      files: { valid: 0, hash_matches: 0, modified: [], missing_from_bucket: [], not_in_digest: [] },
      digests_missing: [],
      chain_gaps: [],
      days: {},
    };
    this.#chain(period);
    for (const d of digests) {
      for (const f of d.logFiles) {
        if (!d.valid) {
          if (!this.#expected.has(f.tail)) this.#expected.set(f.tail, { digestInvalid: true });
        } else this.#expected.set(f.tail, { sha256: f.sha256, signed: this.signed });
      }
    }
    this.#report.digests.valid = digests.filter((d) => d.valid).length;
  }

  /** The previous-digest chain per stream, and the hours of the period no digest covers. */
  #chain(period: ArchivePeriod): void {
    const byStream = new Map<string, Digest[]>();
    for (const d of this.digests) {
      if (Number.isNaN(d.startMs) || Number.isNaN(d.endMs)) continue;
      const list = byStream.get(d.stream) ?? [];
      list.push(d);
      byStream.set(d.stream, list);
    }
    const covered: [number, number][] = [];
    for (const list of byStream.values()) {
      list.sort((a, b) => a.endMs - b.endMs || (a.key < b.key ? -1 : 1));
      const byTail = new Map(list.map((d) => [d.tail, d]));
      for (let i = 0; i < list.length; i++) {
        const d = list[i]!;
        covered.push([d.startMs, d.endMs]);
        const prev = i > 0 ? list[i - 1]! : null;
        if (!d.previousTail) {
          if (prev) this.#report.chain_gaps.push({ after: prev.key, before: d.key, detail: 'the digest starts a new chain (no previous digest): logging or validation was off in between' });
          continue;
        }
        const named = byTail.get(d.previousTail);
        if (!named) {
          // Before the period's first listed digest, the predecessor is simply out of range.
          if (prev || d.startMs > period.fromMs + HOUR_MS) this.#report.chain_gaps.push({ after: prev?.key ?? null, before: d.key, detail: `the previous digest ${d.previousTail} is missing` });
          continue;
        }
        if (d.previousHash && named.inflatedSha256 !== d.previousHash.toLowerCase()) {
          this.#report.chain_gaps.push({ after: named.key, before: d.key, detail: 'the previous digest’s SHA-256 is not the one this digest records: it was replaced' });
          if (named.valid) this.#report.digests.invalid.push({ key: named.key, problem: 'chain_hash_mismatch', detail: `its SHA-256 is not the one the next digest (${d.key}) records` });
          named.valid = false;
        } else if (this.signed && named.signature !== null && d.previousSignature !== null && named.signature !== d.previousSignature) {
          this.#report.chain_gaps.push({ after: named.key, before: d.key, detail: 'the previous digest’s signature is not the one this digest records' });
        }
      }
    }
    // Hours of the period (not in the future) no digest of any stream covers.
    for (let t = Math.floor(period.fromMs / HOUR_MS) * HOUR_MS; t < period.toMs; t += HOUR_MS) {
      const mid = t + HOUR_MS / 2;
      if (!covered.some(([s, e]) => s <= mid && mid <= e + 5 * 60_000)) capped(this.#report.digests_missing, new Date(t).toISOString());
    }
  }

  expected(key: string) {
    return this.#expected.get(logTail(key)) ?? null;
  }

  record(key: string, day: string, verdict: FileIntegrity): void {
    const f = this.#report.files;
    if (verdict === 'valid') f.valid++;
    else if (verdict === 'hash_matches') f.hash_matches++;
    else if (verdict === 'modified') capped(f.modified, key);
    else if (verdict === 'not_in_digest') capped(f.not_in_digest, key);
    const dayVerdict = DAY_OF[verdict];
    const was = this.#report.days[day];
    if (was === undefined || RANK[dayVerdict] > RANK[was]) this.#report.days[day] = dayVerdict;
  }

  finish(listedLogKeys: ReadonlySet<string>): IntegrityReport {
    const listedTails = new Set([...listedLogKeys].map(logTail));
    const listedDays = new Set([...listedTails].map((t) => /\/(\d{4}\/\d{2}\/\d{2})\//.exec(t)?.[1]).filter(Boolean));
    for (const d of this.digests) {
      if (!d.valid) continue;
      for (const f of d.logFiles) {
        const day = /CloudTrail\/[^/]+\/(\d{4}\/\d{2}\/\d{2})\//.exec(f.tail)?.[1];
        if (!listedTails.has(f.tail) && (!day || listedDays.has(day) || this.#inPeriodDay(day))) {
          capped(this.#report.files.missing_from_bucket, f.key);
          if (day) {
            const k = day.replace(/\//g, '-');
            this.#report.days[k] = 'problem';
          }
        }
      }
    }
    return this.#report;
  }

  #inPeriodDay(day: string): boolean {
    const iso = day.replace(/\//g, '-');
    return iso >= this.#report.period.from.slice(0, 10) && iso <= this.#report.period.to.slice(0, 10);
  }
}
