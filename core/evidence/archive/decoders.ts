/**
 * The file formats' decoders, in a module of their own: worker threads load only this
 * (and what decodes), never the SDKs the sources need.
 */
import { azureDiagnosticsDecoder } from './azure-decoder';
import { cloudTrailDecoder } from './cloudtrail/decoder';
import { gcpExportDecoder, gcpSinkDecoder } from './gcp-decoders';
import type { RecordDecoder } from './types';

export const ARCHIVE_DECODERS: readonly RecordDecoder[] = [cloudTrailDecoder, gcpSinkDecoder, gcpExportDecoder, azureDiagnosticsDecoder];

export function decoderFor(decoders: readonly RecordDecoder[], format: string): RecordDecoder | undefined {
  return decoders.find((d) => d.format === format);
}
