/**
 * The operator at the keyboard, for suites that test something else than step-up or the
 * endpoint allow-list (test/core/step-up.test.ts and allowed-endpoints.test.ts test those):
 * a loopback fake named in a call's input is listed in the data dir's allow-list file, as
 * an operator would list it, and a call that needs a step-up gets a token for its purpose
 * and tenant when the test gave none. Tests that check a refusal call `fail`, which adds
 * nothing.
 */
import type { MethodName } from '../../core/api/contract';
import { namesEndpoint } from '../../core/api/step-up-scope';
import type { StepUpPurpose } from '../../core/engine/step-up-windows';
import { allowEndpoints } from './allowed-endpoints';

export const OPERATOR_STEP_UP: Partial<Record<MethodName, StepUpPurpose>> = {
  'kms.onboard': 'onboard',
  'kms.probe': 'onboard',
  'kms.offboard': 'offboard',
  'evidence.settings': 'evidence_settings',
  'record.get': 'record_read',
  'record.delete': 'record_delete',
  'session.issue': 'session',
  'fault.set': 'fault',
  'drill.run': 'drill',
  'access.settings': 'onboard',
};

/** `input` as the operator would send it; `issue` asks for a step-up token (the test's passphrase). */
export async function asOperator(dataDir: string, method: MethodName, input: unknown, issue: (purpose: StepUpPurpose, tenant: string) => Promise<string | null>): Promise<unknown> {
  const fakes = JSON.stringify(input ?? {}).match(/https?:\/\/127\.0\.0\.1:\d+/g) ?? [];
  if (fakes.length > 0) allowEndpoints(dataDir, ...new Set(fakes));
  const purpose = OPERATOR_STEP_UP[method];
  const given = input as { step_up_token?: string; tenant?: string; config?: Record<string, unknown> } | undefined;
  if (!purpose || !given || typeof given !== 'object' || given.step_up_token) return input;
  if (method === 'kms.probe' && !namesEndpoint(given.config)) return input;
  if (method === 'drill.run' && (given as { real?: boolean }).real !== true) return input;
  if (method === 'access.settings' && !(given as { azure_arm_endpoint?: string }).azure_arm_endpoint) return input;
  const token = await issue(purpose, given.tenant ?? 'acme');
  return token ? { ...given, step_up_token: token } : input;
}
