/** CLI words for the evidence cross-check (flags come from the contract's schemas). */
import type { EvidenceFetchView } from '../../core/api/evidence-types';
import type { CommandSpec } from './commands';

/** `evidence fetch` exits 2 when any source could not be read (the output says which and why). */
export const FETCH_FAILED_EXIT = 2;

export function fetchExitCode(value: unknown): number {
  return (value as EvidenceFetchView).sources.some((s) => s.state === 'failed') ? FETCH_FAILED_EXIT : 0;
}

export const EVIDENCE_COMMANDS: CommandSpec[] = [
  {
    words: ['evidence', 'settings'],
    method: 'evidence.settings',
    stepUp: 'evidence_settings',
    // Showing the settings is free; changing them asks for the passphrase.
    stepUpWhen: (i) => Object.keys(i).some((k) => k !== 'tenant' && i[k] !== undefined),
    hiddenFields: ['step_up_token'],
    help: "Show or set a tenant's evidence settings: --tenant S [--aws-cloudtrail-endpoint URL] [--azure-workspace-id GUID] [--gcp-delivery-delay-minutes N] ...",
  },
  {
    words: ['evidence', 'fetch'],
    method: 'evidence.fetch',
    exitCode: fetchExitCode,
    help: `Read the providers' audit logs since the last read: [--tenant S] [--from ISO]. Exits ${FETCH_FAILED_EXIT} when any source could not be read.`,
  },
  { words: ['evidence', 'crosscheck'], method: 'evidence.crosscheck', help: "Match the engine's KMS calls against the providers' records: --from ISO --to ISO [--tenant S]." },
  { words: ['evidence', 'results'], method: 'evidence.results', help: 'Rows of the latest (or --run-id N) cross-check: [--class provider_only] [--provider aws] [--q TEXT] [--limit N].' },
  { words: ['evidence', 'event'], method: 'evidence.event', help: "One provider record with its raw form: --id N." },
];
