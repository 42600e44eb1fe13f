/**
 * The continuous checks as the window sees them: polled every few seconds from wherever
 * the checks run (Electron main or the web host), for the sidebar badge, the in-page
 * notice of a new alert, and the Settings panel.
 */
import { createStore, useStore } from 'zustand';
import type { ChecksStatusView } from '../../../../core/api/checks-types';
import type { KeywardenClient } from '../../../api/client';
import { useServices } from '../../app/services-context';
import { describeError, type ShownError } from '../../lib/errors';

export interface ChecksState {
  status: ChecksStatusView | null;
  error: ShownError | null;
  load(): Promise<void>;
  ack(ids?: number[]): Promise<void>;
  setPauseOnBattery(on: boolean): Promise<void>;
  /** Polls until the returned function is called. */
  watch(): () => void;
}

export function createChecksStore(client: KeywardenClient, options: { pollMs: number }) {
  return createStore<ChecksState>()((set, get) => ({
    status: null,
    error: null,
    async load() {
      try {
        set({ status: await client.call('checks.status', {}), error: null });
      } catch (e) {
        set({ error: describeError(e) });
      }
    },
    async ack(ids) {
      try {
        set({ status: await client.call('checks.ack', ids ? { ids } : {}), error: null });
      } catch (e) {
        set({ error: describeError(e) });
      }
    },
    async setPauseOnBattery(on) {
      try {
        set({ status: await client.call('checks.settings', { pause_on_battery: on }), error: null });
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

export function useChecks<T>(selector: (s: ChecksState) => T): T {
  return useStore(useServices().checks, selector);
}
