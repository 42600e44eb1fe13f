/**
 * Key versions of the selected tenant and its rewrap jobs. Rotate and revoke take the
 * passphrase, trade it for a step-up token (`auth.stepUp` with the purpose), then call
 * the action with that token. Rewrap jobs are polled every 2 s while one is not finished.
 */
import { createStore, useStore } from 'zustand';
import type { KeyVersionView, RevokePreview, RevokeResult, RewrapJobView, RotateResult } from '../../../../core/api/types';
import type { KeywardenClient } from '../../../api/client';
import { useServices } from '../../app/services-context';
import { describeError, type ShownError } from '../../lib/errors';
import { formatCount } from '../../lib/format';

const FINISHED = new Set(['done', 'finished', 'completed', 'failed', 'expired', 'superseded', 'cancelled', 'abandoned']);

export function jobIsFinished(job: Pick<RewrapJobView, 'state'>): boolean {
  return FINISHED.has(job.state);
}

export interface KeysNotice {
  tone: 'success' | 'warning';
  title: string;
  text: string;
}

export interface KeysState {
  tenant: string | null;
  versions: KeyVersionView[];
  loading: boolean;
  error: ShownError | null;
  jobs: RewrapJobView[];
  jobsError: ShownError | null;
  notice: KeysNotice | null;
  load(tenant: string): Promise<void>;
  refreshJobs(): Promise<void>;
  stopPolling(): void;
  rotate(passphrase: string): Promise<RotateResult>;
  preview(version: number): Promise<RevokePreview>;
  revoke(input: { version: number; confirm: string; force: boolean; passphrase: string }): Promise<RevokeResult>;
  dismissNotice(): void;
}

export function createKeysStore(client: KeywardenClient, hooks: { onChanged: () => void; pollMs: number }) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let request = 0;
  return createStore<KeysState>()((set, get) => {
    const clearTimer = () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    };
    const schedule = () => {
      clearTimer();
      if (get().tenant && get().jobs.some((j) => !jobIsFinished(j))) {
        timer = setTimeout(() => void get().refreshJobs(), hooks.pollMs);
      }
    };
    const fetchVersions = async (tenant: string) => {
      const mine = ++request;
      try {
        const versions = await client.call('keys.versions', { tenant });
        if (mine === request && get().tenant === tenant) set({ versions, loading: false, error: null });
      } catch (e) {
        if (mine === request && get().tenant === tenant) set({ loading: false, error: describeError(e) });
      }
    };
    return {
      tenant: null,
      versions: [],
      loading: false,
      error: null,
      jobs: [],
      jobsError: null,
      notice: null,
      async load(tenant) {
        const switching = get().tenant !== tenant;
        set(switching ? { tenant, versions: [], jobs: [], loading: true, error: null, jobsError: null, notice: null } : { loading: true });
        clearTimer();
        await Promise.all([fetchVersions(tenant), get().refreshJobs()]);
      },
      async refreshJobs() {
        const tenant = get().tenant;
        if (!tenant) return;
        try {
          const jobs = await client.call('rewrap.status', { tenant });
          if (get().tenant !== tenant) return;
          const wasRunning = new Set(get().jobs.filter((j) => !jobIsFinished(j)).map((j) => j.lease_id));
          const justFinished = jobs.some((j) => jobIsFinished(j) && wasRunning.has(j.lease_id));
          set({ jobs: [...jobs].sort((a, b) => b.lease_id - a.lease_id), jobsError: null });
          // Record counts per version move when a rewrap finishes.
          if (justFinished) {
            void fetchVersions(tenant);
            hooks.onChanged();
          }
        } catch (e) {
          if (get().tenant === tenant) set({ jobsError: describeError(e) });
        }
        schedule();
      },
      stopPolling() {
        clearTimer();
      },
      async rotate(passphrase) {
        const tenant = get().tenant;
        if (!tenant) throw new Error('no tenant selected');
        const { token } = await client.call('auth.stepUp', { passphrase, purpose: 'rotate', tenant });
        const result = await client.call('keys.rotate', { tenant, step_up_token: token });
        set({
          notice: {
            tone: result.rewrap_lease_id === null ? 'warning' : 'success',
            title: `Rotated: version ${result.new_version} is active`,
            text:
              result.rewrap_lease_id === null
                ? 'The rotation stands, but no rewrap job could be queued: older records stay under the retired version until one runs.'
                : `New writes use v${result.new_version} now. Rewrap job #${result.rewrap_lease_id} moves existing records onto it.`,
          },
        });
        await get().load(tenant);
        hooks.onChanged();
        return result;
      },
      preview(version) {
        const tenant = get().tenant;
        if (!tenant) return Promise.reject(new Error('no tenant selected'));
        return client.call('keys.revokePreview', { tenant, version });
      },
      async revoke({ version, confirm, force, passphrase }) {
        const tenant = get().tenant;
        if (!tenant) throw new Error('no tenant selected');
        const { token } = await client.call('auth.stepUp', { passphrase, purpose: 'revoke', tenant });
        const result = await client.call('keys.revoke', { tenant, version, confirm, force, step_up_token: token });
        set({
          notice: {
            tone: 'warning',
            title: `Version ${result.version} revoked`,
            text:
              (result.records_made_unreadable > 0 ? `${formatCount(result.records_made_unreadable)} records are now permanently unreadable. ` : 'No records were under it. ') +
              (result.tenant_sealed_permanently ? 'The tenant is sealed permanently.' : 'The wrapped key material is destroyed.'),
          },
        });
        await get().load(tenant);
        hooks.onChanged();
        return result;
      },
      dismissNotice() {
        set({ notice: null });
      },
    };
  });
}

export type KeysStore = ReturnType<typeof createKeysStore>;

export function useKeys<T>(selector: (s: KeysState) => T): T {
  return useStore(useServices().keys, selector);
}
