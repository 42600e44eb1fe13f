/**
 * First run: set the operator passphrase, then one click builds a sandbox tenant on the
 * embedded local KMS and fills it with sample records, in chunks so the progress bar is
 * real. The sandbox action is also offered by the empty tenant list.
 */
import { createStore, useStore } from 'zustand';
import type { KeywardenClient } from '../../../api/client';
import { ClientError } from '../../../api/client';
import { useServices } from '../../app/services-context';
import { describeError, type ShownError } from '../../lib/errors';

export const SANDBOX_SLUG = 'sandbox';
export const SANDBOX_ROWS = 1000;
export const SANDBOX_CHUNK = 250;
export const MIN_PASSPHRASE = 10;

export type StepState = 'pending' | 'running' | 'done' | 'failed';

export interface FirstRunState {
  step: 'passphrase' | 'sandbox';
  passphraseBusy: boolean;
  passphraseError: ShownError | null;
  submitPassphrase(passphrase: string): Promise<boolean>;

  sandboxRunning: boolean;
  tenantStep: StepState;
  seedStep: StepState;
  seeded: number;
  sandboxError: ShownError | null;
  sandboxVersion: number | null;
  sandboxDone: boolean;
  createSandbox(): Promise<boolean>;
}

export function passphraseProblems(passphrase: string, confirm: string): { passphrase?: string; confirm?: string } {
  const out: { passphrase?: string; confirm?: string } = {};
  if (passphrase.length < MIN_PASSPHRASE) {
    const missing = MIN_PASSPHRASE - passphrase.length;
    out.passphrase = passphrase.length === 0 ? `Required: at least ${MIN_PASSPHRASE} characters` : `Too short: ${missing} more character${missing === 1 ? '' : 's'} needed`;
  }
  if (confirm !== passphrase) out.confirm = 'Does not match the passphrase above';
  return out;
}

export function createFirstRunStore(client: KeywardenClient, hooks: { onSandboxReady: () => void }) {
  return createStore<FirstRunState>()((set, get) => ({
    step: 'passphrase',
    passphraseBusy: false,
    passphraseError: null,
    async submitPassphrase(passphrase) {
      set({ passphraseBusy: true, passphraseError: null });
      try {
        await client.call('auth.init', { passphrase });
        set({ passphraseBusy: false, step: 'sandbox' });
        return true;
      } catch (e) {
        // Set by another window in the meantime: the job is done, move on.
        if (e instanceof ClientError && e.code === 'already_initialized') {
          set({ passphraseBusy: false, step: 'sandbox' });
          return true;
        }
        set({ passphraseBusy: false, passphraseError: describeError(e) });
        return false;
      }
    },

    sandboxRunning: false,
    tenantStep: 'pending',
    seedStep: 'pending',
    seeded: 0,
    sandboxError: null,
    sandboxVersion: null,
    sandboxDone: false,
    async createSandbox() {
      if (get().sandboxRunning) return false;
      set({ sandboxRunning: true, sandboxError: null, tenantStep: 'running', seedStep: 'pending', seeded: 0 });
      try {
        try {
          const tenant = await client.call('tenant.create', { slug: SANDBOX_SLUG, wrap: 'local' });
          set({ sandboxVersion: tenant.active_version });
        } catch (e) {
          // A retry after a failed seeding finds the tenant already there: keep going.
          if (!(e instanceof ClientError && e.code === 'conflict')) throw e;
        }
        set({ tenantStep: 'done', seedStep: 'running' });
        const run = Date.now().toString(36);
        for (let done = 0, chunk = 0; done < SANDBOX_ROWS; chunk++) {
          const rows = Math.min(SANDBOX_CHUNK, SANDBOX_ROWS - done);
          const r = await client.call('record.seedSample', { tenant: SANDBOX_SLUG, rows, prefix: `sandbox-${run}-${chunk}` });
          done += r.seeded;
          set({ seeded: done, sandboxVersion: r.key_version });
        }
        set({ seedStep: 'done', sandboxRunning: false, sandboxDone: true });
        hooks.onSandboxReady();
        return true;
      } catch (e) {
        const s = get();
        set({
          sandboxRunning: false,
          sandboxError: describeError(e),
          tenantStep: s.tenantStep === 'running' ? 'failed' : s.tenantStep,
          seedStep: s.seedStep === 'running' ? 'failed' : s.seedStep,
        });
        return false;
      }
    },
  }));
}

export type FirstRunStore = ReturnType<typeof createFirstRunStore>;

export function useFirstRun<T>(selector: (s: FirstRunState) => T): T {
  return useStore(useServices().firstRun, selector);
}
