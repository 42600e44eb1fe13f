/** The GCP witness kind: a Cloud Logging entry in the customer's project, read back with entries.list. */
import { parseGcpConfig } from '../../providers/gcp/config';
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
  // Onboarding's rules (impersonation, quota project, no static keys); the CryptoKey path only carries the project.
  parseConfig: (config, targetRef) => ({
    ...parseGcpConfig({ provider: 'gcp', kms_key_ref: `projects/${parseGcpWitnessTarget(targetRef).project}/locations/global/keyRings/witness/cryptoKeys/witness`, config }).config,
  }),
  endpointKinds: { read: 'gcp' },
  createWriter: (target, deps) => new GcpLoggingWitnessWriter(target, deps),
  createReader: (target, deps) => new GcpLoggingWitnessReader(target, deps),
};

registerWitnessKind(gcpLoggingWitness);
