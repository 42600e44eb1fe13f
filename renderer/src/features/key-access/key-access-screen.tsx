/**
 * Key access: per customer key, who besides Keywarden can use or manage it and how, the
 * findings by severity with the raw policy fragment that caused each, and what changed
 * since the last review, listed first. A finding the organisation accepts is marked so
 * with a reason (audited).
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { AccessReviewView, FindingView } from '../../../../core/api/access-types';
import { useServices } from '../../app/services-context';
import { Badge, type Tone } from '../../components/badge';
import { Button } from '../../components/button';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import { PageHeader } from '../../components/page-header';
import { Loading } from '../../components/spinner';
import { formatUtcShort, providerLabel } from '../../lib/format';
import { AllowListPanel } from './allow-list-panel';
import { AzureVaultSetting } from './azure-vault-setting';
import { keyAccessStoreFor, useKeyAccess } from './key-access-store';
import './key-access.css';

const SEVERITY_TONE: Record<string, Tone> = { critical: 'red', high: 'red', medium: 'amber', low: 'blue', info: 'grey' };
const CAPABILITY_LABEL: Record<string, string> = { use: 'Use the key', manage_policy: 'Change who has access', schedule_deletion: 'Delete the key' };

export function KeyAccessScreen() {
  const { client } = useServices();
  const store = keyAccessStoreFor(client);
  const reviews = useKeyAccess(store, (s) => s.reviews);
  const settings = useKeyAccess(store, (s) => s.settings);
  const busy = useKeyAccess(store, (s) => s.busy);
  const error = useKeyAccess(store, (s) => s.error);
  const review = () => store.getState().review();
  const load = () => store.getState().load();

  useEffect(() => {
    void store.getState().load();
  }, [store]);

  return (
    <div className="screen ka-screen">
      <PageHeader
        title="Key access"
        description="Who besides Keywarden can use or manage each customer KMS key, and whether the key is set up the way the controls require. Read-only calls with your own credentials."
        actions={
          <Button variant="primary" onClick={() => void review()} disabled={busy}>
            {busy ? 'Reviewing…' : 'Review now'}
          </Button>
        }
      />
      {error ? <ErrorNotice error={error} onDismiss={() => store.getState().dismissError()} /> : null}
      {reviews === null ? (
        <Loading>Loading the last reviews…</Loading>
      ) : reviews.length === 0 ? (
        <div className="card">
          <EmptyState icon="key" title="No access review yet">
            Review now reads each customer key’s policy, grants, IAM bindings or role assignments, and its rotation and deletion settings.
          </EmptyState>
        </div>
      ) : (
        reviews.map((r) => (
          <KeyReviewCard
            key={r.id}
            review={r}
            onChanged={load}
            allowList={
              <>
                {r.provider === 'azure' ? <AzureVaultSetting tenant={r.tenant_slug} current={settings[r.tenant_slug]?.azure_vault_resource_id} store={store} /> : null}
                <AllowListPanel tenant={r.tenant_slug} settings={settings[r.tenant_slug]} store={store} />
              </>
            }
          />
        ))
      )}
    </div>
  );
}

function KeyReviewCard({ review: r, onChanged, allowList }: { review: AccessReviewView; onChanged: () => Promise<void>; allowList: ReactNode }) {
  return (
    <section className="card ka-card" aria-label={`Access review of ${r.tenant_slug}`} data-testid={`access-${r.tenant_slug}`}>
      <div className="card-header ka-head">
        <div className="card-title">
          {r.tenant_slug} <span className="muted mono">{providerLabel(r.provider)} {r.key_ref_suffix}</span>
        </div>
        <div className="ka-head-right">
          <Badge tone={r.status === 'complete' ? 'green' : 'amber'} dot>
            {r.status === 'complete' ? 'Complete' : 'Partial'}
          </Badge>
          <span className="muted">Reviewed {formatUtcShort(r.reviewed_at)}</span>
        </div>
      </div>
      {r.drift.length > 0 ? (
        <div className="ka-drift" role="status" data-testid="access-drift">
          <div className="ka-section-title">Changed since the last review</div>
          <ul>
            {r.drift.map((d, i) => (
              <li key={i} data-kind={d.kind}>
                {d.summary}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {r.gaps.length > 0 ? (
        <div className="ka-gaps" data-testid="access-gaps">
          <div className="ka-section-title">Not in this review</div>
          <ul>
            {r.gaps.map((g, i) => (
              <li key={i}>
                <span className="mono">{g.where}</span>: {g.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="ka-section-title">Findings ({r.findings.length})</div>
      {r.findings.length === 0 ? <p className="muted ka-none">No findings.</p> : <ul className="ka-findings">{r.findings.map((f) => <FindingRow key={f.id} tenant={r.tenant_slug} finding={f} onChanged={onChanged} />)}</ul>}
      {allowList}
      <div className="ka-section-title">Who can do what ({r.principals.length})</div>
      <div className="ka-table-wrap">
        <table className="ka-table" data-testid="access-principals">
          <thead>
            <tr>
              <th>Principal</th>
              <th>Can</th>
              <th>How</th>
              <th>Where</th>
              <th>Condition</th>
            </tr>
          </thead>
          <tbody>
            {r.principals.map((p, i) => (
              <tr key={i}>
                <td className="mono ka-principal" title={p.principal}>
                  {p.principal}
                  {isKeywarden(p.principal, r.keywarden_principal) ? <Badge tone="indigo">Keywarden</Badge> : null}
                </td>
                <td>{CAPABILITY_LABEL[p.capability] ?? p.capability}</td>
                <td>{p.via.replace(/_/g, ' ')}{p.inherited ? ' (inherited)' : ''}</td>
                <td className="mono ka-ref" title={p.ref}>{p.ref}</td>
                <td>{p.conditional ? 'yes' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function FindingRow({ tenant, finding: f, onChanged }: { tenant: string; finding: FindingView; onChanged: () => Promise<void> }) {
  const { client } = useServices();
  const [open, setOpen] = useState(false);
  const [accepting, setAccepting] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const checks = Object.values(f.checks).filter(Boolean).join(' · ');
  const accept = async () => {
    setError(null);
    try {
      await keyAccessStoreFor(client).getState().accept(tenant, f.id, reason);
      setAccepting(false);
      await onChanged();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <li className="ka-finding" data-severity={f.severity} data-accepted={f.accepted ? 'yes' : 'no'}>
      <div className="ka-finding-line">
        <Badge tone={f.accepted ? 'grey' : (SEVERITY_TONE[f.severity] ?? 'grey')}>{f.severity}</Badge>
        <span className="ka-reason">{f.reason}</span>
        <button type="button" className="link-button" onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? 'Hide fragment' : 'Show fragment'}
        </button>
        {f.accepted ? null : (
          <button type="button" className="link-button" onClick={() => setAccepting(!accepting)}>
            Accept…
          </button>
        )}
      </div>
      <div className="ka-finding-meta muted">
        {checks}
        {f.accepted ? (
          <span className="ka-accepted">
            {' '}· Accepted by {f.accepted.accepted_by} on {formatUtcShort(f.accepted.accepted_at)}: {f.accepted.reason}
          </span>
        ) : null}
      </div>
      {open ? <pre className="ka-fragment mono" data-testid="access-fragment">{pretty(f.fragment)}</pre> : null}
      {accepting ? (
        <div className="ka-accept">
          <label>
            Why the organisation accepts it
            <input value={reason} onChange={(e) => setReason(e.target.value)} aria-label="Reason" maxLength={2000} />
          </label>
          <Button variant="primary" onClick={() => void accept()} disabled={reason.trim().length < 3}>
            Mark as accepted
          </Button>
          {error ? <ErrorNotice error={error} /> : null}
        </div>
      ) : null}
    </li>
  );
}

/** The row is Keywarden's own principal (an assumed-role session shows as its role). */
function isKeywarden(principal: string, keywarden: string | null): boolean {
  if (!keywarden) return false;
  if (principal === keywarden || principal.endsWith(`:${keywarden}`)) return true;
  const role = /:assumed-role\/([^/]+)\//.exec(keywarden)?.[1];
  return !!role && principal.endsWith(`:role/${role}`);
}

function pretty(fragment: string): string {
  try {
    return JSON.stringify(JSON.parse(fragment), null, 2);
  } catch {
    return fragment;
  }
}
