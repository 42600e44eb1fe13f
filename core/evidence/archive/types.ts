/**
 * The archive import's shared vocabulary (issue 18): where a provider's long-term log
 * archive lives (an ArchiveSource: an S3 bucket, a Cloud Storage bucket, an Azure blob
 * container or a local folder), how one archived file becomes provider event rows (a
 * RecordDecoder per format), how an archive proves it was not altered (an
 * IntegrityChecker, where the provider signs its archives), and the import job's
 * progress / resume / cancel contract that the CLI and the window share.
 *
 * A provider plugs in with a `SourceFactory` (location → ArchiveSource) and a
 * `RecordDecoder` for its file format; the import job (job.ts) does the rest: listing,
 * streaming, gunzip, de-duplication by the provider's own event id, one transaction per
 * finished file, progress, resume and cancel.
 */
import type { Readable } from 'node:stream';
import type { UnreadableItem } from '../readers/types';
import type { CloudProvider, NormalizedEvent } from '../types';

// ---------------------------------------------------------------------------------------
// Where a provider event came from

/**
 * Where a stored provider event was read: the live API (LookupEvents, Cloud Logging,
 * Log Analytics), an archive file whose integrity the provider's signature proved, or an
 * archive file read without that proof (no digest, a local copy without S3 metadata, a
 * provider that signs nothing). One event read several ways keeps the strongest origin:
 * archive_validated > api > archive_unvalidated.
 */
export type EvidenceOrigin = 'api' | 'archive_validated' | 'archive_unvalidated';
export const EVIDENCE_ORIGINS: readonly EvidenceOrigin[] = ['api', 'archive_validated', 'archive_unvalidated'];
/** Rank used when one event arrives twice: the higher wins. */
export const ORIGIN_RANK: Record<EvidenceOrigin, number> = { archive_unvalidated: 0, api: 1, archive_validated: 2 };

// ---------------------------------------------------------------------------------------
// Sources: a bucket, a container or a folder

/** One object (file) of an archive as the store lists it. */
export interface ArchiveObject {
  /** The object key (S3, GCS), blob name (Azure) or path relative to the folder, '/'-separated. */
  key: string;
  /** Bytes as stored (compressed when the file is .gz). */
  size: number;
  /** The store's version tag (S3 ETag, GCS generation/etag, Azure ETag); null for a local file (mtime is used). */
  etag: string | null;
  /** Base64 MD5 of the stored bytes when the store gives it (GCS md5Hash, Azure Content-MD5). */
  md5?: string | null | undefined;
  /** Last modified, UTC ISO. */
  modified?: string | null | undefined;
  /**
   * What the object is for the import: a log file to decode, a signed digest of other
   * files (CloudTrail-Digest), or something to skip (listed only to be counted).
   */
  role: 'log' | 'digest';
  /** The UTC day (YYYY-MM-DD) the provider filed the object under: coverage is per day. */
  day: string;
}

/** An object opened for reading: its bytes (as stored) and its user metadata. */
export interface OpenedObject {
  stream: Readable;
  /**
   * User metadata as the store returns it (S3 `x-amz-meta-*` without the prefix, GCS
   * `metadata`, Azure `x-ms-meta-*`), lower-case names; null when the store has none
   * (a local folder): signatures kept in metadata cannot be checked then.
   */
  metadata: Record<string, string> | null;
}

/** A period, [fromMs, toMs). */
export interface ArchivePeriod {
  fromMs: number;
  toMs: number;
}

/**
 * An archive location, read-only. `list` yields every object of the period (logs and
 * digests, in key order within a day), listing lazily: a year of hourly files is never
 * held as one array by the source. Failures are ArchiveError with a stable kind.
 */
export interface ArchiveSource {
  readonly provider: CloudProvider;
  /** The format its log files are in (a RecordDecoder's `format`). */
  readonly format: string;
  /** The location as the operator gave it, normalised (s3://bucket/prefix, gs://…, azblob://…, or an absolute folder path). */
  readonly location: string;
  /** 'bucket' for a cloud store (metadata available), 'folder' for a local copy. */
  readonly kind: 'bucket' | 'folder';
  list(period: ArchivePeriod, signal: AbortSignal): AsyncIterable<ArchiveObject>;
  open(object: ArchiveObject, signal: AbortSignal): Promise<OpenedObject>;
  /**
   * A local path for the object when the source is a folder: the import may then hand
   * the file to a worker thread instead of streaming it through this one.
   */
  localPath?(object: ArchiveObject): string;
  /**
   * Hourly archives (Cloud Logging sinks, diagnostic settings): the hours (UTC ISO) of the
   * last listed period without a log file: a quiet hour or a lost file, for the operator.
   */
  missingHours?(): string[];
  close?(): void;
}

/** Builds a source from the operator's `--source` (returns null when the location is not this factory's scheme). */
export interface SourceFactory {
  /** URL scheme handled, e.g. 's3:'; 'folder' for a local path. */
  readonly scheme: string;
  create(location: string, ctx: SourceContext): ArchiveSource;
}

