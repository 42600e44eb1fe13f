/**
 * The Drills screen's state: the drills of every tenant (newest first), the one shown,
 * the run form, and a drill in flight. Simulated drills answer in seconds; a running real
 * drill (started here or from the CLI) is polled every 2 s until it ends.
 */
import { createStore, useStore } from 'zustand';
import type { DrillScenario, DrillSummary, DrillView, UnsealResult } from '../../../../core/api/seal-types';
import type { KeywardenClient } from '../../../api/client';
import { useServices } from '../../app/services-context';
import { describeError, type ShownError } from '../../lib/errors';

export interface DrillForm {
  /** Simulated (a scratch copy on a virtual clock) or real (watching the real tenant while the operator revokes access). */
  kind: 'simulated' | 'real';
  scenario: DrillScenario;
  agents: string;
  /** Empty: the default (two cache TTLs and a bit, so the last session is seen to run out). */
  restoreAfter: string;
  /** Real drills: how often the provider is asked, and for how long at most (empty: 10 s and 30 min). */
  pollInterval: string;
  duration: string;
}

export interface DrillsState {
  drills: DrillSummary[];
  loaded: boolean;
  error: ShownError | null;
  shown: DrillView | null;
  running: boolean;
  runError: ShownError | null;
  form: DrillForm;
  load(): Promise<void>;
  show(id: string): Promise<void>;
  setForm(patch: Partial<DrillForm>): void;
  run(tenant: string): Promise<void>;
  /** Step-up (drill, 2 minutes) then start a real drill that runs on; throws the engine's error for the dialog. */
  startReal(tenant: string, passphrase: string): Promise<DrillView>;
  /** Asks a running drill to stop at its next poll. */
  cancel(id: string): Promise<void>;
  cancelling: boolean;
  /** Step-up (unseal, 2 minutes) then unseal; throws the engine's error for the dialog. */
  unseal(tenant: string, passphrase: string): Promise<UnsealResult>;
  stopPolling(): void;
}

export function createDrillsStore(client: KeywardenClient, hooks: { onChanged: () => void; pollMs: number }) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return createStore<DrillsState>()((set, get) => {
    const schedule = () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (get().drills.some((d) => d.state === 'running')) timer = setTimeout(() => void get().load(), hooks.pollMs);
    };
    return {
      drills: [],
      loaded: false,
      error: null,
      shown: null,
      running: false,
      runError: null,
      form: { kind: 'simulated', scenario: 'deny', agents: '10', restoreAfter: '', pollInterval: '', duration: '' },
      cancelling: false,
      async load() {
        try {
          const drills = await client.call('drill.list', { limit: 50 });
          set({ drills, loaded: true, error: null });
          const shown = get().shown;
          const target = shown ? drills.find((d) => d.id === shown.id) : drills[0];
          if (target && (!shown || shown.id !== target.id || shown.state !== target.state || target.state === 'running')) await get().show(target.id);
        } catch (e) {
          set({ loaded: true, error: describeError(e) });
        }
        schedule();
      },
      async show(id) {
        try {
          set({ shown: await client.call('drill.show', { id }) });
        } catch (e) {
          set({ error: describeError(e) });
        }
      },
      setForm(patch) {
        set({ form: { ...get().form, ...patch } });
      },
      async run(tenant) {
        const { form } = get();
        set({ running: true, runError: null });
        try {
          const agents = Number(form.agents);
          const drill = await client.call('drill.run', {
            tenant,
            scenario: form.scenario,
            agents: Number.isFinite(agents) ? agents : Number.NaN,
            ...(form.restoreAfter.trim() ? { restore_after: form.restoreAfter.trim() } : {}),
          });
          set({ shown: drill, running: false });
          hooks.onChanged();
          await get().load();
        } catch (e) {
          set({ running: false, runError: describeError(e) });
        }
      },
      async startReal(tenant, passphrase) {
        const { form } = get();
        const agents = Number(form.agents);
        const { token } = await client.call('auth.stepUp', { passphrase, purpose: 'drill', tenant });
        const drill = await client.call('drill.run', {
          tenant,
          scenario: form.scenario,
          agents: Number.isFinite(agents) ? agents : Number.NaN,
          real: true,
          wait: false,
          step_up_token: token,
          ...(form.pollInterval.trim() ? { poll_interval: form.pollInterval.trim() } : {}),
          ...(form.duration.trim() ? { duration: form.duration.trim() } : {}),
        });
        set({ shown: drill, runError: null });
        hooks.onChanged();
        await get().load();
        return drill;
      },
      async cancel(id) {
        set({ cancelling: true });
        try {
          set({ shown: await client.call('drill.cancel', { id }) });
        } catch (e) {
          set({ error: describeError(e) });
        }
        set({ cancelling: false });
        await get().load();
      },
      async unseal(tenant, passphrase) {
        const { token } = await client.call('auth.stepUp', { passphrase, purpose: 'unseal', tenant });
        const result = await client.call('tenant.unseal', { tenant, step_up_token: token });
        hooks.onChanged();
        return result;
      },
      stopPolling() {
        if (timer !== null) clearTimeout(timer);
        timer = null;
      },
    };
  });
}

export type DrillsStore = ReturnType<typeof createDrillsStore>;

export function useDrills<T>(selector: (s: DrillsState) => T): T {
  return useStore(useServices().drills, selector);
}
