import { useEffect, useState } from 'react';
import type { KeyVersionView, RevokePreview, TenantView } from '../../../../core/api/types';
import { useServices } from '../../app/services-context';
import { Dialog } from '../../components/dialog';
import { DialogActions } from '../../components/dialog-actions';
import { ErrorNotice } from '../../components/error-notice';
import { Field } from '../../components/field';
import { StepUpField } from '../../components/step-up-field';
import { Loading } from '../../components/spinner';
import { describeError, errorHeadline, type ShownError } from '../../lib/errors';
import { formatCount } from '../../lib/format';

/**
 * Revoke: permanent cryptographic erasure. Shows how many records would become unreadable
 * (`keys.revokePreview`), asks for the slug typed out and the passphrase (step-up, 2 min);
 * `force` is offered, with a stern warning, only when records remain or the version is active.
 */
export function RevokeDialog({ tenant, version, onClose }: { tenant: TenantView; version: KeyVersionView; onClose: () => void }) {
  const { keys } = useServices();
  const [preview, setPreview] = useState<RevokePreview | null>(null);
  const [previewError, setPreviewError] = useState<ShownError | null>(null);
  const [confirm, setConfirm] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [force, setForce] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);

  useEffect(() => {
    let live = true;
    keys
      .getState()
      .preview(version.version)
      .then((p) => live && setPreview(p))
      .catch((e: unknown) => live && setPreviewError(describeError(e)));
    return () => {
      live = false;
    };
  }, [keys, version.version]);

  const risky = preview !== null && (preview.records_under_version > 0 || preview.is_active);
  const slugMatches = confirm === tenant.slug;
  const ready = preview !== null && slugMatches && passphrase.length > 0 && (!risky || force);
  const submit = async () => {
    if (!ready) return;
    setBusy(true);
    setError(null);
    try {
      await keys.getState().revoke({ version: version.version, confirm, force, passphrase });
      onClose();
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };
  const wrongPassphrase = error?.code === 'step_up_invalid' || error?.code === 'step_up_throttled';
  return (
    <Dialog
      title={`Revoke version ${version.version} of ${tenant.slug}`}
      tone="danger"
      busy={busy}
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <DialogActions onCancel={onClose} busy={busy} icon="trash" tone="danger" disabled={!ready}>
          {busy ? 'Revoking…' : `Revoke v${version.version} permanently`}
        </DialogActions>
      }
    >
      <p className="revoke-lead">
        Revoking destroys the wrapped key material of <strong>v{version.version}</strong>. This is cryptographic erasure: it cannot be undone, by you or by anyone.
      </p>
      {previewError ? <ErrorNotice error={previewError} /> : null}
      {!preview && !previewError ? <Loading>Counting records under this version…</Loading> : null}
      {preview ? (
        <div className={preview.records_under_version > 0 ? 'revoke-count revoke-count-bad' : 'revoke-count'} data-testid="revoke-count">
          <span className="revoke-count-number">{formatCount(preview.records_under_version)}</span>
          <span>
            {preview.records_under_version === 1 ? 'record is' : 'records are'} encrypted under v{version.version} and would become{' '}
            <strong>permanently unreadable</strong>.
            {preview.records_under_version === 0 ? ' Nothing is lost by revoking it.' : ''}
          </span>
        </div>
      ) : null}
      {preview?.is_active ? (
        <div className="notice notice-error revoke-stern" role="alert">
          <div className="notice-body">
            <div className="notice-title">v{version.version} is the ACTIVE master key</div>
            <div className="notice-text">
              Revoking it seals <strong>{tenant.slug}</strong> permanently: no new records, none of its records readable, no unseal. Rotate first unless you mean to destroy this
              tenant.
            </div>
          </div>
        </div>
      ) : null}
      {risky ? (
        <label className="checkbox revoke-force">
          <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} disabled={busy} />
          <span>
            Force: I understand that {preview && preview.records_under_version > 0 ? `${formatCount(preview.records_under_version)} records will be destroyed` : 'the tenant will be sealed forever'}{' '}
            and that this cannot be reversed.
          </span>
        </label>
      ) : null}
      <Field
        label={`Type ${tenant.slug} to confirm`}
        value={confirm}
        onChange={setConfirm}
        placeholder={tenant.slug}
        mono
        error={error?.code === 'confirmation_mismatch' ? error.message : confirm.length > 0 && !tenant.slug.startsWith(confirm) ? 'Does not match the tenant slug' : undefined}
        disabled={busy}
      />
      <StepUpField
        value={passphrase}
        onChange={(v) => {
          setPassphrase(v);
          if (wrongPassphrase) setError(null);
        }}
        minutes={2}
        action="this revocation"
        error={wrongPassphrase && error ? `${errorHeadline(error)}: ${error.message}` : undefined}
        disabled={busy}
      />
      {error && !wrongPassphrase && error.code !== 'confirmation_mismatch' ? <ErrorNotice error={error} /> : null}
    </Dialog>
  );
}
