/**
 * A folder of `gcloud logging read --format=json` exports (each file one JSON array of
 * LogEntry) as an ArchiveSource. An export is not filed by day: each file is listed under
 * the day its name gives (YYYY-MM-DD or YYYYMMDD), else under the period's first day; its
 * entries carry their own times, which is what the cross-check uses.
 */
import { GCP_EXPORT_FORMAT } from './gcp-decoders';
import { toArchiveObject } from './gcp-sink-source';
import type { LocalTreeStore } from './local-tree-store';
import { ArchiveError, type ArchiveObject, type ArchivePeriod, type ArchiveSource, type OpenedObject } from './types';

export function dayInName(name: string): string | null {
  const m = /(20\d{2})-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])/.exec(name.slice(name.lastIndexOf('/') + 1));
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** True when a file starts (after whitespace and a BOM) with '[': an export, not JSON lines. */
export function looksLikeJsonArray(head: string): boolean {
  return /^\uFEFF?\s*\[/.test(head);
}

export class GcloudExportSource implements ArchiveSource {
  readonly provider = 'gcp' as const;
  readonly format = GCP_EXPORT_FORMAT;
  readonly location: string;
  readonly kind = 'folder' as const;

  constructor(private readonly store: LocalTreeStore) {
    this.location = store.location;
  }

  async *list(period: ArchivePeriod, signal: AbortSignal): AsyncIterable<ArchiveObject> {
    const first = new Date(period.fromMs).toISOString().slice(0, 10);
    for await (const o of this.store.deep('', signal)) {
      if (signal.aborted) throw new ArchiveError('cancelled', 'cancelled');
      if (!o.key.endsWith('.json') || !looksLikeJsonArray(this.store.head(o.key))) continue;
      const day = dayInName(o.key);
      if (day !== null && (Date.parse(`${day}T00:00:00Z`) + 86_400_000 <= period.fromMs || Date.parse(`${day}T00:00:00Z`) >= period.toMs)) continue;
      yield toArchiveObject(o, day ?? first);
    }
  }

  open(object: ArchiveObject, signal: AbortSignal): Promise<OpenedObject> {
    return this.store.open({ key: object.key, size: object.size, etag: object.etag, md5: object.md5 ?? null, modified: object.modified ?? null }, signal);
  }

  localPath(object: ArchiveObject): string {
    return this.store.localPath(object.key);
  }
}
