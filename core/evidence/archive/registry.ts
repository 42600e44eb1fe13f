/**
 * The archive formats and locations the import knows: one SourceFactory per location
 * scheme, one RecordDecoder per file format, and an integrity checker for formats whose
 * provider signs its archives. A provider plugs in by adding its entries here (issue 18:
 * CloudTrail in S3 and local folders here; Cloud Storage and Azure blob containers from
 * the other half).
 */
import { CLOUDTRAIL_FORMAT } from './cloudtrail/decoder';
import { ARCHIVE_DECODERS } from './decoders';
import { cloudTrailIntegrity, folderCloudTrailFactory, s3CloudTrailFactory, type S3FactoryOptions } from './cloudtrail/factory';
import { azblobFactory, cloudFolderSource, gcsSinkFactory, type CloudLogFactoryOptions } from './cloud-log-factories';
import type { ArchiveSource, IntegrityChecker, RecordDecoder, SourceContext, SourceFactory } from './types';

export interface ArchiveRegistry {
  factories: SourceFactory[];
  decoders: RecordDecoder[];
  /** Per format: the provider's signed-archive check (absent: the provider signs nothing). */
  integrity: Record<string, (source: ArchiveSource, ctx: SourceContext) => IntegrityChecker>;
}

export interface RegistryOptions {
  s3?: S3FactoryOptions;
  /** Cloud Logging sinks (gs://) and Key Vault diagnostic settings (azblob://). */
  cloudLogs?: CloudLogFactoryOptions;
}

/** A local folder: a Cloud Logging sink copy, a diagnostic-settings copy or gcloud exports when it looks like one, else a trail. */
const folderFactory: SourceFactory = {
  scheme: 'folder',
  create: (location, ctx) => cloudFolderSource(location, ctx) ?? folderCloudTrailFactory.create(location, ctx),
};

export function defaultArchiveRegistry(o: RegistryOptions = {}): ArchiveRegistry {
  return {
    factories: [s3CloudTrailFactory(o.s3), gcsSinkFactory(o.cloudLogs), azblobFactory(o.cloudLogs), folderFactory],
    decoders: [...ARCHIVE_DECODERS],
    integrity: { [CLOUDTRAIL_FORMAT]: cloudTrailIntegrity },
  };
}

export { ARCHIVE_DECODERS, decoderFor } from './decoders';

/** The factory for a location: by URL scheme, else a local folder. */
export function factoryFor(registry: ArchiveRegistry, location: string): SourceFactory | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(location)?.[1]?.toLowerCase();
  return registry.factories.find((f) => f.scheme === (scheme ?? 'folder'));
}
