/**
 * The checkpoint witnesses as the window sees them: the list and status (Settings and
 * the Audit screen's strip), a witness run on demand, and the check against what the
 * providers recorded (`audit verify --witnesses`).
 */
import { createStore, useStore } from 'zustand';
import type { WitnessListView, WitnessVerificationView } from '../../../../core/api/witness-types';
import type { KeywardenClient } from '../../../api/client';
import { useServices } from '../../app/services-context';
import { describeError, type ShownError } from '../../lib/errors';

export interface WitnessState {
  list: WitnessListView | null;
  error: ShownError | null;
  witnessing: boolean;
  checking: boolean;
  check: WitnessVerificationView | null;
  checkError: ShownError | null;
  load(): Promise<void>;
  witnessNow(): Promise<void>;
  verify(): Promise<void>;
}

export function createWitnessStore(client: KeywardenClient) {
  return createStore<WitnessState>()((set, get) => ({
    list: null,
    error: null,
    witnessing: false,
    checking: false,
    check: null,
    checkError: null,
    async load() {
      try {
        set({ list: await client.call('witness.list', {}), error: null });
      } catch (e) {
        set({ error: describeError(e) });
      }
    },
    async witnessNow() {
      set({ witnessing: true, error: null });
      try {
        await client.call('audit.witness', {});
      } catch (e) {
        set({ error: describeError(e) });
      }
      set({ witnessing: false });
      await get().load();
    },
    async verify() {
      set({ checking: true, checkError: null });
      try {
        set({ check: await client.call('audit.verifyWitnesses', {}), checking: false });
      } catch (e) {
        set({ checking: false, checkError: describeError(e) });
      }
    },
  }));
}

export type WitnessStore = ReturnType<typeof createWitnessStore>;

export function useWitness<T>(selector: (s: WitnessState) => T): T {
  return useStore(useServices().witness, selector);
}
