import type { KeyVersionView } from '../../../../core/api/types';
import { KeyStatusBadge } from '../../components/badge';
import { Button } from '../../components/button';
import { formatUtc, plural, providerLabel, wrapLabel } from '../../lib/format';

const MEANING = {
  active: 'Wraps every new record.',
  retired: 'Still unwraps its records; wraps nothing new.',
  revoked: 'Key material destroyed: records under it are permanently unreadable.',
} as const;

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
              <span className="tl-records">{plural(v.record_count, 'record')}</span>
              {v.status !== 'revoked' ? (
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
                  {wrapLabel(v.wrap_method)} · {providerLabel(v.provider)} · <span className="mono">{v.kms_key_ref_suffix}</span>
                </dd>
              </div>
            </dl>
          </div>
        </li>
      ))}
    </ol>
  );
}
