import type { Clock } from '../clock';
import type { KeyringStore } from '../store/keyring-store';
import type { AuditTrail, Caller } from './audit-trail';
import type { KmsGateway } from './kms-gateway';
import type { MasterKeyCache } from './master-key-cache';
import type { EndpointPolicy } from './allowed-endpoints';
import type { StepUp } from './step-up';

/** What the engine's parts share. Built once by createEngine. */
export interface EngineContext {
  store: KeyringStore;
  clock: Clock;
  audit: AuditTrail;
  cache: MasterKeyCache;
  gateway: KmsGateway;
  stepUp: StepUp;
  /** Which KMS / log endpoints may be used: provider families plus the operator's allow-list file. */
  endpoints: EndpointPolicy;
  /** The caller for actions the engine takes by itself (poller, rewrap worker). */
  system: Caller;
  /** The installation secrets' lock: background work on local keys waits for the unlock; explicit work says how to unlock. */
  secrets?: { unlocked(): boolean; requireUnlocked(name: 'local-kms.key'): void };
}

/** Whether work on this tenant's keys needs the local KMS key (a live version wrapped by it). */
export function needsLocalKey(ctx: EngineContext, tenantId: string): boolean {
  return ctx.store.keyVersions(tenantId).some((v) => v.wrap_method === 'local' && v.status !== 'revoked');
}
