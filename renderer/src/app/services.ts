/**
 * Everything a window needs, built once per client: the typed client and one zustand
 * store per feature. Tests build their own from a fake client, so no state leaks
 * between renders.
 */
import type { KeywardenClient } from '../../api/client';
import { createAuditStore } from '../features/audit-trail/audit-store';
import { createWitnessStore } from '../features/audit-trail/witness-store';
import { createDrillsStore } from '../features/drills/drills-store';
import { createEvidenceStore } from '../features/evidence/evidence-store';
import { createFirstRunStore } from '../features/first-run/first-run-store';
import { createKeysStore } from '../features/key-versions/keys-store';
import { createChecksStore } from '../features/overview/checks-store';
import { createOverviewStore } from '../features/overview/overview-store';
import { createOnboardStore } from '../features/onboard/onboard-store';
import { createReportsStore } from '../features/reports/reports-store';
import { createTenantsStore } from '../features/tenants/tenants-store';
import { createAppStore } from './app-store';
import { createNavStore, type ScreenId } from './nav-store';

export function createServices(client: KeywardenClient, options: { screen?: ScreenId; rewrapPollMs?: number } = {}) {
  const app = createAppStore(client);
  const nav = createNavStore(options.screen);
  const tenants = createTenantsStore(client);
  const refreshAfterChange = () => {
    void tenants.getState().load();
    void app.getState().refreshStatus();
  };
  return {
    client,
    app,
    nav,
    tenants,
    firstRun: createFirstRunStore(client, { onSandboxReady: refreshAfterChange }),
    onboard: createOnboardStore(client, { onSaved: refreshAfterChange }),
    keys: createKeysStore(client, { onChanged: refreshAfterChange, pollMs: options.rewrapPollMs ?? 2000 }),
    audit: createAuditStore(client),
    witness: createWitnessStore(client),
    drills: createDrillsStore(client, { onChanged: refreshAfterChange, pollMs: 2000 }),
    evidence: createEvidenceStore(client),
    reports: createReportsStore(client),
    checks: createChecksStore(client, { pollMs: 5000 }),
    overview: createOverviewStore(client, { pollMs: 5000, onLoaded: () => void app.getState().refreshStatus() }),
  };
}

export type Services = ReturnType<typeof createServices>;
