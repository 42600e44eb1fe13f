/**
 * Boot state of the window: loads `app.status` and decides between the first-run flow
 * and the shell. The first run stays on screen until the user finishes it, even though
 * the installation counts as initialized as soon as the passphrase is set.
 */
import { createStore } from 'zustand';
import type { AppStatus } from '../../../core/api/types';
import type { KeywardenClient } from '../../api/client';
import { describeError, type ShownError } from '../lib/errors';

export type Phase = 'loading' | 'first-run' | 'ready' | 'error';

export interface AppState {
  phase: Phase;
  status: AppStatus | null;
  error: ShownError | null;
  load(): Promise<void>;
  refreshStatus(): Promise<void>;
  finishFirstRun(): void;
}

export function createAppStore(client: KeywardenClient) {
  return createStore<AppState>()((set, get) => ({
    phase: 'loading',
    status: null,
    error: null,
    async load() {
      set({ phase: 'loading', error: null });
      try {
        const status = await client.call('app.status', {});
        set({ status, phase: status.initialized ? 'ready' : 'first-run' });
      } catch (e) {
        set({ phase: 'error', error: describeError(e) });
      }
    },
    async refreshStatus() {
      try {
        set({ status: await client.call('app.status', {}) });
      } catch {
        // The status strip is informational; the screens report their own errors.
      }
    },
    finishFirstRun() {
      if (get().phase === 'first-run') set({ phase: 'ready' });
    },
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;
