/**
 * A Cloud Logging sink's archive as an ArchiveSource: for each UTC day of the period one
 * listing of `<prefix>cloudaudit.googleapis.com/data_access/YYYY/MM/DD/`, keeping the
 * hourly objects that overlap the period. The same for a bucket (GcsStore) and a local
 * copy (LocalTreeStore). Hours without an object are kept for the report (missingHours).
 */
import { GCP_JSONL_FORMAT } from './gcp-decoders';
import { HourGaps } from './hour-gaps';
import type { ListedObject, PrefixStore } from './prefix-store';
import { daysOf, gcsDayPrefix, gcsObjectHour, overlapsHour } from './sink-layout';
import { ArchiveError, type ArchiveObject, type ArchivePeriod, type ArchiveSource, type OpenedObject } from './types';

export class GcpSinkSource implements ArchiveSource {
  readonly provider = 'gcp' as const;
  readonly format = GCP_JSONL_FORMAT;
  readonly location: string;
  readonly kind: 'bucket' | 'folder';
  #gaps: HourGaps | null = null;

  constructor(
    private readonly store: PrefixStore,
    /** Folder the sink writes under ('' or ending in '/'). */
    private readonly prefix: string,
  ) {
    this.location = store.location;
    this.kind = store.kind;
  }

  async *list(period: ArchivePeriod, signal: AbortSignal): AsyncIterable<ArchiveObject> {
    const gaps = (this.#gaps = new HourGaps(period.fromMs, period.toMs));
    for (const day of daysOf(period.fromMs, period.toMs)) {
      if (signal.aborted) throw new ArchiveError('cancelled', 'cancelled');
      for await (const o of this.store.deep(gcsDayPrefix(this.prefix, day), signal)) {
        if (!o.key.endsWith('.json')) continue;
        const hour = gcsObjectHour(o.key);
        if (!overlapsHour(hour, period.fromMs, period.toMs)) continue;
        gaps.saw(hour);
        yield toArchiveObject(o, day.replace(/\//g, '-'));
      }
    }
  }

  open(object: ArchiveObject, signal: AbortSignal): Promise<OpenedObject> {
    return this.store.open({ key: object.key, size: object.size, etag: object.etag, md5: object.md5 ?? null, modified: object.modified ?? null }, signal);
  }

  localPath(object: ArchiveObject): string {
    if (!this.store.localPath) throw new ArchiveError('not a local folder', 'invalid');
    return this.store.localPath(object.key);
  }

  /** Hours of the last listed period without an object (UTC ISO). */
  missingHours(): string[] {
    return this.#gaps?.missing() ?? [];
  }
}

export function toArchiveObject(o: ListedObject, day: string): ArchiveObject {
  return { key: o.key, size: o.size, etag: o.etag, md5: o.md5 ?? null, modified: o.modified, role: 'log', day };
}
