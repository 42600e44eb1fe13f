/**
 * The onboard form: provider tabs, field values per provider, the probe's result and the
 * engine's field errors. "Verify" runs `kms.probe` (nothing saved); "Verify and save"
 * runs `kms.onboard` (the engine probes again first and writes nothing on failure).
 * Saving needs step-up (onboard), and so does a probe that names an endpoint: each call
 * buys its own single-use token with the passphrase typed in the form.
 */
import { createStore, useStore } from 'zustand';
import type { OnboardResult, ProbeResult } from '../../../../core/api/types';
import type { KeywardenClient } from '../../../api/client';
import { useServices } from '../../app/services-context';
import { namesEndpoint } from '../../../../core/api/step-up-scope';
import { describeError, type ShownError } from '../../lib/errors';
import { FIELDS, missingFields, toInput, type FieldValues, type Provider } from './provider-fields';

export interface OnboardState {
  tenant: string | null;
  provider: Provider;
  values: Record<Provider, FieldValues>;
  /** Required-field problems found before calling (shown after the first attempt). */
  localErrors: Record<string, string>;
  error: ShownError | null;
  busy: 'verify' | 'save' | null;
  /** The operator passphrase for step-up; kept only while the form is open. */
  passphrase: string;
  setPassphrase(value: string): void;
  probe: ProbeResult | null;
  saved: OnboardResult | null;
  /** The last save, kept after the form collapses so the tenant's detail can say what changed. */
  lastSaved: { tenant: string; result: OnboardResult } | null;
  open(tenant: string): void;
  close(): void;
  setProvider(p: Provider): void;
  setValue(key: string, value: string): void;
  verify(): Promise<void>;
  save(): Promise<void>;
}

const empty = (): Record<Provider, FieldValues> => ({ aws: {}, gcp: {}, azure: {} });

export function createOnboardStore(client: KeywardenClient, hooks: { onSaved: () => void }) {
  return createStore<OnboardState>()((set, get) => {
    const run = async (kind: 'verify' | 'save') => {
      const { tenant, provider, values, busy } = get();
      if (!tenant || busy) return;
      const missing = missingFields(provider, values[provider]);
      if (Object.keys(missing).length > 0) {
        set({ localErrors: missing, error: null });
        return;
      }
      set({ busy: kind, error: null, localErrors: {}, probe: null, saved: null });
      try {
        const input = { tenant, ...toInput(provider, values[provider]) };
        const needsStepUp = kind === 'save' || namesEndpoint(input.config as Record<string, unknown> | undefined);
        const { passphrase } = get();
        if (needsStepUp && !passphrase) {
          set({ busy: null, error: { code: 'step_up_required', title: 'Step-up required', message: 'enter the operator passphrase: this key receives new master keys' } });
          return;
        }
        const stepUp = async () => (needsStepUp ? { step_up_token: (await client.call('auth.stepUp', { passphrase, purpose: 'onboard', tenant })).token } : {});
        if (kind === 'verify') {
          set({ probe: await client.call('kms.probe', { ...input, ...(await stepUp()) }), busy: null });
        } else {
          const saved = await client.call('kms.onboard', { ...input, ...(await stepUp()) });
          // Saved: the form collapses to the tenant's new state.
          set({ saved, probe: saved.probe, busy: null, tenant: null, lastSaved: { tenant, result: saved }, passphrase: '' });
          hooks.onSaved();
        }
      } catch (e) {
        set({ busy: null, error: describeError(e) });
      }
    };
    return {
      tenant: null,
      provider: 'aws',
      values: empty(),
      localErrors: {},
      error: null,
      busy: null,
      probe: null,
      saved: null,
      lastSaved: null,
      passphrase: '',
      setPassphrase(passphrase) {
        const { error } = get();
        set({ passphrase, error: error && ['step_up_required', 'step_up_invalid', 'step_up_throttled'].includes(error.code) ? null : error });
      },
      open(tenant) {
        if (get().tenant !== tenant) set({ values: empty() });
        set({ tenant, error: null, localErrors: {}, probe: null, saved: null, busy: null, lastSaved: null });
      },
      close() {
        set({ tenant: null, error: null, localErrors: {}, probe: null, saved: null, passphrase: '' });
      },
      setProvider(provider) {
        set({ provider, error: null, localErrors: {}, probe: null, saved: null });
      },
      setValue(key, value) {
        const { provider, values, localErrors, error } = get();
        const { [key]: _dropped, ...rest } = localErrors;
        set({
          values: { ...values, [provider]: { ...values[provider], [key]: value } },
          localErrors: rest,
          // The engine's complaint about this field, or a refused probe of the old values,
          // no longer applies once a value is edited.
          error: error?.field === key || error?.code === 'probe_failed' ? null : error,
          probe: null,
        });
      },
      verify: () => run('verify'),
      save: () => run('save'),
    };
  });
}

export type OnboardStore = ReturnType<typeof createOnboardStore>;

export function useOnboard<T>(selector: (s: OnboardState) => T): T {
  return useStore(useServices().onboard, selector);
}

/** Whether an engine error names one of the visible fields (then it is shown inline only). */
export function isFieldError(provider: Provider, e: ShownError | null): boolean {
  return Boolean(e && e.code === 'invalid_input' && e.field && FIELDS[provider].some((f) => f.key === e.field));
}
