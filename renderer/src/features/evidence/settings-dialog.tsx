/**
 * Where a tenant's provider log is read: the fields for its provider (CloudTrail endpoint,
 * GCP logs project, the Log Analytics workspace Key Vault sends its AuditEvent logs to),
 * the provider's delivery delay and the fallback match window. Saved through
 * `evidence.settings`; a refused value is shown on its field and nothing changes.
 */
import { useEffect, useState } from 'react';
import type { EvidenceSettingsView } from '../../../../core/api/evidence-types';
import type { TenantView } from '../../../../core/api/types';
import { useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import { StepUpField } from '../../components/step-up-field';
import { ErrorNotice } from '../../components/error-notice';
import { Field } from '../../components/field';
import { describeError, fieldErrors, type ShownError } from '../../lib/errors';
import { providerLabel } from '../../lib/format';
import { useTenants } from '../tenants/tenants-store';

type Draft = Record<string, string>;

interface FieldSpec {
  key: keyof EvidenceSettingsView;
  label: string;
  hint: string;
  number?: boolean;
  mono?: boolean;
}

const FIELDS: Record<string, FieldSpec[]> = {
  aws: [
    { key: 'aws_cloudtrail_endpoint', label: 'CloudTrail endpoint', hint: 'Empty: the region’s endpoint. A FIPS or VPC endpoint otherwise.', mono: true },
    { key: 'aws_s3_endpoint', label: 'S3 endpoint (trail archive)', hint: 'Empty: the region’s endpoint. Used by evidence import from s3://.', mono: true },
    { key: 'aws_delivery_delay_minutes', label: 'Delivery delay (minutes)', hint: 'CloudTrail delivers within about 15 minutes.', number: true },
  ],
  gcp: [
    { key: 'gcp_project', label: 'Logs project', hint: 'Empty: the key’s own project.', mono: true },
    { key: 'gcp_logging_endpoint', label: 'Cloud Logging endpoint', hint: 'Empty: https://logging.googleapis.com', mono: true },
    { key: 'gcp_storage_endpoint', label: 'Cloud Storage endpoint (sink archive)', hint: 'Empty: Google’s. Used by evidence import from gs://.', mono: true },
    { key: 'gcp_delivery_delay_minutes', label: 'Delivery delay (minutes)', hint: 'How long Data Access entries may take to appear.', number: true },
  ],
  azure: [
    { key: 'azure_workspace_id', label: 'Log Analytics workspace ID', hint: 'The workspace the vault’s diagnostic setting sends AuditEvent logs to (a GUID).', mono: true },
    { key: 'azure_logs_endpoint', label: 'Logs endpoint', hint: 'Empty: https://api.loganalytics.io/v1', mono: true },
    { key: 'azure_blob_endpoint', label: 'Blob endpoint (diagnostic settings)', hint: 'Empty: https://<account>.blob.core.windows.net. Used by evidence import from azblob://.', mono: true },
    { key: 'azure_delivery_delay_minutes', label: 'Delivery delay (minutes)', hint: 'Azure Monitor logs land within about 10 minutes.', number: true },
  ],
};
const COMMON: FieldSpec[] = [{ key: 'match_window_seconds', label: 'Match window (seconds)', hint: 'How far apart a call and a record without a correlation id may be.', number: true }];

function toDraft(s: EvidenceSettingsView): Draft {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const { client, nav, tenants: tenantsStore } = useServices();
  const tenants = useTenants((s) => s.tenants).filter((t: TenantView) => t.provider in FIELDS);
  // No cloud tenant: nothing to configure; the dialog says what to do instead (no disabled Save).
  const noCloudTenant = useTenants((s) => s.loaded) && tenants.length === 0;
  const [slug, setSlug] = useState<string>('');
  const [saved, setSaved] = useState<EvidenceSettingsView | null>(null);
  const [draft, setDraft] = useState<Draft>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  // Changing where evidence is read from needs step-up (evidence_settings): a rogue log source could forge "matched".
  const [passphrase, setPassphrase] = useState('');
  const tenant = tenants.find((t) => t.slug === slug) ?? tenants[0];

  useEffect(() => {
    void tenantsStore.getState().load();
  }, [tenantsStore]);

  useEffect(() => {
    if (!tenant) return;
    let live = true;
    client.call('evidence.settings', { tenant: tenant.slug }).then(
      (s) => {
        if (!live) return;
        setError(null);
        setSaved(s);
        setDraft(toDraft(s));
      },
      (e: unknown) => live && setError(describeError(e)),
    );
    return () => {
      live = false;
    };
  }, [client, tenant]);

  const fields = tenant ? [...(FIELDS[tenant.provider] ?? []), ...COMMON] : [];
  const errors = fieldErrors(error, fields.map((f) => f.key));

  const save = async () => {
    if (!tenant || !saved) return;
    const changes: Record<string, string | number> = {};
    for (const f of fields) {
      const now = draft[f.key] ?? '';
      if (now === toDraft(saved)[f.key]) continue;
      changes[f.key] = f.number ? Number(now) : now.trim();
    }
    if (Object.keys(changes).length === 0) return onClose();
    if (!passphrase) {
      setError({ code: 'step_up_required', title: 'Step-up required', message: 'enter the operator passphrase to change these settings' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { token } = await client.call('auth.stepUp', { passphrase, purpose: 'evidence_settings', tenant: tenant.slug });
      const s = await client.call('evidence.settings', { tenant: tenant.slug, ...changes, step_up_token: token });
      setSaved(s);
      setDraft(toDraft(s));
      onClose();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Provider log settings"
      busy={busy}
      onClose={onClose}
      onSubmit={() => void save()}
      footer={
        noCloudTenant ? (
          <>
            <Button onClick={onClose}>Close</Button>
            <Button
              variant="primary"
              icon="arrow"
              onClick={() => {
                onClose();
                nav.getState().go('tenants');
              }}
            >
              Go to Tenants to onboard a key
            </Button>
          </>
        ) : (
          <>
            <Button onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" busy={busy} disabled={!tenant || !saved}>
              Save
            </Button>
          </>
        )
      }
    >
      {noCloudTenant ? (
        <div className="ev-settings-none" data-testid="log-settings-none">
          <p>
            Log settings say where Keywarden reads a tenant’s provider log (AWS CloudTrail, GCP Cloud Logging, Azure Monitor) to cross-check its KMS calls. No tenant uses a customer
            KMS key yet, so there is no provider log to read: tenants on the embedded local KMS or the global key have their calls in Keywarden’s own record only.
          </p>
          <p>
            First onboard a customer KMS key: on <strong>Tenants</strong>, pick a tenant and use <strong>Onboard customer KMS</strong> (AWS, GCP or Azure). Its log settings appear here
            afterwards.
          </p>
        </div>
      ) : tenants.length === 0 ? (
        <p className="muted">Loading tenants…</p>
      ) : (
        <div className="ev-settings">
          <div className="field">
            <label className="field-label" htmlFor="ev-settings-tenant">
              Tenant
            </label>
            <select id="ev-settings-tenant" className="input" value={tenant?.slug ?? ''} onChange={(e) => setSlug(e.target.value)}>
              {tenants.map((t) => (
                <option key={t.slug} value={t.slug}>
                  {t.slug} · {providerLabel(t.provider)} {t.kms_key_ref_suffix}
                </option>
              ))}
            </select>
          </div>
          {fields.map((f) => (
            <Field
              key={f.key}
              label={f.label}
              hint={f.hint}
              mono={f.mono ?? false}
              inputMode={f.number ? 'numeric' : undefined}
              value={draft[f.key] ?? ''}
              error={errors[f.key]}
              onChange={(v) => setDraft({ ...draft, [f.key]: v })}
            />
          ))}
          <StepUpField
            value={passphrase}
            onChange={(v) => {
              setPassphrase(v);
              if (error?.code.startsWith('step_up_')) setError(null);
            }}
            minutes={5}
            action="saving these settings"
            error={error?.code.startsWith('step_up_') ? `${error.title}: ${error.message}` : undefined}
            disabled={busy}
          />
          {error && Object.keys(errors).length === 0 && !error.code.startsWith('step_up_') ? <ErrorNotice error={error} /> : null}
        </div>
      )}
    </Dialog>
  );
}
