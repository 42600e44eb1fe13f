/** The GCP witness kind: a Cloud Logging entry in the customer's project, read back with entries.list. */
import { registerWitnessKind } from '../registry';
import type { WitnessKindSpec } from '../types';
import { GcpLoggingWitnessReader } from './reader';
import { parseGcpWitnessTarget } from './target';
import { GcpLoggingWitnessWriter } from './writer';

export const gcpLoggingWitness: WitnessKindSpec = {
  kind: 'gcp_logging',
  provider: 'gcp',
  label: 'Google Cloud Logging entry (log keywarden-checkpoints)',
  permission: 'roles/logging.logWriter on the project (to write); roles/logging.viewer (to read back)',
  parseTarget: (ref) => parseGcpWitnessTarget(ref).logName,
  createWriter: (target, deps) => new GcpLoggingWitnessWriter(target, deps),
  createReader: (target, deps) => new GcpLoggingWitnessReader(target, deps),
};

registerWitnessKind(gcpLoggingWitness);
