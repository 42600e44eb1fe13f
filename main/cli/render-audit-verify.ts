/**
 * `audit verify` for people: one ok/FAIL line per check, like `report verify`, then the
 * first bad entry and what to do. The exit code follows the result (exit-codes.ts), so a
 * script that ignores the output still sees a tampered log.
 */
import type { ChainVerification } from '../../core/api/types';
import { EXIT_FAILED, EXIT_OK } from './exit-codes';

const line = (ok: boolean, check: string, detail: string) => `${ok ? 'ok  ' : 'FAIL'}  ${check.padEnd(11)} ${detail}\n`;

export function renderAuditVerify(v: ChainVerification): { stdout: string; stderr: string; code: number } {
  const cps = v.checkpoints_checked;
  const latest = v.latest_checkpoint;
  const latestText = latest ? ` (newest: ${latest.tree_size} entries${latest.created_at ? ` at ${latest.created_at}` : ''}, from the ${latest.source === 'witness' ? 'audit-checkpoint.latest file' : 'database'})` : '';
  if (v.ok) {
    let out = line(true, 'chain', `${v.entries} entries re-hashed, each linked to the one before`);
    if (v.root !== undefined) out += line(true, 'tree', `Merkle root ${v.root}`);
    if (cps !== undefined) out += line(true, 'checkpoints', cps === 0 ? 'no signed checkpoint yet (run keywarden audit checkpoint)' : `${cps} signed checkpoint${cps === 1 ? '' : 's'} match the tree${latestText}`);
    out += `audit log verified: ${v.entries} entries, head ${v.head.slice(0, 16)}…\n`;
    return { stdout: out, stderr: '', code: EXIT_OK };
  }
  const err =
    line(false, 'chain', `entry #${v.first_bad_seq}: ${v.reason}`) +
    `first bad entry: #${v.first_bad_seq} of ${v.entries} (keywarden audit list shows the entries around it)\n` +
    'what to do: the log was changed outside Keywarden (edited, deleted, reordered or inserted entries, or a cut-off tail). ' +
    'Stop using this data dir, keep a copy of it as evidence, and compare it with the newest signed checkpoint an auditor or export holds ' +
    '(keywarden audit verify-proof, keywarden report verify).\n' +
    'audit log REJECTED\n';
  return { stdout: '', stderr: err, code: EXIT_FAILED };
}
