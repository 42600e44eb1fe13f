/**
 * CloudTrail log files (`{"Records":[…]}`, one .json.gz per delivery) as provider events.
 * Keeps the AWS KMS records (eventSource kms.amazonaws.com) that name one of the tenant's
 * keys, and the audit log's witness records (a KMS Encrypt whose encryption context holds
 * `keywarden:log`, issue 16) whatever key they name. A record is parsed only when its
 * bytes mention kms.amazonaws.com: the other ~90% stream past as bytes.
 */
import { rawId } from '../../readers/retry';
import type { UnreadableItem } from '../../readers/types';
import { normalizeCloudTrailObject } from '../../normalize/aws';
import { obj, str, UnreadableRecord } from '../../normalize/shared';
import { RecordArrayScanner } from '../json-records';
import { ArchiveError, type DecodedEvent, type DecoderRun, type RecordDecoder, type RecordFilter } from '../types';

export const CLOUDTRAIL_FORMAT = 'cloudtrail-json';
const KMS = Buffer.from('kms.amazonaws.com');
const WITNESS_KEY = 'keywarden:log';

/** True when a record key (ARN, key id, alias name) is one of the wanted refs. */
export function keyMatches(wanted: readonly string[], named: readonly string[]): boolean {
  for (const k of named) {
    for (const f of wanted) if (f === k || f.endsWith(`:${k}`) || f.endsWith(`/${k}`)) return true;
  }
  return false;
}

export function isWitnessRecord(record: Record<string, unknown>): boolean {
  if (record.eventName !== 'Encrypt') return false;
  const ctx = obj(obj(record.requestParameters)?.encryptionContext);
  return ctx !== undefined && typeof ctx[WITNESS_KEY] === 'string';
}

class CloudTrailRun implements DecoderRun {
  readonly #scanner: RecordArrayScanner;
  readonly #events: DecodedEvent[] = [];
  readonly #unreadable: UnreadableItem[] = [];
  #otherKeys = 0;

  constructor(
    private readonly key: string,
    private readonly filter: RecordFilter,
  ) {
    this.#scanner = new RecordArrayScanner('Records', (bytes) => this.#record(bytes));
  }

  push(chunk: Uint8Array): void {
    this.#scanner.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }

  finish() {
    this.#scanner.finish();
    return { events: this.#events, unreadable: this.#unreadable, records: this.#scanner.records, otherKeys: this.#otherKeys };
  }

  #record(bytes: Buffer): void {
    if (bytes.indexOf(KMS) === -1) return;
    const text = bytes.toString('utf8');
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new ArchiveError(`not JSON: a record of ${this.key} does not parse (${(e as Error).message})`, 'not_json');
    }
    if (record.eventSource !== 'kms.amazonaws.com') return;
    try {
      const { event, keys } = normalizeCloudTrailObject(record, text);
      const witness = isWitnessRecord(record);
      if (witness || keyMatches(this.filter.keys, keys)) this.#events.push({ event, keys, witness });
      else this.#otherKeys++;
    } catch (e) {
      if (!(e instanceof UnreadableRecord)) throw e;
      this.#unreadable.push({ event_id: str(record.eventID) ?? rawId(text), at: str(record.eventTime), problem: e.message, raw: text });
    }
  }
}

export const cloudTrailDecoder: RecordDecoder = {
  format: CLOUDTRAIL_FORMAT,
  start: (object, filter) => new CloudTrailRun(object.key, filter),
};
