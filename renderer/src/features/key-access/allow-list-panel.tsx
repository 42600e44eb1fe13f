/**
 * A tenant's allow-list on the Key access screen: who is allowed besides Keywarden and
 * why, with add (an entry and a note) and remove. Each change is audited by the engine;
 * the next review stops raising what is allowed.
 */
import { useState } from 'react';
import type { AccessSettingsView } from '../../../../core/api/access-types';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import type { KeyAccessStore } from './key-access-store';

export function AllowListPanel({ tenant, settings, store }: { tenant: string; settings: AccessSettingsView | undefined; store: KeyAccessStore }) {
  const [entry, setEntry] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const entries = settings?.allow_list ?? [];
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const add = async () => {
    if (await run(() => store.getState().allow(tenant, entry.trim(), note.trim()))) {
      setEntry('');
      setNote('');
    }
  };
  return (
    <section className="ka-allow" aria-label={`Allow-list of ${tenant}`} data-testid="access-allow-list">
      <div className="ka-section-title">Allowed besides Keywarden ({entries.length})</div>
      {entries.length === 0 ? (
        <p className="muted ka-none">Nobody: every other principal that can use the key is a finding.</p>
      ) : (
        <ul className="ka-allow-entries">
          {entries.map((e) => (
            <li key={e} data-entry={e}>
              <span className="mono ka-principal">{e}</span>
              <span className="muted ka-allow-note">{settings?.allow_notes?.[e] ?? 'no note'}</span>
              <button type="button" className="link-button" disabled={busy} onClick={() => void run(() => store.getState().disallow(tenant, e))} aria-label={`Remove ${e} from the allow-list`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="ka-accept ka-allow-form"
        onSubmit={(ev) => {
          ev.preventDefault();
          void add();
        }}
      >
        <label>
          Principal, account id or domain:NAME
          <input value={entry} onChange={(ev) => setEntry(ev.target.value)} aria-label="Principal to allow" maxLength={2048} spellCheck={false} />
        </label>
        <label>
          Why it is allowed
          <input value={note} onChange={(ev) => setNote(ev.target.value)} aria-label="Why it is allowed" maxLength={500} />
        </label>
        <Button type="submit" variant="primary" busy={busy} disabled={entry.trim() === '' || note.trim().length < 3}>
          Allow
        </Button>
      </form>
      {error ? <ErrorNotice error={error} onDismiss={() => setError(null)} /> : null}
    </section>
  );
}
