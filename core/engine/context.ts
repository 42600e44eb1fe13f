import type { Clock } from '../clock';
import type { KeyringStore } from '../store/keyring-store';
import type { AuditTrail, Caller } from './audit-trail';
import type { KmsGateway } from './kms-gateway';
import type { MasterKeyCache } from './master-key-cache';
import type { StepUp } from './step-up';

/** What the engine's parts share. Built once by createEngine. */
export interface EngineContext {
  store: KeyringStore;
  clock: Clock;
  audit: AuditTrail;
  cache: MasterKeyCache;
  gateway: KmsGateway;
  stepUp: StepUp;
  /** The caller for actions the engine takes by itself (poller, rewrap worker). */
  system: Caller;
}
