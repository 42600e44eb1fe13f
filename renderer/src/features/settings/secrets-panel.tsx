import { useEffect, useState, type FormEvent } from 'react';
import type { SecretFileStateView, SecretsView } from '../../../../core/api/secrets-types';
import { useApp, useServices } from '../../app/services-context';
import { Badge, type Tone } from '../../components/badge';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import { Field } from '../../components/field';
import { formatUtc } from '../../lib/format';
import './secrets-panel.css';

const FILE_STATE: Record<SecretFileStateView['state'], { label: string; tone: Tone }> = {
  wrapped: { label: 'Wrapped by the passphrase', tone: 'green' },
  plain: { label: 'Plain file: sealed at the next unlock', tone: 'amber' },
  missing: { label: 'Not created yet', tone: 'grey' },
};

/**
 * Settings → Installation secrets: how the local KMS key and the audit signing key are
 * kept (states and names only, never key material), how the unlock is kept between
 * launches, the last backup, and an unlock form while they are locked.
 */
export function SecretsPanel() {
  const secrets = useApp((s) => s.status?.secrets);
  const refresh = useApp((s) => s.refreshStatus);
  useEffect(() => void refresh(), [refresh]);
  return (
    <section className="card" aria-labelledby="secrets-title">
      <div className="card-header">
        <div className="card-title" id="secrets-title">
          Installation secrets
        </div>
        {secrets ? <Badge tone={secrets.unlocked ? 'green' : 'amber'} dot>{secrets.unlocked ? 'Unlocked' : 'Locked'}</Badge> : null}
      </div>
      <div className="card-body">{secrets ? <SecretsFacts secrets={secrets} /> : <p className="muted">Installation status is not available.</p>}</div>
    </section>
  );
}

function SecretsFacts({ secrets }: { secrets: SecretsView }) {
  return (
    <>
      <dl className="kv" data-testid="secrets-facts">
        <dt>Data folder</dt>
        <dd className="mono">{secrets.data_dir}</dd>
        {secrets.files.map((f) => (
          <FileRow key={f.secret} file={f} />
        ))}
        <dt>Keyring</dt>
        <dd data-testid="keyring-note">
          {secrets.keyring.note}
          {secrets.keyring.problem ? <div className="muted">{secrets.keyring.problem}</div> : null}
        </dd>
        <dt>Last backup</dt>
        <dd data-testid="last-backup">
          {secrets.last_backup ? (
            <>
              {formatUtc(secrets.last_backup.at)} <span className="mono">{secrets.last_backup.file}</span>
            </>
          ) : (
            <>
              None yet: <span className="mono">keywarden backup --out FILE</span>
            </>
          )}
        </dd>
      </dl>
      {secrets.unlocked ? null : <UnlockForm />}
      <p className="muted secrets-note">
        The keys are sealed under the operator passphrase. If the passphrase is lost, nothing can be recovered: there is no reset and no backdoor, and a backup does not help
        without it.
      </p>
    </>
  );
}

function FileRow({ file }: { file: SecretFileStateView }) {
  const state = FILE_STATE[file.state];
  return (
    <>
      <dt>{file.label[0]!.toUpperCase() + file.label.slice(1)}</dt>
      <dd data-testid={`secret-${file.secret}`}>
        <Badge tone={state.tone}>{state.label}</Badge> <span className="mono">{file.file}</span>
      </dd>
    </>
  );
}

function UnlockForm() {
  const { client } = useServices();
  const refresh = useApp((s) => s.refreshStatus);
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await client.call('auth.unlock', { passphrase });
      setPassphrase('');
      await refresh();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="secrets-unlock" onSubmit={(e) => void submit(e)} aria-label="Unlock the installation secrets">
      <Field
        label="Operator passphrase"
        type="password"
        value={passphrase}
        onChange={setPassphrase}
        autoComplete="current-password"
        hint="Opens the local KMS key and the audit signing key for this session (a step-up opens them too)."
        disabled={busy}
      />
      {error ? <ErrorNotice error={error} /> : null}
      <div>
        <Button type="submit" variant="primary" busy={busy} disabled={passphrase.length === 0}>
          Unlock
        </Button>
      </div>
    </form>
  );
}
