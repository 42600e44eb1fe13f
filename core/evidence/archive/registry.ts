/**
 * The archive formats and locations the import knows: one SourceFactory per location
 * scheme and one RecordDecoder per file format. A provider plugs in by adding its entries
 * here (issue 18: CloudTrail in S3 and local folders; Cloud Storage and Azure blob
 * containers from the other half).
 */
import type { RecordDecoder, SourceFactory } from './types';

export interface ArchiveRegistry {
  factories: SourceFactory[];
  decoders: RecordDecoder[];
}

export function decoderFor(registry: ArchiveRegistry, format: string): RecordDecoder | undefined {
  return registry.decoders.find((d) => d.format === format);
}
