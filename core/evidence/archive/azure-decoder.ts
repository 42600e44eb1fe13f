/**
 * The decoder for Key Vault diagnostic-settings archives (`azure-diagnostics-jsonl`,
 * `PT1H.json` blobs): keeps the AuditEvent records of the tenant's vault keys, normalized
 * as the live path normalizes AZKVAuditLogs rows, counts the rest, keeps unreadable lines.
 */
import { vaultKeyOf } from '../normalize/azure';
import { auditLineOutcomes } from './azure-audit-record';
import { OutcomeTally } from './gcp-decoders';
import { LineSplitter } from './line-splitter';
import { keyMatcher } from './record-outcome';
import type { DecoderRun, RecordDecoder, RecordFilter } from './types';

export const AZURE_JSONL_FORMAT = 'azure-diagnostics-jsonl';

/** One spelling of a vault key: no version, no default port, lower case. */
export function canonicalVaultKey(ref: string): string {
  return vaultKeyOf(ref).toLowerCase().replace(/^(https:\/\/[^/:]+):443(?=\/)/, '$1');
}

function run(key: string, filter: RecordFilter): DecoderRun {
  const match = keyMatcher(filter.keys, canonicalVaultKey);
  const tally = new OutcomeTally(key);
  const lines = new LineSplitter((text, n) => {
    if (text.trim().length === 0) return;
    for (const o of auditLineOutcomes(text, match)) tally.add(o, `line ${n}`);
  });
  return {
    push: (chunk) => lines.push(chunk),
    finish: () => {
      lines.finish();
      return tally.result();
    },
  };
}

export const azureDiagnosticsDecoder: RecordDecoder = { format: AZURE_JSONL_FORMAT, start: (o, f) => run(o.key, f) };
