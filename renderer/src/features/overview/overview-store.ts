/**
 * The Overview's state: the custody summary, reloaded every few seconds while the screen
 * is open (a seal or an unseal made elsewhere shows without a manual refresh).
 */
import { createStore, useStore } from 'zustand';
import type { OverviewView } from '../../../../core/api/overview-types';
import type { KeywardenClient } from '../../../api/client';
import { useServices } from '../../app/services-context';
import { describeError, type ShownError } from '../../lib/errors';

export interface OverviewState {
  overview: OverviewView | null;
  error: ShownError | null;
  load(): Promise<void>;
  /** Loads now and then every pollMs until stop(). */
  watch(): () => void;
}

/** onLoaded: the sidebar's sealed count and the fault banner read app.status; they refresh with the overview. */
export function createOverviewStore(client: KeywardenClient, options: { pollMs: number; onLoaded?: () => void }) {
  return createStore<OverviewState>()((set, get) => ({
    overview: null,
    error: null,
    async load() {
      try {
        set({ overview: await client.call('overview.get', {}), error: null });
        options.onLoaded?.();
      } catch (e) {
        set({ error: describeError(e) });
      }
    },
    watch() {
      void get().load();
      const timer = setInterval(() => void get().load(), options.pollMs);
      return () => clearInterval(timer);
    },
  }));
}

export type OverviewStore = ReturnType<typeof createOverviewStore>;

export function useOverview<T>(selector: (s: OverviewState) => T): T {
  return useStore(useServices().overview, selector);
}
