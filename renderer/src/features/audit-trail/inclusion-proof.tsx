/**
 * One entry's inclusion proof against the latest checkpoint, computed and checked by
 * the engine (with the public key alone), shown with its verdict; downloadable as the
 * JSON file `keywarden audit verify-proof` reads.
 */
import { useServices } from '../../app/services-context';
import { CopyButton } from '../../components/copy-button';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import { formatCount } from '../../lib/format';
import { useAudit, type ProofState } from './audit-store';

/** What an auditor runs on the downloaded file, with the checkpoint card's verifier key. */
function verifyCommand(seq: number): string {
  return `keywarden audit verify-proof audit-entry-${seq}-inclusion-proof.json --key VERIFIER_KEY`;
}

function download(seq: number, json: string): void {
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `audit-entry-${seq}-inclusion-proof.json`;
  a.click();
  URL.revokeObjectURL(url);
}

export function InclusionProof({ seq }: { seq: number }) {
  const { audit } = useServices();
  const state = useAudit((s) => s.proofs[seq]);
  return (
    <div className="audit-proof" data-testid="audit-proof">
      <div className="audit-proof-head">
        <span className="audit-payload-title">Inclusion proof</span>
        <Button size="sm" icon="check" busy={state?.status === 'loading'} onClick={() => void audit.getState().prove(seq)}>
          {state?.status === 'ready' ? 'Prove again' : 'Prove inclusion'}
        </Button>
      </div>
      {state?.status === 'error' ? <ErrorNotice error={state.error} /> : null}
      {state?.status === 'ready' ? <ProofBody seq={seq} state={state} /> : null}
      {!state ? <p className="audit-proof-hint muted">Shows that this entry is leaf #{seq} of the tree the log key signed, without trusting this app.</p> : null}
    </div>
  );
}

function ProofBody({ seq, state }: { seq: number; state: Extract<ProofState, { status: 'ready' }> }) {
  const { proof } = state;
  const b = proof.bundle;
  return (
    <div className="audit-proof-body">
      <div className={`notice ${proof.verdict.ok ? 'notice-success' : 'notice-error'}`} role={proof.verdict.ok ? 'status' : 'alert'}>
        <div className="notice-body">
          <div className="notice-title">{proof.verdict.ok ? 'Proof verifies' : 'Proof does not verify'}</div>
          <div className="notice-text">
            {proof.verdict.ok
              ? `Entry #${seq} is in the signed tree of ${formatCount(b.tree_size)} entries (leaf index ${b.index}, ${b.hashes.length} hashes on its path).`
              : proof.verdict.reason}
          </div>
        </div>
      </div>
      <dl className="audit-fields">
        <dt>Leaf hash</dt>
        <dd className="copyable">
          <span className="mono audit-hash">{b.leaf_hash}</span>
          <CopyButton value={b.leaf_hash} label="leaf hash" />
        </dd>
        <dt>Audit path</dt>
        <dd className="mono audit-hash">
          <ol className="audit-path">
            {b.hashes.map((h, i) => (
              <li key={i}>{h}</li>
            ))}
          </ol>
        </dd>
        <dt>Checkpoint</dt>
        <dd>
          <Badge tone="indigo">tree size {b.tree_size}</Badge>
        </dd>
      </dl>
      <div className="audit-proof-actions">
        <Button size="sm" variant="ghost" onClick={() => download(seq, JSON.stringify(b, null, 2))}>
          Download proof (JSON)
        </Button>
        <span className="copyable">
          <span className="mono">{verifyCommand(seq)}</span>
          <CopyButton value={verifyCommand(seq)} label="verify command" />
        </span>
      </div>
    </div>
  );
}
