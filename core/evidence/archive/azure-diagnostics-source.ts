/**
 * A Key Vault diagnostic-settings container as an ArchiveSource. The vaults are found by
 * walking the `resourceId=/SUBSCRIPTIONS/…/VAULTS/<NAME>/` folders (a handful of
 * listings); then for each vault and UTC day one listing of `…/y=YYYY/m=MM/d=DD/`, keeping
 * the hourly `PT1H.json` blobs that overlap the period. Vaults are narrowed to the
 * tenant's when their names can be told from the key URLs (`<name>.vault.azure.net`).
 */
import { AZURE_JSONL_FORMAT } from './azure-decoder';
import { toArchiveObject } from './gcp-sink-source';
import { HourGaps } from './hour-gaps';
import type { PrefixStore } from './prefix-store';
import { blobHour, daysOf, overlapsHour, vaultNameOf } from './sink-layout';
import { ArchiveError, type ArchiveObject, type ArchivePeriod, type ArchiveSource, type OpenedObject } from './types';

/** Folders deep enough to reach …/VAULTS/<NAME>/ from resourceId=/. */
const MAX_DEPTH = 10;

export class AzureDiagnosticsSource implements ArchiveSource {
  readonly provider = 'azure' as const;
  readonly format = AZURE_JSONL_FORMAT;
  readonly location: string;
  readonly kind: 'bucket' | 'folder';
  #gaps: HourGaps | null = null;
  #vaults: string[] = [];

  constructor(
    private readonly store: PrefixStore,
    private readonly prefix: string,
    /** Lower-case vault names to read; null: every vault in the container. */
    private readonly vaultNames: ReadonlySet<string> | null,
  ) {
    this.location = store.location;
    this.kind = store.kind;
  }

  /** The `…/VAULTS/<NAME>/` folders under resourceId=/ (folders whose children are y=YYYY/). */
  async vaultRoots(signal: AbortSignal): Promise<string[]> {
    const roots: string[] = [];
    const walk = async (folder: string, depth: number): Promise<void> => {
      if (signal.aborted) throw new ArchiveError('cancelled', 'cancelled');
      const children = await this.store.folders(folder, signal);
      if (children.some((c) => /\/y=\d{4}\/$/.test(c))) {
        const name = vaultNameOf(folder.replace(/\/$/, ''));
        if (this.vaultNames === null || (name !== null && this.vaultNames.has(name))) roots.push(folder);
        return;
      }
      if (depth >= MAX_DEPTH) return;
      for (const c of children) await walk(c, depth + 1);
    };
    await walk(`${this.prefix}resourceId=/`, 0);
    return roots;
  }

  async *list(period: ArchivePeriod, signal: AbortSignal): AsyncIterable<ArchiveObject> {
    const gaps = (this.#gaps = new HourGaps(period.fromMs, period.toMs));
    this.#vaults = await this.vaultRoots(signal);
    for (const day of daysOf(period.fromMs, period.toMs)) {
      const [y, m, d] = day.split('/');
      for (const root of this.#vaults) {
        for await (const o of this.store.deep(`${root}y=${y}/m=${m}/d=${d}/`, signal)) {
          const at = blobHour(o.key);
          if (!at || !overlapsHour(at.hourMs, period.fromMs, period.toMs)) continue;
          gaps.saw(at.hourMs);
          yield toArchiveObject(o, `${y}-${m}-${d}`);
        }
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

  /** The vault folders the last listing read. */
  vaults(): string[] {
    return [...this.#vaults];
  }

  /** Hours of the last listed period without a blob in any vault read (UTC ISO). */
  missingHours(): string[] {
    return this.#gaps?.missing() ?? [];
  }
}