/** What a factory may use: the tenant's provider configs (credentials come from them) and evidence settings. */
export interface SourceContext {
  tenantId: string;
  /** The tenant's cloud keys (key ARNs / CryptoKey paths / vault key URLs) with their stored provider config JSON. */
  keys: { provider: CloudProvider; key_ref: string; kms_config: string; provider_key_ids: string[] }[];
  env: Record<string, string | undefined>;
  userAgent: string;
  /** Endpoint overrides from the tenant's evidence settings (already checked against the allow-list). */
  endpoints: Partial<Record<string, string>>;
  timeoutMs: number;
}

// ---------------------------------------------------------------------------------------
// Decoders: one per file format

/** Which records a decoder keeps; everything else is counted and dropped as it streams by. */
export interface RecordFilter {
  /** Key refs (ARNs, paths, URLs) the tenant tracks: records naming one are kept. */
  keys: readonly string[];
}

/** A provider event decoded from an archive, with every key it names (ReEncrypt names two). */
export interface DecodedEvent {
  event: NormalizedEvent;
  keys: string[];
  /** A witness record of the audit log (issue 16): kept whatever key it names. */
  witness: boolean;
}

/** What one file gave. */
export interface DecodedFile {
  events: DecodedEvent[];
  unreadable: UnreadableItem[];
  /** Records of the file, all of them (kept or not). */
  records: number;
  /** Provider records for keys this tenant does not track (dropped; counted for the coverage note). */
  otherKeys: number;
  /** Decompressed bytes read. */
  bytes: number;
  /** Hex SHA-256 of the decompressed bytes (what CloudTrail digests sign); null when not asked for. */
  sha256: string | null;
  /**
   * From a worker thread: the events' raw texts packed in one transferred buffer (UTF-8,
   * event i ends at ends[i]) and each event's `raw` left empty, so the main thread stores
   * them without turning a gigabyte of records into strings it must then collect.
   */
  packedRaw?: { bytes: Uint8Array; ends: number[] } | undefined;
}

/**
 * A push parser for one file's decompressed bytes: `push` each chunk as it arrives,
 * `finish` at the end. It keeps only the records the filter wants, so a file of any size
 * needs memory for one record at a time. Throws ArchiveError ('not_json', 'not_format')
 * for a file that is not what the format says; the import then keeps nothing of it.
 * Runs on the main thread or in a worker (no I/O, no shared state).
 */
export interface DecoderRun {
  push(chunk: Uint8Array): void;
  finish(): Omit<DecodedFile, 'bytes' | 'sha256'>;
}

export interface RecordDecoder {
  /** e.g. 'cloudtrail-json' (`{"Records":[…]}`), 'gcp-logentry-jsonl', 'azure-diagnostics-jsonl'. */
  readonly format: string;
  start(object: Pick<ArchiveObject, 'key'>, filter: RecordFilter): DecoderRun;
}

// ---------------------------------------------------------------------------------------
// Integrity: providers that sign their archives (CloudTrail digests)

/** What an integrity check could prove. */
export type IntegrityLevel = 'signed' | 'hashes_only' | 'none';

/** The verdict on one log file. */
export type FileIntegrity =
  /** Its SHA-256 matches a digest whose signature verified. */
  | 'valid'
  /** Its SHA-256 matches a digest whose signature could not be checked (a local copy). */
  | 'hash_matches'
  /** Its SHA-256 differs from the digest's: altered after delivery. Not imported. */
  | 'modified'
  /** No digest lists it (delivered while validation was off, or a digest is missing). */
  | 'not_in_digest'
  /** A digest covering it failed its own check: nothing is proved about the file. */
  | 'digest_invalid';

export interface DigestProblem {
  key: string;
  /** signature_invalid, public_key_unknown, moved (digestS3Object differs), not_json, no_signature, chain_broken, unreadable… */
  problem: string;
  detail: string;
}

/** The validation summary of one import: what `aws cloudtrail validate-logs` would say, with object keys. */
export interface IntegrityReport {
  provider: CloudProvider;
  location: string;
  period: { from: string; to: string };
  level: IntegrityLevel;
  /** Why signatures were or were not checked, in a sentence (a local folder: no S3 metadata). */
  note: string;
  digests: { total: number; valid: number; invalid: DigestProblem[] };
  files: {
    valid: number;
    hash_matches: number;
    modified: string[];
    /** Listed in a valid digest but absent from the bucket / folder. */
    missing_from_bucket: string[];
    not_in_digest: string[];
  };
  /** Hours (digest windows, UTC ISO start) of the period with no digest file. */
  digests_missing: string[];
  /** Breaks in the previous-digest chain: the digest whose predecessor is not the one before it. */
  chain_gaps: { after: string | null; before: string; detail: string }[];
  /** Per UTC day: the worst verdict of the day's files ('valid' | 'hash_matches' | 'modified' | 'unchecked' | 'none'). */
  days: Record<string, DayIntegrity>;
}

