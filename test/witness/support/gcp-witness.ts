/** The GCP witness kind against the loopback Cloud Logging fake, with the hermetic identity seam. */
import { systemClock } from '../../../core/clock';
import { accessTokenCredentials } from '../../../core/providers/gcp';
import type { WitnessDeps, WitnessTarget } from '../../../core/witness/types';
import { DEFAULT_GCP_TOKEN, type GcpFake } from '../../fakes/gcp';

export const GCP_PROJECT = 'customer-project';
export const GCP_LOG = `projects/${GCP_PROJECT}/logs/keywarden-checkpoints`;

export function gcpWitnessDeps(fake: GcpFake, timeoutMs = 1500): WitnessDeps {
  return {
    clock: systemClock,
    env: {},
    timeoutMs,
    dataDir: '/nonexistent',
    userAgentPrefix: 'keywarden/test',
    readerOptions: {
      gcpSourceCredentials: accessTokenCredentials(DEFAULT_GCP_TOKEN),
      gcpIamCredentialsEndpoint: fake.url,
      sleep: () => Promise.resolve(),
      ratePerSecond: { gcp: 1000 },
      timeoutMs,
    },
  };
}

export function gcpWitnessTarget(fake: GcpFake, over: Partial<WitnessTarget> = {}): WitnessTarget {
  return { id: 'wit-gcp', kind: 'gcp_logging', target_ref: GCP_LOG, config: {}, tenant_id: null, read_endpoint: fake.url, ...over };
}
