import type { KeyVersionView } from '../../../../core/api/types';
import { KeyStatusBadge } from '../../components/badge';
import { Button } from '../../components/button';
import { formatUtc, plural, providerLabel, wrapLabel } from '../../lib/format';

const MEANING = {
  active: 'Wraps every new record.',
  retired: 'Still unwraps its records; wraps nothing new.',
  revoked: 'Key material destroyed: records under it are permanently unreadable.',
} as const;

const STATES = [
  { id: 'active', label: 'Active', note: 'wraps new records' },
  { id: 'retired', label: 'Retired', note: 'unwraps only' },
  { id: 'revoked', label: 'Revoked', note: 'destroyed, permanent' },
] as const;

/** The states a version moves through, one way only, with how many versions are in each. */
export function LifecycleDiagram({ versions }: { versions: KeyVersionView[] }) {
  return (
    <ol className="lifecycle-diagram" aria-label="Key version states: active, then retired, then revoked">
      {STATES.map((st, i) => (
        <li key={st.id} className={`lc-state lc-${st.id}`}>
          <span className="lc-name">{st.label}</span>
          <span className="lc-note">
            {st.note} · {versions.filter((v) => v.status === st.id).length}
          </span>
          {i < STATES.length - 1 ? (
            <span className="lc-arrow" aria-hidden="true">
              {i === 0 ? 'rotate →' : 'revoke →'}
            </span>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

/** What a version's record count means for it, in words. */
function recordsNote(v: KeyVersionView): string {
  if (v.status === 'retired' && v.record_count === 0) return '0 records: nothing left under it (rewrap done); revoking it loses nothing';
  if (v.status === 'revoked') return v.record_count === 0 ? '0 records' : `${plural(v.record_count, 'record')} unreadable`;
  return plural(v.record_count, 'record');
}

/** The lifecycle of a tenant's master key versions, newest first. */
export function VersionTimeline({ versions, onRevoke, revokeDisabled }: { versions: KeyVersionView[]; onRevoke: (v: KeyVersionView) => void; revokeDisabled: boolean }) {
  return (
    <ol className="timeline" aria-label="Key version timeline">
      {versions.map((v) => (
        <li key={v.id} className={`tl-item tl-${v.status}`} data-version={v.version} data-status={v.status}>
          <div className="tl-rail" aria-hidden="true">
            <span className="tl-dot" />
          </div>
          <div className="tl-card">
            <div className="tl-head">
              <span className="tl-version mono">v{v.version}</span>
              <KeyStatusBadge status={v.status} />
              <span className={`tl-records${v.status === 'retired' && v.record_count === 0 ? ' tl-records-empty' : ''}`}>{recordsNote(v)}</span>
              {v.status === 'active' ? (
                // Revoking the active version seals the tenant for good: it looks as dangerous as it is.
                <Button size="sm" variant="danger" className="tl-revoke" icon="alert" disabled={revokeDisabled} onClick={() => onRevoke(v)} title="Destroys the key every new record uses: the tenant seals permanently">
                  Revoke active…
                </Button>
              ) : v.status === 'retired' ? (
                <Button size="sm" variant="secondary" className="btn-danger-outline tl-revoke" icon="trash" disabled={revokeDisabled} onClick={() => onRevoke(v)}>
                  Revoke…
                </Button>
              ) : null}
            </div>
            <div className="tl-meaning">{MEANING[v.status]}</div>
            <dl className="tl-dates">
              <div>
                <dt>Created</dt>
                <dd>{formatUtc(v.created_at)}</dd>
              </div>
              {v.retired_at ? (
                <div>
                  <dt>Retired</dt>
                  <dd>{formatUtc(v.retired_at)}</dd>
                </div>
              ) : null}
              {v.revoked_at ? (
                <div>
                  <dt>Revoked</dt>
                  <dd>{formatUtc(v.revoked_at)}</dd>
                </div>
              ) : null}
              <div>
                <dt>Wrapped by</dt>
                <dd>
                  {v.wrap_method === 'local' ? (
                    'the embedded local KMS key in the data folder'
                  ) : v.wrap_method === 'global' ? (
                    'the platform key (MASTER_KEY_B64)'
                  ) : (
                    <>
                      {wrapLabel(v.wrap_method)} · {providerLabel(v.provider)} · <span className="mono">{v.kms_key_ref_suffix}</span>
                    </>
                  )}
                </dd>
              </div>
            </dl>
          </div>
        </li>
      ))}
    </ol>
  );
}
