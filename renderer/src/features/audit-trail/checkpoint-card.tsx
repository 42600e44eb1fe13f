/**
 * The newest signed checkpoint: the tree head (size and RFC 9162 root) the log key
 * signed, as the C2SP signed note an auditor can save and check offline.
 */
import { useServices } from '../../app/services-context';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { CopyButton } from '../../components/copy-button';
import { ErrorNotice } from '../../components/error-notice';
import { formatCount, formatUtc } from '../../lib/format';
import { useAudit } from './audit-store';

export function CheckpointCard() {
  const { audit } = useServices();
  const checkpoint = useAudit((s) => s.checkpoint);
  const busy = useAudit((s) => s.checkpointBusy);
  const error = useAudit((s) => s.checkpointError);
  return (
    <section className="card audit-checkpoint" aria-label="Signed checkpoint" data-testid="audit-checkpoint">
      <div className="card-header">
        <div>
          <div className="card-title">Signed checkpoint</div>
          <div className="card-subtitle">
            {checkpoint
              ? `Tree of ${formatCount(checkpoint.tree_size)} entries, signed ${formatUtc(checkpoint.created_at)}`
              : 'None yet: one is signed after every critical action, or now on demand.'}
          </div>
        </div>
        <Button size="sm" icon="key" busy={busy} onClick={() => void audit.getState().signCheckpoint()}>
          Sign checkpoint now
        </Button>
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      {checkpoint ? (
        <>
          <dl className="audit-fields">
            <dt>Tree size</dt>
            <dd className="mono">{checkpoint.tree_size}</dd>
            <dt>Root hash</dt>
            <dd className="copyable">
              <span className="mono audit-hash">{checkpoint.root_hash}</span>
              <CopyButton value={checkpoint.root_hash} label="root hash" />
            </dd>
            <dt>Log (origin)</dt>
            <dd className="mono">{checkpoint.origin}</dd>
            <dt>Verifier key</dt>
            <dd className="copyable">
              <span className="mono audit-hash" title="Give this to auditors: keywarden audit verify-proof FILE --key …">
                {checkpoint.verifier_key}
              </span>
              <CopyButton value={checkpoint.verifier_key} label="verifier key" />
            </dd>
          </dl>
          <details className="audit-note">
            <summary>
              Signed note <Badge tone="indigo">C2SP tlog-checkpoint</Badge>
            </summary>
            <pre className="audit-payload mono" data-testid="audit-checkpoint-note">
              {checkpoint.note}
            </pre>
          </details>
        </>
      ) : null}
    </section>
  );
}
