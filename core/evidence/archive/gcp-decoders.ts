/**
 * Decoders for Cloud Logging archives: a sink's JSON-lines objects
 * (`gcp-logentry-jsonl`) and `gcloud logging read --format=json` exports
 * (`gcp-logentry-json-array`). Both keep the Cloud KMS entries of the tenant's CryptoKeys,
 * normalized as the live path normalizes them, count the rest, and keep unreadable
 * entries with their text. A file whose first record is not JSON is refused whole
 * (`not_json`): it is not a log file, and nothing of it is imported.
 */
import type { UnreadableItem } from '../readers/types';
import { cryptoKeyOf } from '../normalize/gcp';
import { logEntryOutcome } from './gcp-log-entry';
import { JsonArraySplitter } from './json-array-splitter';
import { LineSplitter } from './line-splitter';
import { keyMatcher, type RecordOutcome } from './record-outcome';
import { ArchiveError, type DecodedEvent, type DecoderRun, type RecordDecoder, type RecordFilter } from './types';

export const GCP_JSONL_FORMAT = 'gcp-logentry-jsonl';
export const GCP_EXPORT_FORMAT = 'gcp-logentry-json-array';

/** Gathers one file's outcomes in the shape the import stores. */
export class OutcomeTally {
  readonly events: DecodedEvent[] = [];
  readonly unreadable: UnreadableItem[] = [];
  records = 0;
  otherKeys = 0;
  #seenReadable = false;

  constructor(private readonly key: string) {}

  add(o: RecordOutcome, where: string): void {
    this.records++;
    if (o.kind === 'unreadable') {
      if (o.notJson && !this.#seenReadable) {
        throw new ArchiveError(`not JSON: ${this.key} ${where} does not parse as a JSON record, so the file is not a log of this kind; nothing of it was imported`, 'not_json');
      }
      this.unreadable.push({ ...o.item, problem: `${o.item.problem} (${where} of ${this.key})` });
      return;
    }
    this.#seenReadable = true;
    if (o.kind === 'event') this.events.push({ event: o.event, keys: [o.event.key_ref], witness: false });
    else if (o.kind === 'other_key') this.otherKeys++;
  }

  result(): ReturnType<DecoderRun['finish']> {
    return { events: this.events, unreadable: this.unreadable, records: this.records, otherKeys: this.otherKeys };
  }
}

function jsonlRun(key: string, filter: RecordFilter): DecoderRun {
  const match = keyMatcher(filter.keys, cryptoKeyOf);
  const tally = new OutcomeTally(key);
  const lines = new LineSplitter((text, n) => {
    if (text.trim().length > 0) tally.add(logEntryOutcome(text, match), `line ${n}`);
  });
  return {
    push: (chunk) => lines.push(chunk),
    finish: () => {
      lines.finish();
      return tally.result();
    },
  };
}

function exportRun(key: string, filter: RecordFilter): DecoderRun {
  const match = keyMatcher(filter.keys, cryptoKeyOf);
  const tally = new OutcomeTally(key);
  const elements = new JsonArraySplitter((text, i) => tally.add(logEntryOutcome(text, match), `element ${i}`));
  return {
    push: (chunk) => elements.push(chunk),
    finish: () => {
      elements.finish();
      return tally.result();
    },
  };
}

export const gcpSinkDecoder: RecordDecoder = { format: GCP_JSONL_FORMAT, start: (o, f) => jsonlRun(o.key, f) };
export const gcpExportDecoder: RecordDecoder = { format: GCP_EXPORT_FORMAT, start: (o, f) => exportRun(o.key, f) };