export type DayIntegrity = 'valid' | 'hash_matches' | 'problem' | 'unchecked';

/**
 * A provider's archive check. `prepare` reads the digests of the period (small files) and
 * returns what each log file should hash to; the import then compares each file's hash as
 * it streams (no file is read twice) and `finish` closes the report.
 */
export interface IntegrityChecker {
  prepare(source: ArchiveSource, period: ArchivePeriod, digests: ArchiveObject[], signal: AbortSignal): Promise<IntegrityPlan>;
}

export interface IntegrityPlan {
  /** The expected hex SHA-256 of a log file's decompressed bytes, and whether its digest's signature verified. */
  expected(key: string): { sha256: string; signed: boolean } | { digestInvalid: true } | null;
  /** Records a log file's verdict (called once per log file of the period, imported or not). */
  record(key: string, day: string, verdict: FileIntegrity): void;
  /** Log files the digests list that the listing did not show. */
  finish(listedLogKeys: ReadonlySet<string>): IntegrityReport;
}

// ---------------------------------------------------------------------------------------
// The import job: request, progress, resume, cancel

export interface ImportRequest {
  tenant: string;
  /** s3://bucket/prefix | gs://bucket/prefix | azblob://account/container[/prefix] | a folder path. */
  source: string;
  /** UTC ISO date or time; a bare `to` date includes that day. */
  from: string;
  to: string;
  /** Check the provider's signed digests (CloudTrail) and each file's hash against them. */
  validate: boolean;
}

/** Why one file was not imported, by a stable word. */
export type FileFailureKind =
  | 'truncated_gzip'
  | 'not_gzip'
  | 'not_json'
  | 'not_format'
  | 'modified'
  | 'access_denied'
  | 'throttled'
  | 'not_found'
  | 'unreachable'
  | 'read_failed';

export interface FileFailure {
  key: string;
  kind: FileFailureKind;
  message: string;
}

export type ImportState = 'listing' | 'validating' | 'importing' | 'done' | 'failed' | 'cancelled';

/**
 * What `evidence.import_progress` returns and the CLI draws: files, bytes, events, ETA.
 * Files already imported by an earlier run (same key, size and etag) are `files_skipped`:
 * a restarted import goes on from there, and importing twice changes nothing.
 */
export interface ImportProgressView {
  job_id: number | null;
  running: boolean;
  state: ImportState | null;
  tenant: string | null;
  provider: CloudProvider | null;
  location: string | null;
  period: { from: string; to: string } | null;
  validate: boolean;
  started_at: string | null;
  finished_at: string | null;
  files_total: number;
  files_done: number;
  files_skipped: number;
  files_failed: number;
  /** Stored (compressed) bytes of the period's log files, and of those read so far. */
  bytes_total: number;
  bytes_done: number;
  /** Decompressed bytes read (what the MB/s figures count). */
  bytes_uncompressed: number;
  records: number;
  /** Provider events kept (new or already known). */
  events: number;
  /** Of those, not stored before (by the provider's event id). */
  events_new: number;
  unreadable: number;
  other_keys: number;
  eta_s: number | null;
  current: string | null;
  /** Hourly archives only (GCS sinks, Azure diagnostic settings): hours of the period with no log file, the first 200 listed; null for other layouts. */
  missing_hours?: { total: number; first: string[] } | null;
  /** Stopped the whole import (access denied on listing, …); per-file failures are in `failures`. */
  error: { kind: FileFailureKind | 'invalid' | 'cancelled'; message: string } | null;
  failures: FileFailure[];
}

export interface ImportResultView extends ImportProgressView {
  integrity: IntegrityReport | null;
}

// ---------------------------------------------------------------------------------------
// Coverage per provider and day (the window's calendar)

export interface CoverageDay {
  /** UTC YYYY-MM-DD. */
  day: string;
  api: number;
  archive_validated: number;
  archive_unvalidated: number;
  /** Worst integrity verdict of the archive files imported for the day; null when no archive covers it. */
  integrity: DayIntegrity | null;
  /** True when no evidence at all covers the day (no event and no archive file read). */
  none: boolean;
  /** Archive log files read for the day (a quiet day with files read is covered, with zero events). */
  archive_files: number;
}

export interface ProviderCoverage {
  provider: CloudProvider;
  days: CoverageDay[];
  /** Days of the period without any evidence. */
  days_without: number;
}

export interface EvidenceCoverageCalendar {
  tenant: string | null;
  from: string;
  to: string;
  providers: ProviderCoverage[];
}

/** An archive failure in plain words (no credential, no response body), with a stable kind. */
export class ArchiveError extends Error {
  constructor(
    message: string,
    readonly kind: FileFailureKind | 'invalid' | 'cancelled',
  ) {
    super(message);
    this.name = 'ArchiveError';
  }
}
