/**
 * The checkpoint witnesses as the window sees them: the list and status (Settings and
 * the Audit screen's strip), a witness run on demand, and the check against what the
 * providers recorded (`audit verify --witnesses`), and the step-up changes: add, remove,
 * interval. Each of those buys a `witness` token for the installation and spends it at
 * once; it throws the engine's error so the dialog keeps the form and shows why.
 */
import { createStore, useStore } from 'zustand';
import type { WitnessListView, WitnessVerificationView, WitnessView } from '../../../../core/api/witness-types';
import { WITNESS_STEP_UP_SCOPE, type WITNESS_KIND_VALUES } from '../../../../core/api/witness-contract';
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
  add(input: WitnessAddInput, passphrase: string): Promise<WitnessView>;
  remove(id: string, passphrase: string): Promise<void>;
  setInterval(minutes: number, passphrase: string): Promise<void>;
}

export type WitnessKind = (typeof WITNESS_KIND_VALUES)[number];

/** What the Add witness form sends: always a tenant's onboarded config (the window never sends its own). */
export interface WitnessAddInput {
  kind: WitnessKind;
  tenant: string;
  target_ref: string;
}

export function createWitnessStore(client: KeywardenClient) {
  const token = async (passphrase: string) => (await client.call('auth.stepUp', { passphrase, purpose: 'witness', tenant: WITNESS_STEP_UP_SCOPE })).token;
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
    async add(input, passphrase) {
      const step_up_token = await token(passphrase);
      const added = await client.call('witness.add', { ...input, step_up_token });
      await get().load();
      return added;
    },
    async remove(id, passphrase) {
      const step_up_token = await token(passphrase);
      await client.call('witness.remove', { id, step_up_token });
      await get().load();
    },
    async setInterval(interval_minutes, passphrase) {
      const step_up_token = await token(passphrase);
      await client.call('witness.settings', { interval_minutes, step_up_token });
      await get().load();
    },
  }));
}

export type WitnessStore = ReturnType<typeof createWitnessStore>;

export function useWitness<T>(selector: (s: WitnessState) => T): T {
  return useStore(useServices().witness, selector);
}
