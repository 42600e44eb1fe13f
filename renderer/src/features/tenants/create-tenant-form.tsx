import { useState } from 'react';
import { useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import { Field } from '../../components/field';
import { describeError, fieldErrors, type ShownError } from '../../lib/errors';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function slugProblem(slug: string): string | undefined {
  if (!slug) return 'Required';
  if (!SLUG.test(slug)) return 'Use 1–63 lowercase letters, digits and hyphens, not starting or ending with a hyphen';
  return undefined;
}

export function CreateTenantForm({ onCreated, onCancel }: { onCreated: (slug: string) => void; onCancel: () => void }) {
  const { tenants } = useServices();
  const [slug, setSlug] = useState('');
  const [wrap, setWrap] = useState<'local' | 'global'>('local');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const local = submitted ? slugProblem(slug) : undefined;
  const fromEngine = fieldErrors(error, ['slug']).slug ?? (error?.code === 'conflict' ? error.message : undefined);
  const submit = async () => {
    setSubmitted(true);
    if (slugProblem(slug)) return;
    setBusy(true);
    setError(null);
    try {
      const t = await tenants.getState().create(slug, wrap);
      onCreated(t.slug);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="card create-tenant"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      noValidate
    >
      <div className="card-header">
        <div>
          <div className="card-title">New tenant</div>
          <div className="card-subtitle">Starts with master key version 1. Onboard a customer KMS key afterwards to make it customer-controlled.</div>
        </div>
      </div>
      <div className="card-body create-tenant-body">
        <Field
          label="Slug"
          value={slug}
          onChange={(v) => {
            setSlug(v.toLowerCase());
            if (error) setError(null);
          }}
          placeholder="acme"
          mono
          error={local ?? fromEngine}
          hint="Lowercase letters, digits and hyphens. Typed again to confirm destructive actions."
          disabled={busy}
        />
        <div className="field">
          <span className="field-label">Initial wrapping key</span>
          <div className="tabs" role="tablist" aria-label="Initial wrapping key">
            {(['local', 'global'] as const).map((w) => (
              <button key={w} type="button" role="tab" className="tab" aria-selected={wrap === w} onClick={() => setWrap(w)} disabled={busy}>
                {w === 'local' ? 'Local KMS' : 'Global key'}
              </button>
            ))}
          </div>
          <div className="field-hint">{wrap === 'local' ? 'The embedded software KMS whose key lives in the data folder.' : 'The platform key from the MASTER_KEY_B64 environment variable.'}</div>
        </div>
      </div>
      {error && !fromEngine ? (
        <div className="create-tenant-error">
          <ErrorNotice error={error} />
        </div>
      ) : null}
      <div className="form-footer">
        <Button variant="ghost" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" busy={busy}>
          {busy ? 'Creating…' : 'Create tenant'}
        </Button>
      </div>
    </form>
  );
}
