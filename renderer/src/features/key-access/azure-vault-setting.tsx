/**
 * Azure only: the vault's resource ID, without which the review cannot read the vault's
 * deletion protection, access policies and role assignments from Resource Manager. The
 * engine checks it part by part against the tenant's vault and says what is wrong.
 */
import { useState } from 'react';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import type { KeyAccessStore } from './key-access-store';

export function AzureVaultSetting({ tenant, current, store }: { tenant: string; current: string | undefined; store: KeyAccessStore }) {
  const [value, setValue] = useState(current ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await store.getState().setAzureVault(tenant, value.trim());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="ka-allow" aria-label={`Azure vault of ${tenant}`} data-testid="access-azure-vault">
      <div className="ka-section-title">Azure vault in Resource Manager</div>
      <form
        className="ka-accept ka-allow-form"
        onSubmit={(ev) => {
          ev.preventDefault();
          void save();
        }}
      >
        <label>
          Vault resource ID (the vault’s Properties page, or az keyvault show --query id)
          <input value={value} onChange={(ev) => setValue(ev.target.value)} aria-label="Vault resource ID" maxLength={400} spellCheck={false} placeholder="/subscriptions/…/resourceGroups/…/providers/Microsoft.KeyVault/vaults/…" />
        </label>
        <Button type="submit" busy={busy} disabled={value.trim() === (current ?? '')}>
          Save
        </Button>
      </form>
      {error ? <ErrorNotice error={error} onDismiss={() => setError(null)} /> : null}
    </section>
  );
}
