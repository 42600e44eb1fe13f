/**
 * The witness kinds this build knows. Each kind's module registers itself once
 * (`registerWitnessKind`); `core/witness/kinds.ts` imports them all, so importing that
 * file is what makes a kind available to the service, the CLI and Settings.
 */
import { KeywardenError } from '../errors';
import type { WitnessKind, WitnessKindSpec } from './types';

const kinds = new Map<WitnessKind, WitnessKindSpec>();

export function registerWitnessKind(spec: WitnessKindSpec): void {
  const existing = kinds.get(spec.kind);
  if (existing && existing !== spec) throw new Error(`witness kind ${spec.kind} is registered twice`);
  kinds.set(spec.kind, spec);
}

/** The spec for a kind, or a clear error naming the kinds this build has. */
export function witnessKind(kind: string): WitnessKindSpec {
  const spec = kinds.get(kind as WitnessKind);
  if (!spec) {
    const known = [...kinds.keys()].join(', ') || 'none';
    throw new KeywardenError('invalid_input', `kind: no witness kind "${kind}" in this build (known: ${known})`, { field: 'kind' });
  }
  return spec;
}

export function witnessKinds(): WitnessKindSpec[] {
  return [...kinds.values()];
}
