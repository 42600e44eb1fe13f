/**
 * Adding a witness: the kind validates its target and config, every endpoint it will
 * reach is checked against the endpoint policy, and a witness that borrows a tenant's
 * config must be on that tenant's provider. No credential value is ever stored (the
 * provider configs hold names and ARNs, and refuse static keys).
 */
import { randomBytes } from 'node:crypto';
import type { EngineContext } from '../engine/context';
import { kmsConfigEndpoints } from '../engine/allowed-endpoints';
import { requireTenant } from '../engine/tenant-lookup';
import { invalidInput, KeywardenError } from '../errors';
import { checkEndpoint } from '../evidence/settings';
import { witnessKind } from './registry';
import type { WitnessConfigRow } from './store';
import type { WitnessKindSpec, WitnessTarget } from './types';

export interface AddWitnessInput {
  kind: string;
  target_ref: string;
  tenant?: string | undefined;
  config?: Record<string, unknown> | undefined;
  read_endpoint?: string | undefined;
}

export function newWitnessId(): string {
  return `wit-${randomBytes(5).toString('hex')}`;
}

/** The provider config a witness runs with: its own, or its tenant's as onboarded. */
export function configOf(ctx: EngineContext, row: Pick<WitnessConfigRow, 'tenant_id' | 'config'>, spec: WitnessKindSpec): Record<string, unknown> {
  if (row.tenant_id !== null) {
    const t = ctx.store.tenantById(row.tenant_id);
    if (!t) throw new KeywardenError('not_found', `the witness's tenant ${row.tenant_id} no longer exists`, { tenant_id: row.tenant_id });
    if (t.provider !== spec.provider) {
      throw new KeywardenError('invalid_input', `tenant ${t.slug} is on ${t.provider}, not ${spec.provider}: a ${spec.kind} witness cannot borrow its credentials`, { field: 'tenant' });
    }
    return JSON.parse(t.kms_config) as Record<string, unknown>;
  }
  return JSON.parse(row.config ?? '{}') as Record<string, unknown>;
}

/** Throws endpoint_not_allowed for any host of the witness outside the provider's family and the allow-list. */
export function assertEndpoints(ctx: EngineContext, spec: WitnessKindSpec, target: Pick<WitnessTarget, 'target_ref' | 'config' | 'read_endpoint'>): void {
  for (const e of kmsConfigEndpoints(spec.provider, target.config)) ctx.endpoints.assertAllowed(e.kind, e.field, e.value);
  if (spec.endpointKinds.target) ctx.endpoints.assertAllowed(spec.endpointKinds.target, 'target_ref', target.target_ref);
  if (target.read_endpoint) ctx.endpoints.assertAllowed(spec.endpointKinds.read, 'read_endpoint', target.read_endpoint);
}

export function buildWitnessRow(ctx: EngineContext, input: AddWitnessInput, createdAt: string): WitnessConfigRow {
  const spec = witnessKind(input.kind);
  const target_ref = spec.parseTarget(input.target_ref.trim());
  if (input.tenant !== undefined && input.config !== undefined) throw invalidInput('config', 'give either tenant (use its onboarded config) or config (the witness’s own), not both');
  if (input.tenant === undefined && input.config === undefined) throw invalidInput('tenant', `give tenant (a ${spec.provider} tenant whose onboarded config and credentials to use) or config (the witness’s own ${spec.provider} config)`);
  const tenant = input.tenant !== undefined ? requireTenant(ctx.store, input.tenant) : undefined;
  const row: WitnessConfigRow = {
    id: newWitnessId(),
    kind: spec.kind,
    target_ref,
    tenant_id: tenant?.id ?? null,
    config: null,
    read_endpoint: input.read_endpoint ? checkEndpoint('read_endpoint', input.read_endpoint) : null,
    created_at: createdAt,
  };
  const config = spec.parseConfig(input.config ?? configOf(ctx, row, spec), target_ref);
  if (!tenant) row.config = JSON.stringify(config);
  assertEndpoints(ctx, spec, { target_ref, config, read_endpoint: row.read_endpoint });
  return row;
}
