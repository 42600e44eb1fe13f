/**
 * The Add witness form's fields as the target_ref the engine parses
 * (core/witness/<kind>/target.ts). A full ref pasted into the first field is sent as it
 * is; the engine alone judges whether it is valid.
 */
import type { WitnessKind } from './witness-store';

export interface WitnessDraft {
  kind: WitnessKind;
  tenant: string;
  /** AWS key ARN, GCP project, or Azure vault URL. */
  main: string;
  /** GCP log name or Azure secret name (optional). */
  extra: string;
}

export function targetRefOf(d: Pick<WitnessDraft, 'kind' | 'main' | 'extra'>): string {
  const main = d.main.trim();
  const extra = d.extra.trim();
  if (d.kind === 'gcp_logging') {
    const project = main.startsWith('projects/') ? main : `projects/${main}`;
    return extra ? `${project}/logs/${extra}` : project;
  }
  if (d.kind === 'azure_secret') return extra ? `${main.replace(/\/+$/, '')}/secrets/${extra}` : main;
  return main;
}
