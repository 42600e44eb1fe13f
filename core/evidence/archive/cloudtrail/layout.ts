/**
 * Where a trail puts its files, as an ArchiveSource for a period: under the operator's
 * prefix, `AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/` for log files
 * and `…/CloudTrail-Digest/<region>/YYYY/MM/DD/` for digests (`_backfill` ones too).
 * Accounts, organization ids and regions are discovered by listing one level at a time;
 * then only the period's day folders are listed (plus the day after: a file for the last
 * hour is delivered after midnight).
 */
import type { ObjectStore } from '../object-store';
import type { ArchiveObject, ArchivePeriod, ArchiveSource, OpenedObject } from '../types';
import { CLOUDTRAIL_FORMAT } from './decoder';

const ACCOUNT = /^\d{12}\/$/;
const ORG = /^o-[a-z0-9]{10,32}\/$/;
const DAY_MS = 86_400_000;
/** CloudTrail delivers a file some minutes after its events (typically 5, documented up to 15). */
const DELIVERY_SLACK_MS = 15 * 60_000;
const STAMP = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?Z(?:_[0-9A-Za-z]+)?(?:_backfill)?\.json\.gz$/;

/** The time in a CloudTrail file name (a log's delivery minute, a digest's end), or null. */
export function keyTime(key: string): number | null {
  const m = STAMP.exec(key);
  if (!m) return null;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
}

/** Whether a file belongs to the period: delivered in it, or within the delivery slack after it. */
function inPeriod(key: string, role: 'log' | 'digest', period: ArchivePeriod): boolean {
  const t = keyTime(key);
  if (t === null) return true;
  // A digest ends up to an hour after the files it lists.
  return role === 'log' ? t >= period.fromMs && t < period.toMs + DELIVERY_SLACK_MS : t > period.fromMs && t <= period.toMs + 3_600_000 + DELIVERY_SLACK_MS;
}

function lastSegment(prefix: string): string {
  const parts = prefix.split('/');
  return `${parts[parts.length - 2] ?? ''}/`;
}

/** UTC days [from, to) touches, plus the day after. */
export function periodDays(period: ArchivePeriod): string[] {
  const days: string[] = [];
  const start = Math.floor(period.fromMs / DAY_MS) * DAY_MS;
  for (let t = start; t < period.toMs + DAY_MS; t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

export class CloudTrailSource implements ArchiveSource {
  readonly provider = 'aws' as const;
  readonly format = CLOUDTRAIL_FORMAT;
  readonly location: string;
  readonly kind: 'bucket' | 'folder';

  constructor(private readonly store: ObjectStore) {
    this.location = store.location;
    this.kind = store.kind;
  }

  /** The `<…>/<account>/` prefixes under the root (organization trails: one level deeper). */
  async accountPrefixes(signal: AbortSignal): Promise<string[]> {
    const root = this.store.root;
    const bases = [`${root}AWSLogs/`];
    // The operator may have given the AWSLogs folder, an organization's or an account's folder itself.
    if (root.endsWith('AWSLogs/')) bases.unshift(root);
    for (const base of bases) {
      const found: string[] = [];
      for (const p of await this.store.folders(base, signal)) {
        const seg = lastSegment(p);
        if (ACCOUNT.test(seg)) found.push(p);
        else if (ORG.test(seg)) for (const q of await this.store.folders(p, signal)) if (ACCOUNT.test(lastSegment(q))) found.push(q);
      }
      if (found.length > 0) return found;
    }
    const here = await this.store.folders(root, signal);
    if (here.some((p) => p.endsWith('/CloudTrail/') || p.endsWith('/CloudTrail-Digest/') || p === 'CloudTrail/')) return [root];
    for (const p of here) if (ACCOUNT.test(lastSegment(p))) return here.filter((q) => ACCOUNT.test(lastSegment(q)));
    return [];
  }

  async *list(period: ArchivePeriod, signal: AbortSignal): AsyncIterable<ArchiveObject> {
    const days = periodDays(period);
    for (const account of await this.accountPrefixes(signal)) {
      for (const [folder, role] of [['CloudTrail/', 'log'], ['CloudTrail-Digest/', 'digest']] as const) {
        for (const region of await this.store.folders(`${account}${folder}`, signal)) {
          for (const day of days) {
            const prefix = `${region}${day.replace(/-/g, '/')}/`;
            for await (const o of this.store.objects(prefix, signal)) {
              if (!o.key.endsWith('.json.gz') || !inPeriod(o.key, role, period)) continue;
              yield { key: o.key, size: o.size, etag: o.etag, modified: o.modified, role, day };
            }
          }
        }
      }
    }
  }

  open(object: ArchiveObject, signal: AbortSignal): Promise<OpenedObject> {
    return this.store.open(object.key, signal);
  }

  localPath(object: ArchiveObject): string {
    if (!this.store.localPath) throw new Error('not a local folder');
    return this.store.localPath(object.key);
  }

  close(): void {
    this.store.close?.();
  }
}
